"""The discussion pack's content model: blocks whose every string is final.

`pack.build_pack_document` makes them; the HTML template and `pack_pdf` only lay them out, so
the two files say the same, word for word.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import ClassVar

from myalmaty.exports.pack_map import MapImage


@dataclass(frozen=True)
class Para:
    """A paragraph. `kind` says what it is (and so how each file styles it): title, h2, h3, h4,
    body, meta, counts, answer, comment, agenda, note, question, link."""

    block: ClassVar[str] = "para"  # what the template lays out

    kind: str
    text: str


@dataclass(frozen=True)
class Picture:
    """A map, drawn on the server (`pack_map`)."""

    block: ClassVar[str] = "picture"  # what the template lays out

    image: MapImage
    alt: str

    @property
    def data_uri(self) -> str:
        return f"data:{self.image.media_type};base64," + base64.b64encode(self.image.data).decode()


@dataclass(frozen=True)
class IdeaEntry:
    """An idea: its paragraphs, then its QR code with the link it encodes written beside it."""

    block: ClassVar[str] = "idea"  # what the template lays out

    paras: tuple[Para, ...]
    url: str
    link_text: str
    qr_png: bytes

    @property
    def qr_data_uri(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.qr_png).decode()


@dataclass(frozen=True)
class Blanks:
    """A table to fill in by hand: its column headings and this many empty rows."""

    block: ClassVar[str] = "blanks"  # what the template lays out

    headings: tuple[str, ...]
    rows: int


@dataclass(frozen=True)
class NewPage:
    """What follows starts a printed page."""

    block: ClassVar[str] = "new_page"  # what the template lays out


Block = Para | Picture | IdeaEntry | Blanks | NewPage


@dataclass
class PackDocument:
    locale: str
    title: str
    blocks: list[Block]
