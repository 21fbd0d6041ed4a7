// What the pages know about the kinds of secret, apart from any page: the shapes of AWS fields,
// the credentials an admin has in hand (create-access-key JSON, the console's CSV, STS output and
// export lines), and file names that are safe to show. No DOM and no strings here, so node tests
// import it as it is. app/core/kinds.py holds the same shapes and recognition rules for the CLI.

// A value becomes part of a shell line or a ~/.aws/credentials file only in its real shape: a
// newline, quote or space inside one would become a line or a command of its own there.
// JavaScript's `$` (no m flag) is the end of the text, never before a trailing newline, and `\d`
// (no u flag) only the ASCII digits.
export const AWS_SHAPES = Object.freeze({
  access_key_id: /^[A-Z0-9]{16,128}$/,
  secret_access_key: /^[A-Za-z0-9/+=]{40}$/,
  region: /^[a-z]{2}(-[a-z]+)+-\d$/,
  session_token: /^[A-Za-z0-9/+=]+$/,
  // ISO 8601 as AWS prints it: 2026-11-24T08:00:00Z (the API), 2026-11-24T08:00:00+00:00 (the CLI).
  expiration: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$/,
});

// The fields each AWS kind cannot do without.
const AWS_REQUIRED = Object.freeze({
  "aws-access-key": ["access_key_id", "secret_access_key"],
  "aws-session": ["access_key_id", "secret_access_key", "session_token"],
});

/**
 * The instant an `expiration` of its real shape names, as a Date, or null: the wrong shape, or a
 * date that does not exist (month 13, 31 April), which Python's datetime refuses as well.
 */
export function parseExpiration(value) {
  if (typeof value !== "string" || !AWS_SHAPES.expiration.test(value)) return null;
  const [, y, mo, d, h, mi, s, frac, zone] =
    /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/.exec(value);
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  if (year < 1 || !days || day < 1 || day > days || hour > 23 || minute > 59 || second > 59) return null;
  let offset = 0;
  if (zone !== "Z") {
    const [oh, om] = zone.slice(1).split(":").map(Number);
    // Python takes any offset shorter than a day ("+00:60" too); so does this.
    if (oh * 60 + om >= 24 * 60) return null;
    offset = (zone[0] === "-" ? -1 : 1) * (oh * 60 + om);
  }
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day); // not Date.UTC: it reads years below 100 as 19xx
  date.setUTCHours(hour, minute, second, frac ? Math.floor(Number(`0.${frac}`) * 1000) : 0);
  return new Date(date.getTime() - offset * 60000);
}

/** True when `value` has the shape of the AWS field `name` (a field without a shape is always fine). */
export function awsFieldOk(name, value) {
  const shape = Object.prototype.hasOwnProperty.call(AWS_SHAPES, name) ? AWS_SHAPES[name] : null;
  if (shape === null) return true;
  if (name === "expiration") return parseExpiration(value) !== null;
  return typeof value === "string" && shape.test(value);
}

/** The names of the AWS fields present in `fields` whose values are not in their shape. */
export function malformedAwsFields(fields) {
  return Object.keys(AWS_SHAPES).filter((name) => fields && fields[name] !== undefined && !awsFieldOk(name, fields[name]));
}

function shellQuote(text) {
  return `'${text.replace(/'/g, "'\\''")}'`;
}

/**
 * The forms of an AWS key (`kind` aws-access-key or aws-session): shell export lines, a [default]
 * credentials block and the JSON document a `credential_process` prints. Null when a field the
 * kind needs is missing or any AWS field is not in its shape: never a form from a bad field.
 */
export function awsConfig(fields, kind = "aws-access-key") {
  const required = AWS_REQUIRED[kind] || AWS_REQUIRED["aws-access-key"];
  if (!fields || required.some((name) => !fields[name])) return null;
  if (malformedAwsFields(fields).length) return null;
  const exports = [`export AWS_ACCESS_KEY_ID=${shellQuote(fields.access_key_id)}`,
    `export AWS_SECRET_ACCESS_KEY=${shellQuote(fields.secret_access_key)}`];
  const ini = ["[default]", `aws_access_key_id = ${fields.access_key_id}`, `aws_secret_access_key = ${fields.secret_access_key}`];
  const processDoc = [["Version", 1], ["AccessKeyId", fields.access_key_id], ["SecretAccessKey", fields.secret_access_key]];
  if (fields.session_token) {
    exports.push(`export AWS_SESSION_TOKEN=${shellQuote(fields.session_token)}`);
    ini.push(`aws_session_token = ${fields.session_token}`);
    processDoc.push(["SessionToken", fields.session_token]);
  }
  if (fields.expiration) processDoc.push(["Expiration", fields.expiration]);
  if (fields.region) {
    exports.push(`export AWS_DEFAULT_REGION=${shellQuote(fields.region)}`);
    ini.push(`region = ${fields.region}`);
  }
  // Spaced as Python's json.dumps writes it, so the page and `burnlink get` print the same document.
  const credentialProcess = `{${processDoc.map(([name, value]) => `${JSON.stringify(name)}: ${JSON.stringify(value)}`).join(", ")}}`;
  return { exports: exports.join("\n"), credentials: ini.join("\n"), credentialProcess };
}

/**
 * The records of a CSV text as [{line, cells}], read as Python's csv module reads the console's
 * files: a quote opens a quoted cell only at the cell's start, "" inside one is a quote, and a
 * quoted cell may hold commas and line breaks. `line` is the number of the line the record ends
 * on (Python's reader.line_num), so a bad row is named where an editor shows it.
 */
export function csvRecords(text) {
  const records = [];
  let row = [];
  let cell = "";
  let state = "start"; // start of a cell, in a plain cell, in a quoted one, just after a quote in one
  let line = 1;
  const endCell = () => {
    row.push(cell);
    cell = "";
    state = "start";
  };
  const endRecord = () => {
    if (row.length || cell !== "" || state !== "start") endCell();
    records.push({ line, cells: row });
    row = [];
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    // A line break is \n, \r or \r\n, as Python's universal newlines count them.
    const brk = ch === "\r" && text[i + 1] === "\n" ? "\r\n" : ch === "\n" || ch === "\r" ? ch : "";
    i += brk.length > 1 ? 1 : 0;
    if (state === "quoted") {
      if (ch === '"') state = "quote";
      else cell += brk || ch;
      if (brk) line++;
    } else if (state === "quote" && ch === '"') {
      cell += '"';
      state = "quoted";
    } else if (ch === ",") {
      endCell();
    } else if (brk) {
      endRecord();
      line++;
    } else if (state === "start" && ch === '"') {
      state = "quoted";
    } else {
      cell += ch;
      state = "plain";
    }
  }
  if (row.length || cell !== "" || state !== "start") endRecord();
  return records;
}

/** Rows of a CSV text (as csvRecords reads it), blank lines left out. */
export function csvRows(text) {
  return csvRecords(text).map((record) => record.cells).filter((r) => r.some((c) => c.trim() !== ""));
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
