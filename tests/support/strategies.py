"""Hypothesis strategies that several test modules feed to the parsers of untrusted input."""

from __future__ import annotations

import json

from hypothesis import strategies as st

B64U_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
B64U_TEXT = st.text(alphabet=B64U_ALPHABET, max_size=60)
DEEP = 5000  # nesting levels: past CPython's recursion limit of 1000

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
JSON_BYTES = st.one_of(
    st.binary(max_size=200),
    st.builds(lambda v: json.dumps(v, ensure_ascii=False).encode("utf-8"), JSON_VALUES),
    st.builds(lambda v, enc: json.dumps(v).encode(enc), JSON_VALUES, st.sampled_from(["utf-16", "utf-8-sig", "utf-32"])),
    st.sampled_from([b'{"a": 1, "a": 2}', b'{"ttl": NaN}', b'{"ttl": Infinity}', b'{"ttl": -Infinity}', b'{"x": 1e999}',
                     b'{"x": "\\ud800"}', b'{"x": 1} trailing', b"", b"\xef\xbb\xbf{}", b'{"x": ' + b"9" * 5000 + b"}"]),
    st.builds(lambda n, opener: opener * n, st.integers(1, DEEP), st.sampled_from([b"[", b'{"a":', b'{"a":['])),
)
