// One language's strings, without the DOM (tests/js runs it under Node): placeholders, plural
// forms chosen by Intl.PluralRules, and the locale-aware numbers, sizes, dates and lists.
//
// A catalog (static/i18n/<lang>.json) maps keys to sentences with {name} placeholders. A sentence
// that depends on a count is an object keyed by the language's plural categories (zero, one, two,
// few, many, other), and its count is always the variable {n}.

const PLACEHOLDER = /\{(\w+)\}/g;

/** The plural category of `n` in `lang` ("one", "few", …). */
export function pluralCategory(lang, n) {
  return new Intl.PluralRules(lang).select(Number(n));
}

/** The sentence of `entry` for the count `n`: the entry itself, or its form for n's category. */
export function pick(entry, lang, n) {
  if (typeof entry === "string") return entry;
  if (!entry || typeof entry !== "object") return undefined;
  return entry[pluralCategory(lang, n ?? 0)] ?? entry.other;
}

/** `template` with each {name} replaced by String(vars[name]) (missing ones by nothing). */
export function fill(template, vars = {}) {
  return template.replace(PLACEHOLDER, (_, name) => String(vars[name] ?? ""));
}

/** The names of the placeholders in `template`, sorted, each once. */
export function placeholders(template) {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1]))].sort();
}

/** `template` cut at its placeholders: [{text}, {name}, {text}, …], in order. */
export function parts(template) {
  const out = [];
  let last = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    if (match.index > last) out.push({ text: template.slice(last, match.index) });
    out.push({ name: match[1] });
    last = match.index + match[0].length;
  }
  if (last < template.length) out.push({ text: template.slice(last) });
  return out;
}

/** The sentence `key` of `strings` for `vars` (plural by vars.n), or undefined when there is none. */
export function sentence(strings, lang, key, vars = {}) {
  return pick(strings[key], lang, vars.n);
}

/** Date and time of an ISO instant in `lang`, in the reader's own time zone. */
export function formatTime(lang, iso) {
  return new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso));
}

const UNITS = [["second", 60], ["minute", 60], ["hour", 24], ["day", Infinity]];

/**
 * How far an ISO instant is from `now` (ms), in words of `lang`: "3 minutes ago", "in 2 hours",
 * "now"; in the largest unit that fits, rounded, as Intl.RelativeTimeFormat says it.
 */
export function formatRelative(lang, iso, now = Date.now()) {
  let amount = (new Date(iso).getTime() - now) / 1000;
  let unit = "second";
  for (const [name, size] of UNITS) {
    unit = name;
    if (Math.abs(amount) < size) break;
    amount /= size;
  }
  return new Intl.RelativeTimeFormat(lang, { numeric: "auto" }).format(Math.round(amount), unit);
}

/** Several of them as one list, joined as `lang` joins lists ("a, b and c"). */
export function formatTimes(lang, isos) {
  return new Intl.ListFormat(lang, { style: "long", type: "conjunction" }).format(isos.map((iso) => formatTime(lang, iso)));
}

/** A byte count in binary units, the number written as `lang` writes it ("1,5 MiB" in German). */
export function formatSize(lang, bytes) {
  const number = (value, digits) =>
    new Intl.NumberFormat(lang, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value);
  if (bytes < 1024) return `${number(bytes, 0)} B`;
  if (bytes < 1024 * 1024) return `${number(bytes / 1024, bytes < 10240 ? 1 : 0)} KiB`;
  return `${number(bytes / 1024 / 1024, 1)} MiB`;
}
