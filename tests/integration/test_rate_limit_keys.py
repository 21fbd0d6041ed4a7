"""What the rate limiter leaves in a real Redis: counters keyed by a keyed hash, never a client address."""

from __future__ import annotations

import secrets

import redis

from app.core.config import load_config
from app.server import create_app
from app.server.limits import client_key
from tests.support.api import make_secret

ADDRESSES = ("203.0.113.77", "2001:db8::1234")


def test_no_client_address_is_stored_in_redis(redis_url: str) -> None:
    prefix = f"blrlk{secrets.token_hex(3)}"
    config = load_config({"BURNLINK_ENV": "testing", "SECRET_KEY": secrets.token_urlsafe(48), "REDIS_URL": redis_url,
                          "BURNLINK_KEY_PREFIX": prefix})
    app = create_app(config)
    client = app.test_client()
    for address in ADDRESSES:
        made = make_secret(client, code=None)
        environ = {"REMOTE_ADDR": address}
        assert client.post("/api/v1/secrets", data="x", content_type="text/plain", environ_base=environ).status_code == 201
        assert client.post(f"/api/v1/secrets/{made.id}/reveal", json=made.reveal_body(), environ_base=environ).status_code == 200
    hashed = []
    for address in ADDRESSES:
        with app.test_request_context(environ_base={"REMOTE_ADDR": address}):
            hashed.append(client_key(config.secret_key)())
    server = redis.Redis.from_url(redis_url)
    try:
        keys = [key.decode() for key in server.scan_iter(match=f"{prefix}:rl:*")]
        values = b" ".join(b" ".join(server.lrange(key, 0, -1)) for key in keys if server.type(key) == b"list")
        # Every counter of these clients is under the configured prefix (an ACL limited to it covers the limiter).
        anywhere = [key.decode() for digest in hashed for key in server.scan_iter(match=f"*{digest}*")]
    finally:
        server.close()
    assert keys, "the limiter stored nothing: this test would prove nothing"
    assert anywhere and all(key.startswith(f"{prefix}:rl:") for key in anywhere), anywhere
    for address, digest in zip(ADDRESSES, hashed, strict=True):
        assert all(address not in key for key in keys) and address.encode() not in values
        assert any(digest in key for key in keys), (digest, keys)  # the counters are there, under the hash
