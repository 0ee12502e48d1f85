"""The offline map file, opened in Chromium from disk with no network, as from a USB stick."""

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
