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
    cookie: str = ""  # sent besides the role's session (anonymous: instead of one)

    def __repr__(self) -> str:  # bodies can be long: a shrunk failure should stay readable
        body = self.body if self.body is None or len(self.body) < 600 else (
            self.body[:300] + b"..." + f"({len(self.body)} bytes)".encode())
        return (f"Sent(role={self.role!r}, method={self.method!r}, path={self.path!r}, "
                f"query_string={self.query_string!r}, content_type={self.content_type!r}, "
                f"headers={self.headers!r}, cookie={self.cookie!r}, body={body!r})")


def any_text(max_size: int = 40) -> st.SearchStrategy[str]:
    """Arbitrary Unicode (every plane, control characters included; no lone surrogates,
    which cannot travel as UTF-8), and the hostile classics."""
    return st.one_of(
        st.sampled_from(HOSTILE),
        st.text(st.characters(codec="utf-8"), max_size=max_size),
        st.text(st.characters(categories=["Cc", "Cf", "Zs", "Zl", "Zp", "Mn"]), max_size=8),
    )


# Strategies are built once: building them per example costs more than sending the request.
TEXT = any_text()
SHORT_TEXT = any_text(max_size=12)
NUMBER = st.one_of(
    st.sampled_from(NUMBERS),
    st.integers(min_value=-(2**80), max_value=2**80).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)

# Whole numbers past the bounds: PostgreSQL's integer (2^31), bigint (2^63), Python's limit on
# converting digits (4,300). Drawn on their own as well as among NUMBER, so a route walked with
# few examples still meets them.
BIG = st.one_of(
    st.sampled_from(["2147483648", "4294967296", "9223372036854775807", "9223372036854775808",
                     "1" + "0" * 30, "9" * 300, "9" * 5000]),
    st.integers(min_value=2**31, max_value=2**80).map(str),
)


class Generators:
    """The strategies that draw on a world's pools, built once per world."""

    def __init__(self, pools: Pools) -> None:
        self.pools = pools
        tokens = st.sampled_from(list(pools.tokens)) if pools.tokens else st.nothing()
        # Real tokens first (a failure shrinks towards them), then numbers, dates, flags, text.
        self.value = st.one_of(tokens, NUMBER, BIG, st.sampled_from(DATES), st.sampled_from(FLAGS),
                               TEXT)
        self.fields = self.pairs(pools.field_names)
        self.query_fields = self.pairs(pools.query_names)
        self.files = st.lists(
            st.tuples(st.one_of(st.sampled_from(["photo", "boundary_file", "file"]), SHORT_TEXT),
                      TEXT,
                      st.one_of(st.sampled_from(list(pools.files)), st.binary(max_size=64))),
            max_size=2,
        )
        self.query_string = st.one_of(st.just(""), self.query_fields.map(urlencode), QUERY_GARBAGE)
        self.body = bodies(self)
        self._addresses: dict[RouteMethod, st.SearchStrategy[str]] = {}
        self._path_values: dict[tuple[str, str, tuple[str, ...]], st.SearchStrategy[str]] = {}

    def pairs(self, known: Sequence[str], max_size: int = 8) -> st.SearchStrategy[list[tuple[str, str]]]:
        """Fields as a list of pairs: some missing, some doubled, some nobody asked for."""
        names = st.one_of(st.sampled_from(list(known)), SHORT_TEXT)
        return st.lists(st.tuples(names, self.value), max_size=max_size)

    def address(self, route: RouteMethod) -> st.SearchStrategy[str]:
        if route not in self._addresses:
            self._addresses[route] = _address(route, self)
        return self._addresses[route]

    def path_value(self, converter: str, name: str, choices: tuple[str, ...]) -> st.SearchStrategy[str]:
        key = (converter, name, choices)
        if key not in self._path_values:
            self._path_values[key] = _path_value(self.pools, converter, name, choices)
        return self._path_values[key]


def _encoded(text: str, safe: str) -> str:
    return quote(text.encode("utf-8", "surrogatepass"), safe=safe)


def _path_value(pools: Pools, converter: str, name: str, choices: tuple[str, ...]) -> st.SearchStrategy[str]:
    """One `<…>` of an address, already percent-encoded."""
    ids = pools.ids.get(name, ())
    real = st.sampled_from([str(i) for i in ids]) if ids else st.nothing()
    # Often a real id, so that most requests get past the routing to the view.
    if converter == "int":
        raw = st.one_of(real, real, BIG, NUMBER, SHORT_TEXT)
    elif converter == "any":
        raw = st.one_of(st.sampled_from(choices) if choices else st.nothing(), SHORT_TEXT)
    else:
        raw = st.one_of(real, TEXT)
    safe = "/" if converter == "path" else ""
    encoded = raw.filter(lambda t: t != "" or converter == "path").map(lambda t: _encoded(t, safe))
    # Percent-escapes that decode to no UTF-8 at all, or to a NUL.
    return st.one_of(encoded, st.sampled_from(["%FF", "%C0%AF", "%00", "%E2%82", "%2e%2e"]))


def _address(route: RouteMethod, gens: Generators) -> st.SearchStrategy[str]:
    parts = route.parts()
    if not parts:
        return st.just(route.rule)

    def build(filled: list[str]) -> str:
        text, values_ = route.rule, iter(filled)
        return RULE_PART.sub(lambda _m: next(values_), text)

    return st.tuples(*(gens.path_value(c, n, ch) for c, n, ch in parts)).map(lambda t: build(list(t)))


QUERY_GARBAGE = st.one_of(
    st.binary(max_size=40).map(lambda b: quote(b, safe="=&")),
    st.sampled_from(["page=%FF", "q=%00", "q=%", "=&=&&", "page", "a=1;b=2", "q=ÿþ",
                     "page=1&page=2&page=-3", "lang=%00&next=%2F%2Fevil"]),
)


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


BOUNDARY = "walkboundary7MA4YWxk"
BOOL = st.booleans()
BODY_KINDS = st.sampled_from(["none", "form", "form", "form", "multipart", "broken-multipart",
                              "json", "wrong-type", "not-utf8", "too-large"])
NO_BODY_TYPES = st.sampled_from([None, "application/x-www-form-urlencoded"])
BROKEN_MULTIPART_TYPES = st.sampled_from([
    f"multipart/form-data; boundary={BOUNDARY}", "multipart/form-data",
    "multipart/form-data; boundary=", f"multipart/form-data; boundary={BOUNDARY}x",
])
JSON_DOCUMENTS = st.recursive(
    st.none() | st.booleans() | st.floats() | st.integers() | SHORT_TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(SHORT_TEXT, inner, max_size=3),
    max_leaves=6,
)
BAD_JSON = st.sampled_from([b"{", b'{"a": NaN}', b"\xff", b"", b"[1,2", b"null"])
JSON_TYPES = st.sampled_from(["application/json", "application/json; charset=utf-8", "text/json"])
WRONG_TYPES = st.sampled_from(CONTENT_TYPES)
SMALL_BYTES = st.binary(max_size=80)
NOT_UTF8 = st.sampled_from([
    b"title=\xff\xfe&body=\xc0\xaf", b"\xff\xff=\xff", b"q=%FF%FE", b"title=%00&body=%",
    b"a=%C0%AF&a=%ED%A0%80",
])
OVERSIZE = st.integers(min_value=1, max_value=4096)
OVERSIZE_TYPES = st.sampled_from(
    ["application/x-www-form-urlencoded", f"multipart/form-data; boundary={BOUNDARY}", "application/json"]
)
BREAKS = st.sampled_from(["cut", "newlines", "bytes", "unterminated"])


def _as_parts(fields: list[tuple[str, str]]) -> list[tuple[str, str | None, bytes]]:
    return [(name, None, value.encode()) for name, value in fields]


@st.composite
def bodies(draw: st.DrawFn, gens: Generators) -> tuple[bytes | None, str | None]:
    """A body and its content type, of one of the kinds a route may not expect."""
    kind = draw(BODY_KINDS)
    if kind == "none":
        return None, draw(NO_BODY_TYPES)
    if kind == "not-utf8":
        return draw(NOT_UTF8), "application/x-www-form-urlencoded"
    if kind == "too-large":
        size = gens.pools.max_body + draw(OVERSIZE)
        return b"title=" + b"x" * size, draw(OVERSIZE_TYPES)
    fields = draw(gens.fields)
    if kind == "form":
        return urlencode(fields).encode(), "application/x-www-form-urlencoded"
    if kind == "multipart":
        parts = _as_parts(fields) + [(n, f, content) for n, f, content in draw(gens.files)]
        return _multipart(BOUNDARY, parts), f"multipart/form-data; boundary={BOUNDARY}"
    if kind == "broken-multipart":
        whole = _multipart(BOUNDARY, _as_parts(fields))
        body = {
            "cut": whole[: len(whole) // 2],
            "newlines": whole.replace(b"\r\n", b"\n"),
            "bytes": draw(SMALL_BYTES),
            "unterminated": f"--{BOUNDARY}\r\nContent-Disposition: form-data\r\n\r\nx".encode(),
        }[draw(BREAKS)]
        return body, draw(BROKEN_MULTIPART_TYPES)
    if kind == "json":
        if draw(BOOL):
            body = draw(BAD_JSON)
        else:
            document = dict(fields) if draw(BOOL) else draw(JSON_DOCUMENTS)
            body = json.dumps(document).encode()
        return body, draw(JSON_TYPES)
    # "wrong-type": a form or bytes, said to be something else
    body = urlencode(fields).encode() if draw(BOOL) else draw(SMALL_BYTES)
    return body, draw(WRONG_TYPES)


METHOD_CHOICE = st.integers(min_value=0, max_value=3)  # 0: another method, else its own
OTHER_METHOD = st.sampled_from(OTHER_METHODS)
HEADERS = st.lists(st.tuples(
    st.sampled_from(["Accept-Language", "Accept", "Referer", "X-Requested-With"]),
    st.one_of(st.sampled_from(LANGUAGES), st.sampled_from(["application/json", "*/*"]),
              TEXT.map(lambda t: t.encode("utf-8").decode("latin-1"))),
), max_size=2)
ROLE = st.sampled_from(ROLES)
# Cookies a visitor may bring: forged, truncated or stale sessions and remember-me tokens.
FORGED_COOKIES = st.one_of(
    st.just(""),
    st.tuples(st.sampled_from(["session", "remember_token"]),
              st.one_of(st.sampled_from(["", "x", ".eJyrVopPy0kszkgtVrKKrlZKzs_NTUyMLw", "1|abc",
                                         "2147483648:ffff|00", "9" * 400 + ":x|y", "%00"]),
                        TEXT.map(lambda t: quote(t.encode())))
              ).map(lambda pair: f"{pair[0]}={pair[1]}"),
)


@st.composite
def requests(draw: st.DrawFn, route: RouteMethod, gens: Generators) -> Sent:
    """A request to `route`: mostly with its own method, now and then with one it refuses."""
    method = route.method if draw(METHOD_CHOICE) else draw(OTHER_METHOD)
    with_body = method != "GET" or draw(BOOL)
    body, content_type = draw(gens.body) if with_body else (None, None)
    return Sent(
        role=draw(ROLE),
        method=method,
        path=draw(gens.address(route)),
        query_string=draw(gens.query_string),
        body=body,
        content_type=content_type,
        headers=tuple((n, v.replace("\r", "").replace("\n", "")) for n, v in draw(HEADERS)),
        cookie=draw(FORGED_COOKIES),
    )
