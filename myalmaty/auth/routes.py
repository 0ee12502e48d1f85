"""Routes of this feature."""

from myalmaty.auth import bp  # noqa: F401
