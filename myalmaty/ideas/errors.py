"""Errors of the ideas feature that belong to one field of a form."""

from __future__ import annotations

from myalmaty.core.errors import DomainError


class FieldError(DomainError):
    """A rule refused what was typed into one field; the form shows it under that field."""

    def __init__(self, field: str, message: str, status_code: int = 400, **params: object) -> None:
        super().__init__(message, **params)
        self.field = field
        self.status_code = status_code


class InvalidParameter(DomainError):
    """A query-string parameter (filters, bounding box, page) that cannot be used."""

    def __init__(self, parameter: str, message: str, **params: object) -> None:
        super().__init__(message, **params)
        self.parameter = parameter
