"""schemathesis against the OpenAPI document on a live gunicorn: no 5xx, every answer as documented.

The document is the file the app serves (the fixture checks that the served copy is identical);
schemathesis's eager ``schema.parametrize()`` makes one test per operation. For each it runs its
phases: the document's examples, coverage cases (boundary values, wrong types, missing and unknown
members, unexpected methods) and Hypothesis fuzzing, with valid and invalid data alike. The seed is
fixed and Hypothesis derandomized, so CI replays the same cases.

Generated ids and tokens almost never name a real secret, which would leave the deep paths (a
receipt, a burn, a right link proof, a reveal) unexercised; so every fourth case of an operation
that takes an id is aimed at a fresh real secret (its id, manage token, link header or proofs)
before it is sent. Checks: schemathesis's no server error, status code, content type, headers and
body as documented; and PROTOCOL.md's rules for every answer under /api/ (problem documents for
errors, no-store, nosniff, the sandbox CSP, no CORS).
"""

from __future__ import annotations

import json
import secrets
import shutil
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.core import payload as payloads
from app.core import protocol as p
from tests.support import ROOT, GunicornProcess, RedisProcess
from tests.support.api import create_body

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]
SEED = 20251124
MAX_EXAMPLES = 200  # Hypothesis examples per operation in the fuzzing phase; the other phases add theirs
MIN_CASES = 1000
REAL_EVERY = 4
DOCUMENT = ROOT / "app" / "server" / "openapi.json"

# schemathesis's lazy from_fixture() fails under pytest 9 (AttributeError: 'Function' object has no attribute
# '_nodeid'); loading the file at import time and comparing it with the served copy is equivalent.
schema = schemathesis.openapi.from_path(DOCUMENT, config=SchemathesisConfig(seed=SEED))
counts: Counter = Counter()  # cases sent per operation
statuses: Counter = Counter()  # (operation, method sent, status)


@pytest.fixture(scope="module")
def fuzz_server() -> Iterator[GunicornProcess]:
    """A private redis-server and gunicorn (2 workers) for the fuzzer alone."""
    store = RedisProcess().start()
    app = GunicornProcess(store.url, workers=2, env={"BURNLINK_KEY_PREFIX": f"blfuzz{secrets.token_hex(3)}"})
    try:
        app.start()
        served = requests.get(f"{app.url}/api/v1/openapi.json", timeout=10).json()
        assert served == json.loads(DOCUMENT.read_text(encoding="utf-8")), "the served document differs from the file"
        yield app
    finally:
        app.stop()
        store.stop()
        shutil.rmtree(store.workdir, ignore_errors=True)
    assert "unhandled" not in app.output() and "Traceback" not in app.output(), app.output()[-3000:]


@pytest.fixture(scope="module")
def tally() -> Iterator[Counter]:
    """After the last operation: print the figures and demand at least MIN_CASES cases in all."""
    started = time.monotonic()
    yield counts
    total = sum(counts.values())
    by_status = Counter()
    for (_, _, status), n in statuses.items():
        by_status[status] += n
    print(f"\n    schemathesis {schemathesis.__version__}: {total} cases over {len(counts)} operations in "
          f"{time.monotonic() - started:.1f}s\n    per operation: {dict(counts)}\n    statuses: {dict(sorted(by_status.items()))}")
    assert total >= MIN_CASES, f"only {total} cases"


def make_real_secret(base: str) -> dict[str, str]:
    """A fresh 2-view secret made through the API: its id, token, key and proofs."""
    body, sealed = create_body(payloads.make_payload(text="fuzz"), code=None, views=2)
    response = requests.post(f"{base}/api/v1/secrets", json=body, timeout=10)
    assert response.status_code == 201, response.text
    keys = p.derive_keys(sealed.key)
    data = response.json()
    return {"id": data["id"], "token": data["manage_token"], "key": p.b64u_encode(sealed.key),
            "link": p.b64u_encode(keys.link), "auth": p.b64u_encode(keys.auth)}


def aim_at_a_real_secret(case: Any, real: dict[str, str], turn: int) -> None:
    """Swap the generated id and credentials for a real secret's; the rest of the case stays as made."""
    case.path_parameters["id"] = real["id"]
    method, path = case.operation.method.upper(), case.operation.path
    if path.endswith("/receipt") or method == "DELETE":
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {real['token']}"}
    elif method == "GET":
        case.headers = {**(case.headers or {}), "X-Burnlink-Link": real["link"]}
    elif path.endswith("/reveal") and isinstance(case.body, dict):
        # In turn: the right proofs (200 JSON), a wrong auth proof (403), the curl-mode key (200 text).
        case.body = [{"link": real["link"], "auth": real["auth"]},
                     {"link": real["link"], "auth": p.b64u_encode(b"w" * 32)},
                     {"key": real["key"]}][turn % 3]


def check_protocol_rules(response: Any) -> None:
    """PROTOCOL.md, beyond what the document can say: headers on every answer, problem documents for errors."""
    headers = {name: values[0] for name, values in response.headers.items()}  # schemathesis lower-cases them
    assert headers.get("cache-control") == "no-store"
    assert headers.get("x-content-type-options") == "nosniff"
    assert headers.get("content-security-policy") == "default-src 'none'; sandbox"
    assert not any(name.startswith("access-control-") for name in headers)
    if response.status_code >= 400:
        assert headers.get("content-type") == "application/problem+json", headers.get("content-type")
        problem = json.loads(response.content)
        assert set(problem) >= {"type", "title", "status", "detail", "code"}
        assert problem["type"] == "about:blank" and problem["status"] == response.status_code
        if response.status_code == 401:
            assert headers.get("www-authenticate", "").startswith("Bearer")
        if response.status_code == 405:
            assert "allow" in headers


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_the_api_conforms_to_its_document(case: Any, fuzz_server: GunicornProcess, tally: Counter) -> None:
    label = case.operation.label
    if "id" in (case.path_parameters or {}) and counts[label] % REAL_EVERY == 0:
        aim_at_a_real_secret(case, make_real_secret(fuzz_server.url), counts[label] // REAL_EVERY)
    counts[label] += 1
    response = case.call(base_url=fuzz_server.url, timeout=30)
    statuses[(label, response.request.method, response.status_code)] += 1
    case.validate_response(response, checks=CHECKS)
    if response.request.method != "OPTIONS":  # Flask's automatic OPTIONS answer: 200, Allow, no body
        check_protocol_rules(response)
