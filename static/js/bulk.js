// The create page's bulk mode without the DOM: the console's users CSV read row by row, with the
// same choices and the same refusals as `burnlink bulk` (app/cli/bulk.py), and the three CSV files
// it hands back. No strings: a refusal is a catalog key. Node tests import it as it is.
import { awsFieldOk, csvRecords } from "./kinds.js";

// The console's column names (compared without case), and what each is called here.
const COLUMNS = { "user name": "user", password: "password", "access key id": "access_key_id",
  "secret access key": "secret_access_key", "console login link": "sign_in_url" };
const IAM_USER_NAME = /^[A-Za-z0-9_+=,.@-]{1,64}$/;
export const OUTPUTS = Object.freeze({ links: ["user", "link"], codes: ["user", "code"], tokens: ["user", "id", "token"] });

function problem(key, vars = {}) {
  return { key, vars };
}

/** {user, kind, fields} of one row, or {problem} saying what is wrong with it (as row_payload does). */
export function rowSecret(row, noteFor) {
  if (row.tooLong) return { problem: problem("bulk_err_columns") };
  const user = row.user || "";
  if (!user) return { problem: problem("bulk_err_no_user") };
  if (!IAM_USER_NAME.test(user)) return { problem: problem("bulk_err_user_name") };
  let fields = {};
  const keyId = row.access_key_id || "";
  const secret = row.secret_access_key || "";
  if (keyId || secret) {
    if (!(keyId && secret)) return { problem: problem(keyId ? "bulk_err_key_alone" : "bulk_err_secret_alone") };
    fields = { access_key_id: keyId, secret_access_key: secret };
    // A console download is never like this: an edited file, so nothing is guessed.
    const odd = ["access_key_id", "secret_access_key"].filter((name) => !awsFieldOk(name, fields[name]));
    if (odd.length) return { problem: problem("bulk_err_key_shape", { fields: { exact: odd.join(", ") } }) };
  }
  const password = row.password || "";
  const signIn = row.sign_in_url || "";
  if (password && !signIn) return { problem: problem("bulk_err_password_alone") };
  if (signIn) {
    if (!signIn.startsWith("https://")) return { problem: problem("bulk_err_link_https") };
    if (password || Object.keys(fields).length) {
      Object.assign(fields, { sign_in_url: signIn, username: user }, password ? { password } : {});
    }
  }
  if (!Object.keys(fields).length) return { problem: problem("bulk_err_nothing") };
  fields.note = noteFor(user);
  return { user, kind: "access_key_id" in fields ? "aws-access-key" : "console-login", fields };
}

/**
 * Every row of the console's users CSV as [{line, user, kind, fields, problem}] (problem null for
 * a good row), or null when the text is not that CSV at all (its first line names none of its
 * columns). A user listed twice is refused the second time, as the CLI does.
 */
export function readUsersCsv(text, noteFor = (user) => `IAM user ${user}`) {
  const records = csvRecords(String(text ?? "").replace(/^\uFEFF/, ""));
  if (!records.length) return null;
  const header = records[0].cells.map((name) => COLUMNS[name.trim().toLowerCase()] || "");
  if (!header.includes("user") || !(header.includes("password") || header.includes("access_key_id"))) return null;
  const rows = [];
  const seen = new Set();
  for (const { line, cells } of records.slice(1)) {
    if (!cells.some((value) => value.trim())) continue;
    const row = { tooLong: cells.length > header.length };
    header.forEach((name, index) => {
      if (name && cells[index] !== undefined) row[name] = cells[index].trim();
    });
    const made = rowSecret(row, noteFor);
    if (!made.problem && seen.has(made.user)) made.problem = problem("bulk_err_twice", { user: { exact: made.user } });
    if (!made.problem) seen.add(made.user);
    rows.push({ line, user: made.user ?? row.user ?? "", kind: made.kind ?? null, fields: made.fields ?? null,
      problem: made.problem ?? null });
  }
  return rows;
}

function csvCell(value) {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One of the three files (links, codes, tokens) of the rows made, as Python's csv writes it. */
export function outputCsv(which, made) {
  const header = OUTPUTS[which];
  const lines = [header, ...made.map((row) => header.map((name) => row[name] ?? ""))];
  return lines.map((cells) => cells.map(csvCell).join(",")).join("\n") + "\n";
}

/** The file name a download gets: the CSV's name without .csv, then .links.csv and so on. */
export function outputName(fileName, which) {
  const stem = String(fileName || "users").replace(/\.csv$/i, "") || "users";
  return `${stem}.${which}.csv`;
}
