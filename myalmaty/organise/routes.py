"""Routes of this feature."""

from myalmaty.organise import bp  # noqa: F401
