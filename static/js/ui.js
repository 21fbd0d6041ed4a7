// Small helpers shared by the pages: strings, element building (text only, never markup),
// copy buttons, and the JSON API calls.

const STRINGS = JSON.parse(document.getElementById("i18n").textContent);

/** A user-facing string, with {name} placeholders filled in. */
export function t(key, vars = {}) {
  const template = STRINGS[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? ""));
}

export const $ = (selector, root = document) => root.querySelector(selector);

/** Build an element; `text` is always inserted as text, never parsed as markup. */
export function el(tag, { text, className, attrs = {}, children = [] } = {}) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  for (const child of children) node.append(child);
  return node;
}

export function show(node, visible = true) {
  node.hidden = !visible;
}

/** Copy `text` and say so on the button; falls back to asking for Ctrl+C. */
export async function copyText(button, text) {
  const label = button.textContent;
  try {
    await navigator.clipboard.writeText(text);
    button.textContent = t("copied");
  } catch {
    button.textContent = t("copy_failed");
  }
  setTimeout(() => (button.textContent = label), 2000);
}

export function copyButton(getText) {
  const button = el("button", { text: t("copy_label"), className: "copy", attrs: { type: "button" } });
  button.addEventListener("click", () => copyText(button, getText()));
  return button;
}

/** Local date and time of an ISO instant, e.g. "24 Nov 2026, 14:02". */
export function formatTime(iso) {
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

export function formatSize(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(bytes < 10240 ? 1 : 0)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** Call the API; resolve to {status, body} (body: parsed JSON or null), or {status: 0} offline. */
export async function api(method, path, { json, headers = {} } = {}) {
  const init = { method, headers: { Accept: "application/json", ...headers }, credentials: "omit", cache: "no-store",
    referrerPolicy: "no-referrer" };
  if (json !== undefined) {
    init.body = JSON.stringify(json);
    init.headers["Content-Type"] = "application/json";
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    return { status: 0, body: null };
  }
  // A body that is not JSON (an empty 204, a proxy's HTML error page) reads as null.
  const body = await response.json().catch(() => null);
  return { status: response.status, body };
}

/** True where the page can encrypt: WebCrypto exists only in secure contexts. */
export function hasWebCrypto() {
  return Boolean(globalThis.isSecureContext && globalThis.crypto && globalThis.crypto.subtle);
}
