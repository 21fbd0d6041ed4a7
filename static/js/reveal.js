// The reveal page. On load it only asks whether the secret exists and needs a code (that
// consumes nothing); the ciphertext is requested only after a click or Enter on Reveal.
// The key may come later than the page: a chat app can cut "#key" off, and the reader then
// pastes the whole link into the same tab, which changes only the fragment (hashchange).
import * as protocol from "./protocol.js";
import { initLanguageSwitch } from "./i18n.js";
import { render } from "./render.js";
import { hideVerified, showVerified } from "./sender.js";
import { sentenceOf } from "./sentences.js";
import { $, api, hasWebCrypto, say, show, unsay } from "./ui.js";

const intro = $("#intro");
const secretId = intro.dataset.secretId;
let K = null;
let linkProof = null;
let needsCode = false;
let busy = false; // a reveal is on its way: the key it uses must not change under it
let done = false; // revealed, or destroyed by wrong codes: no later key changes anything
let checks = 0; // only the latest key's check may change the page

function only(section) {
  for (const node of [intro, $("#gone"), $("#broken")]) show(node, node === section);
}

function gone() {
  K = null;
  only($("#gone"));
  show($("#secret"), false);
  history.replaceState(null, "", location.pathname);
}

async function reveal(event) {
  event.preventDefault();
  if (!K || busy || done) return;
  const error = $("#reveal-error");
  unsay(error);
  let code = null;
  if (needsCode) {
    code = $("#code").value;
    if (!code.trim()) {
      say(error, "err_code_needed");
      $("#code").focus();
      return;
    }
    try {
      protocol.normalizeCode(code);
    } catch (err) {
      const { key, vars } = sentenceOf(err);
      say(error, key, vars);
      return;
    }
  }
  const button = $("#reveal");
  button.disabled = true;
  say(button, "revealing");
  busy = true;
  try {
    const keys = await protocol.deriveKeys(K, code);
    const { status, body } = await api("POST", `/api/v1/secrets/${secretId}/reveal`, {
      json: { link: protocol.b64uEncode(linkProof), auth: protocol.b64uEncode(keys.auth) },
    });
    if (status === 200) {
      const payload = await protocol.openBlob(protocol.b64uDecode(body.ciphertext), K, code, keys);
      history.replaceState(null, "", location.pathname); // the key leaves the address bar
      K = null;
      done = true;
      show(intro, false);
      const before = render(payload);
      if (body.views_left > 0) say($("#secret-status"), "revealed_views_left", { n: body.views_left });
      else say($("#secret-status"), before);
      show($("#secret"), true);
      $("#secret-title").focus();
      return;
    }
    if (status === 404) return gone();
    if (status === 403 && body && body.code === "wrong_access_code") {
      if (body.attempts_left === 0) {
        done = true;
        gone();
        say($("#gone p"), "wrong_code_last");
        return;
      }
      say(error, "wrong_code", { n: body.attempts_left });
      $("#code").select();
      return;
    }
    say(error, status === 0 ? "err_network" : "err_busy");
  } catch (err) {
    const { key, vars } = sentenceOf(err);
    say(error, key, vars);
  } finally {
    busy = false;
    say(button, "reveal_button");
    button.disabled = !K;
  }
}

/** Read the key from the fragment and ask (consuming nothing) whether it opens a live secret. */
async function takeKey() {
  if (busy || done) return;
  const check = ++checks;
  K = null;
  $("#reveal").disabled = true;
  unsay($("#reveal-error"));
  let key;
  try {
    key = protocol.b64uDecode(location.hash.replace(/^#/, ""), { length: 32 });
  } catch {
    only($("#broken"));
    return;
  }
  only(intro);
  hideVerified(); // what an earlier key's link said does not hold for this one
  say($("#meta"), "reveal_checking");
  const proof = await protocol.linkProof(key);
  const { status, body } = await api("GET", `/api/v1/secrets/${secretId}`, {
    headers: { "X-Burnlink-Link": protocol.b64uEncode(proof) },
  });
  if (check !== checks) return; // a newer key arrived meanwhile
  if (status === 404) return gone();
  if (status !== 200) {
    say($("#meta"), status === 0 ? "err_network" : "err_busy");
    return;
  }
  K = key;
  linkProof = proof;
  needsCode = body.has_code;
  if (body.views_left > 1) say($("#intro .lead"), "reveal_lead_views", { n: body.views_left });
  else say($("#intro .lead"), "reveal_lead");
  say($("#meta"), "reveal_expires", { time: { time: body.expires_at } });
  showVerified(body.sender);
  show($("#code-field"), needsCode);
  $("#reveal").disabled = false;
}

function init() {
  initLanguageSwitch();
  if (!hasWebCrypto()) {
    show(intro, false);
    show($("#nocrypto"), true);
    return;
  }
  $("#reveal-form").addEventListener("submit", reveal);
  window.addEventListener("hashchange", takeKey);
  takeKey();
}

init();
