import pytest
from flask import abort

from myalmaty.extensions import db


@pytest.fixture
def app_with_failing_routes(app):
    @app.get("/_test/abort/<int:code>")
    def aborting(code: int):
        abort(code)

    @app.get("/_test/boom")
    def boom():
        raise RuntimeError("unexpected")

    return app


@pytest.mark.parametrize(
    ("code", "ru_title", "en_title"),
    [
        (400, "Не удалось понять запрос", "The request could not be understood"),
        (403, "У вас нет доступа к этой странице", "You do not have access to this page"),
        (404, "Страница не найдена", "Page not found"),
        (413, "Файл слишком большой", "The file is too large"),
        (429, "Слишком много попыток", "Too many attempts"),
    ],
)
def test_error_pages_are_translated(app_with_failing_routes, code, ru_title, en_title):
    client = app_with_failing_routes.test_client()
    response = client.get(f"/_test/abort/{code}")
    assert response.status_code == code
    assert ru_title in response.get_data(as_text=True)
    assert en_title in client.get(f"/_test/abort/{code}?lang=en").get_data(as_text=True)


def test_unexpected_errors_give_a_translated_500(app_with_failing_routes):
    app_with_failing_routes.config["PROPAGATE_EXCEPTIONS"] = False
    client = app_with_failing_routes.test_client()
    response = client.get("/_test/boom")
    assert response.status_code == 500
    assert "Что-то пошло не так на нашей стороне" in response.get_data(as_text=True)
    assert db.session.is_active


def test_api_errors_are_json(client):
    response = client.get("/api/no-such-thing")
    assert response.status_code == 404
    assert response.json["error"]["code"] == 404


def test_method_not_allowed_says_which_are(client):
    response = client.post("/healthz")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]


def test_the_too_large_page_names_the_configured_photo_limit(app_with_failing_routes):
    app_with_failing_routes.config["MAX_PHOTO_BYTES"] = 2 * 1024 * 1024
    page = app_with_failing_routes.test_client().get("/_test/abort/413?lang=en")
    assert "photos up to 2 MB" in page.get_data(as_text=True)
