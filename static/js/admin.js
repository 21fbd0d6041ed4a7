// Offboarding, for admins: one creator's links (GET /api/v1/creators/{email}/secrets), then, each
// behind a second click, burn all that can still be opened and end their sessions and API tokens.
import { accountApi, confirmFirst, failure, sayFailure } from "./account.js";
import { FieldError, clearFieldError, showFieldError } from "./fields.js";
import { initLanguageSwitch } from "./i18n.js";
import { fillLinks } from "./linktable.js";
import { $, el, say, show } from "./ui.js";

// Enough to catch a slip of the keyboard; the server checks the address properly.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
let current = null; // the address whose links are on screen
let outstanding = 0;

function path(email, what) {
  return `/api/v1/creators/${encodeURIComponent(email)}/${what}`;
}

/** Show the links of `email`; a failure is the search's (next to the address) or, on a list already shown, the status line's. */
async function list(email, { search = false } = {}) {
  const { status, body } = await accountApi("GET", path(email, "secrets"));
  const line = $("#admin-status");
  if (status !== 200 || !body || !Array.isArray(body.secrets)) {
    const { key, vars } = failure(status, body);
    if (search) throw new FieldError("admin-email", key, vars);
    say(line, key, vars);
    return false;
  }
  current = email;
  say($("#admin-result-title"), "admin_links_of", { email: { exact: email } });
  outstanding = fillLinks($("#admin-table"), body.secrets);
  show($("#admin-table-box"), body.secrets.length > 0);
  if (body.secrets.length) say(line, "admin_outstanding", { n: outstanding });
  else say(line, "admin_none");
  show($("#admin-burn-all"), outstanding > 0 && $("#admin-confirm").hidden);
  show($("#admin-end"), $("#admin-confirm").hidden);
  show($("#admin-result"), true);
  return true;
}

async function find(event) {
  event.preventDefault();
  const button = $("#admin-find");
  if (button.disabled) return;
  clearFieldError($("#admin-email"));
  const email = $("#admin-email").value.trim();
  try {
    if (!EMAIL.test(email)) throw new FieldError("admin-email", "admin_err_email");
    button.disabled = true;
    show($("#admin-confirm"), false);
    $("#admin-done").replaceChildren();
    await list(email, { search: true });
    $("#admin-result-title").focus();
  } catch (err) {
    if (!(err instanceof FieldError)) throw err;
    showFieldError(err.field, err.key, err.vars);
  } finally {
    button.disabled = false;
  }
}

function done(sentences) {
  const box = $("#admin-done");
  box.replaceChildren(...sentences.map(([key, vars]) => {
    const line = el("p");
    say(line, key, vars);
    return line;
  }));
}

async function burnAll() {
  const email = current;
  const { status, body } = await accountApi("DELETE", path(email, "secrets"));
  if (status === 200 && body) done([["burned_n", { n: Number(body.burned) || 0 }]]);
  else {
    done([]);
    sayFailure($("#admin-status"), status, body);
  }
  await list(email);
  $("#admin-result-title").focus();
}

async function endSessions() {
  const email = current;
  const { status, body } = await accountApi("DELETE", path(email, "sessions"));
  if (status === 200 && body) {
    done([["sessions_ended", { n: Number(body.sessions_ended) || 0 }], ["tokens_revoked", { n: Number(body.tokens_revoked) || 0 }]]);
  } else {
    done([]);
    sayFailure($("#admin-status"), status, body);
  }
  show($("#admin-end"), true);
  show($("#admin-burn-all"), outstanding > 0);
  $("#admin-result-title").focus();
}

function init() {
  initLanguageSwitch();
  $("#admin-form").addEventListener("submit", find);
  $("#admin-email").addEventListener("input", (e) => clearFieldError(e.target));
  confirmFirst($("#admin-burn-all"), $("#admin-confirm"), {
    question: () => ({ key: "admin_burn_question", vars: { n: outstanding, email: { exact: current } } }),
    yes: "burn_all_yes",
    run: burnAll,
  });
  confirmFirst($("#admin-end"), $("#admin-confirm"), {
    question: () => ({ key: "admin_end_question", vars: { email: { exact: current } } }),
    yes: "admin_end_yes",
    run: endSessions,
  });
}

init();
