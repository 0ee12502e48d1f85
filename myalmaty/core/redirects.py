"""Where a form or a sign-in may send someone next: only to a page of this site.

The one check every `next` goes through (sign-in, moderation decisions, any form with a
`next` field), so that a link from another site cannot turn our redirect into theirs.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import request


def safe_local_url(target: str | None, host: str) -> str | None:
    """`target` as a path on this site when it is one, else None.

    Accepts a path (`/ideas/7?x=1`) or an absolute http(s) address on `host`; refuses other
    hosts, scheme-relative `//evil.example`, `https:evil.example`, and the tricks browsers
    read as another host: a backslash (`/\\evil.example`), or a tab or newline they drop.
    """
    if not target or "\\" in target or any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        if parts.scheme not in ("http", "https") or parts.netloc != host:
            return None
    elif not target.startswith("/") or target.startswith("//"):
        # `///evil.example` parses as an empty host, but browsers go to evil.example.
        return None
    path = parts.path or "/"
    if not path.startswith("/") or path.startswith("//"):
        return None
    return path + (f"?{parts.query}" if parts.query else "")


def safe_next(default: str) -> str:
    """The request's `next` (form field, then query string) when it is safe, else `default`."""
    target = request.form.get("next") or request.args.get("next")
    return safe_local_url(target, request.host) or default
