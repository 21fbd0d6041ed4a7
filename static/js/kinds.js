// What the pages know about the kinds of secret, apart from any page: the shapes of AWS fields,
// the credentials an admin has in hand (create-access-key JSON, the console's CSV), and file names
// that are safe to show. No DOM and no strings here, so node tests import it as it is.

// A value becomes part of a shell line or a ~/.aws/credentials file only in its real shape: a
// newline, quote or space inside one would become a line or a command of its own there.
// JavaScript's `$` (no m flag) is the end of the text, never before a trailing newline.
export const AWS_SHAPES = Object.freeze({
  access_key_id: /^[A-Z0-9]{16,128}$/,
  secret_access_key: /^[A-Za-z0-9/+=]{40}$/,
  region: /^[a-z]{2}(-[a-z]+)+-\d$/,
  session_token: /^[A-Za-z0-9/+=]+$/,
});

/** True when `value` has the shape of the AWS field `name` (a field without a shape is always fine). */
export function awsFieldOk(name, value) {
  const shape = Object.prototype.hasOwnProperty.call(AWS_SHAPES, name) ? AWS_SHAPES[name] : null;
  return shape === null || (typeof value === "string" && shape.test(value));
}

/** The names of the AWS fields present in `fields` whose values are not in their shape. */
export function malformedAwsFields(fields) {
  return Object.keys(AWS_SHAPES).filter((name) => fields && fields[name] !== undefined && !awsFieldOk(name, fields[name]));
}

function shellQuote(text) {
  return `'${text.replace(/'/g, "'\\''")}'`;
}

/**
 * The shell export lines and the [default] credentials block of an access key, or null when the
 * key id or secret is missing or any AWS field is not in its shape: never a block from a bad field.
 */
export function awsConfig(fields) {
  if (!fields || !fields.access_key_id || !fields.secret_access_key) return null;
  if (malformedAwsFields(fields).length) return null;
  const exports = [`export AWS_ACCESS_KEY_ID=${shellQuote(fields.access_key_id)}`,
    `export AWS_SECRET_ACCESS_KEY=${shellQuote(fields.secret_access_key)}`];
  const ini = ["[default]", `aws_access_key_id = ${fields.access_key_id}`, `aws_secret_access_key = ${fields.secret_access_key}`];
  if (fields.session_token) {
    exports.push(`export AWS_SESSION_TOKEN=${shellQuote(fields.session_token)}`);
    ini.push(`aws_session_token = ${fields.session_token}`);
  }
  if (fields.region) {
    exports.push(`export AWS_DEFAULT_REGION=${shellQuote(fields.region)}`);
    ini.push(`region = ${fields.region}`);
  }
  return { exports: exports.join("\n"), credentials: ini.join("\n") };
}

/** Rows of a CSV text (RFC 4180: quoted cells may hold commas, quotes and line breaks). */
export function csvRows(text) {
  const rows = [];
  let row = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') {
        quoted = false;
      } else {
        cell += ch;
      }
    } else if (ch === '"') {
      quoted = true;
    } else if (ch === ",") {
      row.push(cell);
      cell = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
    } else {
      cell += ch;
    }
  }
  if (cell !== "" || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows.filter((r) => r.some((c) => c.trim() !== ""));
}

function fromJson(text) {
  let document;
  try {
    document = JSON.parse(text);
  } catch {
    return null;
  }
  const key = document && typeof document === "object" ? document.AccessKey : null;
  if (!key || typeof key !== "object" || typeof key.AccessKeyId !== "string" || typeof key.SecretAccessKey !== "string") {
    return null;
  }
  const fields = { access_key_id: key.AccessKeyId.trim(), secret_access_key: key.SecretAccessKey.trim() };
  if (typeof key.UserName === "string" && key.UserName.trim()) fields.user_name = key.UserName.trim();
  return { source: "json", fields, leftOut: [] };
}

const CSV_COLUMNS = {
  "user name": "user_name", "access key id": "access_key_id", "secret access key": "secret_access_key",
  password: "password", "console login link": "console_login_link",
};

function fromCsv(text) {
  const rows = csvRows(text);
  if (rows.length < 2) return null;
  const names = rows[0].map((cell) => CSV_COLUMNS[cell.trim().toLowerCase()] || null);
  const row = {};
  names.forEach((name, i) => {
    if (name && rows[1][i] !== undefined && rows[1][i].trim()) row[name] = rows[1][i].trim();
  });
  if (!row.access_key_id || !row.secret_access_key) return null;
  const fields = { access_key_id: row.access_key_id, secret_access_key: row.secret_access_key };
  if (row.user_name) fields.user_name = row.user_name;
  return { source: "csv", fields, leftOut: ["password", "console_login_link"].filter((name) => row[name]) };
}

/**
 * An access key pair from what an admin has in hand: the JSON of `aws iam create-access-key` or the
 * console's credentials CSV (with or without the user name, password and console link columns).
 * Returns {source: "json"|"csv", fields: {access_key_id, secret_access_key, user_name?}, leftOut:
 * names of the CSV's other secrets that an access key does not carry}, or null for anything else.
 */
export function parseAwsCredentials(text) {
  const source = String(text ?? "").replace(/^\uFEFF/, "").trim();
  if (!source) return null;
  return fromJson(source) || fromCsv(source);
}

// Bidi overrides and other format characters make "report\u202Egpj.exe" read as "report…exe.jpg";
// control characters and line separators have no place in a name either.
const UNSAFE_IN_NAME = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/gu;

/** A file name safe to show and to save: its last path segment without invisible characters. */
export function safeFileName(name, fallback = "secret.bin") {
  const clean = String(name ?? "").replace(UNSAFE_IN_NAME, "");
  const last = clean.split(/[\\/]/).pop().trim();
  return last && last !== "." && last !== ".." ? last : fallback;
}
