"""app/server/inputs.py: strict JSON bodies (with Hypothesis): an object, or invalid_json, never a crash."""

from __future__ import annotations

import json

from hypothesis import example, given
from hypothesis import strategies as st

from app.core.errors import BurnlinkError
from app.server.inputs import parse_json
from app.server.problems import from_error
from tests.support.strategies import DEEP, JSON_BYTES, JSON_VALUES


@given(JSON_BYTES)
@example(b"[" * DEEP)  # nesting deeper than the recursion limit
@example(b'{"a":' * DEEP)
def test_parse_json_gives_an_object_or_invalid_json(data: bytes) -> None:
    try:
        value = parse_json(data)
    except BurnlinkError as err:
        assert err.code == "invalid_json" and from_error(err).status == 400
        return
    assert isinstance(value, dict)
    assert value == json.loads(data)


@given(st.dictionaries(st.text(max_size=10), JSON_VALUES, max_size=5))
def test_parse_json_reads_every_json_object(value: dict) -> None:
    assert parse_json(json.dumps(value).encode()) == value
