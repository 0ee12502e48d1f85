"""The offline map (self-contained, safe with hostile text) and the forum's discussion pack."""

import io
import json
import re
import zipfile
from html import unescape
from html.parser import HTMLParser

import pytest
from pypdf import PdfReader

from tests.exports.conftest import HOSTILE_TITLE

TILE_URL = "http://tiles.test/{z}/{x}/{y}.png"  # the test configuration's tile server


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text of every <script>."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[tuple[dict, str]] = []
        self._in_script: dict | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = dict(attrs)
            self.scripts.append((self._in_script, ""))

    def handle_data(self, data: str) -> None:
        if self._in_script is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = None


def parse(html: str) -> Elements:
    parser = Elements()
    parser.feed(html)
    return parser


@pytest.fixture
def offline_map(world, export_cli) -> str:
    result, data = export_cli("html", "--lang", "en")
    assert result.exit_code == 0, result.output
    return data.decode("utf-8")


def test_offline_map_loads_nothing_from_any_host(offline_map):
    page = parse(offline_map)
    for tag, attrs in page.tags:
        for name in ("src", "href"):
            value = attrs.get(name) or ""
            assert not value.startswith(("http:", "https:", "//")), f"<{tag} {name}={value}>"
        assert not (tag == "script" and "src" in attrs)
        assert tag != "link"
    assert "@import" not in offline_map
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", offline_map)
    # Leaflet, markercluster and the images are inlined; the tiles come from TILE_URL only.
    assert "L.MarkerClusterGroup" in offline_map
    assert "data:image/png;base64," in offline_map
    assert TILE_URL in offline_map
    folium_script = next(text for attrs, text in page.scripts if "L.map(" in text)
    assert set(re.findall(r"https?://[^\"'\s]+", folium_script)) == {TILE_URL}


def test_residents_text_reaches_the_map_only_as_escaped_json(world, offline_map):
    page = parse(offline_map)
    assert HOSTILE_TITLE not in offline_map
    assert "<script>alert" not in offline_map and "<img src=x" not in offline_map
    data_scripts = [(a, t) for a, t in page.scripts if a.get("type") == "application/json"]
    ideas_json = {a["id"]: t for a, t in data_scripts}["offline-map-ideas"]
    assert "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e${alert(1)}" in ideas_json
    # `${alert(1)}` exists only inside that inert JSON block, never in code that runs.
    for attrs, text in page.scripts:
        if attrs.get("type") != "application/json":
            assert "alert(1)" not in text
    ideas = json.loads(ideas_json)
    assert {i["title"] for i in ideas} == {i.title for i in world.published}
    assert next(i for i in ideas if i["title"] == HOSTILE_TITLE)["description"] == (
        "</script><img src=x onerror=alert(2)>")


def test_offline_map_has_a_legend_outlines_and_a_list(world, offline_map):
    assert "Legend" in offline_map
    assert "the background map does not load" in offline_map
    assert "Selected for a forum" in offline_map
    folium_script = next(text for attrs, text in parse(offline_map).scripts if "L.map(" in text)
    assert "L.geoJson(" in folium_script and "[76.945, 43.252]" in folium_script  # an outline
    assert "Centre, West" in offline_map  # the quarters, named in the legend
    assert 'id="idea-list"' in offline_map


@pytest.fixture
def pack(world, export_cli):
    def make(lang: str = "en") -> zipfile.ZipFile:
        result, data = export_cli("pack", "--forum", str(world.forum.id), "--lang", lang)
        assert result.exit_code == 0, result.output
        return zipfile.ZipFile(io.BytesIO(data))

    return make


def test_pack_holds_document_pdf_and_the_forums_files(world, pack):
    archive = pack()
    assert sorted(archive.namelist()) == [
        "discussion-pack.html", "discussion-pack.pdf", "ideas.geojson", "ideas.xlsx", "map.html",
    ]
    geojson = json.loads(archive.read("ideas.geojson"))
    assert {f["id"] for f in geojson["features"]} == {world.cinema.id, world.mural.id, world.bikes.id}
    assert archive.read("ideas.xlsx")[:2] == b"PK"
    assert b"L.MarkerClusterGroup" in archive.read("map.html")


def test_pack_document_goes_recommendation_group_idea(world, pack):
    html = pack().read("discussion-pack.html").decode("utf-8")
    believe = html.index("<h2>Believe in risky ideas</h2>")
    steps = html.index("<h2>A thousand small steps</h2>")
    unlinked = html.index("<h2>Ideas not linked to a recommendation</h2>")
    assert believe < steps < unlinked
    # Cinema is linked to both recommendations (through its group, and directly): under each,
    # numbered as its marker on that section's maps.
    assert html.count("<h4>1. Кино во дворе</h4>") == 2
    assert believe < html.index("<h3>Дворы центра</h3>") < html.index("<h4>1. Кино во дворе</h4>") < steps
    assert html.index("<h4>2. Мурал на Арбате</h4>") < steps
    assert unlinked < html.index("<h4>1. Велодорожка на Абая</h4>")
    assert "2 ideas · 4 supports" in html[believe:steps]
    assert "Public answer: Хорошая идея" in html and "Public answer: Обсудим на форуме." in html
    assert "@media print" in html and "<script" not in html and "http" not in html.split("<body>")[0]


def test_pack_shows_the_three_latest_visible_comments(world, pack):
    html = pack().read("discussion-pack.html").decode("utf-8")
    cinema = html[html.index("<h4>1. Кино во дворе</h4>"):]
    cinema = cinema[:cinema.index("</article>")]
    assert [c for c in ("Четвёртый, самый новый", "Третий", "Я тоже") if c in cinema] == [
        "Четвёртый, самый новый", "Третий", "Я тоже"]
    assert "Скрытый комментарий" not in html  # hidden
    assert "Самый старый" not in html and "Приду с соседями!" not in html  # beyond the three
    # Comments are quoted with their day, never with who wrote them (a deleted account neither).
    for name in ("Айгерим", "Gone Person", "Former resident"):
        assert name not in html


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("ru", ["Материалы для обсуждения", "Верьте в рискованные идеи", "Кино во дворе"]),
        ("kk", ["Талқылау пакеті", "Тәуекелді идеяларға сеніңіз", "Мың кішкентай қадам"]),
    ],
)
def test_pack_pdf_renders_cyrillic_and_kazakh_with_an_embedded_font(world, pack, lang, words):
    pdf = pack(lang).read("discussion-pack.pdf")
    assert pdf.startswith(b"%PDF")
    assert b"/FontFile2" in pdf and b"DejaVu" in pdf  # the TrueType font is embedded
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    for word in words:
        assert word in text


def test_pack_for_a_forum_with_an_empty_agenda_still_has_every_file(world, export_cli, app):
    from myalmaty.extensions import db
    from tests.factories import make_forum

    empty = make_forum()
    db.session.commit()
    result, data = export_cli("pack", "--forum", str(empty.id), "--lang", "en")
    assert result.exit_code == 0, result.output
    archive = zipfile.ZipFile(io.BytesIO(data))
    html = unescape(archive.read("discussion-pack.html").decode())
    assert "No published idea is on this forum's agenda yet." in html
    assert "Nothing is on this forum's agenda yet." in html
    assert json.loads(archive.read("ideas.geojson"))["features"] == []
