"""app/core/payload.py: sealing and opening payloads, strict decoding, and (with Hypothesis) round trips."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core import payload as payloads
from app.core.errors import InvalidInput


def test_a_code_read_aloud_opens_the_secret() -> None:
    sealed = payloads.seal_payload(payloads.make_payload(text="s3cret"), "7K4MQ-2XR9D")
    assert payloads.open_blob(sealed.blob, sealed.key, "7k4mq 2xr9d")["text"] == "s3cret"
    with pytest.raises(InvalidInput):
        payloads.open_blob(sealed.blob, sealed.key, "7K4MQ-2XR9E")
    with pytest.raises(InvalidInput):
        payloads.open_blob(sealed.blob, sealed.key, None)


def test_tampered_blob_does_not_open() -> None:
    sealed = payloads.seal_payload(payloads.make_payload(text="s3cret"))
    for index in (0, 12, len(sealed.blob) - 1):
        broken = bytearray(sealed.blob)
        broken[index] ^= 1
        with pytest.raises(InvalidInput):
            payloads.open_blob(bytes(broken), sealed.key)


def test_payload_decoding_is_strict() -> None:
    for bad in (b"\xff", b"[]", b'{"v": 2, "kind": "text"}', b'{"v": 1}', b'{"v": true, "kind": "text"}',
                b'{"v": 1, "kind": "text", "fields": {"a": 1}}', b'{"v": 1, "kind": "t", "files": [{"name": "x"}]}'):
        with pytest.raises(InvalidInput):
            payloads.decode_payload(bad)


payload_objects = st.builds(
    payloads.make_payload,
    kind=st.sampled_from(["text", "file", "aws-access-key", "console-login", "something-new"]),
    text=st.none() | st.text(),
    fields=st.none() | st.dictionaries(st.text(min_size=1, max_size=20), st.text(max_size=200), max_size=5),
    files=st.none() | st.lists(st.builds(payloads.file_entry, st.text(min_size=1, max_size=30), st.binary(max_size=2000)), max_size=2),
)


@settings(max_examples=60, deadline=None)
@given(payload=payload_objects, key=st.binary(min_size=32, max_size=32))
def test_payload_round_trip(payload: dict, key: bytes) -> None:
    # No code here: PBKDF2's 600,000 rounds would make each example slow; a coded secret opens in
    # test_a_code_read_aloud_opens_the_secret.
    sealed = payloads.seal_payload(payload, None, key=key)
    assert payloads.open_blob(sealed.blob, key) == payload
    assert len(sealed.blob) == len(payloads.encode_payload(payload)) + 28
