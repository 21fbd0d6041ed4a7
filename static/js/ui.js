// Small helpers shared by the pages: strings (i18n.js), element building (text only, never markup),
// copy buttons, and the JSON API calls.
import { lang, remember, restore, say, sayAttr } from "./i18n.js";

export { formatSize, formatTime, has, lang, say, sayAttr, saying, t, unsay } from "./i18n.js";

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

/** Copy `text` and say so on the button (its name too); falls back to asking for Ctrl+C. */
export async function copyText(button, text) {
  const memory = remember(button);
  let said;
  try {
    await navigator.clipboard.writeText(text);
    said = "copied";
  } catch {
    said = "copy_failed";
  }
  const named = button.hasAttribute("aria-label");
  say(button, said);
  if (named) sayAttr(button, "aria-label", said);
  setTimeout(() => restore(button, memory), 2000);
}

/** A "Copy" button whose accessible name says what it copies, e.g. "Copy secret access key". */
export function copyButton(getText, nameKey, nameVars = {}) {
  const button = el("button", { className: "copy", attrs: { type: "button" } });
  say(button, "copy_label");
  sayAttr(button, "aria-label", nameKey, nameVars);
  button.addEventListener("click", () => copyText(button, getText()));
  return button;
}

/**
 * Call the API; resolve to {status, body} (body: parsed JSON or null), or {status: 0} offline.
 * No cookie goes along unless `credentials` says so: only a signed-in creator's own calls need one.
 */
export async function api(method, path, { json, headers = {}, credentials = "omit" } = {}) {
  // The problem documents' sentences come back in the page's language, not the browser's.
  const init = { method, headers: { Accept: "application/json", "Accept-Language": lang(), ...headers }, credentials, cache: "no-store",
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
/** Let files be dropped on `drop` as if they were chosen in the file `input` (which fires "change"). */
export function dropZone(drop, input) {
  drop.addEventListener("dragover", (e) => {
    e.preventDefault();
    drop.classList.add("over");
  });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    if (e.dataTransfer.files.length) {
      input.files = e.dataTransfer.files;
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }
  });
}

export function hasWebCrypto() {
  return Boolean(globalThis.isSecureContext && globalThis.crypto && globalThis.crypto.subtle);
}
