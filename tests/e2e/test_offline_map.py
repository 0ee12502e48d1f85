"""The offline map file, opened in Chromium from disk with no network, as from a USB stick."""

import re

import pytest

from tests.exports.conftest import HOSTILE_TITLE, export_cli, world  # noqa: F401 - fixtures


def test_offline_map_works_from_a_file_with_no_network(open_offline, world, export_cli, tmp_path):  # noqa: F811
    result, data = export_cli("html", "--lang", "en")
    assert result.exit_code == 0, result.output
    path = tmp_path / "map.html"
    path.write_bytes(data)

    page = open_offline(path, 390, 844)
    page.wait_for_selector(".marker-cluster, .idea-pin")
    assert page.locator("#idea-count").inner_text() == str(len(world.published))
    assert page.locator("#idea-list li").count() == len(world.published)
    assert page.locator("path.leaflet-interactive").count() == 2  # the two quarter outlines

    item = page.locator("#idea-list li", has_text="alert(1)")
    item.get_by_role("button", name="Show on the map").click()
    popup = page.locator(".leaflet-popup-content h3")
    popup.wait_for()
    assert popup.inner_text() == HOSTILE_TITLE  # shown as text, never run
    assert page.locator(".leaflet-popup-content img").count() == 0

    assert page.errors == []
    assert page.dialogs == []
    # Only map tiles were asked for (and refused): the map still works without them.
    assert page.refused and all(url.startswith("http://tiles.test/") for url in page.refused)


@pytest.mark.parametrize(("lang", "zoom_in", "zoom_out", "library", "ideas", "unit"), [
    ("ru", "Приблизить", "Отдалить", "Leaflet — библиотека, которая рисует эту карту",
     "{n} идей. Приблизьте карту, чтобы их увидеть.", r"\d+ (м|км)"),
    ("kk", "Жақындату", "Алыстату", "Leaflet — осы картаны салатын кітапхана",
     "{n} идея. Оларды көру үшін картаны жақындатыңыз.", r"\d+ (м|км)"),
])
def test_the_offline_map_speaks_the_files_language_like_the_live_map(
        open_offline, world, export_cli, tmp_path, lang, zoom_in, zoom_out, library, ideas, unit):  # noqa: F811
    from playwright.sync_api import expect

    result, data = export_cli("html", "--lang", lang)
    assert result.exit_code == 0, result.output
    path = tmp_path / "map.html"
    path.write_bytes(data)
    page = open_offline(path, 1024, 800)
    page.wait_for_selector(".marker-cluster, .idea-pin")

    expect(page.get_by_role("button", name=zoom_in)).to_have_attribute("title", zoom_in)
    expect(page.get_by_role("button", name=zoom_out)).to_have_attribute("title", zoom_out)
    leaflet = page.locator(".leaflet-control-attribution a").first
    expect(leaflet).to_have_text("Leaflet")
    expect(leaflet).to_have_attribute("title", library)
    scale = page.locator(".leaflet-control-scale-line")
    expect(scale).to_have_count(1)  # metric only: no feet, no miles
    expect(scale).to_have_text(re.compile(rf"^{unit}$"))

    # Zoomed out, every idea is in one cluster, named in words with the language's plural form.
    count = len(world.published)
    assert 5 <= count <= 20  # the plural form "many" in Russian
    name = page.locator(".map-frame").get_attribute("data-map-name")
    page.evaluate(f"window['{name}'].setZoom(8, {{animate: false}})")
    cluster = page.locator(".marker-cluster")
    expect(cluster).to_have_count(1)
    expect(cluster).to_have_text(str(count))
    expect(cluster).to_have_attribute("aria-label", ideas.format(n=count))
    expect(cluster).to_have_attribute("title", ideas.format(n=count))
    assert page.errors == []
    assert all(url.startswith("http://tiles.test/") for url in page.refused)
