import shutil
import sqlite3

import pytest

from myalmaty.extensions import db
from tests.conftest import IN_CI
from tests.factories import make_idea


def test_backup_writes_a_consistent_copy_of_the_database(app, runner, tmp_path):
    idea = make_idea(title="Kept in the backup")
    db.session.commit()
    target = tmp_path / "backups" / "copy.db"
    if db.engine.dialect.name == "postgresql" and shutil.which("pg_dump") is None:
        if IN_CI:
            pytest.fail("pg_dump is needed to back up PostgreSQL")
        pytest.skip("pg_dump is not installed")

    result = runner.invoke(args=["backup", str(target)])

    assert result.exit_code == 0, result.output
    if db.engine.dialect.name == "sqlite":
        with sqlite3.connect(target) as copy:
            row = copy.execute("SELECT title FROM ideas WHERE id = ?", (idea.id,)).fetchone()
        assert row == ("Kept in the backup",)
    else:
        dump = target.read_bytes()
        assert dump.startswith(b"PGDMP")
        assert b"ideas" in dump


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
