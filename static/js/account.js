// What a signed-in creator's pages share: the page's policies and CSRF token, the API called with
// the sign-in cookie, the sentence of a failed call, and the second click that confirms what cannot
// be undone (window.confirm would be answered by any bot or test that accepts dialogs).
import { api, say, show } from "./ui.js";

let policy = null;

/** The operator's policies the page was rendered with (GET /api/v1/policy), or {} where it carries none. */
export function pagePolicy() {
  if (policy === null) {
    const block = document.getElementById("policy");
    policy = block ? JSON.parse(block.textContent) : {};
  }
  return policy;
}

/** The CSRF token this page was given: its data-csrf attribute, else the header's meta tag ("" for nobody). */
export function csrfToken() {
  const given = document.querySelector("[data-csrf]")?.dataset.csrf;
  return given || document.querySelector('meta[name="csrf-token"]')?.content || "";
}

/** Call the API as the signed-in creator: with the sign-in cookie, and the CSRF token on anything that changes. */
export function accountApi(method, path, options = {}) {
  const headers = { ...(options.headers || {}) };
  const token = csrfToken();
  if (token && method !== "GET") headers["X-CSRF-Token"] = token;
  return api(method, path, { ...options, headers, credentials: "same-origin" });
}

/** What a create call sends besides its body: the cookie where this server signs people in, and the CSRF token when there is one. */
export function createOptions() {
  const token = csrfToken();
  const options = { headers: token ? { "X-CSRF-Token": token } : {} };
  if ((pagePolicy().sign_in || []).length) options.credentials = "same-origin";
  return options;
}

/** {key, vars} of why a call failed: offline, busy, signed out, or the server's own sentence. */
export function failure(status, body) {
  if (status === 0) return { key: "err_network", vars: {} };
  if (status === 429 || status === 503) return { key: "err_busy", vars: {} };
  if (status === 401) return { key: "acct_signed_out", vars: {} };
  return { key: "acct_failed", vars: { detail: (body && body.detail) || String(status) } };
}

/** Say in `node` why a call failed. */
export function sayFailure(node, status, body) {
  const { key, vars } = failure(status, body);
  say(node, key, vars);
}

// The confirm box a question is open in -> {trigger, run}.
const asked = new WeakMap();

function closeBox(box, { back = false } = {}) {
  const open = asked.get(box);
  show(box, false);
  asked.set(box, null);
  if (back && open) {
    show(open.trigger, true);
    open.trigger.focus();
  }
}

function bindBox(box) {
  if (asked.has(box)) return;
  asked.set(box, null);
  const yes = box.querySelector(".confirm-yes");
  box.querySelector(".confirm-no").addEventListener("click", () => closeBox(box, { back: true }));
  yes.addEventListener("click", () => {
    const open = asked.get(box);
    if (!open) return;
    // Closed first, so that one answer runs once; what it did decides what shows next.
    closeBox(box);
    return open.run();
  });
}

/**
 * A click on `trigger` asks first, in `box` (its <p> says `question()` = {key, vars}; its .confirm-yes
 * says `yes` when given): Yes runs `run` (which shows the trigger again when it is still wanted),
 * No closes the question and gives the focus back to the trigger. One box may serve several triggers.
 */
export function confirmFirst(trigger, box, { question, yes = null, run }) {
  bindBox(box);
  trigger.addEventListener("click", () => {
    const open = asked.get(box);
    if (open) show(open.trigger, true);
    const { key, vars } = question();
    say(box.querySelector("p"), key, vars);
    if (yes) say(box.querySelector(".confirm-yes"), yes);
    asked.set(box, { trigger, run });
    show(trigger, false);
    show(box, true);
    box.querySelector(".confirm-yes").focus();
  });
}

/**
 * A button in a table row that asks first, in place: the cell shows "`yes`" and "`no`" instead, and
 * `run` follows the first. The row's label (`describedBy`, an element id) tells the buttons apart.
 */
export function rowAction(cell, { key, yes, no, describedBy, run }) {
  const make = (text, className) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = className;
    say(button, text);
    if (describedBy) button.setAttribute("aria-describedby", describedBy);
    return button;
  };
  const ask = make(key, "danger");
  const sure = make(yes, "danger solid");
  const keep = make(no, "secondary");
  const asking = document.createElement("span");
  asking.className = "row-confirm";
  asking.append(sure, " ", keep);
  show(asking, false);
  ask.addEventListener("click", () => {
    show(ask, false);
    show(asking, true);
    sure.focus();
  });
  keep.addEventListener("click", () => {
    show(asking, false);
    show(ask, true);
    ask.focus();
  });
  sure.addEventListener("click", async () => {
    if (sure.disabled) return;
    sure.disabled = true;
    try {
      await run();
    } finally {
      sure.disabled = false;
    }
  });
  cell.replaceChildren(ask, asking);
}
