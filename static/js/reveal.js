// The reveal page. On load it only asks whether the secret exists and needs a code (that
// consumes nothing); the ciphertext is requested only after a click or Enter on Reveal.
import * as protocol from "./protocol.js";
import { $, api, copyButton, el, formatSize, formatTime, hasWebCrypto, show, t } from "./ui.js";

const intro = $("#intro");
const secretId = intro.dataset.secretId;
let K = null;
let linkProof = null;
let needsCode = false;

function gone() {
  show(intro, false);
  show($("#secret"), false);
  show($("#gone"), true);
  history.replaceState(null, "", location.pathname);
}

function fieldLabel(name) {
  const key = `field_${name}`;
  const label = t(key);
  return label === key ? name : label;
}

/** `value` parsed as an absolute URL, or null when it is not one. */
function asUrl(value) {
  try {
    return new URL(value);
  } catch {
    return null;
  }
}

function valueNode(name, value) {
  // A URL becomes a link only when it is https: (never javascript:, data:, http:).
  const url = asUrl(value);
  if (url && url.protocol === "https:" && /url|link/.test(name)) {
    return el("a", { text: value, attrs: { href: url.href, rel: "noopener noreferrer", target: "_blank" } });
  }
  return el("code", { text: value });
}

function block(title, text) {
  const pre = el("pre", { text });
  return el("div", { className: "block", children: [el("h2", { text: title }), pre, copyButton(() => text)] });
}

function shellQuote(text) {
  return `'${text.replace(/'/g, "'\\''")}'`;
}

function render(payload) {
  const body = $("#secret-body");
  body.replaceChildren();
  if ("text" in payload) {
    const pre = el("pre", { text: payload.text, className: "secret-text" });
    body.append(el("div", { className: "block", children: [pre, copyButton(() => payload.text)] }));
  }
  const fields = payload.fields || {};
  const names = Object.keys(fields);
  if (names.length) {
    const list = el("dl", { className: "fields" });
    for (const name of names) {
      list.append(el("dt", { text: fieldLabel(name) }));
      list.append(el("dd", { children: [valueNode(name, fields[name]), copyButton(() => fields[name])] }));
    }
    body.append(list);
  }
  if (payload.kind === "aws-access-key" && fields.access_key_id && fields.secret_access_key) {
    const lines = [`export AWS_ACCESS_KEY_ID=${shellQuote(fields.access_key_id)}`,
      `export AWS_SECRET_ACCESS_KEY=${shellQuote(fields.secret_access_key)}`];
    if (fields.region) lines.push(`export AWS_DEFAULT_REGION=${shellQuote(fields.region)}`);
    body.append(block(t("aws_exports"), lines.join("\n")));
    const ini = ["[default]", `aws_access_key_id = ${fields.access_key_id}`, `aws_secret_access_key = ${fields.secret_access_key}`];
    if (fields.region) ini.push(`region = ${fields.region}`);
    body.append(block(t("aws_credentials"), ini.join("\n")));
  }
  for (const file of payload.files || []) {
    const bytes = protocol.fileBytes(file);
    // Always a download of opaque bytes: never opened, never rendered in this page.
    const url = URL.createObjectURL(new Blob([bytes], { type: "application/octet-stream" }));
    const name = file.name.split(/[\\/]/).pop() || "secret.bin";
    const link = el("a", {
      text: t("download", { name, size: formatSize(bytes.length) }),
      className: "button download",
      attrs: { href: url, download: name },
    });
    body.append(el("p", { children: [link] }));
  }
}

async function reveal(event) {
  event.preventDefault();
  const error = $("#reveal-error");
  error.textContent = "";
  let code = null;
  if (needsCode) {
    code = $("#code").value;
    if (!code.trim()) {
      error.textContent = t("err_code_needed");
      $("#code").focus();
      return;
    }
    try {
      protocol.normalizeCode(code);
    } catch (err) {
      error.textContent = err.message;
      return;
    }
  }
  const button = $("#reveal");
  button.disabled = true;
  button.textContent = t("revealing");
  try {
    const keys = await protocol.deriveKeys(K, code);
    const { status, body } = await api("POST", `/api/v1/secrets/${secretId}/reveal`, {
      json: { link: protocol.b64uEncode(linkProof), auth: protocol.b64uEncode(keys.auth) },
    });
    if (status === 200) {
      const payload = await protocol.openBlob(protocol.b64uDecode(body.ciphertext), K, code, keys);
      history.replaceState(null, "", location.pathname); // the key leaves the address bar
      K = null;
      show(intro, false);
      render(payload);
      $("#secret-status").textContent = body.views_left > 0 ? t("revealed_views_left", { n: body.views_left }) : t("revealed_gone");
      show($("#secret"), true);
      $("#secret-title").focus();
      return;
    }
    if (status === 404) return gone();
    if (status === 403 && body && body.code === "wrong_access_code") {
      if (body.attempts_left === 0) {
        gone();
        $("#gone p").textContent = t("wrong_code_last");
        return;
      }
      error.textContent = t("wrong_code", { n: body.attempts_left });
      $("#code").select();
      return;
    }
    error.textContent = status === 0 ? t("err_network") : t("err_busy");
  } catch (err) {
    error.textContent = err.message;
  } finally {
    button.disabled = false;
    button.textContent = t("reveal_button");
  }
}

async function init() {
  if (!hasWebCrypto()) {
    show(intro, false);
    show($("#nocrypto"), true);
    return;
  }
  try {
    K = protocol.b64uDecode(location.hash.replace(/^#/, ""), { length: 32 });
  } catch {
    show(intro, false);
    show($("#broken"), true);
    return;
  }
  linkProof = await protocol.linkProof(K);
  const { status, body } = await api("GET", `/api/v1/secrets/${secretId}`, {
    headers: { "X-Burnlink-Link": protocol.b64uEncode(linkProof) },
  });
  if (status === 404) return gone();
  if (status !== 200) {
    $("#meta").textContent = status === 0 ? t("err_network") : t("err_busy");
    return;
  }
  needsCode = body.has_code;
  if (body.views_left > 1) $("#intro .lead").textContent = t("reveal_lead_views", { n: body.views_left });
  $("#meta").textContent = t("reveal_expires", { time: formatTime(body.expires_at) });
  show($("#code-field"), needsCode);
  $("#reveal").disabled = false;
  $("#reveal-form").addEventListener("submit", reveal);
}

init();
