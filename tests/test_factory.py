import pytest

from myalmaty import create_app
from myalmaty.config import ConfigError
from tests.conftest import PRODUCTION_SETTINGS, production_environment


def test_testing_config_is_applied(app):
    assert app.testing
    assert not create_app({"SECRET_KEY": "x", "TESTING": False}).testing


def test_production_refuses_to_start_without_a_secret_key(monkeypatch, tmp_path):
    monkeypatch.setenv("MYALMATY_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})


def test_production_starts_with_a_secret_key(monkeypatch, tmp_path):
    production_environment(monkeypatch)
    key = PRODUCTION_SETTINGS["SECRET_KEY"]
    monkeypatch.setenv("SECRET_KEY", key)
    settings = {k: v for k, v in PRODUCTION_SETTINGS.items() if k != "SECRET_KEY"}
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db", **settings})
    assert app.config["SECRET_KEY"] == key
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_development_keeps_its_generated_key_between_starts(monkeypatch, tmp_path):
    from myalmaty.config import load_config

    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("MYALMATY_ENV", raising=False)
    first = load_config(tmp_path)["SECRET_KEY"]
    assert len(first) >= 32
    assert load_config(tmp_path)["SECRET_KEY"] == first


def test_postgresql_url_gets_the_psycopg_driver(monkeypatch, tmp_path):
    from myalmaty.config import load_config

    monkeypatch.setenv("DATABASE_URL", "postgresql://u@db/ideas")
    assert load_config(tmp_path, {"SECRET_KEY": "k"})["SQLALCHEMY_DATABASE_URI"] == (
        "postgresql+psycopg://u@db/ideas"
    )


def test_healthz_says_the_process_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}
