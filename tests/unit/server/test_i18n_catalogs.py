"""The catalogs stay whole and true: every language has every string of English with the same
placeholders and its own plural forms, is no copy of English, and says the same thing in the
templates' gettext catalog as in the scripts' JSON one (a page switched in place must read as the
page the server renders). The JSON plural categories are checked against Intl in tests/js."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from babel import Locale
from babel.messages.extract import extract_from_file
from babel.messages.mofile import read_mo
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po
from flask.testing import FlaskClient

from app.server.i18n import COOKIE, LANGUAGES, babel_id
from tests.support import ROOT

TRANSLATED = [tag for tag in LANGUAGES if tag != "en"]
I18N = ROOT / "static" / "i18n"
TRANSLATIONS = ROOT / "translations"
META = {"lang", "dir", "language_name"}
PY_FORMAT = re.compile(r"%\((\w+)\)[sd]")
BRACES = re.compile(r"\{(\w+)\}")


def strings(tag: str) -> dict[str, Any]:
    return json.loads((I18N / f"{tag}.json").read_text(encoding="utf-8"))


def po(tag: str) -> Any:
    with (TRANSLATIONS / babel_id(tag) / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f, locale=babel_id(tag))


def hashable(message_id: Any) -> Any:
    """A message id as a set can hold it: a plural's (singular, plural) is a list in some readers."""
    return tuple(message_id) if isinstance(message_id, list | tuple) else message_id


def pot_ids() -> set[Any]:
    with (TRANSLATIONS / "messages.pot").open("rb") as f:
        return {hashable(m.id) for m in read_po(f) if m.id}


def forms(value: Any) -> list[str]:
    return list(value.values()) if isinstance(value, dict) else [value]


# --- the gettext catalogs (templates, problem details, error pages) -------------------------------

def test_the_template_is_what_the_code_and_templates_say() -> None:
    """messages.pot is current: `make i18n-update` was run after the last _() was added or changed."""
    found = set()
    for path in sorted((ROOT / "app" / "server").glob("*.py")):
        found |= {hashable(m[1]) for m in extract_from_file("python", str(path))}
    for path in sorted((ROOT / "templates").glob("*.html")):
        found |= {hashable(m[1]) for m in extract_from_file("jinja2", str(path))}
    assert found == pot_ids()


@pytest.mark.parametrize("tag", TRANSLATED)
def test_every_po_translates_every_message_with_the_same_placeholders(tag: str) -> None:
    catalog = po(tag)
    ids = {hashable(m.id) for m in catalog if m.id}
    assert ids == pot_ids(), f"run `make i18n-update` and translate: {pot_ids() ^ ids}"
    assert catalog.num_plurals == get_plural(babel_id(tag)).num_plurals
    for message in catalog:
        if not message.id:
            continue
        assert not message.fuzzy, message.id
        english = message.id if isinstance(message.id, tuple) else (message.id,)
        wanted = set(PY_FORMAT.findall(english[-1]))
        translations = message.string if isinstance(message.string, tuple) else (message.string,)
        assert len(translations) == (catalog.num_plurals if isinstance(message.id, tuple) else 1), message.id
        for translation in translations:
            assert translation and translation.strip(), message.id
            assert set(PY_FORMAT.findall(translation)) <= wanted, (message.id, translation)
        # Every placeholder appears in some form (a language may say "one day" without a digit).
        assert set().union(*(PY_FORMAT.findall(t) for t in translations)) == wanted, message.id


@pytest.mark.parametrize("tag", TRANSLATED)
def test_the_compiled_catalogs_are_current(tag: str) -> None:
    """The committed .mo says what its .po says: `make i18n-compile` was run."""
    with (TRANSLATIONS / babel_id(tag) / "LC_MESSAGES" / "messages.mo").open("rb") as f:
        compiled = {hashable(m.id): hashable(m.string) for m in read_mo(f) if m.id}
    assert compiled == {hashable(m.id): hashable(m.string) for m in po(tag) if m.id}


# --- the browser's JSON catalogs -----------------------------------------------------------------

@pytest.mark.parametrize("tag", TRANSLATED)
def test_every_json_catalog_has_every_key_with_the_same_placeholders(tag: str) -> None:
    english, other = strings("en"), strings(tag)
    assert list(other) == list(english), "the same keys, in English's order"
    assert other["lang"] == tag and other["dir"] == ("rtl" if tag == "ar" else "ltr") and other["language_name"] == LANGUAGES[tag]
    for key, value in english.items():
        wanted = set(BRACES.findall(forms(value)[-1]))
        assert isinstance(other[key], dict) == isinstance(value, dict), key
        for category, text in (other[key].items() if isinstance(other[key], dict) else [("other", other[key])]):
            found = set(BRACES.findall(text))
            # Only where the count is unambiguous may a form leave out {n} ("ساعة واحدة", "eine Stunde").
            allowed_missing = {"n"} if category in ("zero", "one", "two") else set()
            assert found <= wanted and wanted - found <= allowed_missing, (key, category, text)


@pytest.mark.parametrize("tag", TRANSLATED)
def test_no_catalog_is_a_copy_of_english(tag: str) -> None:
    english, other = strings("en"), strings(tag)
    keys = [k for k in english if k not in META]
    same = [k for k in keys if other[k] == english[k]]
    assert len(same) <= len(keys) // 20, same  # a few words ("Link", "Region") may well be the same
    with (TRANSLATIONS / "messages.pot").open("rb") as f:
        total = len([m for m in read_po(f) if m.id])
    unchanged = [m.id for m in po(tag) if m.id and m.string == m.id]
    assert len(unchanged) <= total // 20, unchanged


# --- templates and JSON say the same ---------------------------------------------------------------

class Marked(HTMLParser):
    """Every element with data-i18n (its text) or data-i18n-attr (its attributes), and the title."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, dict[str, str | None], list[str]]] = []
        self.found: list[tuple[str, dict[str, str | None], str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        marks = dict(attrs)
        if "data-i18n" in marks or "data-i18n-title" in marks:
            self.open.append((tag, marks, []))
        elif "data-i18n-attr" in marks:
            self.found.append((tag, marks, ""))
        if self.open and self.open[-1][1] is not marks and tag not in ("input", "br"):
            raise AssertionError(f"<{tag}> inside an element whose text data-i18n replaces")

    def handle_data(self, data: str) -> None:
        if self.open:
            self.open[-1][2].append(data)

    def handle_endtag(self, tag: str) -> None:
        if self.open and self.open[-1][0] == tag:
            name, marks, text = self.open.pop()
            self.found.append((name, marks, "".join(text)))


def say(catalog: dict[str, Any], tag: str, key: str, n: str | None) -> str:
    entry = catalog[key]
    if isinstance(entry, dict):
        entry = entry.get(Locale.parse(babel_id(tag)).plural_form(int(n or 0)), entry["other"])
    return BRACES.sub(lambda m: n if m[1] == "n" and n is not None else m[0], entry)


PAGES = ["/", "/s/AAAAAAAAAAAAAAAAAAAAAA", "/s/not-an-id", "/r/AAAAAAAAAAAAAAAAAAAAAA", "/r/AAAAAAAAAAAAAAAAAAAAAA/inbox",
         "/r/not-an-id", "/r/not-an-id/inbox", "/r/new", "/me", "/tokens", "/admin"]


@pytest.mark.parametrize("tag", list(LANGUAGES))
def test_the_templates_say_what_the_json_says(client: FlaskClient, tag: str) -> None:
    catalog = strings(tag)
    client.set_cookie(COOKIE, tag)
    seen = set()
    for path in PAGES:
        parser = Marked()
        parser.feed(client.get(path, headers={"Accept": "text/html"}).get_data(as_text=True))
        assert parser.found
        for element, marks, text in parser.found:
            if "data-i18n-title" in marks:
                assert text == f"{catalog[marks['data-i18n-title']]} · burnlink", path
            if "data-i18n" in marks:
                key = marks["data-i18n"] or ""
                seen.add(key)
                assert text == say(catalog, tag, key, marks.get("data-i18n-n")), (path, element, key)
            for pair in filter(None, (marks.get("data-i18n-attr") or "").split(";")):
                name, key = (part.strip() for part in pair.split("="))
                assert marks[name] == catalog[key], (path, element, name)
    assert {"create_title", "reveal_title", "gone_title", "footer", "ttl_days", "answer_title", "inbox_title",
            "request_gone_body", "inbox_gone_body", "ask_title", "ask_keep_hint", "ask_inbox_warning", "kept_title"} <= seen


# --- the scripts name only keys that exist ----------------------------------------------------------

SCRIPT_KEYS = [
    re.compile(r"\bsay\([^,()]+,\s*\"(\w+)\""),
    re.compile(r"\bsayAttr\([^,()]+,\s*\"[^\"]+\",\s*\"(\w+)\""),
    re.compile(r"\bt\(\"(\w+)\""),
    re.compile(r"new (?:Sentence|FieldError\([^,()]+,)\s*\"(\w+)\""),
    re.compile(r"copyButton\([^,]+,\s*\"(\w+)\""),
    re.compile(r"\?\s*\"(\w+)\"\s*:\s*\"(\w+)\""),  # either of two keys
    re.compile(r"return \"(\w+)\""),
    re.compile(r"key: \"(\w+)\""),
]
# Keys the scripts build from a name: every name they can meet.
BUILT = {
    "field_{}": ["access_key_id", "secret_access_key", "session_token", "region", "note", "sign_in_url", "username", "password"],
    "copy_field_{}": ["access_key_id", "secret_access_key", "session_token", "region", "note", "sign_in_url", "username", "password"],
    "receipt_{}": ["waiting", "viewed", "burned", "expired", "destroyed", "unknown"],
    "link_used_{}": ["viewed", "burned", "expired", "destroyed"],
    "aws_paste_filled_{}": ["json", "csv", "csv_password"],
    "label_{}": ["access_key_id", "secret_access_key"],
}


def test_the_scripts_use_only_keys_english_has() -> None:
    english = strings("en")
    used: set[str] = set()
    for script in sorted((ROOT / "static" / "js").glob("*.js")):
        if script.name in ("protocol.js", "request.js"):
            continue
        source = script.read_text(encoding="utf-8")
        for pattern in SCRIPT_KEYS:
            for match in pattern.finditer(source):
                used |= {group for group in match.groups() if group}
    used |= {form.format(name) for form, names in BUILT.items() for name in names}
    ignored = {"ltr", "rtl", "auto"} | {k for k in used if not re.fullmatch(r"[a-z][a-z0-9_]+", k)}
    assert len(used) >= 50
    assert used - ignored - set(english) == set()


def test_the_stylesheet_mirrors_by_direction_alone() -> None:
    """No physical left/right in app.css: logical properties turn with dir="rtl" by themselves."""
    css = re.sub(r"/\*.*?\*/", "", (ROOT / "static" / "css" / "app.css").read_text(encoding="utf-8"), flags=re.S)
    physical = re.findall(r"(?<![\w-])(?:(?:margin|padding|border|inset)-(?:left|right)[\w-]*|left|right|float|clear)\s*:"
                          r"|text-align\s*:\s*(?:left|right)", css)
    assert physical == []


def test_every_page_reaches_every_language(client: FlaskClient) -> None:
    page = client.get("/", headers={"Accept": "text/html"}).get_data(as_text=True)
    for tag, name in LANGUAGES.items():
        assert f'href="/lang/{tag}?next=/"' in page and f">{name}</bdi></a>" in page
        assert (Path(I18N) / f"{tag}.json").is_file()
