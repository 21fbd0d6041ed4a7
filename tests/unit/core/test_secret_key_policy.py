"""Production refuses a guessable SECRET_KEY and a missing BASE_URL; old keys rotate out via SECRET_KEY_FALLBACKS."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest

from app.core.config import load_config, read_config
from app.core.errors import ConfigError, Unauthorized
from app.server.tokens import ManageTokens
from tests.support import ROOT, free_port

BASE = {"BASE_URL": "https://secrets.example.com"}
STRONG = secrets.token_urlsafe(48)
HOW = "python -c 'import secrets; print(secrets.token_urlsafe(48))'"


def problems(environ: dict) -> list[str]:
    return read_config(environ)[1]


@pytest.mark.parametrize(("key", "reason"), [
    ("changeme", "well-known placeholder"),
    ("Change-Me", "well-known placeholder"),
    ("secret", "well-known placeholder"),
    ("dev", "well-known placeholder"),
    ("password", "well-known placeholder"),
    ("k", "fewer than 32"),
    ("Xy7-long-enough-no-but-31-chars", "fewer than 32"),
    ("changemechangemechangemechangeme", "distinct characters"),
    ("ab" * 40, "distinct characters"),
])
def test_production_refuses_a_weak_key_and_says_how_to_make_one(key: str, reason: str) -> None:
    found = problems({"SECRET_KEY": key, **BASE})
    assert len(found) == 1, found
    assert found[0].startswith("SECRET_KEY is too weak for production") and reason in found[0]
    assert HOW in found[0]
    if len(key) >= 8:
        assert key not in found[0]  # the sentence never quotes the key
    with pytest.raises(ConfigError):
        load_config({"SECRET_KEY": key, **BASE})


def test_a_strong_key_passes_and_weak_keys_pass_outside_production() -> None:
    assert problems({"SECRET_KEY": STRONG, **BASE}) == []
    for env in ("testing", "development"):
        assert problems({"SECRET_KEY": "changeme", "BURNLINK_ENV": env}) == []


def test_fallbacks_are_held_to_the_same_policy() -> None:
    found = problems({"SECRET_KEY": STRONG, "SECRET_KEY_FALLBACKS": f"{secrets.token_urlsafe(48)}, changeme", **BASE})
    assert len(found) == 1 and found[0].startswith("SECRET_KEY_FALLBACKS entry 2 is too weak") and "changeme" not in found[0]
    old = secrets.token_urlsafe(48)
    config = load_config({"SECRET_KEY": STRONG, "SECRET_KEY_FALLBACKS": f" {old} ,", **BASE})
    assert config.secret_key_fallbacks == (old,)


def test_rotation_old_tokens_still_verify_and_new_ones_use_the_new_key() -> None:
    old_key, new_key = secrets.token_urlsafe(48), secrets.token_urlsafe(48)
    old_token = ManageTokens(old_key).issue("A" * 22, 2**31)
    rotated = ManageTokens(new_key, (old_key,))
    rotated.check(f"Bearer {old_token}", "A" * 22)  # issued before the rotation: still accepted
    new_token = rotated.issue("B" * 22, 2**31)
    ManageTokens(new_key).check(f"Bearer {new_token}", "B" * 22)  # signed with SECRET_KEY alone
    with pytest.raises(Unauthorized):
        ManageTokens(old_key).check(f"Bearer {new_token}", "B" * 22)
    # Once the old key leaves the fallbacks, its tokens stop working.
    with pytest.raises(Unauthorized):
        ManageTokens(new_key).check(f"Bearer {old_token}", "A" * 22)


def test_the_app_verifies_tokens_of_a_fallback_key(make_app) -> None:
    old_key, new_key = secrets.token_urlsafe(48), secrets.token_urlsafe(48)
    before = make_app(secret_key=old_key).test_client()
    created = before.post("/api/v1/secrets", data="x", content_type="text/plain", headers={"Accept": "application/json"}).get_json()
    # The same store, restarted with a new key and the old one as a fallback.
    after = make_app(before.application.extensions["burnlink"].client, secret_key=new_key, secret_key_fallbacks=(old_key,))
    response = after.test_client().get(f"/api/v1/secrets/{created['id']}/receipt",
                                       headers={"Authorization": f"Bearer {created['manage_token']}"})
    assert response.status_code == 200 and response.get_json()["state"] == "waiting"
    without = make_app(before.application.extensions["burnlink"].client, secret_key=new_key)
    response = without.test_client().get(f"/api/v1/secrets/{created['id']}/receipt",
                                         headers={"Authorization": f"Bearer {created['manage_token']}"})
    assert response.status_code == 401


def test_production_requires_base_url_or_allowed_hosts() -> None:
    found = problems({"SECRET_KEY": STRONG})
    assert len(found) == 1 and found[0].startswith("BASE_URL is not set") and "BURNLINK_ALLOWED_HOSTS" in found[0]
    assert problems({"SECRET_KEY": STRONG, "BURNLINK_ALLOWED_HOSTS": "secrets.example.com, .example.org:8443"}) == []
    assert problems({"SECRET_KEY": STRONG, **BASE}) == []
    # Outside production a missing BASE_URL is fine (links follow the request's host there).
    assert problems({"BURNLINK_ENV": "testing", "SECRET_KEY": "k"}) == []


@pytest.mark.parametrize("value", ["secrets.example.com", "ftp://secrets.example.com", "https://", "https://a.example/?x=1",
                                   "https://a.example/#f", "https://user@a.example", "https://a.example:port", "http://[::1"])
def test_a_malformed_base_url_is_refused_in_every_environment(value: str) -> None:
    found = problems({"BURNLINK_ENV": "testing", "SECRET_KEY": "k", "BASE_URL": value})
    assert found == ["BASE_URL must be an http(s) origin with an optional path, e.g. https://secrets.example.com."]


@pytest.mark.parametrize("value", ["https://secrets.example.com", "secrets.example.com/path", "a b"])
def test_allowed_hosts_are_host_names_only(value: str) -> None:
    found = problems({"SECRET_KEY": STRONG, "BURNLINK_ALLOWED_HOSTS": value})
    assert len(found) == 1 and found[0].startswith("BURNLINK_ALLOWED_HOSTS holds")


def test_gunicorn_refuses_a_weak_key_in_production_without_printing_it() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "SECRET_KEY", "BURNLINK_ENV", "BASE_URL")}
    env.update({"SECRET_KEY": "changeme", "REDIS_URL": "redis://127.0.0.1:1/0", "BURNLINK_BIND": f"127.0.0.1:{free_port()}"})
    gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    result = subprocess.run([gunicorn, "-c", "gunicorn.conf.py", "-w", "1", "wsgi:app"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=30)
    assert result.returncode != 0
    assert "SECRET_KEY is too weak for production" in result.stderr and HOW in result.stderr
    assert "BASE_URL is not set" in result.stderr
    assert "changeme" not in result.stderr


def test_manage_tokens_are_the_stock_serializers_bytes() -> None:
    """Skipping the zlib attempt changes no token: old tokens verify, new ones read with stock itsdangerous."""
    import secrets

    from itsdangerous import URLSafeTimedSerializer

    from app.server.tokens import SALT, _Serializer

    ours, stock = _Serializer("k" * 40, salt=SALT), URLSafeTimedSerializer("k" * 40, salt=SALT)
    for _ in range(500):
        payload = [secrets.token_urlsafe(16)[:22], secrets.randbelow(2**33)]
        assert ours.dump_payload(payload) == stock.dump_payload(payload)
        assert stock.loads(ours.dumps(payload)) == payload
    compressible = ["a" * 200, 1]
    assert ours.loads(stock.dumps(compressible)) == compressible  # a compressed payload still reads
