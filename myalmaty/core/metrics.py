"""Prometheus metrics at /metrics, when METRICS_ENABLED is set: requests by route and status,
how long they took, and the background jobs waiting.

Routes are labelled by their rule (`/ideas/<int:idea_id>`), never by the address asked for, so
a crawler trying a million addresses adds no new series. Under gunicorn each worker counts on
its own; with PROMETHEUS_MULTIPROC_DIR set (deploy/gunicorn.conf.py sets it) the workers write
their counts to that folder and /metrics adds them up, whichever worker answers.
"""

from __future__ import annotations

import os
import time

from flask import Flask, Response, current_app, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

from myalmaty.core.jobs import queue_depth

_STARTED = "myalmaty.metrics_started"
UNMATCHED = "<unmatched>"

# Created once per process (the registry refuses a second metric of the same name).
REQUESTS = Counter(
    "myalmaty_http_requests", "HTTP requests answered, by route and status.",
    ["method", "route", "status"],
)
LATENCY = Histogram(
    "myalmaty_http_request_duration_seconds", "Time to answer an HTTP request, by route.",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)


def _route() -> str:
    return request.url_rule.rule if request.url_rule is not None else UNMATCHED


def _start_timer() -> None:
    request.environ[_STARTED] = time.perf_counter()


def _record(response: Response) -> Response:
    started = request.environ.get(_STARTED)
    if started is not None:
        route = _route()
        REQUESTS.labels(request.method, route, str(response.status_code)).inc()
        LATENCY.labels(request.method, route).observe(time.perf_counter() - started)
    return response


def _queue_depth() -> bytes:
    """Jobs waiting, read from Redis at each scrape (the same for every worker and host)."""
    depth = queue_depth(current_app.config)
    if depth is None:
        return b""
    registry = CollectorRegistry()
    Gauge("myalmaty_job_queue_depth", "Background jobs waiting in the queue.",
          registry=registry).set(depth)
    return generate_latest(registry)


def metrics_view() -> Response:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    return Response(generate_latest(registry) + _queue_depth(), mimetype=CONTENT_TYPE_LATEST)


def init_app(app: Flask) -> None:
    if not app.config.get("METRICS_ENABLED"):
        return
    # First of the before-request functions, so the time includes theirs.
    app.before_request_funcs.setdefault(None, []).insert(0, _start_timer)
    app.after_request(_record)
    app.add_url_rule("/metrics", "metrics", metrics_view, methods=["GET"])
