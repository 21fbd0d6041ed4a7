// static/i18n/*.json and static/js/catalog.js: every catalog has every string of English, with the
// same placeholders and a form for each plural category its language has (by Intl.PluralRules, the
// rules the page itself picks forms with); the pure helpers fill, pick and format as documented.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as catalog from "../../static/js/catalog.js";

const DIR = fileURLToPath(new URL("../../static/i18n/", import.meta.url));
const LANGUAGES = ["en", "de", "fr", "es", "pt-BR", "ja", "zh-Hans", "pl", "ar"];
const META = new Set(["lang", "dir", "language_name"]);
const load = (lang) => JSON.parse(readFileSync(`${DIR}${lang}.json`, "utf8"));
const english = load("en");
const forms = (value) => (typeof value === "string" ? [value] : Object.values(value));

test("there is one catalog per language, and no other", () => {
  assert.deepEqual(readdirSync(DIR).filter((f) => f.endsWith(".json")).map((f) => f.slice(0, -5)).sort(), [...LANGUAGES].sort());
});

for (const lang of LANGUAGES) {
  const strings = load(lang);
  const categories = new Intl.PluralRules(lang).resolvedOptions().pluralCategories;

  test(`${lang}: every key of English, and only those`, () => {
    assert.deepEqual(Object.keys(strings), Object.keys(english));
    assert.equal(strings.lang, lang);
    assert.equal(strings.dir, lang === "ar" ? "rtl" : "ltr");
  });

  test(`${lang}: each plural entry has exactly the categories ${categories.join(", ")}`, () => {
    for (const [key, value] of Object.entries(strings)) {
      assert.equal(typeof value === "object", typeof english[key] === "object", key);
      if (typeof value === "object") assert.deepEqual(Object.keys(value).sort(), [...categories].sort(), key);
    }
  });

  test(`${lang}: placeholders agree with English`, () => {
    for (const [key, value] of Object.entries(strings)) {
      const wanted = catalog.placeholders(forms(english[key]).at(-1));
      const entries = typeof value === "string" ? [["other", value]] : Object.entries(value);
      for (const [category, text] of entries) {
        const found = catalog.placeholders(text);
        const missing = wanted.filter((name) => !found.includes(name));
        assert.ok(found.every((name) => wanted.includes(name)), `${key}.${category}: ${text}`);
        // Only a form whose count is plain from the words ("one", "two", "zero") may leave out {n}.
        assert.deepEqual(missing, ["zero", "one", "two"].includes(category) ? missing.filter((n) => n === "n") : [],
          `${key}.${category}: ${text}`);
      }
    }
  });

  if (lang !== "en") {
    test(`${lang}: not a copy of English`, () => {
      const keys = Object.keys(english).filter((key) => !META.has(key));
      const same = keys.filter((key) => JSON.stringify(strings[key]) === JSON.stringify(english[key]));
      assert.ok(same.length <= keys.length / 20, same.join(", "));
    });
  }
}

test("a plural form is picked by the language's rules", () => {
  const pl = load("pl");
  assert.equal(catalog.fill(catalog.pick(pl.ttl_minutes, "pl", 5), { n: 5 }), "5 minut");
  assert.equal(catalog.fill(catalog.pick(pl.ttl_minutes, "pl", 3), { n: 3 }), "3 minuty");
  assert.equal(catalog.fill(catalog.pick(pl.ttl_minutes, "pl", 22), { n: 22 }), "22 minuty");
  assert.equal(catalog.fill(catalog.pick(pl.ttl_minutes, "pl", 1), { n: 1 }), "1 minuta");
  const ar = load("ar");
  assert.equal(catalog.pick(ar.ttl_hours, "ar", 2), "ساعتان");
  assert.equal(catalog.fill(catalog.pick(ar.ttl_days, "ar", 3), { n: 3 }), "3 أيام");
  assert.equal(catalog.fill(catalog.pick(ar.ttl_days, "ar", 11), { n: 11 }), "11 يومًا");
  assert.equal(catalog.pick("plain", "ar", 7), "plain");
  assert.equal(catalog.pick(undefined, "en", 1), undefined);
});

test("fill, placeholders and parts", () => {
  assert.equal(catalog.fill("Download {name} ({size})", { name: "a.csv", size: "4 B" }), "Download a.csv (4 B)");
  assert.equal(catalog.fill("{missing} stays empty"), " stays empty");
  assert.deepEqual(catalog.placeholders("{b} {a} {b}"), ["a", "b"]);
  assert.deepEqual(catalog.parts("Download {name} ({size})"),
    [{ text: "Download " }, { name: "name" }, { text: " (" }, { name: "size" }, { text: ")" }]);
  assert.deepEqual(catalog.parts("{n}"), [{ name: "n" }]);
});

test("sizes, dates and lists in the reader's language", () => {
  assert.equal(catalog.formatSize("en", 4), "4 B");
  assert.equal(catalog.formatSize("de", 1536), "1,5 KiB");
  assert.equal(catalog.formatSize("fr", 3 * 1024 * 1024), "3,0 MiB");
  const when = "2026-03-04T05:06:00Z";
  assert.equal(catalog.formatTime("ja", when), new Intl.DateTimeFormat("ja", { dateStyle: "medium", timeStyle: "short" }).format(new Date(when)));
  assert.match(catalog.formatTimes("en", [when, when, when]), /, .* and /);
  assert.match(catalog.formatTimes("de", [when, when]), / und /);
});

test("relative times in the reader's language, in the largest unit that fits", () => {
  const now = Date.parse("2026-03-04T05:06:00Z");
  const ago = (seconds, lang = "en") => catalog.formatRelative(lang, new Date(now + seconds * 1000).toISOString(), now);
  assert.equal(ago(0), "now");
  assert.equal(ago(-30), "30 seconds ago");
  assert.equal(ago(-3 * 60), "3 minutes ago");
  assert.equal(ago(2 * 3600), "in 2 hours");
  assert.equal(ago(-86400), "yesterday");
  assert.equal(ago(-3 * 86400), "3 days ago");
  assert.equal(ago(-3 * 60, "de"), "vor 3 Minuten");
  assert.equal(ago(-3 * 60, "ja"), new Intl.RelativeTimeFormat("ja", { numeric: "auto" }).format(-3, "minute"));
});
