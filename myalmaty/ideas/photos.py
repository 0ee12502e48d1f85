"""Photos of ideas: checked, cleaned and stored under a random key.

A photo is decoded with Pillow and written anew, so nothing of the original file survives but
its pixels: no EXIF (GPS included), no XMP, no comments, no trailing data. Both sizes are JPEG.
"""

from __future__ import annotations

import io
import re
import secrets
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps

from myalmaty.core.errors import FieldError

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
FULL_SIDE = 1600
THUMB_SIDE = 400
# Well below Pillow's own bomb limit (about 89 megapixels): a phone photo is 12 to 50.
MAX_PIXELS = 60_000_000
KEY_PATTERN = re.compile(r"^[0-9a-f]{32}$")
SIZES = {"full": "", "thumb": "-thumb"}
NOT_A_PHOTO = _l(
    "This file is not a photo we can read. Please choose a JPEG, PNG or WebP picture."
)
TOO_MANY_PIXELS = _l("This picture has too many pixels. Please choose a smaller one.")


class PhotoError(FieldError):
    def __init__(self, message: str, status_code: int = 400, **params: object) -> None:
        super().__init__("photo", message, status_code, **params)


@dataclass(frozen=True)
class PhotoStore:
    folder: Path
    max_bytes: int

    def path(self, key: str, size: str) -> Path:
        if not KEY_PATTERN.match(key) or size not in SIZES:
            raise ValueError(key)
        return self.folder / f"{key}{SIZES[size]}.jpg"

    def existing_file(self, key: str, size: str) -> Path | None:
        """The stored file of a photo, when the key is one of ours and the file is there."""
        try:
            path = self.path(key, size)
        except ValueError:
            return None
        return path if path.is_file() else None


def _open(data: bytes) -> Image.Image:
    """Decode fully, turning every way a file can be wrong into a PhotoError."""
    with warnings.catch_warnings():
        # Pillow warns (then refuses) on decompression bombs; a warning must stop us too.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
            if image.format not in ACCEPTED_FORMATS:
                raise PhotoError(NOT_A_PHOTO)
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise PhotoError(TOO_MANY_PIXELS)
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise PhotoError(TOO_MANY_PIXELS) from error
        except PhotoError:
            raise
        except (OSError, SyntaxError, ValueError, EOFError, Image.UnidentifiedImageError) as error:
            # Truncated files, garbage, and formats Pillow only pretends to know.
            raise PhotoError(NOT_A_PHOTO) from error
    return image


def _clean(image: Image.Image, side: int) -> Image.Image:
    """Upright, RGB on white, at most `side` pixels across, and with no metadata left."""
    image = image.copy()
    image.thumbnail((side, side), Image.Resampling.LANCZOS)
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, "white")
        background.paste(image, mask=image.getchannel("A"))
        image = background
    else:
        image = image.convert("RGB")
    image.info = {}
    return image


def store_photo(stream: IO[bytes], store: PhotoStore) -> str:
    """Check, clean and store a photo; returns its key. Raises PhotoError (4xx) when unusable."""
    data = stream.read(store.max_bytes + 1)
    if len(data) > store.max_bytes:
        raise PhotoError(
            _l("The photo is larger than %(size)s MB. Please choose a smaller one."),
            status_code=413,
            size=round(store.max_bytes / 1024 / 1024, 1),
        )
    if not data:
        raise PhotoError(_l("The photo file is empty."))
    image = _open(data)
    try:
        image = ImageOps.exif_transpose(image)
    except (OSError, ValueError, SyntaxError) as error:  # broken EXIF orientation
        raise PhotoError(NOT_A_PHOTO) from error
    key = secrets.token_hex(16)
    store.folder.mkdir(parents=True, exist_ok=True)
    for size, side in (("full", FULL_SIDE), ("thumb", THUMB_SIDE)):
        _clean(image, side).save(store.path(key, size), "JPEG", quality=85, optimize=True)
    return key
