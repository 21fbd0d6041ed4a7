// The create page: build the payload, encrypt it here, send ciphertext and verifiers only.
import * as protocol from "./protocol.js";
import { drawQr } from "./qr.js";
import { $, api, copyText, formatSize, formatTime, hasWebCrypto, show, t } from "./ui.js";

const form = $("#create-form");
const section = $("#create");
const maxBlob = Number(section.dataset.maxBlob);
// base64 makes a file 4/3 larger inside the JSON payload; keep room for the framing.
const maxFile = Math.floor(((maxBlob - 28 - 512) * 3) / 4);
let manage = null; // {id, token} of the secret just made: page memory only, never a URL
let pollTimer = null;

function kind() {
  return form.querySelector("input[name=kind]:checked").value;
}

function selectKind() {
  for (const panel of form.querySelectorAll(".kind-panel")) show(panel, panel.dataset.kind === kind());
}

function setError(message) {
  $("#form-error").textContent = message || "";
}

function value(id) {
  return $(`#${id}`).value;
}

function checkAwsFormat() {
  const id = value("access_key_id").trim();
  const secret = value("secret_access_key").trim();
  show($("#warn-access_key_id"), id !== "" && !/^(AKIA|ASIA)[A-Z0-9]{16}$/.test(id));
  show($("#warn-secret_access_key"), secret !== "" && !/^[A-Za-z0-9/+]{40}$/.test(secret));
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
        if (!f[required]) throw new Error(t("err_required", { field: t(`label_${required}`) }));
      }
      return protocol.makePayload({ kind: "aws-access-key", fields: f });
    }
    case "console-login": {
      const f = fields(["sign_in_url", "username", "password", "note"], "console-login");
      if (!f.sign_in_url) throw new Error(t("err_required", { field: t("field_sign_in_url") }));
      return protocol.makePayload({ kind: "console-login", fields: f });
    }
    case "file": {
      const file = $("#file").files[0];
      if (!file) throw new Error(t("err_file_missing"));
      if (file.size > maxFile) throw new Error(t("err_file_too_big", { size: formatSize(maxFile) }));
      const bytes = new Uint8Array(await file.arrayBuffer());
      return protocol.makePayload({ kind: "file", files: [protocol.fileEntry(file.name, file.type, bytes)] });
    }
    default: {
      const text = value("text");
      if (!text.trim()) throw new Error(t("err_empty"));
      return protocol.makePayload({ kind: "text", text });
    }
  }
}

function apiError(status, body) {
  if (status === 0) return t("err_network");
  if (status === 429 || status === 503) return t("err_busy");
  return t("err_server", { detail: (body && body.detail) || status });
}

async function submit(event) {
  event.preventDefault();
  setError("");
  const button = $("#submit");
  let code = null;
  try {
    if ($("#use-code").checked) {
      code = value("code");
      protocol.checkCreatorCode(code); // a clear message before any work
    }
    const payload = await buildPayload();
    button.disabled = true;
    button.textContent = t("working");
    const sealed = await protocol.sealPayload(payload, code);
    if (sealed.blob.length > maxBlob) throw new Error(t("err_file_too_big", { size: formatSize(maxFile) }));
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
    if (status !== 201) throw new Error(apiError(status, body));
    showResult(`${body.url}#${protocol.b64uEncode(sealed.K)}`, code, body);
  } catch (err) {
    setError(err.message);
  } finally {
    button.disabled = false;
    button.textContent = t("submit");
  }
}

function showResult(link, code, created) {
  manage = { id: created.id, token: created.manage_token };
  form.reset();
  show(section, false);
  show($("#result"), true);
  $("#result-link").value = link;
  show($("#result-code-box"), code !== null);
  $("#result-code").value = code || "";
  $("#result-expires").textContent = t("expires", { time: formatTime(created.expires_at) });
  drawQr($("#qr"), link);
  $("#result-title").focus();
  pollReceipt();
}

function receiptText(receipt) {
  switch (receipt.state) {
    case "waiting":
      return t("receipt_waiting");
    case "viewed": {
      const times = receipt.viewed_at.map(formatTime).join(", ");
      const left = receipt.views_left > 0 ? ` ${t("receipt_views_left", { n: receipt.views_left })}` : "";
      return t("receipt_viewed", { times }) + left;
    }
    default:
      return t(`receipt_${receipt.state}`);
  }
}

async function pollReceipt() {
  clearTimeout(pollTimer);
  if (!manage) return;
  const { status, body } = await api("GET", `/api/v1/secrets/${manage.id}/receipt`, {
    headers: { Authorization: `Bearer ${manage.token}` },
  });
  const receipt = $("#receipt");
  receipt.dataset.state = status === 200 ? body.state : "unknown";
  receipt.textContent = status === 200 ? receiptText(body) : t("receipt_unknown");
  const ended = status === 200 && (body.state !== "waiting" && !(body.state === "viewed" && body.views_left > 0));
  show($("#burn"), !ended);
  if (!ended) pollTimer = setTimeout(pollReceipt, 3000);
}

async function burn() {
  if (!manage) return;
  await api("DELETE", `/api/v1/secrets/${manage.id}`, { headers: { Authorization: `Bearer ${manage.token}` } });
  await pollReceipt();
}

function init() {
  if (!hasWebCrypto()) {
    show($("#nocrypto"), true);
    show(section, false);
    return;
  }
  $("#file-limit").textContent = t("file_limit", { size: formatSize(maxFile) });
  $("#code").value = protocol.generateCode();
  for (const radio of form.querySelectorAll("input[name=kind]")) radio.addEventListener("change", selectKind);
  selectKind();
  $("#use-code").addEventListener("change", (e) => show($("#code-row"), e.target.checked));
  $("#new-code").addEventListener("click", () => ($("#code").value = protocol.generateCode()));
  $("#access_key_id").addEventListener("input", checkAwsFormat);
  $("#secret_access_key").addEventListener("input", checkAwsFormat);
  $("#file").addEventListener("change", () => {
    const file = $("#file").files[0];
    $("#file-name").textContent = file ? `${file.name} (${formatSize(file.size)})` : "";
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
      $("#file").dispatchEvent(new Event("change"));
    }
  });
  for (const button of document.querySelectorAll("button.copy[data-copy]")) {
    button.addEventListener("click", () => copyText(button, $(`#${button.dataset.copy}`).value));
  }
  $("#burn").addEventListener("click", burn);
  form.addEventListener("submit", submit);
}

init();
