// static/js/kinds.js: AWS field shapes, the blocks built from them, pasted credentials, file names.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as kinds from "../../static/js/kinds.js";

const ID = "AKIAIOSFODNN7EXAMPLE";
const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

test("exports exactly the interface the pages use", () => {
  assert.deepEqual(Object.keys(kinds).sort(),
    ["AWS_SHAPES", "awsConfig", "awsFieldOk", "csvRows", "malformedAwsFields", "parseAwsCredentials", "safeFileName"]);
});

test("the shapes accept real AWS values", () => {
  for (const id of [ID, "ASIAY34FZKBOKMUTVV7A", "A".repeat(16), "Z9".repeat(64)]) assert.ok(kinds.awsFieldOk("access_key_id", id), id);
  for (const key of [SECRET, "a".repeat(39) + "=", "+/".repeat(20)]) assert.ok(kinds.awsFieldOk("secret_access_key", key), key);
  for (const region of ["eu-west-1", "us-east-1", "us-gov-west-1", "ap-southeast-2", "cn-north-1", "il-central-1"]) {
    assert.ok(kinds.awsFieldOk("region", region), region);
  }
  assert.ok(kinds.awsFieldOk("session_token", "IQoJb3JpZ2luX2VjEHcaCXVzLWVhc3QtMSJH/+=="));
});

test("the shapes refuse anything that could become a line, a quote or a command", () => {
  const bad = {
    access_key_id: [`${ID}\n[evil]\ncredential_process = sh -c id`, `${ID}\n`, `${ID} `, "akiaiosfodnn7example", "A".repeat(15),
      "A".repeat(129), `${ID}'`, "", "AKIA IOSFODNN7EXAMPLE", "ＡＫＩＡIOSFODNN7EXAMPLE"],
    secret_access_key: [SECRET.slice(1), `${SECRET}x`, `${SECRET.slice(1)}\n`, `${SECRET.slice(2)}\r\n`, `${SECRET.slice(1)}'`,
      `${SECRET.slice(1)} `, `${SECRET.slice(1)}-`],
    region: ["eu-west-1\ncredential_process = sh", "EU-WEST-1", "eu-west", "euwest-1", "eu-west-12", "eu-west-1 ", "e-west-1", "eu--west-1"],
    session_token: ["abc\ndef", "abc def", "abc'", "", "abc-def"],
  };
  for (const [name, values] of Object.entries(bad)) {
    for (const value of values) assert.equal(kinds.awsFieldOk(name, value), false, `${name}: ${JSON.stringify(value)}`);
  }
  assert.equal(kinds.awsFieldOk("access_key_id", 1234567890123456), false);
  assert.equal(kinds.awsFieldOk("note", "anything\ngoes"), true);
  assert.equal(kinds.awsFieldOk("constructor", "x\ny"), true);
});

test("malformedAwsFields names the present fields that fail", () => {
  assert.deepEqual(kinds.malformedAwsFields({ access_key_id: ID, secret_access_key: SECRET, region: "eu-west-1" }), []);
  assert.deepEqual(kinds.malformedAwsFields({ access_key_id: `${ID}\n`, secret_access_key: SECRET, region: "Mars", note: "\n" }),
    ["access_key_id", "region"]);
  assert.deepEqual(kinds.malformedAwsFields({}), []);
});

test("awsConfig builds the exports and the credentials block from good fields", () => {
  assert.deepEqual(kinds.awsConfig({ access_key_id: ID, secret_access_key: SECRET, region: "eu-west-1", note: "it's\nfine" }), {
    exports: `export AWS_ACCESS_KEY_ID='${ID}'\nexport AWS_SECRET_ACCESS_KEY='${SECRET}'\nexport AWS_DEFAULT_REGION='eu-west-1'`,
    credentials: `[default]\naws_access_key_id = ${ID}\naws_secret_access_key = ${SECRET}\nregion = eu-west-1`,
  });
  const withToken = kinds.awsConfig({ access_key_id: ID, secret_access_key: SECRET, session_token: "Zm9v+/==" });
  assert.match(withToken.exports, /^export AWS_SESSION_TOKEN='Zm9v\+\/=='$/m);
  assert.match(withToken.credentials, /^aws_session_token = Zm9v\+\/==$/m);
});

test("awsConfig builds nothing when any AWS field is missing or malformed", () => {
  const evil = `${ID}\n[evil]\ncredential_process = sh -c id`;
  for (const fields of [
    { access_key_id: evil, secret_access_key: SECRET },
    { access_key_id: ID, secret_access_key: `${SECRET.slice(1)}\n` },
    { access_key_id: ID, secret_access_key: SECRET, region: "eu-west-1\ncredential_process = sh -c id" },
    { access_key_id: ID, secret_access_key: SECRET, session_token: "x\n[profile evil]" },
    { access_key_id: ID },
    { secret_access_key: SECRET },
    {},
    null,
  ]) {
    assert.equal(kinds.awsConfig(fields), null, JSON.stringify(fields));
  }
});

test("the JSON of aws iam create-access-key fills the fields", () => {
  const json = JSON.stringify({ AccessKey: { UserName: "deploy-bot", AccessKeyId: ID, Status: "Active", SecretAccessKey: SECRET,
    CreateDate: "2026-01-01T00:00:00+00:00" } }, null, 4);
  assert.deepEqual(kinds.parseAwsCredentials(json),
    { source: "json", fields: { access_key_id: ID, secret_access_key: SECRET, user_name: "deploy-bot" }, leftOut: [] });
  assert.deepEqual(kinds.parseAwsCredentials(`\uFEFF  ${JSON.stringify({ AccessKey: { AccessKeyId: ID, SecretAccessKey: SECRET } })}\n`),
    { source: "json", fields: { access_key_id: ID, secret_access_key: SECRET }, leftOut: [] });
});

test("the console's credentials CSV fills the fields, in both layouts", () => {
  const full = "User name,Password,Access key ID,Secret access key,Console login link\r\n"
    + `deploy-bot,"p,ass""word",${ID},${SECRET},https://123456789012.signin.aws.amazon.com/console\r\n`;
  assert.deepEqual(kinds.parseAwsCredentials(full), {
    source: "csv", fields: { access_key_id: ID, secret_access_key: SECRET, user_name: "deploy-bot" },
    leftOut: ["password", "console_login_link"],
  });
  assert.deepEqual(kinds.parseAwsCredentials(`\uFEFFAccess key ID,Secret access key\n${ID},${SECRET}\n`),
    { source: "csv", fields: { access_key_id: ID, secret_access_key: SECRET }, leftOut: [] });
});

test("anything else is not taken for credentials", () => {
  for (const text of ["", "   ", ID, `${ID} ${SECRET}`, "{}", '{"AccessKey": {"AccessKeyId": 1, "SecretAccessKey": "x"}}', "[1, 2]", "null",
    "Access key ID,Secret access key\n", `Access key ID,Secret access key\n${ID},\n`, "a,b\nc,d\n", undefined, null]) {
    assert.equal(kinds.parseAwsCredentials(text), null, JSON.stringify(text));
  }
});

test("csvRows reads quotes, quoted line breaks and blank lines", () => {
  assert.deepEqual(kinds.csvRows('a,"b ""q"", c"\n\n"line\nbreak",x\r\n'), [["a", 'b "q", c'], ["line\nbreak", "x"]]);
  assert.deepEqual(kinds.csvRows("a,b"), [["a", "b"]]);
});

test("safeFileName removes bidi, format and control characters, and any path", () => {
  assert.equal(kinds.safeFileName("report\u202Egpj.exe"), "reportgpj.exe");
  assert.equal(kinds.safeFileName("a\u2066b\u2069\u200Bc\u200Fd\u061C.txt"), "abcd.txt");
  assert.equal(kinds.safeFileName("line\nbreak\r\t\u0000\u007F\u0085.txt"), "linebreak.txt");
  assert.equal(kinds.safeFileName("sep\u2028ara\u2029tors\uFEFF.txt"), "separators.txt");
  assert.equal(kinds.safeFileName("lone\uD800surrogate.txt"), "lonesurrogate.txt");
  assert.equal(kinds.safeFileName("../../etc/passwd"), "passwd");
  assert.equal(kinds.safeFileName("C:\\Users\\me\\credentials.csv"), "credentials.csv");
  assert.equal(kinds.safeFileName("credentials.csv"), "credentials.csv");
  assert.equal(kinds.safeFileName("résumé 2026 ✓.pdf"), "résumé 2026 ✓.pdf");
  for (const empty of ["", "\u202E", "dir/", "..", ".", " ", undefined, null]) assert.equal(kinds.safeFileName(empty), "secret.bin");
  assert.equal(kinds.safeFileName("", "x.bin"), "x.bin");
});
