"""Who may create, API token shapes, and the checks on the sign-in and policy settings."""

from __future__ import annotations

import pytest

from app.core.config import load_config
from app.core.errors import ConfigError
from app.core.identity import Creators, digest, in_networks, is_api_token, new_api_token, normal_email, user_key


def test_anyone_and_signed_in() -> None:
    assert Creators.parse("anyone").allows(None)
    signed_in = Creators.parse("signed-in")
    assert not signed_in.allows(None)
    assert signed_in.allows("who@ever.example")
    assert signed_in.needs_sign_in and not signed_in.listed


def test_a_list_matches_addresses_and_exact_domains_in_any_case() -> None:
    creators = Creators.parse(" Alice@Example.com, @corp.example ")
    assert creators.allows("alice@example.com")
    assert creators.allows("ALICE@EXAMPLE.COM")
    assert creators.allows("bob@CORP.example")
    assert not creators.allows("bob@example.com")
    assert not creators.allows("bob@sub.corp.example")  # exact domain, not its subdomains
    assert not creators.allows("bob@evilcorp.example")
    assert not creators.allows("corp.example@attacker.example")
    assert not creators.allows(None)


@pytest.mark.parametrize("setting", ["", "alice", "@", "@nodot", "alice@example.com, nobody"])
def test_a_bad_creators_setting_is_refused(setting: str) -> None:
    with pytest.raises(ValueError):
        Creators.parse(setting)


def test_normal_email() -> None:
    assert normal_email(" Alice@Example.COM ") == "alice@example.com"
    for bad in (None, 3, "alice", "a b@example.com", "a@example", "a@b@example.com", "a@example.com,b@example.com"):
        assert normal_email(bad) is None


def test_api_tokens_have_their_own_shape_and_are_stored_as_digests() -> None:
    token = new_api_token()
    assert token.startswith("blt_") and is_api_token(token)
    assert token != new_api_token()
    assert not is_api_token("blt_short") and not is_api_token(token[4:])
    assert digest(token) != token and len(digest(token)) == 64
    assert user_key("Alice@example.com") == user_key("alice@EXAMPLE.com")


def test_networks() -> None:
    assert in_networks("10.1.2.3", ("10.0.0.0/8",))
    assert in_networks("::ffff:10.1.2.3", ("10.0.0.0/8",))
    assert not in_networks("192.168.1.1", ("10.0.0.0/8",))
    assert not in_networks("not an address", ("0.0.0.0/0",))


def _problems(**env: str) -> list[str]:
    base = {"BURNLINK_ENV": "testing", "SECRET_KEY": "k" * 8 + "0123456789abcdefghijklmnopqrstuv"}
    with pytest.raises(ConfigError) as caught:
        load_config({**base, **env})
    return caught.value.problems


def test_settings_that_cannot_work_are_named_at_start() -> None:
    assert any("BURNLINK_CREATORS needs a way to sign in" in p for p in _problems(BURNLINK_CREATORS="signed-in"))
    assert any("go together" in p for p in _problems(BURNLINK_OIDC_ISSUER="https://id.example.com"))
    assert any("TRUSTED_PROXY_NETWORKS" in p for p in _problems(BURNLINK_TRUSTED_USER_HEADER="X-Forwarded-Email"))
    assert any("not a network" in p for p in _problems(BURNLINK_CREATE_NETWORKS="10.0.0.0/33"))
    assert any("BURNLINK_MODE" in p for p in _problems(BURNLINK_MODE="read-only"))
    assert any("BURNLINK_KINDS" in p for p in _problems(BURNLINK_KINDS="text,password"))
    assert any("BURNLINK_ADMINS" in p for p in _problems(BURNLINK_ADMINS="root"))


def test_a_plain_http_issuer_only_on_loopback_outside_production() -> None:
    oidc = {"BURNLINK_OIDC_CLIENT_ID": "burnlink", "BURNLINK_OIDC_CLIENT_SECRET": "s"}
    assert any("https" in p for p in _problems(BURNLINK_OIDC_ISSUER="http://id.example.com", **oidc))
    config = load_config({"BURNLINK_ENV": "testing", "BURNLINK_OIDC_ISSUER": "http://127.0.0.1:9000", **oidc})
    assert config.oidc_issuer == "http://127.0.0.1:9000"
    production = {"SECRET_KEY": "Zq8" * 12 + "abcdefghijklmnop", "BASE_URL": "https://s.example.com"}
    with pytest.raises(ConfigError) as caught:
        load_config({**production, "BURNLINK_OIDC_ISSUER": "http://127.0.0.1:9000", **oidc})
    assert any("BURNLINK_OIDC_ISSUER must be an https URL" in p for p in caught.value.problems)
