"""Where the ideas' routes keep residents' photos (read from the settings per request)."""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from myalmaty.ideas.photos import PhotoStore


def photo_store() -> PhotoStore:
    return PhotoStore(Path(current_app.config["UPLOAD_FOLDER"]),
                      current_app.config["MAX_PHOTO_BYTES"])
