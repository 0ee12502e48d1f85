"""Photos: only real pictures, cleaned of hidden data, resized, and shown to whom may see them."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from PIL import Image

from myalmaty.domain.ideas import Idea, IdeaStatus
from myalmaty.extensions import db
from myalmaty.ideas.photos import FULL_SIDE, THUMB_SIDE
from tests.factories import make_user
from tests.ideas.photos_data import (
    jpeg_with_gps_and_rotation,
    picture,
    png_claiming_size,
)

MAX_PHOTO = 200_000


@pytest.fixture
def app_config():
    return {"MAX_PHOTO_BYTES": MAX_PHOTO, "MAX_CONTENT_LENGTH": MAX_PHOTO + 100_000}


def submit(client, form: dict, data: bytes, filename: str = "photo.jpg"):
    return client.post(
        "/ideas/new?lang=en",
        data={**form, "photo": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def stored(app, idea: Idea, size: str = "full") -> bytes:
    from pathlib import Path

    return (Path(app.config["UPLOAD_FOLDER"]) / f"{idea.photo_key}{'' if size == 'full' else '-thumb'}.jpg").read_bytes()


def status(client, url: str) -> int:
    response = client.get(url)
    response.close()  # a sent file stays open until the response is closed
    return response.status_code


def the_idea() -> Idea:
    return db.session.scalars(sa.select(Idea)).one()


def test_a_jpeg_is_stored_upright_without_exif_or_gps(app, client, auth, resident, idea_form):
    auth.as_user(resident)
    original = jpeg_with_gps_and_rotation()
    assert b"PhoneMaker" in original
    response = submit(client, idea_form(), original)
    assert response.status_code == 302
    idea = the_idea()
    data = stored(app, idea)
    assert b"Exif" not in data and b"PhoneMaker" not in data
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG"
    assert dict(image.getexif()) == {}
    assert image.size == (200, 320)  # turned upright (EXIF orientation 6) before cleaning


@pytest.mark.parametrize(("fmt", "mode"), [("PNG", "RGB"), ("PNG", "RGBA"), ("WEBP", "RGB")])
def test_png_and_webp_are_accepted_and_become_jpeg(app, client, auth, resident, idea_form,
                                                   fmt, mode):
    auth.as_user(resident)
    assert submit(client, idea_form(), picture(fmt, mode=mode), "photo.img").status_code == 302
    assert Image.open(io.BytesIO(stored(app, the_idea()))).format == "JPEG"


def test_large_photos_are_resized_and_a_thumbnail_made(app, client, auth, resident, idea_form):
    auth.as_user(resident)
    submit(client, idea_form(), picture("JPEG", size=(2400, 1200), noise=False))
    idea = the_idea()
    assert Image.open(io.BytesIO(stored(app, idea))).size == (FULL_SIDE, FULL_SIDE // 2)
    assert Image.open(io.BytesIO(stored(app, idea, "thumb"))).size == (THUMB_SIDE, THUMB_SIDE // 2)


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (b"Dear moderators, this is not a picture at all.\n" * 20, "notes.jpg"),
        (picture("JPEG", size=(400, 400))[:2000], "cut.jpg"),
        (picture("PNG", size=(400, 400))[:300], "cut.png"),
        (picture("GIF"), "animation.gif"),
        (picture("BMP"), "old.bmp"),
        (b"", "empty.jpg"),
    ],
    ids=["text-renamed-jpg", "truncated-jpeg", "truncated-png", "gif", "bmp", "empty"],
)
def test_anything_but_a_readable_picture_is_refused_and_the_text_kept(
    client, auth, resident, idea_form, data, filename
):
    auth.as_user(resident)
    response = submit(client, idea_form(title="Cinema in the yard"), data, filename)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "not a photo we can read" in html or "empty" in html
    assert 'value="Cinema in the yard"' in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Idea)) == 0


@pytest.mark.parametrize(
    ("width", "height"),
    [(9000, 9000), (10_000, 10_000), (30_000, 30_000)],
    ids=["over-our-limit", "pillow-warns", "pillow-refuses"],
)
def test_decompression_bombs_are_refused_without_being_decoded(
    client, auth, resident, idea_form, width, height
):
    auth.as_user(resident)
    response = submit(client, idea_form(), png_claiming_size(width, height), "bomb.png")
    assert response.status_code == 400
    assert "too many pixels" in response.get_data(as_text=True)


def test_a_photo_over_the_limit_gets_413_with_the_text_kept(client, auth, resident, idea_form):
    auth.as_user(resident)
    big = b"\xff\xd8" + b"\x00" * (MAX_PHOTO + 10)
    response = submit(client, idea_form(title="Cinema in the yard"), big)
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "larger than 0.2 MB" in html
    assert 'value="Cinema in the yard"' in html


def test_a_request_over_the_body_limit_gets_the_413_page(client, auth, resident, idea_form):
    auth.as_user(resident)
    response = submit(client, idea_form(), b"\x00" * (MAX_PHOTO + 200_000))
    assert response.status_code == 413
    assert "error-page" in response.get_data(as_text=True)


def test_photo_of_a_pending_idea_is_shown_to_its_author_and_moderators_only(
    app, client, auth, resident, moderator, idea_form
):
    auth.as_user(resident)
    submit(client, idea_form(), picture())
    idea = the_idea()
    url = f"/ideas/photos/{idea.photo_key}/full"
    response = client.get(url)
    response.close()
    assert response.status_code == 200
    assert response.mimetype == "image/jpeg"
    assert "private" in response.headers["Cache-Control"]
    assert status(client, f"/ideas/photos/{idea.photo_key}/thumb") == 200

    auth.as_user(moderator)
    assert status(client, url) == 200
    auth.as_user(make_user())
    db.session.commit()
    assert status(client, url) == 404
    with client.session_transaction() as session:
        session.clear()
    assert status(client, url) == 404

    idea.status = IdeaStatus.PUBLISHED
    db.session.commit()
    response = client.get(url)
    response.close()
    assert response.status_code == 200
    assert "public" in response.headers["Cache-Control"]


@pytest.mark.parametrize("key", ["../../etc/passwd", "ABC", "0" * 31, "g" * 32])
def test_photo_keys_that_are_not_ours_are_404(client, key):
    assert client.get(f"/ideas/photos/{key}/full").status_code == 404


def test_an_unknown_photo_key_is_404(client):
    assert client.get(f"/ideas/photos/{'a' * 32}/full").status_code == 404


def test_behind_a_proxy_that_sends_files_the_app_only_decides_who_may_see_the_photo(
    app, client, auth, resident, idea_form
):
    app.config["PHOTOS_INTERNAL_PATH"] = "/_photos/"
    auth.as_user(resident)
    submit(client, idea_form(), picture())
    idea = the_idea()

    response = client.get(f"/ideas/photos/{idea.photo_key}/thumb")

    assert response.status_code == 200
    assert response.data == b""
    assert response.headers["X-Accel-Redirect"] == f"/_photos/{idea.photo_key}-thumb.jpg"
    assert response.mimetype == "image/jpeg"
    assert "private" in response.headers["Cache-Control"]
    with client.session_transaction() as session:
        session.clear()
    assert "X-Accel-Redirect" not in client.get(f"/ideas/photos/{idea.photo_key}/thumb").headers
