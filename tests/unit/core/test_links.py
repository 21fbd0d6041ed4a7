"""app/core/links.py: {BASE_URL}/s/{id}#{key} made and parsed; anything else is a clean InvalidInput."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from app.core import links
from app.core import protocol as p
from app.core.errors import InvalidInput
from tests.support.strategies import B64U_TEXT


@pytest.mark.parametrize(
    "url",
    [
        "https://h/s/AAAAAAAAAAAAAAAAAAAAAA",  # no fragment
        "https://h/s/AAAAAAAAAAAAAAAAAAAAAA#abc",  # truncated key
        "https://h/s/AAAAAAAAAAAAAAAAAAAAA#" + "A" * 43,  # short id
        "https://h/x/AAAAAAAAAAAAAAAAAAAAAA#" + "A" * 43,  # not /s/
        "ftp://h/s/AAAAAAAAAAAAAAAAAAAAAA#" + "A" * 43,
        "https://h/s/AAAAAAAAAAAAAAAAAAAAAA#v2." + "A" * 43,  # another protocol version
        "https://burnlink.example@evil.example/s/AAAAAAAAAAAAAAAAAAAAAA#" + "A" * 43,  # a host behind a user name
    ],
)
def test_parse_link_refuses(url: str) -> None:
    with pytest.raises(InvalidInput):
        links.parse_link(url)


NETLOC = st.text(alphabet="abcxyz019.-:[]@%\uff03\u2100\u00e9", max_size=16)
LINKISH = st.builds(lambda scheme, host, path, sid, key: f"{scheme}://{host}{path}/s/{sid}#{key}",
                    st.sampled_from(["https", "http", "ftp", "HTTPS", ""]), NETLOC,
                    st.sampled_from(["", "/x", "/s"]), B64U_TEXT, B64U_TEXT)


@given(st.one_of(st.text(max_size=120), LINKISH))
@example("http://[")  # urlsplit: Invalid IPv6 URL
@example("https://h]/s/AAAAAAAAAAAAAAAAAAAAAA#" + "A" * 43)
@example("https://a\uff03b/s/AAAAAAAAAAAAAAAAAAAAAA#" + "A" * 43)  # urlsplit: invalid under NFKC
def test_parse_link_raises_only_invalid_input(text: str) -> None:
    try:
        link = links.parse_link(text)
    except InvalidInput as err:
        assert err.field == "url"
        return
    assert len(link.key) == 32 and len(p.b64u_decode(link.secret_id)) == 16
    assert link.base_url.startswith(("http://", "https://"))


HOST = st.from_regex(r"[a-z][a-z0-9-]{0,20}(\.[a-z]{2,5})?(:[1-9][0-9]{0,4})?", fullmatch=True)
BASE_URL = st.builds(lambda scheme, host, prefix: f"{scheme}://{host}{prefix}", st.sampled_from(["http", "https"]), HOST,
                     st.sampled_from(["", "/burn", "/a/b"]))


@given(BASE_URL, st.binary(min_size=16, max_size=16), st.binary(min_size=32, max_size=32), st.sampled_from(["", " ", "\n"]))
def test_parse_link_inverts_make_link(base: str, sid: bytes, key: bytes, pad: str) -> None:
    link = links.parse_link(pad + links.make_link(base, p.b64u_encode(sid), key) + pad)
    assert (link.base_url, link.secret_id, link.key) == (base, p.b64u_encode(sid), key)
