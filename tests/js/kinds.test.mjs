// static/js/kinds.js: AWS field shapes, the blocks built from them, pasted credentials, file names.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as kinds from "../../static/js/kinds.js";

const ID = "AKIAIOSFODNN7EXAMPLE";
const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

test("exports exactly the interface the pages use", () => {
  assert.deepEqual(Object.keys(kinds).sort(),
    ["AWS_SHAPES", "awsConfig", "awsFieldOk", "csvRecords", "csvRows", "malformedAwsFields", "parseAwsCredentials",
      "parseExpiration", "safeFileName"]);
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
    credentialProcess: `{"Version": 1, "AccessKeyId": "${ID}", "SecretAccessKey": "${SECRET}"}`,
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

test("an expiration is AWS's ISO 8601 of a real date, read as Python's datetime reads it", () => {
  const when = (text) => kinds.parseExpiration(text)?.toISOString() ?? null;
  assert.equal(when("2026-11-24T08:00:00Z"), "2026-11-24T08:00:00.000Z");
  assert.equal(when("2026-11-24T08:00:00+00:00"), "2026-11-24T08:00:00.000Z");
  assert.equal(when("2026-11-24T08:00:00.123456-05:30"), "2026-11-24T13:30:00.123Z");
  assert.equal(when("2028-02-29T00:00:00Z"), "2028-02-29T00:00:00.000Z");
  assert.equal(when("0001-01-01T00:00:00Z"), "0001-01-01T00:00:00.000Z");
  assert.equal(when("2026-11-24T08:00:00+00:60"), "2026-11-24T07:00:00.000Z"); // Python takes it too
  for (const bad of ["2026-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "2026-04-31T00:00:00Z", "2026-13-01T00:00:00Z",
    "2026-11-24T24:00:00Z", "2026-11-24T08:60:00Z", "2026-11-24T08:00:60Z", "2026-11-24T08:00:00+24:00",
    "2026-11-24T08:00:00+23:99", "0000-01-01T00:00:00Z", "2026-11-24T08:00:00Z\n", "2026-11-24 08:00:00Z",
    "2026-11-24T08:00:00.1234567Z", "2026-11-24T08:00:00", "", null, 1795507200]) {
    assert.equal(when(bad), null, JSON.stringify(bad));
    if (typeof bad === "string") assert.equal(kinds.awsFieldOk("expiration", bad), false, bad);
  }
});

test("awsConfig for an aws-session needs its token and builds the credential_process document", () => {
  const fields = { access_key_id: "ASIAY34FZKBOKMUTVV7A", secret_access_key: SECRET, session_token: "IQoJb3Jp+/==",
    expiration: "2026-11-24T08:00:00Z", region: "eu-west-1", note: "arn:aws:sts::123456789012:assumed-role/deploy/s" };
  const config = kinds.awsConfig(fields, "aws-session");
  assert.equal(config.exports, "export AWS_ACCESS_KEY_ID='ASIAY34FZKBOKMUTVV7A'\n"
    + `export AWS_SECRET_ACCESS_KEY='${SECRET}'\nexport AWS_SESSION_TOKEN='IQoJb3Jp+/=='\nexport AWS_DEFAULT_REGION='eu-west-1'`);
  assert.equal(config.credentials, "[default]\naws_access_key_id = ASIAY34FZKBOKMUTVV7A\n"
    + `aws_secret_access_key = ${SECRET}\naws_session_token = IQoJb3Jp+/==\nregion = eu-west-1`);
  // As app/core/kinds.py's credential_process_json prints it (json.dumps: ", " and ": ").
  assert.equal(config.credentialProcess, '{"Version": 1, "AccessKeyId": "ASIAY34FZKBOKMUTVV7A", '
    + `"SecretAccessKey": "${SECRET}", "SessionToken": "IQoJb3Jp+/==", "Expiration": "2026-11-24T08:00:00Z"}`);
  assert.deepEqual(JSON.parse(config.credentialProcess), { Version: 1, AccessKeyId: "ASIAY34FZKBOKMUTVV7A", SecretAccessKey: SECRET,
    SessionToken: "IQoJb3Jp+/==", Expiration: "2026-11-24T08:00:00Z" });
  const { session_token: _token, ...withoutToken } = fields;
  assert.equal(kinds.awsConfig(withoutToken, "aws-session"), null);
  assert.notEqual(kinds.awsConfig(withoutToken, "aws-access-key"), null);
  for (const [name, value] of [["expiration", "2026-11-24T08:00:00Z\n[evil]"], ["expiration", "2026-02-30T00:00:00Z"],
    ["session_token", "abc\ndef"], ["access_key_id", "ASIA Y34"]]) {
    assert.equal(kinds.awsConfig({ ...fields, [name]: value }, "aws-session"), null, `${name}: ${value}`);
  }
});

test("csvRecords numbers each record by the line it ends on, as Python's csv reader does", () => {
  const text = 'h1,h2\r\na,b\n\n"multi\nline",c\rlast,"q""uote"';
  assert.deepEqual(kinds.csvRecords(text), [
    { line: 1, cells: ["h1", "h2"] }, { line: 2, cells: ["a", "b"] }, { line: 3, cells: [] },
    { line: 5, cells: ["multi\nline", "c"] }, { line: 6, cells: ["last", 'q"uote'] }]);
  // A quote inside a plain cell is a character, as Python reads it (not the start of a quoted cell).
  assert.deepEqual(kinds.csvRecords('ab"c,d\n"x"y,z\n'), [{ line: 1, cells: ['ab"c', "d"] }, { line: 2, cells: ["xy", "z"] }]);
  assert.deepEqual(kinds.csvRecords("a,\n,"), [{ line: 1, cells: ["a", ""] }, { line: 2, cells: ["", ""] }]);
});

test("the shapes are app/core/kinds.py's, pattern for pattern", async () => {
  const { readFileSync } = await import("node:fs");
  const python = readFileSync(new URL("../../app/core/kinds.py", import.meta.url), "utf8");
  const pattern = (name) => new RegExp(`^${name}_PATTERN = r"([^"]+)"`, "m").exec(python)[1];
  const names = { access_key_id: "AWS_ACCESS_KEY_ID", secret_access_key: "AWS_SECRET_ACCESS_KEY", region: "AWS_REGION",
    session_token: "AWS_SESSION_TOKEN", expiration: "AWS_EXPIRATION" };
  assert.deepEqual(Object.keys(kinds.AWS_SHAPES).sort(), Object.keys(names).sort());
  for (const [ours, theirs] of Object.entries(names)) assert.equal(kinds.AWS_SHAPES[ours].source, pattern(theirs), ours);
});
