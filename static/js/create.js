// The create page: build the payload, encrypt it here, send ciphertext and verifiers only.
import { initAwsForm } from "./awsform.js";
import { FieldError, clearFieldError, clearFieldErrors, showFieldError } from "./fields.js";
import { initLanguageSwitch } from "./i18n.js";
import { safeFileName } from "./kinds.js";
import * as protocol from "./protocol.js";
import { initResult, showResult } from "./result.js";
import { Sentence, sentenceOf } from "./sentences.js";
import { $, api, formatSize, hasWebCrypto, say, show, unsay } from "./ui.js";

const form = $("#create-form");
const section = $("#create");
const maxBlob = Number(section.dataset.maxBlob);
// base64 makes a file 4/3 larger inside the JSON payload; keep room for the framing.
const maxFile = Math.floor(((maxBlob - 28 - 512) * 3) / 4);
// An encrypted payload is 12 bytes of iv and 16 of tag longer than the payload itself.
const SEAL_OVERHEAD = 28;

function kind() {
  return form.querySelector("input[name=kind]:checked").value;
}

function selectKind() {
  for (const panel of form.querySelectorAll(".kind-panel")) show(panel, panel.dataset.kind === kind());
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
const MAIN_FIELD = { text: "text", file: "file", "aws-access-key": "access_key_id", "console-login": "sign_in_url" };

/** Check what the server would refuse, with the limits this page was given, before any work. */
function checkLimits(payload) {
  if (protocol.encodePayload(payload).length + SEAL_OVERHEAD > maxBlob) {
    const field = MAIN_FIELD[kind()];
    if (field === "file") throw new FieldError(field, "err_file_too_big", { size: { bytes: maxFile } });
    throw new FieldError(field, "err_too_big", { size: { bytes: maxBlob } });
  }
  const ttls = section.dataset.ttls.split(",").map(Number);
  if (!ttls.includes(Number(value("ttl")))) throw new FieldError("ttl", "err_ttl");
  const views = value("views").trim();
  const viewsMax = Number(section.dataset.viewsMax);
  if (!/^[0-9]+$/.test(views) || Number(views) < 1 || Number(views) > viewsMax) {
    throw new FieldError("views", "err_views", { max: viewsMax });
  }
}

function apiError(status, body) {
  if (status === 0) return new Sentence("err_network");
  if (status === 429 || status === 503) return new Sentence("err_busy");
  // The detail comes in the page's language: api() asks for it (Accept-Language).
  return new Sentence("err_server", { detail: (body && body.detail) || status });
}

async function submit(event) {
  event.preventDefault();
  setError(null);
  clearFieldErrors(form);
  const button = $("#submit");
  let code = null;
  try {
    const payload = await buildPayload();
    checkLimits(payload);
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
    const { status, body } = await api("POST", "/api/v1/secrets", {
      json: {
        ciphertext: protocol.b64uEncode(sealed.blob),
        link_verifier: protocol.b64uEncode(sealed.linkVerifier),
        auth_verifier: protocol.b64uEncode(sealed.authVerifier),
        ttl: Number(value("ttl")),
        views: Number(value("views")),
        has_code: code !== null,
      },
    });
    if (status !== 201) throw apiError(status, body);
    form.reset();
    show(section, false);
    showResult(`${body.url}#${protocol.b64uEncode(sealed.K)}`, code, body);
  } catch (err) {
    if (err instanceof FieldError) showFieldError(err.field, err.key, err.vars);
    else {
      const { key, vars } = sentenceOf(err);
      setError(key, vars);
    }
  } finally {
    button.disabled = false;
    say(button, "submit");
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
  $("#file").addEventListener("change", () => {
    const file = $("#file").files[0];
    $("#file-name").textContent = file ? `${safeFileName(file.name)} (${formatSize(file.size)})` : "";
  });
  const drop = $("#drop");
  drop.addEventListener("dragover", (e) => {
    e.preventDefault();
    drop.classList.add("over");
  });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    if (e.dataTransfer.files.length) {
      $("#file").files = e.dataTransfer.files;
      $("#file").dispatchEvent(new Event("change", { bubbles: true }));
    }
  });
  // Whatever the creator changes in a field takes back that field's error.
  form.addEventListener("input", (e) => clearFieldError(e.target));
  form.addEventListener("change", (e) => clearFieldError(e.target));
  initResult();
  form.addEventListener("submit", submit);
}

init();
