"""Routes of this feature."""

from myalmaty.api import bp  # noqa: F401
