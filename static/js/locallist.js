// The lists this browser keeps (browserlinks.js), each in its own table: "Links from this browser" on
// the My links page (each remembered link's state, read from its receipt with its manage token, a
// Burn button while it can still be opened) and "Requests kept in this browser" on the ask page (each
// request's state from its receipt, and its inbox while an answer can still come or be read). Both
// have "Forget all".
import { confirmFirst, rowAction } from "./account.js";
import { forgetLinks, forgetRequests, keptRequests, rememberedLinks } from "./browserlinks.js";
import { secretEnded } from "./eventlog.js";
import { labelCell, labelCells, stateCell, timeCell } from "./linktable.js";
import { $, api, el, say, show } from "./ui.js";

// A request in these states has nothing (left) to read: its inbox is not offered.
const REQUEST_ENDED = ["read", "expired", "burned"];

/** The receipt at `path`, read with the entry's manage token; {state: "unknown"} when it cannot be read (gone, or the token refused). */
async function receiptOf(path, entry) {
  const { status, body } = await api("GET", path, { headers: { Authorization: `Bearer ${entry.manage_token}` } });
  return status === 200 && body ? body : { state: "unknown", views_left: null, expires_at: entry.expires_at };
}

/**
 * One kept list in the section whose id is `prefix` (its table `prefix-table` in `prefix-table-box`,
 * its status line `prefix-status`, its button `prefix-forget`): `entries()` lists it, `receipt(entry)`
 * is the path of an entry's receipt, `row(entry, receipt, list)` makes its row, `forget()` empties it
 * and `forgotten` says so. With `ask`, "Forget all" asks that question first, in `prefix-confirm`.
 */
function keptList({ prefix, entries, receipt, row, forget, forgotten, ask = null }) {
  const part = (name) => $(`#${prefix}${name}`);
  const list = {
    status: () => part("-status"),
    /** Read every entry's receipt and fill the table; false when there is nothing to list. */
    async load() {
      const kept = entries();
      show(part("-table-box"), kept.length > 0);
      show(part("-forget"), kept.length > 0);
      if (!kept.length) return false;
      const receipts = await Promise.all(kept.map((entry) => receiptOf(receipt(entry), entry)));
      part("-table").tBodies[0].replaceChildren(...kept.map((entry, index) => row(entry, receipts[index], list)));
      labelCells(part("-table"));
      return true;
    },
    /** List what is kept now: the section shows once there is something in it. */
    async refresh() {
      if (await list.load()) show(part(""), true);
    },
  };
  const clear = () => {
    forget();
    part("-table").tBodies[0].replaceChildren();
    show(part("-table-box"), false);
    show(part("-forget"), false);
    say(list.status(), forgotten);
    list.status().focus();
  };
  if (ask) confirmFirst(part("-forget"), part("-confirm"), { question: () => ({ key: ask, vars: {} }), run: clear });
  else part("-forget").addEventListener("click", clear);
  return list;
}

const path = (kind, entry, tail = "") => `/api/v1/${kind}/${encodeURIComponent(entry.id)}${tail}`;

function linkRow(entry, receipt, list) {
  const labelId = `local-made-${entry.id}`;
  const made = timeCell(entry.created_at);
  made.id = labelId;
  const action = el("td", { className: "row-action" });
  const live = receipt.state !== "unknown" && !secretEnded(receipt);
  if (live) {
    rowAction(action, { key: "burn", yes: "burn_yes", no: "burn_cancel", describedBy: labelId, run: () => burn(entry, list) });
  }
  return el("tr", { attrs: { "data-id": entry.id }, children: [made, stateCell(receipt.state),
    el("td", { text: receipt.views_left === null ? "–" : String(receipt.views_left) }), timeCell(receipt.expires_at || entry.expires_at),
    action] });
}

async function burn(entry, list) {
  const { status } = await api("DELETE", path("secrets", entry), { headers: { Authorization: `Bearer ${entry.manage_token}` } });
  const line = list.status();
  if (status === 204) say(line, "me_burned_one");
  else say(line, status === 0 ? "err_network" : "err_busy");
  await list.load();
  line.focus();
}

function requestRow(entry, receipt) {
  const noteId = `kept-note-${entry.id}`;
  const made = timeCell(entry.created_at);
  made.id = `kept-made-${entry.id}`;
  const action = el("td", { className: "row-action" });
  if (!REQUEST_ENDED.includes(receipt.state)) {
    // The inbox link as kept: it reads the answer here, once.
    const inbox = el("a", { attrs: { href: entry.inbox_link, "aria-describedby": `${noteId} ${made.id}` } });
    say(inbox, "kept_open");
    action.append(inbox);
  }
  return el("tr", { attrs: { "data-id": entry.id }, children: [made, labelCell(entry, noteId, "no_note"),
    stateCell(receipt.state), timeCell(receipt.expires_at || entry.expires_at), action] });
}

/** List the links remembered in this browser; the section stays hidden when there are none. */
export async function initLocalLinks() {
  const list = keptList({ prefix: "local", entries: rememberedLinks, receipt: (entry) => path("secrets", entry, "/receipt"),
    row: linkRow, forget: forgetLinks, forgotten: "local_forgotten" });
  await list.refresh();
}

/** List the requests kept in this browser (hidden when there are none); the answer's refresh() lists them again. */
export function initKeptRequests() {
  const list = keptList({ prefix: "kept", entries: keptRequests, receipt: (entry) => path("requests", entry, "/receipt"),
    row: requestRow, forget: forgetRequests, forgotten: "kept_forgotten", ask: "kept_forget_question" });
  list.refresh();
  return list;
}
