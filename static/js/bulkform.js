// The create page's bulk mode: the console's users CSV becomes one secret per row, each with its own
// access code, encrypted here, and three downloads (links, codes, manage tokens) that can go by
// different channels. The page remembers, in its memory only, every user it has made a link for:
// the same file (or another listing the same users) makes only the users still missing, so a
// second run after a fix or a stop never makes anyone twice. Nothing is kept past a reload.
import { createOptions } from "./account.js";
import { OUTPUTS, outputCsv, outputName, readUsersCsv } from "./bulk.js";
import { FieldError, clearFieldError, showFieldError } from "./fields.js";
import { safeFileName } from "./kinds.js";
import * as protocol from "./protocol.js";
import { $, api, dropZone, el, say, show, t, unsay } from "./ui.js";

let current = null; // {name, digest, rows} of the file on screen
const made = new Map(); // user -> {user, link, code, id, token}: this page's memory only
const usedFiles = new Set(); // digests of the files runs were made from
const urls = {};
let unsaved = false; // links made since the last time all three files were downloaded
const downloaded = new Set();

const KINDS = { "aws-access-key": "kind_aws", "console-login": "kind_console" };

function kindKey(row) {
  if (row.kind === "aws-access-key" && row.fields.sign_in_url) return "bulk_kind_both";
  return KINDS[row.kind];
}

function statusOf(row) {
  if (row.problem) return row.problem;
  if (row.failed) return { key: "bulk_failed", vars: { detail: row.failed } };
  if (made.has(row.user)) return { key: row.madeNow ? "bulk_made" : "bulk_made_before", vars: {} };
  return { key: "bulk_ready", vars: {} };
}

function renderRow(row) {
  const cells = row.cells;
  const { key, vars } = statusOf(row);
  say(cells.status, key, vars);
  let state = "ready";
  if (row.problem || row.failed) state = "bad";
  else if (made.has(row.user)) state = "made";
  row.tr.dataset.state = state;
}

function renderTable() {
  const body = $("#bulk-table tbody");
  body.replaceChildren();
  for (const row of current.rows) {
    const user = el("bdi", { text: row.user, className: "notranslate", attrs: { translate: "no", dir: "ltr" } });
    const kind = el("td");
    if (row.kind) say(kind, kindKey(row));
    row.cells = { status: el("td", { className: "bulk-status" }) };
    row.tr = el("tr", { children: [el("td", { text: String(row.line) }), el("td", { children: [user] }), kind, row.cells.status] });
    renderRow(row);
    body.append(row.tr);
  }
  show($("#bulk-table-box"), current.rows.length > 0);
}

function summarize() {
  const rows = current.rows;
  const bad = rows.filter((row) => row.problem).length;
  const before = rows.filter((row) => !row.problem && made.has(row.user)).length;
  say($("#bulk-status"), "bulk_summary", { n: rows.length, ready: rows.length - bad - before, bad });
  const again = $("#bulk-again");
  if (before) say(again, usedFiles.has(current.digest) ? "bulk_again_file" : "bulk_again_users", { n: before });
  else unsay(again);
  show(again, before > 0);
}

function offerDownloads() {
  const rows = current.rows.filter((row) => !row.problem && made.has(row.user)).map((row) => made.get(row.user));
  for (const which of Object.keys(OUTPUTS)) {
    const link = $(`#bulk-${which}`);
    if (urls[which]) URL.revokeObjectURL(urls[which]);
    urls[which] = rows.length ? URL.createObjectURL(new Blob([outputCsv(which, rows)], { type: "text/csv" })) : null;
    if (urls[which]) {
      link.href = urls[which];
      link.download = outputName(current.name, which);
    } else {
      link.removeAttribute("href");
    }
  }
  show($("#bulk-downloads"), rows.length > 0);
}

async function digestOf(bytes) {
  return [...(await protocol.sha256(bytes))].map((b) => b.toString(16).padStart(2, "0")).join("");
}

async function takeFile() {
  const file = $("#bulk-file").files[0];
  clearFieldError($("#bulk-file"));
  current = null;
  for (const id of ["#bulk-table-box", "#bulk-downloads", "#bulk-again"]) show($(id), false);
  unsay($("#bulk-status"));
  $("#bulk-file-name").textContent = file ? safeFileName(file.name) : "";
  if (!file) return;
  const bytes = new Uint8Array(await file.arrayBuffer());
  let text;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new FieldError("bulk-file", "bulk_err_not_utf8");
  }
  const rows = readUsersCsv(text, (name) => t("note_iam_user", { name }));
  if (rows === null) throw new FieldError("bulk-file", "bulk_err_not_users_csv");
  current = { name: safeFileName(file.name, "users.csv"), digest: await digestOf(bytes), rows };
  renderTable();
  summarize();
  offerDownloads();
}

// A failure every later row would meet alike (the server, the network, a refused option): stop there.
function stopsTheRun(status, body) {
  return status === 0 || status === 429 || status >= 500 || (status === 400 && ["ttl", "views", "notify"].includes(body?.field));
}

/**
 * Make every row of the file that is good and has no link yet. `options`: {ttl, views, notify};
 * `detailOf(status, body)` says why an answer was a failure (a string or a {key} variable).
 * Returns the failed answer that stopped the run, {row, status, body}, or null.
 */
export async function runBulk({ ttl, views, notify }, detailOf) {
  if (!current) throw new FieldError("bulk-file", "bulk_err_no_file");
  const todo = current.rows.filter((row) => !row.problem && !made.has(row.user));
  if (!todo.length) throw new FieldError("bulk-file", "bulk_err_nothing_left");
  usedFiles.add(current.digest);
  // The file stays as it is until the run ends: the rows being made are its rows.
  $("#bulk-file").disabled = true;
  let result;
  try {
    result = await makeRows(todo, { ttl, views, notify }, detailOf);
  } finally {
    $("#bulk-file").disabled = false;
  }
  const failed = todo.filter((row) => row.failed).length;
  if (result.stopped) say($("#bulk-status"), "bulk_stopped", { line: result.stopped.row.line });
  else if (failed) say($("#bulk-status"), "bulk_done_failed", { n: failed });
  else say($("#bulk-status"), "bulk_done", { n: result.done });
  show($("#bulk-again"), false);
  offerDownloads();
  return result.stopped;
}

/** Seal and send each row in turn: {done: links made, stopped: the failed answer that ended the run, or null}. */
async function makeRows(todo, { ttl, views, notify }, detailOf) {
  let done = 0;
  for (const [index, row] of todo.entries()) {
    say($("#bulk-status"), "bulk_progress", { n: index + 1, total: todo.length });
    const code = protocol.generateCode();
    const sealed = await protocol.sealPayload(protocol.makePayload({ kind: row.kind, fields: row.fields }), code);
    const body = { ciphertext: protocol.b64uEncode(sealed.blob), link_verifier: protocol.b64uEncode(sealed.linkVerifier),
      auth_verifier: protocol.b64uEncode(sealed.authVerifier), ttl, views, has_code: true, kind: row.kind };
    if (notify) body.notify = notify;
    const answer = await api("POST", "/api/v1/secrets", { json: body, ...createOptions() });
    if (answer.status === 201) {
      const link = `${answer.body.url}#${protocol.b64uEncode(sealed.K)}`;
      made.set(row.user, { user: row.user, link, code, id: answer.body.id, token: answer.body.manage_token });
      row.madeNow = true;
      row.failed = null;
      unsaved = true;
      downloaded.clear();
      done += 1;
    } else {
      row.failed = detailOf(answer.status, answer.body);
    }
    renderRow(row);
    if (answer.status !== 201 && stopsTheRun(answer.status, answer.body)) return { done, stopped: { row, ...answer } };
  }
  return { done, stopped: null };
}

export function initBulkForm() {
  const input = $("#bulk-file");
  input.addEventListener("change", () => takeFile().catch((err) => {
    if (!(err instanceof FieldError)) throw err;
    showFieldError(err.field, err.key, err.vars);
  }));
  dropZone($("#bulk-drop"), input);
  for (const which of Object.keys(OUTPUTS)) {
    $(`#bulk-${which}`).addEventListener("click", () => {
      downloaded.add(which);
      if (downloaded.size === Object.keys(OUTPUTS).length) unsaved = false;
    });
  }
  // Links and codes live only in this page: leaving it before the files are saved loses them.
  window.addEventListener("beforeunload", (event) => {
    if (unsaved) event.preventDefault();
  });
}
