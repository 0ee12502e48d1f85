"""The discussion pack as a table uses it, read back through real readers: pypdf for the PDF,
an HTML parser for the HTML. Both files are laid out from one content model, so their text is
the same, word for word."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from html.parser import HTMLParser

import pytest
import segno
from PIL import Image
from pypdf import PdfReader

from myalmaty.exports.pack_map import BACKGROUND, CITY, MARKER, QUARTER, render_map
from myalmaty.extensions import db
from tests.factories import make_comment, make_idea, make_support
from tests.test_glossary import BRAND_LIKE
from tests.tilefile import city_tiles, colour_of, make_tile_file


class BodyText(HTMLParser):
    """The text a reader of the page sees: the body's, without styles or scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0
        self._in_body = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self._in_body |= tag == "body"
        self._skip += tag in ("style", "script")

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("style", "script")

    def handle_data(self, data: str) -> None:
        if self._in_body and not self._skip:
            self.parts.append(data)


def words(text: str) -> list[str]:
    return text.split()


def html_text(html: str) -> str:
    parser = BodyText()
    parser.feed(html)
    return " ".join(parser.parts)


def pdf_pages(pdf: bytes) -> list[str]:
    """Each page's text without its footer line (the pack's title and the page number)."""
    reader = PdfReader(io.BytesIO(pdf))
    title = reader.metadata.title
    pages = []
    for number, page in enumerate(reader.pages, start=1):
        lines = page.extract_text().splitlines()
        assert f"{title} · {number}" in lines, lines[-3:]
        pages.append("\n".join(line for line in lines if line != f"{title} · {number}"))
    return pages


@pytest.fixture
def pack(world, export_cli):
    def make(lang: str = "en") -> zipfile.ZipFile:
        result, data = export_cli("pack", "--forum", str(world.forum.id), "--lang", lang)
        assert result.exit_code == 0, result.output
        return zipfile.ZipFile(io.BytesIO(data))

    return make


def both_texts(archive: zipfile.ZipFile) -> tuple[str, str]:
    html = html_text(archive.read("discussion-pack.html").decode("utf-8"))
    pdf = "\n".join(pdf_pages(archive.read("discussion-pack.pdf")))
    return html, pdf


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_the_pdf_says_word_for_word_what_the_html_says(world, pack, lang):
    html, pdf = both_texts(pack(lang))
    assert words(pdf) == words(html)
    assert len(words(html)) > 200


def test_no_author_is_named_in_either_file(world, pack):
    html, pdf = both_texts(pack())
    assert "Четвёртый, самый новый" in pdf and "Я тоже" in pdf  # comments are there...
    for text in (html, pdf):
        for name in ("Айгерим", "Gone Person", "Former resident", "aigerim.author"):
            assert name not in text  # ...without their authors


def test_the_agenda_comes_in_order_with_its_notes(world, pack):
    from myalmaty.domain.reference import AgendaItem
    from tests.factories import make_agenda_item

    hidden = next(i for i in world.unpublished if i.title == "Hidden by moderators")
    make_agenda_item(world.forum, idea=hidden, position=3, note="Not for print")
    items = {i.position: i for i in db.session.query(AgendaItem).filter_by(forum_id=world.forum.id)}
    items[1].position, items[2].position = 5, 4  # the idea first, then the theme
    items[1].note = "Start with the neighbours'\tvoices."
    items[1].starts_at, items[2].starts_at = dt.time(11, 15), dt.time(10, 30)
    db.session.commit()
    for text in both_texts(pack()):
        agenda = text[text.index("Agenda"):text.index("Believe in risky ideas", text.index("Agenda"))]
        bikes = agenda.index(f"1. 10:30 · Idea {world.bikes.created_at:%Y}-{world.bikes.id:05d}: Велодорожка на Абая")
        theme = agenda.index("2. 11:15 · Theme: Дворы центра")
        note = agenda.index("Note for the discussion: Start with the neighbours' voices.")
        assert bikes < theme < note
        assert "Hidden by moderators" not in text and "Not for print" not in text


def test_tabs_become_spaces_and_unprintable_characters_a_visible_mark(world, pack):
    idea = make_idea(title="Сад\tна крыше 🌳 ❤️ 👨‍👩‍👧", quarter=world.centre, group=world.courtyards,
                     published_at=world.mural.published_at)
    make_comment(idea, body="Да!\tПриду 🎉")
    db.session.commit()
    html, pdf = both_texts(pack())
    for text in (html, pdf):
        # The tab is a space; ❤ is in the font and stays; the tree, the family (one emoji of
        # three joined) and the party popper are each one mark.
        assert "Сад на крыше \ufffd ❤ \ufffd" in text
        assert "Да! Приду \ufffd" in text
        assert "\t" not in text


def test_every_idea_has_a_qr_code_that_encodes_its_page(app, world, pack):
    archive = pack()
    reader = PdfReader(io.BytesIO(archive.read("discussion-pack.pdf")))
    links = [annotation.get_object()["/A"]["/URI"]
             for page in reader.pages for annotation in page.get("/Annots", [])
             if annotation.get_object()["/Subtype"] == "/Link"]
    cinema_url = app.config["PUBLIC_BASE_URL"].rstrip("/") + f"/ideas/{world.cinema.id}"
    assert cinema_url in set(links)
    html, pdf = both_texts(archive)
    assert f"Idea page: {cinema_url}" in pdf and f"Idea page: {cinema_url}" in html
    # The QR picture beside the cinema's link holds exactly the symbol of that link.
    page = next(p for p in reader.pages if f"Idea page: {cinema_url}" in p.extract_text())
    expected = segno.make(cinema_url, error="m", micro=False)
    width, _height = expected.symbol_size(scale=1, border=2)
    found = []
    for image in page.images:
        picture = image.image.convert("L")
        if picture.width == picture.height and picture.width == width * 6:
            modules = [[picture.getpixel((x * 6 + 3, y * 6 + 3)) < 128 for x in range(2, width - 2)]
                       for y in range(2, width - 2)]
            found.append(modules)
    assert [[bool(m) for m in row] for row in expected.matrix] in found


def test_each_recommendation_and_theme_has_a_map_of_its_ideas(world, pack):
    archive = pack()
    html = archive.read("discussion-pack.html").decode("utf-8")
    # Three sections (two recommendations, the unlinked ideas) and the theme in two of them.
    maps = re.findall(r'<img class="map" src="data:(image/\w+);base64,', html)
    assert maps == ["image/png"] * 5
    reader = PdfReader(io.BytesIO(archive.read("discussion-pack.pdf")))
    pictures = [image.image for page in reader.pages for image in page.images
                if image.image.width == 1200]
    assert len(pictures) == 5
    # Without a tile file, the map is the quarters' outlines on a plain ground, with the ideas'
    # numbered markers.
    colours = {colour for _count, colour in pictures[0].convert("RGB").getcolors(1 << 20)}
    assert {BACKGROUND, QUARTER, MARKER} <= colours


def test_a_map_without_ideas_shows_the_whole_citys_outline(app):
    with app.test_request_context():
        image = render_map([], [])
    picture = Image.open(io.BytesIO(image.data)).convert("RGB")
    colours = {colour for _count, colour in picture.getcolors(1 << 20)}
    assert {BACKGROUND, CITY} <= colours and MARKER not in colours
    assert image.media_type == "image/png" and not image.from_tiles


def test_a_worksheet_page_per_theme_for_the_table(world, pack):
    archive = pack()
    pages = pdf_pages(archive.read("discussion-pack.pdf"))
    sheets = [p for p in pages if p.startswith("Worksheet: ")]
    assert len(sheets) == 1 and sheets[0].startswith("Worksheet: Дворы центра")
    for words_on_sheet in ("Questions to discuss", "1. Which problem", "First small step", "Who", "By when"):
        assert words_on_sheet in sheets[0]
    # The theme's ideas are listed on the sheet, the table's reminder of what it discusses.
    cinema = f"{world.cinema.created_at:%Y}-{world.cinema.id:05d} · Кино во дворе · 3 supports"
    assert cinema in sheets[0]
    html = archive.read("discussion-pack.html").decode("utf-8")
    assert html.count('<table class="blanks">') == 1 and html.count("<td></td>") == 8 * 3


def test_the_pdf_is_left_aligned(world, pack):
    reader = PdfReader(io.BytesIO(pack().read("discussion-pack.pdf")))
    for page in reader.pages:
        # fpdf2 justifies by stretching word spacing (Tw); left-aligned text sets none.
        assert not re.search(rb"[1-9][\d.]* Tw", page.get_contents().get_data())


def test_the_kazakh_pack_spells_the_brand_as_the_interface_does(world, pack):
    html, pdf = both_texts(pack("kk"))
    for text in (html, pdf):
        # The forum's title and the platform's name, and no other spelling of the brand.
        assert "#МыАлматы идеялары" in text
        assert set(BRAND_LIKE.findall(text)) == {"#МыАлматы"}


class TestWithATileFile:
    """With TILE_FILE set, each map is the file's tiles of its ideas' area."""

    @pytest.fixture(params=["mbtiles", "pmtiles"])
    def app_config(self, request, tmp_path_factory) -> dict:
        path = make_tile_file(request.param, tmp_path_factory.mktemp("tiles") / "almaty")
        return {"TILE_FILE": str(path)}

    def test_the_maps_are_drawn_from_the_tile_files_tiles(self, world, pack):
        archive = pack()
        html = archive.read("discussion-pack.html").decode("utf-8")
        assert re.findall(r'<img class="map" src="data:(image/\w+);base64,', html) == ["image/jpeg"] * 5
        reader = PdfReader(io.BytesIO(archive.read("discussion-pack.pdf")))
        picture = next(image.image for page in reader.pages for image in page.images
                       if image.image.width == 1200).convert("RGB")
        # The test tiles are solid squares whose colour says their address: a spot between the
        # markers shows the deepest zoom's tile there (12: the file has nothing deeper).
        red, green, blue = picture.getpixel((40, 40))
        expected = {colour_of(12, x, y) for x, y in city_tiles(12)}
        assert any(abs(red - r) <= 6 and abs(green - g) <= 6 and abs(blue - b) <= 6
                   for r, g, b in expected), (red, green, blue)
        assert abs(blue - 120) <= 6

    def test_the_tiles_map_carries_the_files_attribution(self, app, world):
        from myalmaty.exports.pack_map import MapPoint

        with app.test_request_context():
            image = render_map([MapPoint(1, 43.25, 76.94), MapPoint(2, 43.23, 76.91)], [])
        assert image.from_tiles and image.media_type == "image/jpeg"
        picture = Image.open(io.BytesIO(image.data)).convert("RGB")
        # "Test tiles" is written on white in the bottom right corner.
        corner = picture.crop((picture.width - 60, picture.height - 20, picture.width, picture.height))
        assert max(colour for _count, colour in corner.getcolors(1 << 16)) >= (245, 245, 245)

    def test_past_the_size_budget_the_maps_show_the_outlines(self, app, world, pack):
        app.config["OFFLINE_TILES_MAX_BYTES"] = 1  # not even one picture of tiles fits
        html = pack().read("discussion-pack.html").decode("utf-8")
        assert re.findall(r'<img class="map" src="data:(image/\w+);base64,', html) == ["image/png"] * 5


def test_the_html_loads_nothing_from_any_host(world, pack):
    from tests.exports.test_offline_map_and_pack import parse

    html = pack().read("discussion-pack.html").decode("utf-8")
    page = parse(html)
    sources = [attrs["src"] for tag, attrs in page.tags if tag == "img"]
    assert sources and all(src.startswith("data:image/") for src in sources)
    assert not any(tag in ("script", "link", "iframe", "object") for tag, _attrs in page.tags)
    assert "url(" not in html and "@import" not in html


def test_each_recommendation_and_theme_has_its_synthesis_in_both_files(world, pack):
    hidden = next(i for i in world.unpublished if i.title == "Hidden by moderators")
    for _ in range(5):
        make_support(hidden)  # a hidden idea's supporters never count
    db.session.commit()
    cinema = f"{world.cinema.created_at:%Y}-{world.cinema.id:05d} Кино во дворе"
    mural = f"{world.mural.created_at:%Y}-{world.mural.id:05d} Мурал на Арбате"
    for text in both_texts(pack()):
        text = " ".join(text.split())
        believe = text[text.index("Believe in risky ideas", text.index("Agenda")):]
        believe = believe[:believe.index("A thousand small steps")]
        synthesis = believe[believe.index("Synthesis of the ideas"):]
        assert synthesis.startswith("Synthesis of the ideas 2 ideas · 4 supporters · Quarters covered: Centre")
        assert "Key words: кино" in synthesis or "Key words: мурал" in synthesis
        assert f"Most representative ideas: {cinema}; {mural}" in synthesis \
            or f"Most representative ideas: {mural}; {cinema}" in synthesis
        assert f"Most supported idea: {cinema} (3 supporters)" in synthesis
        # The theme's own synthesis, under its heading.
        theme = believe[believe.index("Дворы центра"):]
        assert "Synthesis of the ideas 2 ideas · 4 supporters" in theme
        assert "Hidden by moderators" not in text
        assert text.count("Synthesis of the ideas") == 3  # two recommendations, one theme
