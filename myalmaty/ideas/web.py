"""Where the ideas' routes keep residents' photos (read from the settings per request)."""

from __future__ import annotations

from pathlib import Path

from flask import Response, current_app, send_file

from myalmaty.ideas.photos import PhotoStore


def photo_store() -> PhotoStore:
    return PhotoStore(Path(current_app.config["UPLOAD_FOLDER"]),
                      current_app.config["MAX_PHOTO_BYTES"])


def photo_response(path: Path, public: bool) -> Response:
    """A photo file, sent by the app, or by the reverse proxy when PHOTOS_INTERNAL_PATH is set.

    The app still decides who may see the photo (pending ideas' photos are private); the proxy
    then sends the bytes itself (nginx's and Caddy's X-Accel-Redirect), so a slow phone
    downloading a photo does not hold a worker.
    """
    internal = current_app.config.get("PHOTOS_INTERNAL_PATH", "")
    if internal:
        response = current_app.response_class(mimetype="image/jpeg")
        response.headers["X-Accel-Redirect"] = f"{internal.rstrip('/')}/{path.name}"
    else:
        response = send_file(path, mimetype="image/jpeg", conditional=True)
    # Photos of ideas not (yet) public must not stay in shared caches.
    response.headers["Cache-Control"] = "public, max-age=86400" if public else "private, no-cache"
    return response
