"""Generators of hostile requests: what a careless client, a broken script or an attacker sends.

One `Sent` is one request: who sends it (a role), the method, the address with its path values
filled in, a query string and a body. Values are drawn from three pools: what the seeded world
holds (real ids, slugs, enum values, so that a request can get deep into a route), numbers at
and past every bound, and arbitrary or hostile text. Bodies come in every shape a route may
not expect: a proper form, a form with doubled or missing fields, multipart with files, broken
multipart, JSON, a wrong or missing content type, bytes that are not UTF-8, and a body past
the size limit.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

from hypothesis import strategies as st

ROLES = ("anonymous", "resident", "moderator", "organiser")
# Methods a route may be sent although it does not take them (answered 405, with a message).
OTHER_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")

# `<converter(arguments):name>` in a Werkzeug rule; no converter means `string`.
RULE_PART = re.compile(r"<(?:(?P<converter>\w+)(?:\((?P<args>[^)]*)\))?:)?(?P<name>\w+)>")
KNOWN_CONVERTERS = frozenset({"int", "string", "any", "path"})

HOSTILE = (
    "", " ", "\x00", "a\x00b", "\x00" * 3, "\r\n", "\t", "\x1b[31m", "\x7f", "\u0085", "\u2028",
    "\ufeff", "\u200b", "\u202egnp.exe", "e\u0301", "\U0001d54f" * 3, "Ω≈ç√∫", "Алматы",
    "Алматы\x00", "Қазақстан", "<script>alert(1)</script>", "\"'><img src=x onerror=alert(1)>",
    "' OR 1=1 --", "%00", "%", "%zz", "../../etc/passwd", "..", "/", "//example.com",
    "javascript:alert(1)", "{{7*7}}", "${7*7}", "%(name)s", "{}", "[]", "null", "true",
    "x" * 81, "x" * 256, "Ж" * 1001, "y" * 5001,
)
NUMBERS = (
    "0", "-0", "+1", "-1", "1", "2", "3", "01", " 7 ", "1.5", "1e3", "1_000", "0x1F", "١٢",
    "²", "Ⅻ", "NaN", "nan", "inf", "-inf", "Infinity", "1e309", "-1e309", "2147483647",
    "2147483648", "-2147483649", "4294967296", "9223372036854775807", "9223372036854775808",
    "-9223372036854775809", "1" + "0" * 30, "9" * 300, "9" * 5000,
)
DATES = (
    "2024-05-01", "2018-07-21", "0001-01-01", "0000-00-00", "1999-12-31", "2101-01-01",
    "9999-12-31", "10000-01-01", "2024-02-30", "2024-13-01", "-2024-01-01", "2024-1-1",
    "01.05.2024", "2024-05-01T10:00", "today",
)
FLAGS = ("y", "on", "1", "true", "false", "0", "off")
LANGUAGES = ("ru", "kk", "en", "de", "zz", "", "ru-RU", "*")
CONTENT_TYPES = (
    "text/plain", "application/xml", "application/octet-stream", "text/html",
    "application/x-www-form-urlencoded; charset=latin-1", "multipart/form-data",
    "multipart/form-data; boundary=", "multipart/mixed; boundary=x", "application/json; charset=utf-16",
    "image/jpeg", "", "\x00", "application/x-www-form-urlencoded\x00",
)


@dataclass(frozen=True)
class RouteMethod:
    """One rule of the URL map driven with one method: what a walk test is parametrised by."""

    endpoint: str
    rule: str
    method: str

    @property
    def key(self) -> str:
        return f"{self.method} {self.rule}"

    def __str__(self) -> str:
        return f"{self.endpoint}-{self.method}"

    def parts(self) -> list[tuple[str, str, tuple[str, ...]]]:
        """Each `<…>` of the rule: (converter, name, the choices of an `any`)."""
        found = []
        for match in RULE_PART.finditer(self.rule):
            args = match["args"] or ""
            choices = tuple(a.strip().strip("'\"") for a in args.split(",") if a.strip())
            found.append((match["converter"] or "string", match["name"], choices))
        return found


@dataclass(frozen=True)
class Pools:
    """What the seeded world offers the generators: ids by path argument name, and tokens
    (slugs, enum values, ids as text) that a select, a filter or a hidden field may accept."""

    ids: Mapping[str, Sequence[int]]
    tokens: Sequence[str]
    field_names: Sequence[str]
    query_names: Sequence[str]
    files: Sequence[bytes]
    max_body: int


@dataclass(frozen=True)
class Sent:
    role: str
    method: str
    path: str
    query_string: str = ""
    body: bytes | None = None
    content_type: str | None = None
    headers: tuple[tuple[str, str], ...] = field(default=())

    def __repr__(self) -> str:  # bodies can be long: a shrunk failure should stay readable
        body = self.body if self.body is None or len(self.body) < 600 else (
            self.body[:300] + b"..." + f"({len(self.body)} bytes)".encode())
        return (f"Sent(role={self.role!r}, method={self.method!r}, path={self.path!r}, "
                f"query_string={self.query_string!r}, content_type={self.content_type!r}, "
                f"headers={self.headers!r}, body={body!r})")


def any_text(max_size: int = 40) -> st.SearchStrategy[str]:
    """Arbitrary Unicode (every plane, control characters included; no lone surrogates,
    which cannot travel as UTF-8), and the hostile classics."""
    return st.one_of(
        st.sampled_from(HOSTILE),
        st.text(st.characters(codec="utf-8"), max_size=max_size),
        st.text(st.characters(categories=["Cc", "Cf", "Zs", "Zl", "Zp", "Mn"]), max_size=8),
    )


def numbers() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(NUMBERS),
        st.integers(min_value=-(2**80), max_value=2**80).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
    )


def values(pools: Pools) -> st.SearchStrategy[str]:
    """A value for any field or parameter: real tokens first (they shrink there), then numbers,
    dates, flags and text."""
    pool = st.sampled_from(list(pools.tokens)) if pools.tokens else st.nothing()
    return st.one_of(pool, numbers(), st.sampled_from(DATES), st.sampled_from(FLAGS), any_text())


def names(known: Sequence[str]) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(list(known)), any_text(max_size=12))


def pairs(pools: Pools, known: Sequence[str], max_size: int = 8) -> st.SearchStrategy[list[tuple[str, str]]]:
    """Fields as a list of pairs: some missing, some doubled, some nobody asked for."""
    return st.lists(st.tuples(names(known), values(pools)), max_size=max_size)


def _encoded(text: str, safe: str) -> str:
    return quote(text.encode("utf-8", "surrogatepass"), safe=safe)


def path_value(pools: Pools, converter: str, name: str, choices: tuple[str, ...]) -> st.SearchStrategy[str]:
    """One `<…>` of an address, already percent-encoded."""
    ids = pools.ids.get(name, ())
    real = st.sampled_from([str(i) for i in ids]) if ids else st.nothing()
    if converter == "int":
        raw = st.one_of(real, numbers(), any_text(max_size=12))
    elif converter == "any":
        raw = st.one_of(st.sampled_from(choices) if choices else st.nothing(), any_text(12))
    else:
        raw = st.one_of(real, any_text())
    safe = "/" if converter == "path" else ""
    encoded = raw.filter(lambda t: t != "" or converter == "path").map(lambda t: _encoded(t, safe))
    # Percent-escapes that decode to no UTF-8 at all, or to a NUL.
    return st.one_of(encoded, st.sampled_from(["%FF", "%C0%AF", "%00", "%E2%82", "%2e%2e"]))


def address(route: RouteMethod, pools: Pools) -> st.SearchStrategy[str]:
    parts = route.parts()
    if not parts:
        return st.just(route.rule)

    def build(filled: list[str]) -> str:
        text, values_ = route.rule, iter(filled)
        return RULE_PART.sub(lambda _m: next(values_), text)

    return st.tuples(*(path_value(pools, c, n, ch) for c, n, ch in parts)).map(lambda t: build(list(t)))


def query_strings(pools: Pools) -> st.SearchStrategy[str]:
    proper = pairs(pools, pools.query_names).map(urlencode)
    garbage = st.one_of(
        st.binary(max_size=40).map(lambda b: quote(b, safe="=&")),
        st.sampled_from(["page=%FF", "q=%00", "q=%", "=&=&&", "page", "a=1;b=2", "q=ÿþ",
                         "page=1&page=2&page=-3", "lang=%00&next=%2F%2Fevil"]),
    )
    return st.one_of(st.just(""), proper, garbage)


def _multipart(boundary: str, parts: list[tuple[str, str | None, bytes]]) -> bytes:
    chunks = []
    for name, filename, content in parts:
        disposition = f'form-data; name="{name}"'
        if filename is not None:
            disposition += f'; filename="{filename}"'
        head = f"--{boundary}\r\nContent-Disposition: {disposition}\r\n"
        if filename is not None:
            head += "Content-Type: application/octet-stream\r\n"
        chunks.append(head.encode("utf-8", "surrogatepass") + b"\r\n" + content + b"\r\n")
    return b"".join(chunks) + f"--{boundary}--\r\n".encode()


@st.composite
def bodies(draw: st.DrawFn, pools: Pools) -> tuple[bytes | None, str | None]:
    """A body and its content type, of one of the kinds a route may not expect."""
    kind = draw(st.sampled_from(
        ["none", "form", "form", "form", "multipart", "broken-multipart", "json", "wrong-type",
         "not-utf8", "too-large"]
    ))
    fields = draw(pairs(pools, pools.field_names))
    if kind == "none":
        return None, draw(st.sampled_from([None, "application/x-www-form-urlencoded"]))
    if kind == "form":
        return urlencode(fields).encode(), "application/x-www-form-urlencoded"
    if kind == "multipart":
        files = draw(st.lists(
            st.tuples(names(["photo", "boundary_file", "file"]), any_text(20),
                      st.one_of(st.sampled_from(list(pools.files)), st.binary(max_size=64))),
            max_size=2,
        ))
        parts = [(n, None, v.encode("utf-8", "surrogatepass")) for n, v in fields]
        parts += [(n, f, content) for n, f, content in files]
        boundary = "walkboundary7MA4YWxk"
        return _multipart(boundary, parts), f"multipart/form-data; boundary={boundary}"
    if kind == "broken-multipart":
        boundary = "walkboundary7MA4YWxk"
        whole = _multipart(boundary, [(n, None, v.encode("utf-8", "surrogatepass")) for n, v in fields])
        body = draw(st.one_of(
            st.just(whole[: len(whole) // 2]),  # cut short
            st.just(whole.replace(b"\r\n", b"\n")),  # bare newlines
            st.binary(max_size=80),
            st.just(b"--" + boundary.encode() + b"\r\nContent-Disposition: form-data\r\n\r\nx"),
        ))
        content_type = draw(st.sampled_from([
            f"multipart/form-data; boundary={boundary}", "multipart/form-data",
            "multipart/form-data; boundary=", f"multipart/form-data; boundary={boundary}x",
        ]))
        return body, content_type
    if kind == "json":
        document = draw(st.one_of(
            st.just(dict(fields)),
            st.just([list(p) for p in fields]),
            st.recursive(st.none() | st.booleans() | st.floats() | st.integers() | any_text(),
                         lambda inner: st.lists(inner, max_size=3) | st.dictionaries(any_text(8), inner, max_size=3),
                         max_leaves=6),
        ))
        body = draw(st.one_of(
            st.just(json.dumps(document).encode()),
            st.sampled_from([b"{", b"{\"a\": NaN}", b"\xff", b"", b"[1,2", b"null"]),
        ))
        return body, draw(st.sampled_from(["application/json", "application/json; charset=utf-8",
                                           "text/json"]))
    if kind == "wrong-type":
        body = draw(st.one_of(st.just(urlencode(fields).encode()), st.binary(max_size=80)))
        return body, draw(st.sampled_from(CONTENT_TYPES))
    if kind == "not-utf8":
        return draw(st.sampled_from([
            b"title=\xff\xfe&body=\xc0\xaf", b"\xff\xff=\xff", b"q=%FF%FE", b"title=%00&body=%",
            b"a=%C0%AF&a=%ED%A0%80",
        ])), "application/x-www-form-urlencoded"
    size = pools.max_body + draw(st.integers(min_value=1, max_value=4096))
    return b"title=" + b"x" * size, draw(st.sampled_from(
        ["application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json"]
    ))


@st.composite
def requests(draw: st.DrawFn, route: RouteMethod, pools: Pools) -> Sent:
    """A request to `route`: mostly with its own method, now and then with one it refuses."""
    method = draw(st.one_of(
        st.just(route.method), st.just(route.method), st.just(route.method),
        st.sampled_from(OTHER_METHODS),
    ))
    body, content_type = draw(bodies(pools)) if method != "GET" or draw(st.booleans()) else (None, None)
    headers = draw(st.lists(st.tuples(
        st.sampled_from(["Accept-Language", "Accept", "Referer", "X-Requested-With"]),
        st.one_of(st.sampled_from(LANGUAGES), st.sampled_from(["application/json", "*/*"]),
                  any_text(20).map(lambda t: t.encode("utf-8", "surrogatepass").decode("latin-1"))),
    ), max_size=2))
    return Sent(
        role=draw(st.sampled_from(ROLES)),
        method=method,
        path=draw(address(route, pools)),
        query_string=draw(query_strings(pools)),
        body=body,
        content_type=content_type,
        headers=tuple((n, v.replace("\r", "").replace("\n", "")) for n, v in headers),
    )
