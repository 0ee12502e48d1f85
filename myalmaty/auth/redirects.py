"""Where to send someone after signing in: only back to a page of this site."""

from __future__ import annotations

from urllib.parse import urlsplit


def safe_next_url(target: str | None, host: str) -> str | None:
    """`target` as a path on this site when it is one, else None.

    Accepts a path (`/ideas/7?x=1`) or an absolute http(s) address on `host`; refuses other
    hosts, scheme-relative `//evil.example` and the backslash and control-character tricks
    browsers read as another host.
    """
    if not target or any(ch in target for ch in "\\\r\n\t") or any(ord(ch) < 32 for ch in target):
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
