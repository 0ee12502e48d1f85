def test_home_page_renders_in_chromium_with_nothing_from_outside(page):
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(page.base_url + "/")
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.get_by_role("heading", level=1).inner_text() == "Идеи для креативных кварталов Алматы"
    page.get_by_role("button", name="Меню").click()  # a phone's width: the languages are in the menu
    page.get_by_role("link", name="Қазақша").click()
    assert page.locator("html").get_attribute("lang") == "kk"
    assert errors == []
    assert page.outside_requests == []
