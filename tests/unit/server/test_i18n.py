"""app/server/i18n.py: which language a request gets, the switch that remembers it (one cookie, a
same-site redirect), and the API's problem details in English unless the client asks otherwise."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask.testing import FlaskClient

from app.core.errors import WrongAccessCode
from app.server import i18n
from app.server.problems import NOT_FOUND_SECRET, from_error
from tests.support.api import problem

HTML = {"Accept": "text/html"}
MISSING = f"/api/v1/secrets/{'A' * 22}/reveal"
PROOFS = {"link": "A" * 43, "auth": "A" * 43}


@pytest.mark.parametrize("header,expected", [
    ("de-DE,de;q=0.9,en;q=0.8", "de"),
    ("pt", "pt-BR"),
    ("pt-PT", "pt-BR"),
    ("zh-CN,zh;q=0.9", "zh-Hans"),
    ("zh-Hans-CN", "zh-Hans"),
    ("zh-TW,en;q=0.5", "en"),  # Traditional Chinese is not served Simplified
    ("fr-CA", "fr"),
    ("es-419", "es"),
    ("ar-EG", "ar"),
    ("ja-JP", "ja"),
    ("PL", "pl"),
    ("sv,de;q=0.4", "de"),
    ("de;q=0,fr;q=0.5", "fr"),
    ("*", "en"),
    ("", "en"),
    ("xx-YY", "en"),
])
def test_accept_language_picks_the_best_supported_language(client: FlaskClient, header: str, expected: str) -> None:
    page = client.get("/", headers={**HTML, "Accept-Language": header}).get_data(as_text=True)
    assert re.search(r'<html lang="([^"]+)"', page)[1] == expected


def test_english_is_the_default_and_the_cookie_wins_over_the_header(client: FlaskClient) -> None:
    plain = client.get("/", headers=HTML)
    assert '<html lang="en" dir="ltr"' in plain.get_data(as_text=True)
    assert plain.headers["Content-Language"] == "en"
    assert {"Accept-Language", "Cookie"} <= set(plain.vary)
    client.set_cookie(i18n.COOKIE, "ar")
    chosen = client.get("/", headers={**HTML, "Accept-Language": "de"}).get_data(as_text=True)
    assert '<html lang="ar" dir="rtl"' in chosen and "شارك سرًّا لمرة واحدة" in chosen
    client.set_cookie(i18n.COOKIE, "klingon")  # not a language of ours: ignored
    assert '<html lang="de"' in client.get("/", headers={**HTML, "Accept-Language": "de"}).get_data(as_text=True)


def test_the_switch_sets_one_cookie_and_goes_back(client: FlaskClient) -> None:
    response = client.get("/lang/pt-BR?next=/s/AAAAAAAAAAAAAAAAAAAAAA")
    assert response.status_code == 303 and response.headers["Location"] == "/s/AAAAAAAAAAAAAAAAAAAAAA"
    (cookie,) = response.headers.getlist("Set-Cookie")
    parts = [part.strip() for part in cookie.split(";")]
    assert parts[0] == "burnlink_lang=pt-BR"
    assert {"Secure", "Path=/", "SameSite=Lax", "Max-Age=31536000"} <= set(parts)
    assert "HttpOnly" not in parts  # the pages' scripts set the same cookie when they switch in place
    assert response.headers["Cache-Control"] == "no-store"


def test_the_cookie_is_not_secure_in_development(make_app: Any) -> None:
    client = make_app(env="development").test_client()
    cookie = client.get("/lang/de").headers["Set-Cookie"]
    assert "Secure" not in cookie and "SameSite=Lax" in cookie


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)", "evil.example",
    "/\r\nSet-Cookie: x=1", "", "http:/evil.example",
])
def test_the_switch_goes_back_only_to_a_path_on_this_site(client: FlaskClient, target: str) -> None:
    response = client.get("/lang/de", query_string={"next": target})
    assert response.status_code == 303 and response.headers["Location"] == "/"


def test_an_unknown_language_is_404(client: FlaskClient) -> None:
    response = client.get("/lang/xx", headers=HTML)
    assert response.status_code == 404 and "Set-Cookie" not in response.headers


def test_no_response_sets_any_other_cookie(client: FlaskClient) -> None:
    client.set_cookie(i18n.COOKIE, "de")
    for response in (client.get("/", headers=HTML), client.get("/s/AAAAAAAAAAAAAAAAAAAAAA", headers=HTML),
                     client.get("/no/such/page", headers=HTML), client.post(MISSING, json=PROOFS),
                     client.get("/static/i18n/de.json")):
        assert "Set-Cookie" not in response.headers, response.request.path


def test_the_api_speaks_english_unless_asked(client: FlaskClient) -> None:
    english = problem(client.post(MISSING, json=PROOFS), 404, "not_found")
    assert english["detail"] == NOT_FOUND_SECRET
    german = problem(client.post(MISSING, json=PROOFS, headers={"Accept-Language": "de"}), 404, "not_found")
    assert german["detail"] == "Dieses Geheimnis gibt es nicht, es wurde schon geöffnet, oder es ist abgelaufen."
    assert {k: v for k, v in german.items() if k != "detail"} == {k: v for k, v in english.items() if k != "detail"}
    # A page's remembered language is no request for the API.
    client.set_cookie(i18n.COOKIE, "de")
    assert client.post(MISSING, json=PROOFS).get_json()["detail"] == NOT_FOUND_SECRET


def test_a_raisers_own_sentence_stays_english_or_becomes_the_codes_translated_one(client: FlaskClient) -> None:
    body = {"ciphertext": "not base64!", "link_verifier": "A" * 43, "auth_verifier": "A" * 43}
    english = problem(client.post("/api/v1/secrets", json=body), 400, "invalid_field")
    german = problem(client.post("/api/v1/secrets", json=body, headers={"Accept-Language": "de"}), 400, "invalid_field")
    assert "ciphertext" in english["detail"]  # the raiser's precise English
    assert german["detail"] == "Ein Feld der Anfrage ist ungültig."  # no English fragment in a German answer
    assert german["field"] == english["field"] == "ciphertext"


@pytest.mark.parametrize("left,expected", [
    (1, "Błędny kod dostępu. Została 1 próba, potem sekret zostanie zniszczony."),
    (3, "Błędny kod dostępu. Zostały 3 próby, potem sekret zostanie zniszczony."),
    (5, "Błędny kod dostępu. Zostało 5 prób, potem sekret zostanie zniszczony."),
    (22, "Błędny kod dostępu. Zostały 22 próby, potem sekret zostanie zniszczony."),
    (0, "Błędny kod dostępu. To była ostatnia próba: sekret został zniszczony."),
])
def test_wrong_code_details_use_the_languages_plural_forms(app: Any, left: int, expected: str) -> None:
    with app.test_request_context(MISSING, headers={"Accept-Language": "pl"}):
        assert from_error(WrongAccessCode(left)).detail == expected
    with app.test_request_context(MISSING):
        english = from_error(WrongAccessCode(left)).detail
    assert english.startswith("Wrong access code.") and ("1 try left" in english) == (left == 1)


@pytest.mark.parametrize("lang,expected", [
    ("ar", ["5 دقائق", "ساعة واحدة", "يوم واحد", "3 أيام", "7 أيام"]),
    ("pl", ["5 minut", "1 godzina", "1 dzień", "3 dni", "7 dni"]),
    ("en", ["5 minutes", "1 hour", "1 day", "3 days", "7 days"]),
])
def test_expiry_choices_are_counted_in_the_readers_language(client: FlaskClient, lang: str, expected: list[str]) -> None:
    page = client.get("/", headers={**HTML, "Accept-Language": lang}).get_data(as_text=True)
    assert re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', page) == expected


def test_error_pages_speak_the_readers_language(client: FlaskClient) -> None:
    page = client.get("/no/such/page", headers={**HTML, "Accept-Language": "es"})
    html = page.get_data(as_text=True)
    assert page.status_code == 404 and "<h1>Página no encontrada</h1>" in html and "No hay nada en esta dirección." in html
    assert 'id="i18n"' not in html  # no scripts there, so no strings for them
    assert "/lang/ar?next=/no/such/page" in html


def test_outside_a_request_the_sentences_are_english() -> None:
    assert i18n.current_language() == "en"
    assert i18n.gettext("There is nothing at this address.") == "There is nothing at this address."
    assert i18n.ngettext("%(num)d day", "%(num)d days", 3) == "3 days"
    assert i18n.localized_detail("given", "general") == "given" and i18n.localized_detail(None, "general") == "general"
