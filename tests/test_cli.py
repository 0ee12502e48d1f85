import shutil
import tarfile
from pathlib import Path

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskCliRunner
from flask_migrate import upgrade

from myalmaty.domain.ideas import Idea
from myalmaty.extensions import db
from tests.factories import make_idea
from tests.sites import empty_site


def test_backup_and_restore_commands_bring_a_site_back(
    database_url: str, tmp_path: Path
) -> None:
    """On the suite's database (SQLite, or PostgreSQL's default `public` schema)."""
    backend = "postgresql" if database_url.startswith("postgresql") else "sqlite"
    archive = tmp_path / "backups" / "myalmaty.tar.gz"
    with empty_site(backend, tmp_path / "source", schema="public") as source, \
            source.running() as app:
        upgrade()
        make_idea(title="Kept in the backup")
        db.session.commit()
        source.photos.mkdir()
        photo = source.photos / f"{'a' * 32}.jpg"
        photo.write_bytes(b"\xff\xd8 a photo \xff\xd9")

        result = app.test_cli_runner().invoke(args=["backup", str(archive)])

    assert result.exit_code == 0, result.output
    assert "Backup written" in result.output
    with tarfile.open(archive) as tar:
        manifest, database, *photos = tar.getnames()
    assert (manifest, photos) == ("manifest.json", [f"photos/{photo.name}"])
    assert database in ("database.sqlite3", "database.pgdump")

    with empty_site(backend, tmp_path / "target", schema="public") as target, \
            target.running() as app:
        result = app.test_cli_runner().invoke(args=["restore", str(archive)])

        assert result.exit_code == 0, result.output
        assert "counts checked" in result.output
        assert db.session.scalars(sa.select(Idea.title)).all() == ["Kept in the backup"]
    assert (target.photos / photo.name).read_bytes() == b"\xff\xd8 a photo \xff\xd9"


def test_backup_refuses_a_database_the_migrations_did_not_make(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    # The suite's database comes from create_all: no Alembic revision to put in a manifest.
    archive = tmp_path / "backups" / "myalmaty.tar.gz"

    result = runner.invoke(args=["backup", str(archive)])

    assert result.exit_code == 1
    assert "flask --app app db upgrade" in result.output
    assert list(archive.parent.iterdir()) == []  # neither an archive nor a half-written one


def test_translate_compile_writes_catalogues(runner, monkeypatch, tmp_path):
    from myalmaty import cli

    # Compile a copy: other test processes are reading the real catalogues meanwhile.
    copy = tmp_path / "translations"
    shutil.copytree(cli.TRANSLATIONS, copy, ignore=shutil.ignore_patterns("*.mo"))
    monkeypatch.setattr(cli, "TRANSLATIONS", copy)

    result = runner.invoke(args=["translate", "compile"])

    assert result.exit_code == 0, result.output
    for language in ("ru", "kk", "en"):
        assert (copy / language / "LC_MESSAGES" / "messages.mo").stat().st_size > 1000
