// static/js/bulk.js: the console's users CSV read with burnlink bulk's choices and refusals (every
// row below was checked against app/cli/bulk.py's read_rows and row_payload), and the three files.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as bulk from "../../static/js/bulk.js";

const ID = "AKIAIOSFODNN7EXAMPLE";
const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const URL_ = "https://123456789012.signin.aws.amazon.com/console";
const CSV = [
  "\uFEFFUser name,Password,Access key ID,Secret access key,Console login link",
  `alice,Temp#Pass-2026!,${ID},${SECRET},${URL_}`,
  `bob,,${ID},${SECRET},`,
  `carol,Pw-1,,,${URL_}`,
  "dave,Pw-2,,,",
  "",
  ",,,,",
  '"eve smith",Pw-3,,,https://x.example/console',
  `frank,,${ID},,`,
  `gina,,,${SECRET},`,
  `hank,,akia-bad,${SECRET},`,
  "ivan,Pw-4,,,http://insecure.example/console",
  "judy,,,,",
  `alice,Pw-5,,,${URL_}`,
  `,Pw-6,,,${URL_}`,
  `"ken\nmulti",Pw-7,,,${URL_}`,
  `leo,"Pw,""8",,,${URL_}`,
  `mia,Pw-9,,,${URL_},extra`,
  `nick,,,,${URL_}`,
].join("\r\n");

test("each row becomes the secret burnlink bulk makes of it, or its refusal by line number", () => {
  const rows = bulk.readUsersCsv(CSV, (user) => `IAM user ${user}`);
  const seen = rows.map((row) => [row.line, row.user, row.problem ? row.problem.key : row.kind]);
  assert.deepEqual(seen, [
    [2, "alice", "aws-access-key"], [3, "bob", "aws-access-key"], [4, "carol", "console-login"], [5, "dave", "bulk_err_password_alone"],
    [8, "eve smith", "bulk_err_user_name"], [9, "frank", "bulk_err_key_alone"], [10, "gina", "bulk_err_secret_alone"],
    [11, "hank", "bulk_err_key_shape"], [12, "ivan", "bulk_err_link_https"], [13, "judy", "bulk_err_nothing"],
    [14, "alice", "bulk_err_twice"], [15, "", "bulk_err_no_user"], [17, "ken\nmulti", "bulk_err_user_name"],
    [18, "leo", "console-login"], [19, "mia", "bulk_err_columns"], [20, "nick", "bulk_err_nothing"],
  ]);
  assert.deepEqual(rows[0].fields, { access_key_id: ID, secret_access_key: SECRET, sign_in_url: URL_, username: "alice",
    password: "Temp#Pass-2026!", note: "IAM user alice" });
  assert.deepEqual(rows[1].fields, { access_key_id: ID, secret_access_key: SECRET, note: "IAM user bob" });
  assert.deepEqual(rows[2].fields, { sign_in_url: URL_, username: "carol", password: "Pw-1", note: "IAM user carol" });
  assert.equal(rows[13].fields.password, 'Pw,"8');
  assert.deepEqual(rows[7].problem.vars, { fields: { exact: "access_key_id" } });
  assert.deepEqual(rows[10].problem.vars, { user: { exact: "alice" } });
});

test("a file that is not the console's users CSV is refused whole", () => {
  for (const text of ["", "a,b\n1,2\n", "User name,Note\nalice,x\n", "Access key ID,Secret access key\nA,B\n", "just text"]) {
    assert.equal(bulk.readUsersCsv(text), null, JSON.stringify(text));
  }
  assert.deepEqual(bulk.readUsersCsv("user name,ACCESS KEY ID,Secret Access Key\n"), []);
});

test("the three files are CSV as Python's csv module writes them", () => {
  const made = [{ user: "alice", link: "https://b.example/s/X#K", code: "7K4MQ-2XR9D", id: "X", token: "t.o.k" },
    { user: "o,brien", link: "https://b.example/s/Y#L", code: 'A"B', id: "Y", token: "u" }];
  assert.equal(bulk.outputCsv("links", made), 'user,link\nalice,https://b.example/s/X#K\n"o,brien",https://b.example/s/Y#L\n');
  assert.equal(bulk.outputCsv("codes", made), 'user,code\nalice,7K4MQ-2XR9D\n"o,brien","A""B"\n');
  assert.equal(bulk.outputCsv("tokens", made), 'user,id,token\nalice,X,t.o.k\n"o,brien",Y,u\n');
  assert.equal(bulk.outputCsv("links", []), "user,link\n");
  assert.equal(bulk.outputName("new-users.csv", "links"), "new-users.links.csv");
  assert.equal(bulk.outputName("team.CSV", "tokens"), "team.tokens.csv");
  assert.equal(bulk.outputName("", "codes"), "users.codes.csv");
});
