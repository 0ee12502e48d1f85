"""Domain errors and the translated error pages (JSON under /api/ and for scripts)."""

from __future__ import annotations

from flask import Flask, Response, current_app, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from myalmaty.core.permissions import PermissionDenied


class DomainError(Exception):
    """A rule of the platform refused an action; the message is shown to the person.

    Services raise it with a lazily translated message; routes flash it and re-render the form.
    """

    status_code = 400

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message)
        self.message = message
        self.params = params

    def __str__(self) -> str:
        return str(self.message) % self.params if self.params else str(self.message)


class FieldError(DomainError):
    """A rule refused what was typed into one field; the form shows it under that field."""

    def __init__(self, field: str, message: str, status_code: int = 400, **params: object) -> None:
        super().__init__(message, **params)
        self.field = field
        self.status_code = status_code


class InvalidParameter(DomainError):
    """A query-string parameter (filters, bounding box, page) that cannot be used: a 400 page
    with the message (JSON under /api/, naming the parameter)."""

    def __init__(self, parameter: str, message: str, **params: object) -> None:
        super().__init__(message, **params)
        self.parameter = parameter


class NotFound(DomainError):
    status_code = 404


class Conflict(DomainError):
    """Somebody else changed the thing since the page was loaded."""

    status_code = 409


ERROR_TITLES = {
    400: _l("The request could not be understood"),
    401: _l("Please sign in to continue."),
    403: _l("You do not have access to this page"),
    404: _l("Page not found"),
    405: _l("This action is not allowed here"),
    409: _l("Someone else changed this in the meantime"),
    410: _l("This is no longer here"),
    413: _l("The file is too large"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong on our side"),
}

ERROR_HINTS = {
    400: _l("Please check what you entered and try again."),
    401: _l("You are not signed in, or your session has ended."),
    403: _l("Sign in with an account that may open it, or go back to the home page."),
    404: _l("The address may be mistyped, or the page was moved."),
    405: _l("Please go back and use the buttons on the page."),
    409: _l("Reload the page to see the latest version, then try again."),
    410: _l("It was kept for a while only and has been removed."),
    429: _l("Please wait a little and try again."),
    500: _l("We have been told about it. Please try again in a few minutes."),
}


def wants_json() -> bool:
    """The API, and a page's script that asks for JSON (a browser's page asks for HTML)."""
    return (request.path.startswith("/api/")
            or request.accept_mimetypes.best == "application/json")


def _hint(code: int) -> str:
    if code == 413:  # the limit is configurable, so the hint says the one in force
        megabytes = current_app.config["MAX_PHOTO_BYTES"] / (1024 * 1024)
        return _("Please choose a smaller file (photos up to %(size)s MB).",
                 size=format_decimal(round(megabytes, 1)))
    return str(ERROR_HINTS.get(code, ""))


def render_error(code: int, detail: str | None = None) -> tuple[Response | str, int]:
    title = str(ERROR_TITLES.get(code, ERROR_TITLES[400 if code < 500 else 500]))
    hint = detail or _hint(code)
    if wants_json():
        return jsonify({"error": {"code": code, "message": title, "detail": hint}}), code
    return render_template("errors/error.html", code=code, title=title, hint=hint), code


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def handle_http_error(error: HTTPException) -> ResponseReturnValue:
        if error.code is None or error.code < 400:
            return error
        response = render_error(error.code)
        if isinstance(error, MethodNotAllowed) and error.valid_methods:
            body, status = response
            return body, status, {"Allow": ", ".join(error.valid_methods)}
        return response

    @app.errorhandler(PermissionDenied)
    def handle_permission_denied(error: PermissionDenied) -> ResponseReturnValue:
        return render_error(403)

    @app.errorhandler(DomainError)
    def handle_domain_error(error: DomainError) -> ResponseReturnValue:
        return render_error(error.status_code, str(error))

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception) -> ResponseReturnValue:
        if app.testing and app.config.get("PROPAGATE_EXCEPTIONS"):
            raise error
        app.logger.exception("Unhandled error on %s", request.path)
        from myalmaty.extensions import db

        db.session.rollback()
        return render_error(500)

