// static/js/awssession.js: temporary credentials recognised by the same rules as app/core/kinds.py's
// session_fields (each case below was checked against it), and shlex's reading of one shell word.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as session from "../../static/js/awssession.js";

const ID = "ASIAY34FZKBOKMUTVV7A";
const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const TOKEN = "IQoJb3JpZ2luX2VjEHcaCXVzLWVhc3QtMSJH/+==";
const BASE = "export AWS_ACCESS_KEY_ID=A\nexport AWS_SECRET_ACCESS_KEY=B\n";

test("exports exactly the interface the pages use", () => {
  assert.deepEqual(Object.keys(session).sort(), ["parseAwsSession", "shellWords"]);
});

test("the JSON of aws sts assume-role fills every field, the role's ARN as the note", () => {
  const text = JSON.stringify({ Credentials: { AccessKeyId: ID, SecretAccessKey: SECRET, SessionToken: TOKEN,
    Expiration: "2026-11-24T08:00:00+00:00" }, AssumedRoleUser: { AssumedRoleId: "AROA:s", Arn: "arn:aws:sts::123456789012:assumed-role/deploy/s" } }, null, 4);
  assert.deepEqual(session.parseAwsSession(`\uFEFF${text}\n`), { source: "sts", fields: { access_key_id: ID, secret_access_key: SECRET,
    session_token: TOKEN, expiration: "2026-11-24T08:00:00+00:00", note: "arn:aws:sts::123456789012:assumed-role/deploy/s" } });
  // get-session-token: no role; get-federation-token: the federated user.
  const plain = JSON.stringify({ Credentials: { AccessKeyId: ID, SecretAccessKey: SECRET, SessionToken: TOKEN } });
  assert.deepEqual(session.parseAwsSession(plain).fields, { access_key_id: ID, secret_access_key: SECRET, session_token: TOKEN });
  const federated = JSON.stringify({ Credentials: { AccessKeyId: ID, SecretAccessKey: SECRET, SessionToken: TOKEN },
    FederatedUser: { Arn: "arn:aws:sts::123456789012:federated-user/bob" } });
  assert.equal(session.parseAwsSession(federated).fields.note, "arn:aws:sts::123456789012:federated-user/bob");
});

test("export lines fill the fields, quoted or not, with comments and blank lines", () => {
  const text = `export AWS_ACCESS_KEY_ID=${ID}\nexport AWS_SECRET_ACCESS_KEY='${SECRET}'\nexport AWS_SESSION_TOKEN="${TOKEN}"\n`
    + "export AWS_CREDENTIAL_EXPIRATION=2026-11-24T08:00:00Z\n";
  assert.deepEqual(session.parseAwsSession(text), { source: "exports", fields: { access_key_id: ID, secret_access_key: SECRET,
    session_token: TOKEN, expiration: "2026-11-24T08:00:00Z" } });
  assert.deepEqual(session.parseAwsSession("# from aws configure export-credentials\nAWS_ACCESS_KEY_ID=A\r\nAWS_SECRET_ACCESS_KEY=B\r\n\r\n"
    + "AWS_SESSION_TOKEN=C\r\nAWS_REGION=eu-west-1").fields,
  { access_key_id: "A", secret_access_key: "B", session_token: "C", region: "eu-west-1" });
  assert.equal(session.parseAwsSession(`${BASE}export AWS_SESSION_TOKEN="a\\"b\\$c"`).fields.session_token, 'a"b\\$c');
  assert.equal(session.parseAwsSession(`${BASE}export AWS_SESSION_TOKEN=a\\ b`).fields.session_token, "a b");
  assert.equal(session.parseAwsSession(`${BASE}export AWS_SESSION_TOKEN=''`).fields.session_token, "");
  assert.equal(session.parseAwsSession(`${BASE}   AWS_SESSION_TOKEN=x#y   `).fields.session_token, "x#y");
});

test("anything else is not taken for temporary credentials", () => {
  for (const text of [
    "", "just text", "[1,2]", "null", JSON.stringify({ Credentials: { AccessKeyId: "A", SecretAccessKey: "x" } }),
    JSON.stringify({ Credentials: { AccessKeyId: "A", SecretAccessKey: "x", SessionToken: 5 } }),
    JSON.stringify({ AccessKey: { AccessKeyId: ID, SecretAccessKey: SECRET } }), // a long-term key: not a session
    `${BASE}export AWS_SESSION_TOKEN=C\necho hi`, // a script that merely contains them
    `${BASE}export AWS_SESSION_TOKEN='C D'x y`, `${BASE}export AWS_SESSION_TOKEN=C D`, `${BASE}export AWS_SESSION_TOKEN='C`,
    `${BASE}export AWS_SESSION_TOKEN=x\\`, `${BASE}export AWS_SESSION_TOKEN=x\nexport HOME=/root`, BASE, undefined, null,
  ]) {
    assert.equal(session.parseAwsSession(text), null, JSON.stringify(text));
  }
});

test("shellWords reads words as shlex.split does", () => {
  assert.deepEqual(session.shellWords("a 'b c' \"d\\\"e\" f\\ g"), ["a", "b c", 'd"e', "f g"]);
  assert.deepEqual(session.shellWords("'' x"), ["", "x"]);
  assert.deepEqual(session.shellWords('"a\\nb"'), ["a\\nb"]); // only \" and \\ are escapes inside double quotes
  assert.deepEqual(session.shellWords("a'b'\"c\"d"), ["abcd"]);
  assert.deepEqual(session.shellWords("  "), []);
  for (const bad of ["'open", '"open', "end\\", '"a\\']) assert.equal(session.shellWords(bad), null, bad);
});
