// The page's language: its strings, every string on screen re-rendered when the reader picks
// another one, and the switch itself, in place (no reload: a reveal page holds its key in the
// fragment and a create page its fresh result in memory, and neither may be lost).
//
// What the server rendered carries its key in data-i18n (data-i18n-n: a count; data-i18n-attr:
// "attribute=key"). What the scripts write goes through say() and sayAttr(), which remember the
// key and the values, so a switch re-renders those too, in the new language.
import { formatRelative as relativeIn, formatSize as sizeIn, formatTime as timeIn, formatTimes as timesIn, parts, pick } from "./catalog.js";

const COOKIE = "burnlink_lang";
const COOKIE_MAX_AGE = 365 * 24 * 3600;
const root = document.documentElement;
const state = { lang: root.lang || "en", strings: JSON.parse(document.getElementById("i18n").textContent) };
// node -> {text: {key, vars}, attrs: {name: {key, vars}}}: what the scripts put on screen.
const spoken = new Map();

export function lang() {
  return state.lang;
}

export const formatTime = (iso) => timeIn(state.lang, iso);
export const formatSize = (bytes) => sizeIn(state.lang, bytes);

/**
 * The value of one variable as text. A variable may be plain (string, number) or say how to
 * render it in the current language: {key} another string, {time} an ISO instant, {ago} the
 * same counted from now ("3 minutes ago", "in 2 hours"), {times} a list of instants, {bytes} a
 * size, {exact} a value shown as it is (a file name: never translated).
 */
function valueOf(value) {
  if (value === null || typeof value !== "object") return String(value ?? "");
  if ("key" in value) return t(value.key, value.vars);
  if ("time" in value) return formatTime(value.time);
  if ("ago" in value) return relativeIn(state.lang, value.ago);
  if ("times" in value) return timesIn(state.lang, value.times);
  if ("bytes" in value) return formatSize(value.bytes);
  if ("exact" in value) return String(value.exact);
  return "";
}

function template(key, vars) {
  return pick(state.strings[key], state.lang, vars.n);
}

/** A user-facing string, with {name} placeholders filled in (the key itself when there is none). */
export function t(key, vars = {}) {
  const text = template(key, vars);
  if (text === undefined) return key;
  return parts(text).map((part) => ("text" in part ? part.text : valueOf(vars[part.name]))).join("");
}

/** True when the catalog has a string `key`. */
export function has(key) {
  return key in state.strings;
}

function render(node, { key, vars }) {
  const text = template(key, vars);
  if (text === undefined) {
    node.textContent = key;
    return;
  }
  const nodes = parts(text).map((part) => {
    if ("text" in part) return document.createTextNode(part.text);
    const value = vars[part.name];
    if (value && typeof value === "object" && "exact" in value) {
      // Isolated from the sentence around it (an Arabic sentence, a Latin file name) and left
      // alone by the browser's page translation.
      const exact = document.createElement("bdi");
      exact.className = "notranslate";
      exact.setAttribute("translate", "no");
      exact.textContent = String(value.exact);
      return exact;
    }
    return document.createTextNode(valueOf(value));
  });
  node.replaceChildren(...nodes);
}

function entry(node) {
  if (!spoken.has(node)) spoken.set(node, { text: null, attrs: {} });
  return spoken.get(node);
}

/** Put the string `key` into `node` as text, and keep it in the reader's language from now on. */
export function say(node, key, vars = {}) {
  node.removeAttribute("data-i18n");
  node.removeAttribute("data-i18n-n");
  entry(node).text = { key, vars };
  render(node, { key, vars });
}

/** Set the attribute `name` of `node` to the string `key`, and keep it in the reader's language. */
export function sayAttr(node, name, key, vars = {}) {
  entry(node).attrs[name] = { key, vars };
  node.setAttribute(name, t(key, vars));
}

/** Empty `node` and forget what it said. */
export function unsay(node) {
  const known = spoken.get(node);
  if (known) known.text = null;
  node.textContent = "";
}

/** The key of what `node` says now (through say()), or null. */
export function saying(node) {
  return spoken.get(node)?.text?.key ?? null;
}

/** What `node` says and is named now, to be put back later with restore(). */
export function remember(node) {
  const known = spoken.get(node) || { text: null, attrs: {} };
  const memory = { text: known.text, attrs: {} };
  // What the server rendered: its keys are in the node's data-i18n attributes.
  if (!memory.text && node.dataset.i18n) {
    const n = node.dataset.i18nN;
    memory.text = { key: node.dataset.i18n, vars: n === undefined ? {} : { n: Number(n) } };
  }
  for (const pair of (node.dataset.i18nAttr || "").split(";").filter(Boolean)) {
    const [name, key] = pair.split("=").map((x) => x.trim());
    memory.attrs[name] = { key, vars: {} };
  }
  Object.assign(memory.attrs, known.attrs);
  return memory;
}

export function restore(node, memory) {
  if (!memory) return;
  if (memory.text) say(node, memory.text.key, memory.text.vars);
  for (const [name, spec] of Object.entries(memory.attrs)) sayAttr(node, name, spec.key, spec.vars);
}

function renderAll() {
  for (const node of document.querySelectorAll("[data-i18n]")) {
    const n = node.dataset.i18nN;
    node.textContent = t(node.dataset.i18n, n === undefined ? {} : { n: Number(n) });
  }
  for (const node of document.querySelectorAll("[data-i18n-attr]")) {
    for (const pair of node.dataset.i18nAttr.split(";")) {
      const [name, key] = pair.split("=");
      node.setAttribute(name.trim(), t(key.trim()));
    }
  }
  const title = document.querySelector("title[data-i18n-title]");
  if (title) document.title = `${t(title.dataset.i18nTitle)} · burnlink`;
  for (const [node, known] of spoken) {
    if (!node.isConnected) {
      spoken.delete(node);
      continue;
    }
    if (known.text) render(node, known.text);
    for (const [name, spec] of Object.entries(known.attrs)) node.setAttribute(name, t(spec.key, spec.vars));
  }
}

function rememberChoice(tag) {
  const secure = root.dataset.secureCookie === "1" ? "; Secure" : "";
  document.cookie = `${COOKIE}=${encodeURIComponent(tag)}; Path=/; Max-Age=${COOKIE_MAX_AGE}; SameSite=Lax${secure}`;
}

function markChoice(link) {
  for (const other of document.querySelectorAll("a[data-lang]")) other.removeAttribute("aria-current");
  link.setAttribute("aria-current", "true");
  const current = document.getElementById("lang-current");
  if (current) {
    current.textContent = link.textContent;
    current.lang = link.lang;
    current.dir = link.querySelector("bdi")?.dir || "auto";
  }
}

/** Load the catalog of `tag` and re-render the page in it; resolves to false if it cannot be had. */
export async function switchLanguage(tag) {
  let strings;
  try {
    const response = await fetch(`/static/i18n/${encodeURIComponent(tag)}.json`, { credentials: "omit" });
    if (!response.ok) return false;
    strings = await response.json();
  } catch {
    return false;
  }
  state.lang = tag;
  state.strings = strings;
  root.lang = tag;
  root.dir = strings.dir === "rtl" ? "rtl" : "ltr";
  rememberChoice(tag);
  renderAll();
  return true;
}

/** Take over the language links: switch in place instead of loading the page again. */
export function initLanguageSwitch() {
  document.addEventListener("click", async (event) => {
    const link = event.target instanceof Element ? event.target.closest("a[data-lang]") : null;
    if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    const menu = link.closest("details");
    if (link.dataset.lang !== state.lang && !(await switchLanguage(link.dataset.lang))) return;
    markChoice(link);
    if (menu) {
      menu.open = false;
      menu.querySelector("summary").focus();
    }
  });
}
