// "Links from this browser" on the My links page: each remembered link's state, read from its receipt
// with its manage token, a Burn button while it can still be opened, and "Forget all".
import { rowAction } from "./account.js";
import { forgetLinks, rememberedLinks } from "./browserlinks.js";
import { secretEnded } from "./eventlog.js";
import { labelCells, stateCell, timeCell } from "./linktable.js";
import { $, api, el, say, show } from "./ui.js";

/** The receipt of a remembered link, or {state: "unknown"} when it cannot be read (gone, or the token refused). */
async function receiptOf(entry) {
  const { status, body } = await api("GET", `/api/v1/secrets/${encodeURIComponent(entry.id)}/receipt`, {
    headers: { Authorization: `Bearer ${entry.manage_token}` },
  });
  return status === 200 && body ? body : { state: "unknown", views_left: null, expires_at: entry.expires_at };
}

function row(entry, receipt) {
  const labelId = `local-made-${entry.id}`;
  const made = timeCell(entry.created_at);
  made.id = labelId;
  const action = el("td", { className: "row-action" });
  const live = receipt.state !== "unknown" && !secretEnded(receipt);
  if (live) {
    rowAction(action, { key: "burn", yes: "burn_yes", no: "burn_cancel", describedBy: labelId, run: () => burn(entry) });
  }
  return el("tr", { attrs: { "data-id": entry.id }, children: [made, stateCell(receipt.state),
    el("td", { text: receipt.views_left === null ? "–" : String(receipt.views_left) }), timeCell(receipt.expires_at || entry.expires_at),
    action] });
}

async function burn(entry) {
  const { status } = await api("DELETE", `/api/v1/secrets/${encodeURIComponent(entry.id)}`, {
    headers: { Authorization: `Bearer ${entry.manage_token}` },
  });
  const line = $("#local-status");
  if (status === 204) say(line, "me_burned_one");
  else say(line, status === 0 ? "err_network" : "err_busy");
  await load();
  line.focus();
}

async function load() {
  const entries = rememberedLinks();
  show($("#local-table-box"), entries.length > 0);
  show($("#local-forget"), entries.length > 0);
  if (!entries.length) return false;
  const receipts = await Promise.all(entries.map(receiptOf));
  $("#local-table").tBodies[0].replaceChildren(...entries.map((entry, index) => row(entry, receipts[index])));
  labelCells($("#local-table"));
  return true;
}

function forget() {
  forgetLinks();
  $("#local-table").tBodies[0].replaceChildren();
  show($("#local-table-box"), false);
  show($("#local-forget"), false);
  say($("#local-status"), "local_forgotten");
  $("#local-status").focus();
}

/** List the links remembered in this browser; the section stays hidden when there are none. */
export async function initLocalLinks() {
  $("#local-forget").addEventListener("click", forget);
  if (await load()) show($("#local"), true);
}
