"""The API's answers kept by their ETag in each process, with their gzip.

An ETag from `versioned_json` names everything an answer depends on (the change marker, the
language, the query string), so an answer built once serves every later request for the same
view until the marker moves: the city's opening view, asked by most visitors, is then read and
compressed once per change instead of once per visit. Only the current marker's answers are
kept (older ones can never be asked again), within a byte budget per process.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from myalmaty.api.compression import gzipped

# Per process (gunicorn worker): well inside the memory growth a worker is allowed.
BUDGET_BYTES = 16 * 1024 * 1024
# Bigger answers (the full collection) are rare and would push out many small ones.
MAX_BODY_BYTES = 1024 * 1024


class _Body:
    __slots__ = ("plain", "packed")

    def __init__(self, plain: bytes) -> None:
        self.plain = plain
        self.packed: bytes | None = None


class BodyCache:
    def __init__(self, budget: int = BUDGET_BYTES) -> None:
        self.budget = budget
        self._version = ""
        self._bodies: OrderedDict[str, _Body] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, version: str, etag: str) -> _Body | None:
        with self._lock:
            if version != self._version:
                self._bodies.clear()
                self._size, self._version = 0, version
                return None
            body = self._bodies.get(etag)
            if body is not None:
                self._bodies.move_to_end(etag)
            return body

    def put(self, version: str, etag: str, plain: bytes) -> _Body:
        body = _Body(plain)
        if len(plain) > MAX_BODY_BYTES:
            return body
        with self._lock:
            if version != self._version:
                self._bodies.clear()
                self._size, self._version = 0, version
            if etag not in self._bodies:
                self._bodies[etag] = body
                self._size += len(plain)
            while self._size > self.budget and self._bodies:
                _etag, old = self._bodies.popitem(last=False)
                self._size -= len(old.plain) + len(old.packed or b"")
        return self._bodies.get(etag, body)

    def packed(self, etag: str, body: _Body) -> bytes:
        """The body gzipped, compressed at most once while it is kept."""
        if body.packed is None:
            body.packed = gzipped(body.plain)
            with self._lock:
                if self._bodies.get(etag) is body:
                    self._size += len(body.packed)
        return body.packed


bodies = BodyCache()
