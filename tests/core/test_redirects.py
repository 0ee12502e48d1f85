"""The one check every `next` goes through, sign-in and moderation alike."""

import pytest

from myalmaty.core.redirects import safe_local_url

HOST = "ideas.almaty.kz"


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/ideas/7", "/ideas/7"),
        ("/ideas/?q=park", "/ideas/?q=park"),
        ("https://ideas.almaty.kz/organise/", "/organise/"),
        ("http://ideas.almaty.kz", "/"),
        ("https://evil.example/", None),
        ("https://ideas.almaty.kz.evil.example/", None),
        ("//evil.example/x", None),
        ("///evil.example/x", None),
        ("/\\evil.example", None),
        ("/\\/evil.example", None),
        ("https:evil.example", None),
        ("http:/evil.example", None),
        ("/\t/evil.example", None),
        ("/\n/evil.example", None),
        ("%2F%2Fevil.example", None),
        ("%5C%5Cevil.example", None),
        ("https://ideas.almaty.kz@evil.example/", None),
        ("\\\\evil.example", None),
        ("/ideas\r\nSet-Cookie: x=1", None),
        ("javascript:alert(1)", None),
        ("ftp://ideas.almaty.kz/", None),
        ("ideas/7", None),
        ("", None),
        (None, None),
    ],
)
def test_only_addresses_on_this_site_are_safe(target, expected):
    assert safe_local_url(target, HOST) == expected
