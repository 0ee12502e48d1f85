"""Backup and restore: one archive brings a whole site back (rows and photos), on SQLite and on
PostgreSQL; a restore refuses, changing nothing, what it cannot restore safely."""

from __future__ import annotations

import io
import tarfile
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any, TypeVar

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask import Flask
from flask_migrate import upgrade
from PIL import Image

from myalmaty.core import backup
from myalmaty.core.backup import Manifest, create_backup, read_manifest, restore_backup
from myalmaty.core.backup_databases import take_snapshot
from myalmaty.domain.accounts import User
from myalmaty.domain.audit import ModerationEvent
from myalmaty.domain.ideas import Idea
from myalmaty.extensions import db, migrate
from myalmaty.ideas.photos import PhotoStore
from myalmaty.ideas.services import IdeaDetails, submit_idea
from tests.factories import CENTRE, make_category, make_comment, make_support, make_user
from tests.sites import BACKENDS, Site, empty_site

NewSite = Callable[[str], Site]
T = TypeVar("T")


@pytest.fixture(params=[
    pytest.param(backend, marks=[pytest.mark.postgres] if backend == "postgresql" else [])
    for backend in BACKENDS
])
def new_site(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[NewSite]:
    """`new_site("target")`: an empty site on this test's backend, removed afterwards."""
    with ExitStack() as sites:
        yield lambda name: sites.enter_context(empty_site(request.param, tmp_path / name))


def jpeg(n: int) -> bytes:
    image = Image.new("RGB", (64, 48), ((n * 37) % 256, (n * 91) % 256, (n * 13) % 256))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG")
    return buffer.getvalue()


def submit_with_photo(author: User, category_id: int, n: int, store: PhotoStore) -> Idea:
    details = IdeaDetails(title=f"Courtyard cinema number {n}",
                          description="Open-air screenings for the neighbours in summer.",
                          first_step="Ask the neighbours which evening suits them.",
                          category_id=category_id, lat=CENTRE[0], lon=CENTRE[1])
    return submit_idea(author, details, locale="ru", photo=io.BytesIO(jpeg(n)), store=store)


def photo_store(app: Flask) -> PhotoStore:
    return PhotoStore(Path(app.config["UPLOAD_FOLDER"]), app.config["MAX_PHOTO_BYTES"])


def fill(app: Flask) -> None:
    """Migrate the site's database, then add residents, ideas with photos, supports, comments."""
    upgrade()
    author, category = make_user(), make_category()
    for n in range(3):
        idea = submit_with_photo(author, category.id, n, photo_store(app))
        make_support(idea)
        make_comment(idea)
    db.session.commit()


def every_row() -> dict[str, list[tuple[Any, ...]]]:
    with db.engine.connect() as connection:
        return {
            table.name: [tuple(row) for row in connection.execute(
                sa.select(table).order_by(*table.primary_key.columns))]
            for table in db.metadata.sorted_tables
        }


def tables_now() -> list[str]:
    """The database's tables; a missing SQLite file has none (and is not created by looking)."""
    if db.engine.dialect.name == "sqlite" and not Path(str(db.engine.url.database)).exists():
        return []
    return sa.inspect(db.engine).get_table_names()


def files_under(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def head_revision() -> str | None:
    return ScriptDirectory(migrate.directory).get_current_head()


def filled_site_backup(source: Site, archive: Path) -> Manifest:
    with source.running() as app:
        fill(app)
        return create_backup(archive, source.photos)


def test_a_backup_brings_every_row_and_photo_back_into_an_empty_site(
    new_site: NewSite, tmp_path: Path,
) -> None:
    source, archive = new_site("source"), tmp_path / "backups" / "myalmaty.tar.gz"
    with source.running() as app:
        fill(app)
        rows = every_row()
        manifest = create_backup(archive, source.photos)
        assert manifest.backend == db.engine.dialect.name
        assert manifest.schema_revision == head_revision()
    photos = files_under(source.photos)
    assert len(photos) == 6  # three ideas, each a full-size photo and a thumbnail
    assert manifest.photos == len(photos)
    assert manifest.tables == {name: len(table_rows) for name, table_rows in rows.items()}
    assert read_manifest(archive) == manifest

    target = new_site("target")
    with target.running():
        restore_backup(archive, target.photos)

        assert every_row() == rows
        assert db.session.scalar(sa.text("SELECT version_num FROM alembic_version")) == (
            head_revision())
        make_user(email="after-restore@example.kz")  # new rows go on after the restored ones
        db.session.commit()
    assert files_under(target.photos) == photos


def test_the_archive_holds_a_manifest_first_then_the_database_and_photos(
    new_site: NewSite, tmp_path: Path,
) -> None:
    archive = tmp_path / "myalmaty.tar.gz"
    manifest = filled_site_backup(new_site("source"), archive)

    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert names[:2] == ["manifest.json", manifest.database_file]
    assert len([name for name in names if name.startswith("photos/")]) == manifest.photos == 6
    assert archive.stat().st_mode & 0o077 == 0  # e-mails and password hashes: owner only


def test_a_backup_from_a_newer_schema_is_refused_and_nothing_changes(
    new_site: NewSite, tmp_path: Path,
) -> None:
    source, archive = new_site("source"), tmp_path / "newer.tar.gz"
    with source.running() as app:
        fill(app)
        # As if newer code had migrated this database past every revision we know.
        db.session.execute(sa.text("UPDATE alembic_version SET version_num = 'f0e1d2c3b4a5'"))
        db.session.commit()
        create_backup(archive, source.photos)

    target = new_site("target")
    with target.running() as app:
        result = app.test_cli_runner().invoke(args=["restore", str(archive)])

        assert result.exit_code == 1
        assert "schema revision f0e1d2c3b4a5 is unknown" in result.output
        assert tables_now() == []
    assert not target.photos.exists()


def test_restore_into_a_database_with_tables_is_refused(new_site: NewSite, tmp_path: Path) -> None:
    archive = tmp_path / "myalmaty.tar.gz"
    filled_site_backup(new_site("source"), archive)

    target = new_site("target")
    with target.running() as app:
        upgrade()
        make_user(email="already-here@example.kz")
        db.session.commit()
        before = every_row()

        result = app.test_cli_runner().invoke(args=["restore", str(archive)])

        assert result.exit_code == 1
        assert "The target database is not empty" in result.output
        assert every_row() == before
    assert not target.photos.exists()


def test_restore_into_a_photos_folder_with_files_is_refused(
    new_site: NewSite, tmp_path: Path,
) -> None:
    archive = tmp_path / "myalmaty.tar.gz"
    filled_site_backup(new_site("source"), archive)
    target = new_site("target")
    target.photos.mkdir()
    (target.photos / "someone-elses.jpg").write_bytes(b"not ours")

    with target.running() as app:
        result = app.test_cli_runner().invoke(args=["restore", str(archive)])

        assert result.exit_code == 1
        assert "is not empty" in result.output
        assert tables_now() == []
    assert files_under(target.photos) == {"someone-elses.jpg": b"not ours"}


def test_a_damaged_archive_is_refused_and_nothing_changes(
    new_site: NewSite, tmp_path: Path,
) -> None:
    archive = tmp_path / "myalmaty.tar.gz"
    filled_site_backup(new_site("source"), archive)
    damaged = tmp_path / "damaged.tar.gz"
    data = archive.read_bytes()
    damaged.write_bytes(data[: len(data) * 2 // 3])

    target = new_site("target")
    with target.running() as app:
        result = app.test_cli_runner().invoke(args=["restore", str(damaged)])

        assert result.exit_code == 1
        assert "damaged" in result.output
        assert tables_now() == []
    assert not target.photos.exists()
    assert [path.name for path in target.folder.iterdir()] == []  # no staging folder left


class Submitter(threading.Thread):
    """Submits ideas with photos one after another, as residents do, until stopped."""

    def __init__(self, app: Flask, author_id: int, category_id: int) -> None:
        super().__init__(daemon=True)
        self.app, self.author_id, self.category_id = app, author_id, category_id
        self.committed: list[tuple[int, str | None]] = []  # (idea id, photo key), commit order
        self.failure: BaseException | None = None
        self.stop = threading.Event()
        self._progress = threading.Condition()

    def run(self) -> None:
        with self.app.app_context():
            try:
                author = db.session.get(User, self.author_id)
                assert author is not None
                n = 0
                while not self.stop.is_set():
                    n += 1
                    idea = submit_with_photo(author, self.category_id, n, photo_store(self.app))
                    db.session.commit()
                    with self._progress:
                        self.committed.append((idea.id, idea.photo_key))
                        self._progress.notify_all()
            except BaseException as error:
                self.failure = error  # wait_for raises it in the test at once
                with self._progress:
                    self._progress.notify_all()
                raise
            finally:
                db.session.remove()

    def wait_for(self, count: int) -> None:
        with self._progress:
            arrived = self._progress.wait_for(
                lambda: len(self.committed) >= count or self.failure is not None, timeout=60)
        if self.failure is not None:
            raise self.failure
        assert arrived, f"the submitter stalled before {count} ideas"


def test_a_backup_taken_while_residents_submit_holds_every_idea_committed_before_it(
    new_site: NewSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source, archive = new_site("source"), tmp_path / "busy.tar.gz"
    with source.running() as app:
        upgrade()
        author, category = make_user(), make_category()
        db.session.commit()
        submitter = Submitter(app, author.id, category.id)

        list_photos = backup._photo_files

        def keep_submitting(step: Callable[..., T]) -> Callable[..., T]:
            # Ideas are committed right up to each step: up to the database snapshot, and
            # between it and the photo listing, while their photos are being written.
            def step_while_residents_submit(*args: object) -> T:
                submitter.wait_for(len(submitter.committed) + 2)
                return step(*args)

            return step_while_residents_submit

        monkeypatch.setattr(backup, "take_snapshot", keep_submitting(take_snapshot))
        monkeypatch.setattr(backup, "_photo_files", keep_submitting(list_photos))
        submitter.start()
        try:
            submitter.wait_for(3)
            committed_before_backup = list(submitter.committed)
            manifest = create_backup(archive, source.photos)
        finally:
            submitter.stop.set()
            submitter.join(timeout=60)
        assert submitter.failure is None
        committed = list(submitter.committed)
    source_photos = files_under(source.photos)

    target = new_site("target")
    with target.running():
        restore_backup(archive, target.photos)
        restored = {row.id: row.photo_key
                    for row in db.session.execute(sa.select(Idea.id, Idea.photo_key))}
        audited = set(db.session.scalars(
            sa.select(ModerationEvent.idea_id).where(ModerationEvent.action == "idea.submit")))
    restored_photos = files_under(target.photos)

    for idea_id, photo_key in committed_before_backup:
        assert restored.get(idea_id) == photo_key
    # One point in time: the first ideas in commit order, each whole (its audit entry, both
    # sizes of its photo, byte for byte), and none of those committed after the snapshot.
    assert set(restored) == {idea_id for idea_id, _key in committed[: len(restored)]}
    assert len(committed_before_backup) <= len(restored) < len(committed)
    assert len(restored) == manifest.tables["ideas"]
    assert audited == set(restored)
    for photo_key in restored.values():
        for name in (f"{photo_key}.jpg", f"{photo_key}-thumb.jpg"):
            assert restored_photos.get(name) == source_photos[name], name
