"""Picture files for the photo tests, made on the fly."""

from __future__ import annotations

import io
import random
import struct
import zlib

from PIL import ExifTags, Image


def picture(fmt: str = "JPEG", size: tuple[int, int] = (320, 200), mode: str = "RGB",
            noise: bool = True, **save: object) -> bytes:
    image = Image.new(mode, size, "white")
    # A little noise, so that files are not trivially small and truncation hits pixel data.
    rng = random.Random(7)
    for _ in range(size[0] * size[1] // 20 if noise else 0):
        xy = (rng.randrange(size[0]), rng.randrange(size[1]))
        image.putpixel(xy, (rng.randrange(256),) * len(mode) if mode != "L" else rng.randrange(256))
    buffer = io.BytesIO()
    image.save(buffer, fmt, **save)
    return buffer.getvalue()


def jpeg_with_gps_and_rotation() -> bytes:
    """A 320×200 JPEG whose EXIF says where it was taken and "rotate 90° to show upright"."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "PhoneMaker"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (43.0, 15.0, 29.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (76.0, 57.0, 13.0)
    return picture("JPEG", exif=exif.tobytes())


def png_claiming_size(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge picture: a decompression bomb's calling card."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 1024)) + chunk(b"IEND", b""))
