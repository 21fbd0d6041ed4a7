// Shows a decrypted payload on the reveal page. Every value goes in as text, never markup; a URL
// becomes a link only when it is https:; AWS blocks are built only from fields in their real shape.
// Every value is exact: marked translate="no" (and notranslate) so a browser's page translation
// leaves it alone, and set left to right (dir="ltr") even in a right-to-left page; free text
// (the text secret, a note, a file name) finds its own direction (dir="auto").
import { awsConfig, malformedAwsFields, parseExpiration, safeFileName } from "./kinds.js";
import * as protocol from "./protocol.js";
import { $, copyButton, el, has, say } from "./ui.js";

const FREE_TEXT = new Set(["note"]);

/** Attributes of a node that holds a value of the secret. */
function exact(direction = "ltr") {
  return { translate: "no", dir: direction };
}

function labelNode(name) {
  const dt = el("dt");
  // A field this page has no word for is named by the payload itself: shown as it came.
  if (has(`field_${name}`)) say(dt, `field_${name}`);
  else {
    dt.textContent = name;
    dt.classList.add("notranslate");
    dt.setAttribute("translate", "no");
    dt.dir = "ltr";
  }
  return dt;
}

/** The copy button's name for field `name`: its own sentence, else "Copy {name}". */
function copyFieldButton(name, getText) {
  if (has(`copy_field_${name}`)) return copyButton(getText, `copy_field_${name}`);
  return copyButton(getText, "copy_field", { name: has(`field_${name}`) ? { key: `field_${name}` } : name });
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
  const direction = FREE_TEXT.has(name) ? "auto" : "ltr";
  // A URL becomes a link only when it is https: (never javascript:, data:, http:).
  const url = asUrl(value);
  if (url && url.protocol === "https:" && /url|link/.test(name)) {
    return el("a", { text: value, className: "value notranslate",
      attrs: { href: url.href, rel: "noopener noreferrer", target: "_blank", ...exact() } });
  }
  return el("code", { text: value, className: "value notranslate", attrs: exact(direction) });
}

function block(titleKey, title, text, nameKey) {
  const heading = el("h2");
  if (titleKey) say(heading, titleKey);
  else {
    // A file's path, not a word: never translated.
    heading.textContent = title;
    heading.className = "notranslate";
    heading.setAttribute("translate", "no");
    heading.dir = "ltr";
  }
  const pre = el("pre", { text, className: "notranslate", attrs: exact() });
  return el("div", { className: "block", children: [heading, pre, copyButton(() => text, nameKey)] });
}

function renderFields(body, fields) {
  const names = Object.keys(fields);
  if (!names.length) return;
  const list = el("dl", { className: "fields" });
  for (const name of names) {
    list.append(labelNode(name));
    list.append(el("dd", { children: [valueNode(name, fields[name]), copyFieldButton(name, () => fields[name])] }));
  }
  body.append(list);
}

/** When temporary credentials stop working, absolute and counted from now, before anything else. */
function renderExpiry(body, fields) {
  const when = parseExpiration(fields.expiration);
  if (!when) return;
  const iso = when.toISOString();
  const line = el("p", { className: "notice-line", attrs: { id: "aws-expiry" } });
  const past = when.getTime() <= Date.now();
  say(line, past ? "aws_session_expired" : "aws_session_expires", { time: { time: iso }, ago: { ago: iso } });
  if (past) line.classList.add("expired");
  body.prepend(line);
}

function renderAws(body, fields, kind) {
  if (kind === "aws-session") renderExpiry(body, fields);
  const config = awsConfig(fields, kind);
  if (config) {
    body.append(block("aws_exports", null, config.exports, "copy_exports"));
    body.append(block(null, "~/.aws/credentials", config.credentials, "copy_credentials"));
    // The JSON document a credential_process command prints, for a profile that runs one.
    if (kind === "aws-session") body.append(block(null, "credential_process", config.credentialProcess, "copy_credential_process"));
  } else if (malformedAwsFields(fields).length || kind === "aws-session") {
    // Before the values, so it is read first: these are not what they claim to be.
    const warning = el("p", { className: "warn", attrs: { id: "aws-warning" } });
    say(warning, "aws_malformed");
    body.querySelector("dl.fields")?.before(warning);
  }
}

function renderFile(body, file) {
  const bytes = protocol.fileBytes(file);
  // Always a download of opaque bytes: never opened, never rendered in this page.
  const url = URL.createObjectURL(new Blob([bytes], { type: "application/octet-stream" }));
  const name = safeFileName(file.name);
  const link = el("a", { className: "button download", attrs: { href: url, download: name } });
  // The name sits in the sentence as an isolated, untranslated <bdi>.
  say(link, "download", { name: { exact: name }, size: { bytes: bytes.length } });
  body.append(el("p", { children: [link] }));
}

/** Put `payload` on the page; returns the key of the sentence that tells the reader what to do before leaving. */
export function render(payload) {
  const body = $("#secret-body");
  body.replaceChildren();
  if ("text" in payload) {
    const pre = el("pre", { text: payload.text, className: "secret-text notranslate", attrs: exact("auto") });
    body.append(el("div", { className: "block", children: [pre, copyButton(() => payload.text, "copy_text")] }));
  }
  const fields = payload.fields || {};
  renderFields(body, fields);
  if (payload.kind === "aws-access-key" || payload.kind === "aws-session") renderAws(body, fields, payload.kind);
  const files = payload.files || [];
  for (const file of files) renderFile(body, file);
  const copyable = "text" in payload || Object.keys(fields).length > 0;
  if (!files.length) return "revealed_gone";
  return copyable ? "revealed_gone_mixed" : "revealed_gone_file";
}
