"""Routes of this feature."""

from myalmaty.ideas import bp  # noqa: F401
