// The create page: build the payload, encrypt it here, send ciphertext and verifiers only.
import { createOptions, pagePolicy } from "./account.js";
import { initAwsForm } from "./awsform.js";
import { rememberLink, remembering, setRemembering } from "./browserlinks.js";
import { initBulkForm, runBulk } from "./bulkform.js";
import { FieldError, clearErrorsOnEdit, clearFieldErrors, initFilePicker, showFormError } from "./fields.js";
import { initLanguageSwitch } from "./i18n.js";
import { clearNotifyRefusal, initNotifyForm, notifyTargets, resetNotify, showNotifyRefusal } from "./notifyform.js";
import * as protocol from "./protocol.js";
import { initResult, showResult } from "./result.js";
import { Sentence, sentenceOf } from "./sentences.js";
import { initSessionTtl, ttlSeconds } from "./sessionttl.js";
import { $, api, hasWebCrypto, say, show, unsay } from "./ui.js";

const form = $("#create-form");
const section = $("#create");
const maxBlob = Number(section.dataset.maxBlob);
// base64 makes a file 4/3 larger inside the JSON payload; keep room for the framing. The operator may
// set a smaller limit for files (max_file), checked here before anything is read or encrypted.
const maxFile = Math.min(Math.floor(((maxBlob - 28 - 512) * 3) / 4), pagePolicy().max_file || Infinity);
// An encrypted payload is 12 bytes of iv and 16 of tag longer than the payload itself.
const SEAL_OVERHEAD = 28;

function kind() {
  return form.querySelector("input[name=kind]:checked").value;
}

function selectKind() {
  for (const panel of form.querySelectorAll(".kind-panel")) show(panel, panel.dataset.kind === kind());
  // In bulk every row gets its own generated code: there is no code to choose; and its manage
  // tokens go into a file of their own, not this browser's list.
  show($(".code-box"), kind() !== "bulk");
  if ($(".remember-box")) show($(".remember-box"), kind() !== "bulk");
  say($("#submit"), submitKey());
}

function submitKey() {
  return kind() === "bulk" ? "bulk_submit" : "submit";
}

function setError(key, vars) {
  if (key) say($("#form-error"), key, vars);
  else unsay($("#form-error"));
}

function value(id) {
  return $(`#${id}`).value;
}

function fields(names, panelKind) {
  const panel = form.querySelector(`.kind-panel[data-kind="${panelKind}"]`);
  const out = {};
  for (const name of names) {
    const input = panel.querySelector(`[name=${name}]`);
    const text = input.value.trim();
    if (text) out[name] = text;
  }
  return out;
}

async function buildPayload() {
  switch (kind()) {
    case "aws-access-key": {
      const f = fields(["access_key_id", "secret_access_key", "region", "note"], "aws-access-key");
      for (const required of ["access_key_id", "secret_access_key"]) {
        if (!f[required]) throw new FieldError(required, "err_required", { field: { key: `label_${required}` } });
      }
      return protocol.makePayload({ kind: "aws-access-key", fields: f });
    }
    case "aws-session": {
      const names = ["access_key_id", "secret_access_key", "session_token", "expiration", "region", "note"];
      const f = fields(names, "aws-session");
      for (const required of ["access_key_id", "secret_access_key", "session_token"]) {
        if (!f[required]) throw new FieldError(`sess_${required}`, "err_required", { field: { key: `label_${required}` } });
      }
      return protocol.makePayload({ kind: "aws-session", fields: f });
    }
    case "console-login": {
      const f = fields(["sign_in_url", "username", "password", "note"], "console-login");
      if (!f.sign_in_url) throw new FieldError("sign_in_url", "err_required", { field: { key: "field_sign_in_url" } });
      return protocol.makePayload({ kind: "console-login", fields: f });
    }
    case "file": {
      const file = $("#file").files[0];
      if (!file) throw new FieldError("file", "err_file_missing");
      if (file.size > maxFile) throw new FieldError("file", "err_file_too_big", { size: { bytes: maxFile } });
      const bytes = new Uint8Array(await file.arrayBuffer());
      return protocol.makePayload({ kind: "file", files: [protocol.fileEntry(file.name, file.type, bytes)] });
    }
    default: {
      const text = value("text");
      if (!text.trim()) throw new FieldError("text", "err_empty");
      return protocol.makePayload({ kind: "text", text });
    }
  }
}

// The field a too-large payload is blamed on: the one that holds most of it.
const MAIN_FIELD = { text: "text", file: "file", "aws-access-key": "access_key_id", "aws-session": "sess_session_token",
  "console-login": "sign_in_url" };

/** Check what the server would refuse, with the limits this page was given, before any work. */
function checkSize(payload) {
  if (protocol.encodePayload(payload).length + SEAL_OVERHEAD > maxBlob) {
    const field = MAIN_FIELD[kind()];
    if (field === "file") throw new FieldError(field, "err_file_too_big", { size: { bytes: maxFile } });
    throw new FieldError(field, "err_too_big", { size: { bytes: maxBlob } });
  }
}

/** The options every secret of this form shares, checked: {ttl, views, notify}. */
function options() {
  const ttl = ttlSeconds();
  const views = value("views").trim();
  const viewsMax = Number(section.dataset.viewsMax);
  if (!/^[0-9]+$/.test(views) || Number(views) < 1 || Number(views) > viewsMax) {
    throw new FieldError("views", "err_views", { max: viewsMax });
  }
  // A label only where the page offers one (signed in): one line, at most 80 characters (the field's maxlength).
  const label = $("#label") ? value("label").trim() : "";
  return { ttl, views: Number(views), notify: notifyTargets(), label };
}

/** Why an answer failed, as a sentence variable: a string, or a {key} rendered in the page's language. */
function detailOf(status, body) {
  if (status === 0) return { key: "err_network" };
  if (status === 429 || status === 503) return { key: "err_busy" };
  // The detail comes in the page's language: api() asks for it (Accept-Language).
  return (body && body.detail) || String(status);
}

function apiError(status, body) {
  if (status === 0) return new Sentence("err_network");
  if (status === 429 || status === 503) return new Sentence("err_busy");
  return new Sentence("err_server", { detail: detailOf(status, body) });
}

/** The server wants a signed-in creator (the session ended, or sign-in became required): offer to sign in. */
function offerSignIn() {
  const offer = $("#signin-needed");
  if (!offer) return false;
  show(offer, true);
  $("#signin-needed-title").focus();
  return true;
}

/** Show a failed answer where it belongs: the targets' refusal by their disclosure, the sign-in offer, else under the form. */
function showRefusal(status, body) {
  if (status === 400 && body && body.field === "notify") showNotifyRefusal(body.detail || String(status));
  else if (!(status === 401 && offerSignIn())) throw apiError(status, body);
}

async function submitBulk(button) {
  const chosen = options();
  button.disabled = true;
  say(button, "working");
  const stopped = await runBulk(chosen, detailOf);
  if (stopped) showRefusal(stopped.status, stopped.body);
}

async function submit(event) {
  event.preventDefault();
  const button = $("#submit");
  if (button.disabled) return; // a run is on its way: one click makes each secret once
  setError(null);
  clearFieldErrors(form);
  clearNotifyRefusal();
  let code = null;
  try {
    if (kind() === "bulk") {
      await submitBulk(button);
      return;
    }
    const payload = await buildPayload();
    checkSize(payload);
    const chosen = options();
    if ($("#use-code").checked) {
      code = value("code");
      try {
        protocol.checkCreatorCode(code);
      } catch (err) {
        const { key, vars } = sentenceOf(err);
        throw new FieldError("code", key, vars);
      }
    }
    button.disabled = true;
    say(button, "working");
    const sealed = await protocol.sealPayload(payload, code);
    if (sealed.blob.length > maxBlob) throw new Sentence("err_too_big", { size: { bytes: maxBlob } });
    const json = {
      ciphertext: protocol.b64uEncode(sealed.blob),
      link_verifier: protocol.b64uEncode(sealed.linkVerifier),
      auth_verifier: protocol.b64uEncode(sealed.authVerifier),
      ttl: chosen.ttl,
      views: chosen.views,
      has_code: code !== null,
      // The kind as declared: metadata for My links and the kinds policy (the payload holds the real one).
      kind: payload.kind,
    };
    if (chosen.notify) json.notify = chosen.notify;
    if (chosen.label) json.label = chosen.label;
    const { status, body } = await api("POST", "/api/v1/secrets", { json, ...createOptions() });
    if (status !== 201) {
      showRefusal(status, body);
      return;
    }
    // Only the id, the manage token and the expiry: never the key (after '#') or the code.
    if ($("#remember")?.checked) rememberLink(body);
    form.reset();
    resetNotify();
    if ($("#remember")) $("#remember").checked = remembering();
    show(section, false);
    showResult(`${body.url}#${protocol.b64uEncode(sealed.K)}`, code, body);
  } catch (err) {
    showFormError(err);
  } finally {
    button.disabled = false;
    say(button, submitKey());
  }
}

function init() {
  initLanguageSwitch();
  if (!hasWebCrypto()) {
    show($("#nocrypto"), true);
    show(section, false);
    return;
  }
  say($("#file-limit"), "file_limit", { size: { bytes: maxFile } });
  $("#code").value = protocol.generateCode();
  for (const radio of form.querySelectorAll("input[name=kind]")) radio.addEventListener("change", selectKind);
  selectKind();
  $("#use-code").addEventListener("change", (e) => show($("#code-row"), e.target.checked));
  $("#new-code").addEventListener("click", () => ($("#code").value = protocol.generateCode()));
  initAwsForm();
  initSessionTtl();
  initNotifyForm();
  initBulkForm();
  if ($("#remember")) {
    $("#remember").checked = remembering();
    $("#remember").addEventListener("change", (e) => setRemembering(e.target.checked));
  }
  initFilePicker();
  clearErrorsOnEdit(form);
  initResult();
  form.addEventListener("submit", submit);
}

init();
