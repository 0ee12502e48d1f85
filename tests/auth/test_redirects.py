import pytest

from myalmaty.auth.redirects import safe_next_url

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
    assert safe_next_url(target, HOST) == expected
