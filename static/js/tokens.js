// API tokens: make a named one with an expiry (shown once, with a copy button), list them, revoke one.
// The token is only ever in this page's memory and on screen; a reload or another token replaces it.
import { accountApi, rowAction, sayFailure } from "./account.js";
import { FieldError, clearFieldError, showFieldError } from "./fields.js";
import { initLanguageSwitch } from "./i18n.js";
import { labelCells, timeCell } from "./linktable.js";
import { $, copyText, el, say, show, unsay } from "./ui.js";

async function load() {
  const { status, body } = await accountApi("GET", "/api/v1/me/tokens");
  const line = $("#tokens-status");
  if (status !== 200 || !body || !Array.isArray(body.tokens)) {
    sayFailure(line, status, body);
    show($("#tokens-table-box"), false);
    return;
  }
  $("#tokens-table").tBodies[0].replaceChildren(...body.tokens.map(tokenRow));
  labelCells($("#tokens-table"));
  show($("#tokens-table-box"), body.tokens.length > 0);
  show($("#tokens-empty"), body.tokens.length === 0);
}

function tokenRow(token) {
  const nameId = `token-${token.id}`;
  const name = el("td", { attrs: { id: nameId }, children: [el("bdi", { text: String(token.name), className: "notranslate",
    attrs: { translate: "no" } })] });
  const action = el("td", { className: "row-action" });
  rowAction(action, { key: "token_revoke", yes: "token_revoke_yes", no: "burn_cancel", describedBy: nameId, run: () => revoke(token) });
  return el("tr", { attrs: { "data-id": String(token.id) }, children: [name, timeCell(token.created_at), timeCell(token.expires_at), action] });
}

async function revoke(token) {
  const { status, body } = await accountApi("DELETE", `/api/v1/me/tokens/${encodeURIComponent(token.id)}`);
  const line = $("#tokens-status");
  if (status === 204) say(line, "token_revoked");
  else sayFailure(line, status, body);
  await load();
  line.focus();
}

async function make(event) {
  event.preventDefault();
  const button = $("#token-make");
  if (button.disabled) return;
  unsay($("#token-error"));
  clearFieldError($("#token-name"));
  const name = $("#token-name").value.trim();
  try {
    if (!name) throw new FieldError("token-name", "err_token_name");
    button.disabled = true;
    const { status, body } = await accountApi("POST", "/api/v1/me/tokens", { json: { name, ttl: Number($("#token-ttl").value) } });
    if (status !== 201 || !body || !body.token) {
      if (status === 400 && body && body.field === "name") throw new FieldError("token-name", "acct_failed", { detail: body.detail });
      sayFailure($("#token-error"), status, body);
      return;
    }
    $("#token-value").value = body.token;
    show($("#token-new"), true);
    $("#token-form").reset();
    $("#token-new-title").focus();
    await load();
  } catch (err) {
    if (!(err instanceof FieldError)) throw err;
    showFieldError(err.field, err.key, err.vars);
  } finally {
    button.disabled = false;
  }
}

function init() {
  initLanguageSwitch();
  $("#token-form").addEventListener("submit", make);
  $("#token-name").addEventListener("input", (e) => clearFieldError(e.target));
  $("#token-copy").addEventListener("click", () => copyText($("#token-copy"), $("#token-value").value));
  load();
}

init();
