// The ask page (/r/new): the asker's browser makes the request's P-256 key pair (request.js), posts
// only the two verifiers (and the expiry and targets), then sets the note with its MAC under the
// public key, as `burnlink request` does. It shows the request link (the public key after '#') to
// send, and the inbox link (the private key) to keep; with "keep" ticked, this browser keeps the
// inbox link too and lists the request (locallist.js).
import { createOptions, failure } from "./account.js";
import { keepRequest } from "./browserlinks.js";
import { FieldError, clearErrorsOnEdit, clearFieldErrors, showFormError } from "./fields.js";
import { initLanguageSwitch } from "./i18n.js";
import { initKeptRequests } from "./locallist.js";
import { clearNotifyRefusal, initNotifyForm, notifyTargets, resetNotify, showNotifyRefusal } from "./notifyform.js";
import * as protocol from "./protocol.js";
import { drawQr } from "./qr.js";
import * as request from "./request.js";
import { Sentence } from "./sentences.js";
import { $, api, copyText, hasWebCrypto, say, show, unsay } from "./ui.js";

const section = $("#ask");
const form = $("#ask-form");
let kept = null; // the list of requests kept here

/** A failed call as a sentence: offline, busy, signed out, or the server's own words. */
class CallFailed extends Sentence {
  constructor(status, body) {
    const { key, vars } = failure(status, body);
    super(key, vars);
  }
}

/** What the form asks for, checked: {note (null: none), ttl, notify}. */
function chosen() {
  const text = $("#note").value;
  const ttl = Number($("#ttl").value);
  if (!section.dataset.ttls.split(",").map(Number).includes(ttl)) throw new FieldError("ttl", "err_ttl");
  return { note: text.trim() ? text : null, ttl, notify: notifyTargets() };
}

/** `{url}#{fragment}`, checked to be a plain link of this request (as `burnlink request` checks the server's URLs). */
async function linkOf(url, fragment, rid, parse) {
  let parsed = null;
  try {
    parsed = await parse(`${url}#${protocol.b64uEncode(fragment)}`);
  } catch {
    // Said below: whatever the server answered, it is not a link to hand anyone.
  }
  if (!parsed || parsed.rid !== rid) throw new Sentence("acct_failed", { detail: String(url) });
  return parsed;
}

/** Make the request: the key pair here, the verifiers to the server, then the note and its MAC. */
async function ask(wanted) {
  const keys = await request.newRequestKeys();
  const { answerVerifier, inboxVerifier } = await request.requestVerifiers(keys);
  const json = { answer_verifier: protocol.b64uEncode(answerVerifier), inbox_verifier: protocol.b64uEncode(inboxVerifier),
    ttl: wanted.ttl };
  if (wanted.notify) json.notify = wanted.notify;
  const { status, body } = await api("POST", "/api/v1/requests", { json, ...createOptions() });
  if (status !== 201 || !body) {
    if (status === 400 && body && body.field === "notify") {
      showNotifyRefusal(body.detail || String(status));
      return null;
    }
    throw new CallFailed(status, body);
  }
  try {
    return await finish(body, keys, wanted.note);
  } catch (err) {
    // No request half made (without the note it was asked with, or with links that cannot be handed
    // out): it is burned, and the asker tries again.
    await api("DELETE", `/api/v1/requests/${encodeURIComponent(body.id)}`, { headers: { Authorization: `Bearer ${body.manage_token}` } });
    throw err;
  }
}

/** The links of the request just made, checked, once its note (if any) is set with its MAC. */
async function finish(created, keys, note) {
  const rid = String(created.id);
  const link = await linkOf(created.url, keys.Q, rid, request.parseRequestLink);
  const inbox = await linkOf(created.inbox_url, protocol.concat(keys.d, keys.Q), rid, request.parseInboxLink);
  if (note !== null) {
    // The MAC binds the id, which exists only now: the note is set in a second call.
    const mac = await request.noteMac(keys.Q, rid, note);
    const proof = await request.inboxProof(keys.d);
    const { status, body } = await api("PUT", `/api/v1/requests/${rid}/note`, {
      headers: { "X-Burnlink-Inbox": protocol.b64uEncode(proof) },
      json: { note, note_mac: protocol.b64uEncode(mac) },
    });
    if (status === 400 && body && body.field === "note") throw new FieldError("note", "acct_failed", { detail: body.detail });
    if (status !== 204) throw new CallFailed(status, body);
  }
  return { created, link: await request.makeRequestLink(link.baseUrl, rid, keys.Q),
    inbox: await request.makeInboxLink(inbox.baseUrl, rid, keys) };
}

function showResult({ created, link, inbox }, keptHere) {
  show(section, false);
  show($("#result"), true);
  $("#request-link").value = link;
  $("#inbox-link").value = inbox;
  show($("#kept-here"), keptHere);
  say($("#result-expires"), "expires", { time: { time: created.expires_at } });
  drawQr($("#qr"), link);
  $("#result-title").focus();
}

async function submit(event) {
  event.preventDefault();
  const button = $("#submit");
  if (button.disabled) return; // on its way: one click makes one request
  unsay($("#form-error"));
  clearFieldErrors(form);
  clearNotifyRefusal();
  try {
    const wanted = chosen();
    button.disabled = true;
    say(button, "working");
    const made = await ask(wanted);
    if (!made) return;
    const keep = $("#keep").checked;
    if (keep) keepRequest(made.created, made.inbox, { note: wanted.note ?? undefined });
    form.reset();
    resetNotify();
    showResult(made, keep);
    if (keep) kept.refresh();
  } catch (err) {
    showFormError(err);
  } finally {
    button.disabled = false;
    say(button, "ask_submit");
  }
}

function init() {
  initLanguageSwitch();
  if (!hasWebCrypto()) {
    show($("#nocrypto"), true);
    show(section, false);
    return;
  }
  initNotifyForm();
  kept = initKeptRequests();
  for (const button of document.querySelectorAll("#result button.copy[data-copy]")) {
    button.addEventListener("click", () => copyText(button, $(`#${button.dataset.copy}`).value));
  }
  clearErrorsOnEdit(form);
  form.addEventListener("submit", submit);
}

init();
