"""The one logging configuration: readable lines in development, JSON lines in production.

Every record of the `myalmaty` loggers (the app's own logger is `myalmaty` too) carries the id
of the request it was written in. The id comes from the proxy's `X-Request-ID` when that is a
sane token, otherwise it is made here; either way it goes back in the response's
`X-Request-ID`, so a resident's "it failed" can be matched to the lines that say why.
"""

from __future__ import annotations

import logging
import re
import uuid
from logging.config import dictConfig

from flask import Flask, Response, has_request_context, request

REQUEST_ID_HEADER = "X-Request-ID"
_ENVIRON_KEY = "myalmaty.request_id"
# What a proxy or load balancer sends (uuids, hex, base64url); anything else, such as a header a
# client stuffed with newlines to forge log lines, is replaced by an id of our own.
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")

TEXT_FORMAT = "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"
JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s"


def request_id() -> str:
    """This request's id (made once, on first use); "-" outside a request."""
    if not has_request_context():
        return "-"
    environ = request.environ
    if _ENVIRON_KEY not in environ:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        environ[_ENVIRON_KEY] = (
            incoming if _SANE_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        )
    return environ[_ENVIRON_KEY]


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record, so both formats can print it."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id()
        return True


def logging_config(log_format: str, level: str, testing: bool) -> dict:
    """The dictConfig for the `myalmaty` loggers.

    Under tests no handler is added and records propagate to the root logger, where pytest
    captures them. Otherwise one handler writes to standard error (the console under
    `flask run`, the service's journal or the container's log under gunicorn) and nothing
    propagates, so a root handler that some library set up does not print every line twice.
    """
    formatter: dict = (
        {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": JSON_FIELDS,
            "rename_fields": {"levelname": "level", "name": "logger", "asctime": "time"},
        }
        if log_format == "json"
        else {"format": TEXT_FORMAT}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": RequestIdFilter}},
        "formatters": {"app": formatter},
        "handlers": {} if testing else {
            "console": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": "app",
                "filters": ["request_id"],
            }
        },
        "loggers": {
            "myalmaty": {
                "level": level,
                "handlers": [] if testing else ["console"],
                "propagate": testing,
            }
        },
    }


def init_app(app: Flask) -> None:
    """Configure logging before anything logs, and answer every request with its id."""
    dictConfig(logging_config(
        app.config["LOG_FORMAT"], app.config["LOG_LEVEL"], testing=bool(app.testing),
    ))

    @app.after_request
    def send_request_id(response: Response) -> Response:
        response.headers[REQUEST_ID_HEADER] = request_id()
        return response
