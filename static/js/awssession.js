// Temporary AWS credentials (an aws-session) as an admin has them in hand: the JSON that STS prints,
// or export lines. No DOM and no strings: node tests import it as it is. The same rules as
// app/core/kinds.py's session_fields, so the create page and `burnlink send` recognise the same texts.

const SESSION_REQUIRED = ["access_key_id", "secret_access_key", "session_token"];
const STS_NAMES = { AccessKeyId: "access_key_id", SecretAccessKey: "secret_access_key", SessionToken: "session_token",
  Expiration: "expiration" };

function fromStsJson(text) {
  let document;
  try {
    document = JSON.parse(text);
  } catch {
    return null;
  }
  const credentials = document && typeof document === "object" && !Array.isArray(document) ? document.Credentials : null;
  if (!credentials || typeof credentials !== "object" || Array.isArray(credentials)) return null;
  const fields = {};
  for (const [theirs, ours] of Object.entries(STS_NAMES)) {
    if (typeof credentials[theirs] === "string") fields[ours] = credentials[theirs];
  }
  if (SESSION_REQUIRED.some((name) => !(name in fields))) return null;
  // Who these credentials act as, so the recipient knows what they hold.
  for (const member of ["AssumedRoleUser", "FederatedUser"]) {
    const arn = document[member] && typeof document[member] === "object" ? document[member].Arn : null;
    if (typeof arn === "string" && arn) fields.note = arn;
  }
  return { source: "sts", fields };
}

// The variables of export lines, as `aws configure export-credentials --format env` prints them.
const EXPORT_NAMES = { AWS_ACCESS_KEY_ID: "access_key_id", AWS_SECRET_ACCESS_KEY: "secret_access_key",
  AWS_SESSION_TOKEN: "session_token", AWS_CREDENTIAL_EXPIRATION: "expiration", AWS_DEFAULT_REGION: "region",
  AWS_REGION: "region" };
const EXPORT_LINE = /^(?:export[ \t\n\r\f\v]+)?([A-Z_]+)=(.*)$/;
const SHELL_SPACE = " \t\r\n";

/** The words of `text` as Python's shlex.split reads them (POSIX rules, no comments), or null. */
export function shellWords(text) {
  const words = [];
  let word = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (SHELL_SPACE.includes(ch)) {
      if (word !== null) words.push(word);
      word = null;
      continue;
    }
    word ??= "";
    if (ch === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) return null;
      word += text.slice(i + 1, end);
      i = end;
    } else if (ch === '"') {
      // Inside double quotes a backslash escapes only a double quote or itself, as in shlex.
      for (i++; ; i++) {
        if (i >= text.length) return null;
        if (text[i] === '"') break;
        if (text[i] === "\\" && (text[i + 1] === '"' || text[i + 1] === "\\")) i++;
        word += text[i];
      }
    } else if (ch === "\\") {
      if (i + 1 >= text.length) return null;
      word += text[++i];
    } else {
      word += ch;
    }
  }
  if (word !== null) words.push(word);
  return words;
}

// The line breaks Python's str.splitlines() knows, \r\n first.
const LINE_BREAKS = new RegExp(`\r\n|[${["\n", "\r", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"].join("")}]`);

function fromExportLines(text) {
  const fields = {};
  for (const raw of text.split(LINE_BREAKS)) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const match = EXPORT_LINE.exec(line);
    if (!match || !Object.prototype.hasOwnProperty.call(EXPORT_NAMES, match[1])) return null;
    const words = shellWords(match[2]);
    if (!words || words.length !== 1) return null;
    fields[EXPORT_NAMES[match[1]]] = words[0];
  }
  if (SESSION_REQUIRED.some((name) => !(name in fields))) return null;
  return { source: "exports", fields };
}

/**
 * Temporary credentials (an `aws-session`) from what an admin has in hand: the JSON of `aws sts
 * assume-role`, `get-session-token` or `get-federation-token` (its Credentials object; the note is
 * the role or federated user's ARN), or `export AWS_…=…` lines with a session token, every line
 * such an assignment, blank or a comment. Returns {source: "sts"|"exports", fields} or null; the
 * same rules as app/core/kinds.py's session_fields, so the page and `burnlink send` agree.
 */
export function parseAwsSession(text) {
  const source = String(text ?? "").replace(/^\uFEFF/, "").trim();
  if (!source) return null;
  return fromStsJson(source) || fromExportLines(source);
}
