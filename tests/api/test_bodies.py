"""The answers kept per process stay within their budget and only for the current marker."""

from __future__ import annotations

import gzip

from myalmaty.api.bodies import MAX_BODY_BYTES, BodyCache


def test_a_new_change_marker_forgets_every_kept_answer():
    cache = BodyCache()
    cache.put("1", "a", b"x" * 10)
    assert cache.get("1", "a").plain == b"x" * 10
    assert cache.get("2", "a") is None
    assert cache.get("1", "a") is None  # the old marker is never asked again


def test_the_least_recently_asked_answers_go_first_past_the_budget():
    cache = BodyCache(budget=25)
    for etag in "abc":
        cache.put("1", etag, b"x" * 10)
    assert cache.get("1", "a") is None
    assert cache.get("1", "b") is not None and cache.get("1", "c") is not None


def test_a_kept_answer_is_gzipped_once():
    cache = BodyCache()
    body = cache.put("1", "a", b"{}" * 1000)
    packed = cache.packed("a", body)
    assert gzip.decompress(packed) == b"{}" * 1000
    assert cache.packed("a", cache.get("1", "a")) is packed


def test_a_huge_answer_is_served_but_not_kept():
    cache = BodyCache()
    assert cache.put("1", "a", b"x" * (MAX_BODY_BYTES + 1)).plain
    assert cache.get("1", "a") is None
