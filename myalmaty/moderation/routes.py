"""Routes of this feature."""

from myalmaty.moderation import bp  # noqa: F401
