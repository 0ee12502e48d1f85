"""Small helpers the ideas' routes share: rate-limit keys, the photo store, the current user."""

from __future__ import annotations

from pathlib import Path

from flask import current_app
from flask_limiter.util import get_remote_address
from flask_login import current_user

from myalmaty.domain.accounts import User
from myalmaty.ideas.photos import PhotoStore


def resident_key() -> str:
    """Rate limits count per resident (per address when signed out): a shared Wi-Fi at a
    forum venue must not make one person's comments use up everyone's."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return get_remote_address()


def limit_from(setting: str):  # noqa: ANN201 - a callable for flask-limiter
    return lambda: current_app.config[setting]


def photo_store() -> PhotoStore:
    return PhotoStore(Path(current_app.config["UPLOAD_FOLDER"]),
                      current_app.config["MAX_PHOTO_BYTES"])


def acting_user() -> User | None:
    """The signed-in user as a model object (services take a User, not Flask-Login's proxy)."""
    return current_user._get_current_object() if current_user.is_authenticated else None  # noqa: SLF001
