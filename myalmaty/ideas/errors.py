"""A query-string parameter of the ideas' list, map and API that cannot be used.

Refusals about a form's field are `myalmaty.core.errors.FieldError`, shared by every feature.
"""

from __future__ import annotations

from myalmaty.core.errors import DomainError


class InvalidParameter(DomainError):
    """A query-string parameter (filters, bounding box, page) that cannot be used."""

    def __init__(self, parameter: str, message: str, **params: object) -> None:
        super().__init__(message, **params)
        self.parameter = parameter
