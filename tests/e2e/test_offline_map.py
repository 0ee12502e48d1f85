"""The offline map file, opened in Chromium from disk with no network, as from a USB stick."""

from tests.exports.conftest import HOSTILE_TITLE, export_cli, world  # noqa: F401 - fixtures


def test_offline_map_works_from_a_file_with_no_network(browser, world, export_cli, tmp_path):  # noqa: F811
    result, data = export_cli("html", "--lang", "en")
    assert result.exit_code == 0, result.output
    path = tmp_path / "map.html"
    path.write_bytes(data)

    context = browser.new_context(viewport={"width": 390, "height": 844})
    refused: list[str] = []

    def offline(route) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:", "blob:")):
            route.continue_()
        else:
            refused.append(url)
            route.abort()

    context.route("**/*", offline)
    page = context.new_page()
    errors: list[str] = []
    dialogs: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        page.goto(path.as_uri())
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

        assert errors == []
        assert dialogs == []
        # Only map tiles were asked for (and refused): the map still works without them.
        assert refused and all(url.startswith("http://tiles.test/") for url in refused)
    finally:
        context.close()
