// My links: the signed-in creator's links from GET /api/v1/me/secrets, a Burn button on each that can
// still be opened, and "Burn all outstanding links" behind a second click. Below, for anyone, the
// links remembered in this browser (locallist.js).
import { accountApi, confirmFirst, rowAction, sayFailure } from "./account.js";
import { initLanguageSwitch } from "./i18n.js";
import { fillLinks } from "./linktable.js";
import { initLocalLinks } from "./locallist.js";
import { $, say, show, unsay } from "./ui.js";

let outstanding = 0;

async function load() {
  const { status, body } = await accountApi("GET", "/api/v1/me/secrets");
  const line = $("#me-status");
  if (status !== 200 || !body || !Array.isArray(body.secrets)) {
    sayFailure(line, status, body);
    show($("#me-table-box"), false);
    show($("#burn-all"), false);
    return;
  }
  outstanding = fillLinks($("#me-table"), body.secrets, burnButton);
  show($("#me-table-box"), body.secrets.length > 0);
  show($("#burn-all"), outstanding > 0 && $("#burn-all-confirm").hidden);
  if (!body.secrets.length) say(line, "me_none");
}

function burnButton(secret, cell, labelId) {
  rowAction(cell, { key: "burn", yes: "burn_yes", no: "burn_cancel", describedBy: labelId, run: async () => {
    const { status, body } = await accountApi("DELETE", `/api/v1/me/secrets/${encodeURIComponent(secret.id)}`);
    const line = $("#me-status");
    if (status === 204) say(line, "me_burned_one");
    else sayFailure(line, status, body);
    await load();
    line.focus();
  } });
}

async function burnAll() {
  const { status, body } = await accountApi("DELETE", "/api/v1/me/secrets");
  const line = $("#me-status");
  if (status === 200 && body) say(line, "burned_n", { n: Number(body.burned) || 0 });
  else sayFailure(line, status, body);
  await load();
  line.focus();
}

function init() {
  initLanguageSwitch();
  initLocalLinks();
  if (!$("#me").dataset.signedIn) return;
  unsay($("#me-status"));
  confirmFirst($("#burn-all"), $("#burn-all-confirm"), {
    question: () => ({ key: "burn_all_question", vars: { n: outstanding } }),
    run: burnAll,
  });
  load();
}

init();
