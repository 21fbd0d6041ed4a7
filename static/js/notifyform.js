// The notification targets of the create and ask pages (templates/_notify_form.html): up to three
// rows behind a closed disclosure, each a webhook (its URL and whsec_ secret, which the page can
// make), a Slack incoming webhook, or an e-mail address where this server sends e-mail, and the
// events to hear about (a secret's, or a request's). Checked here, in the shapes the server takes,
// before anything is encrypted; a refusal by the server is shown next to the disclosure.
import { FieldError, describedBy } from "./fields.js";
import { MAX_TARGETS, checkTargets, webhookSecret } from "./notify.js";
import { randomBytes } from "./protocol.js";
import { $, copyText, say, show, unsay } from "./ui.js";

function rows() {
  return [...document.querySelectorAll(".notify-row")];
}

function activeRows() {
  return rows().filter((row) => !row.hidden);
}

function offered() {
  return document.querySelector("[data-notify-types]").dataset.notifyTypes.split(",").filter(Boolean);
}

/** The events this form offers (a secret's or a request's), in the protocol's order: its first row's boxes. */
function eventsOffered() {
  return [...rows()[0].querySelectorAll(".notify-events input[type=checkbox]")].map((box) => box.value);
}

function showType(row) {
  const type = row.querySelector(".notify-type").value;
  for (const part of row.querySelectorAll("[data-for]")) show(part, part.dataset.for.split(" ").includes(type));
}

function updateCount() {
  const count = activeRows().length;
  const badge = $("#notify-count");
  if (count) say(badge, "notify_count", { n: count });
  else unsay(badge);
  show($("#notify-add"), count < MAX_TARGETS);
}

function addRow() {
  const row = rows().find((candidate) => candidate.hidden);
  if (!row) return;
  show(row, true);
  showType(row);
  updateCount();
  row.querySelector(".notify-type").focus();
}

function clearRow(row) {
  for (const input of row.querySelectorAll("input:not([type=checkbox])")) input.value = "";
  for (const box of row.querySelectorAll("input[type=checkbox]")) box.checked = box.defaultChecked;
  row.querySelector(".notify-type").selectedIndex = 0;
  for (const box of row.querySelectorAll(".field-error")) {
    unsay(box);
    show(box, false);
  }
  for (const node of row.querySelectorAll("[aria-invalid]")) node.removeAttribute("aria-invalid");
  forgetSecret(row);
}

function removeRow(row) {
  clearRow(row);
  show(row, false);
  // The rows that follow move up, so that the ones in use stay first and in order.
  const list = row.parentElement;
  const last = rows().at(-1);
  if (row !== last) list.insertBefore(row, last.nextSibling);
  renumber();
  updateCount();
  const next = activeRows()[0];
  (next ? next.querySelector(".notify-type") : $("#notify-add")).focus();
}

// Row legends count the rows in use in their order ("Notification 2"), whatever their ids.
function renumber() {
  rows().forEach((row, index) => say(row.querySelector("legend"), "notify_row", { n: index + 1 }));
}

function forgetSecret(row) {
  show(row.querySelector(".secret-note"), false);
  show(row.querySelector(".copy-secret"), false);
}

function generate(row) {
  const input = row.querySelector(".notify-secret");
  input.value = webhookSecret(randomBytes(32));
  input.dispatchEvent(new Event("input", { bubbles: true }));
  show(row.querySelector(".secret-note"), true);
  show(row.querySelector(".copy-secret"), true);
  describedBy(input, row.querySelector(".secret-note").id, true);
  input.focus();
  input.select();
}

function readRow(row) {
  const value = (name) => row.querySelector(`[data-field="${name}"]`).value;
  const type = row.querySelector(".notify-type").value;
  return {
    type,
    url: type === "slack" ? value("slack") : value("url"),
    secret: value("secret"),
    to: value("to"),
    events: [...row.querySelectorAll(".notify-events input[type=checkbox]:checked")].map((box) => box.value),
  };
}

function fieldId(row, field, type) {
  // A Slack target's address has its own box, the webhook's URL another.
  const box = field === "url" && type === "slack" ? "slack" : field;
  return `${row.id}-${box}`;
}

/**
 * The create body's `notify` list (null: none named). Throws a FieldError naming the first bad
 * field, for the page to show next to it; the disclosure is opened so that it can be seen.
 */
export function notifyTargets() {
  if (!$("#notify")) return null; // this server takes no targets: the page offers none
  const active = activeRows();
  if (!active.length) return null;
  const { targets, problems } = checkTargets(active.map(readRow), offered(), eventsOffered());
  if (problems.length) {
    $("#notify").open = true;
    const { row, field, key } = problems[0];
    const element = active[Math.min(row, active.length - 1)];
    throw new FieldError(fieldId(element, field, readRow(element).type), key);
  }
  return targets;
}

/** Show the server's refusal of the targets (its detail, in the page's language) by the disclosure. */
export function showNotifyRefusal(detail) {
  const box = $("#err-notify");
  say(box, "err_notify_server", { detail });
  show(box, true);
  $("#notify").open = true;
  const summary = $("#notify summary");
  describedBy(summary, "err-notify", true);
  summary.focus();
}

export function clearNotifyRefusal() {
  const box = $("#err-notify");
  if (!box) return;
  unsay(box);
  show(box, false);
  describedBy($("#notify summary"), "err-notify", false);
}

/** After a creation: every row empty and put away, the disclosure closed. */
export function resetNotify() {
  if (!$("#notify")) return;
  for (const row of activeRows()) {
    clearRow(row);
    show(row, false);
  }
  renumber();
  updateCount();
  $("#notify").open = false;
}

export function initNotifyForm() {
  if (!$("#notify")) return;
  for (const row of rows()) {
    row.querySelector(".notify-type").addEventListener("change", () => showType(row));
    row.querySelector(".notify-remove").addEventListener("click", () => removeRow(row));
    row.querySelector(".notify-generate").addEventListener("click", () => generate(row));
    const secret = row.querySelector(".notify-secret");
    row.querySelector(".copy-secret").addEventListener("click", (event) => copyText(event.currentTarget, secret.value));
    // A secret typed or pasted by hand is the creator's own: the note about a made one goes.
    secret.addEventListener("input", (event) => {
      if (event.isTrusted) forgetSecret(row);
    });
  }
  $("#notify-add").addEventListener("click", addRow);
  for (const node of document.querySelectorAll("#notify input, #notify select")) {
    node.addEventListener("input", clearNotifyRefusal);
    node.addEventListener("change", clearNotifyRefusal);
  }
  updateCount();
}
