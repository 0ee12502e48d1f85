"""Backups: one archive with the database, the photos and a manifest; and restoring one.

A backup is a gzip-compressed tar file:

    manifest.json        format version, time, backend, Alembic revision, rows per table, photos
    database.sqlite3     SQLite's online backup   (or database.pgdump: pg_dump's custom format)
    photos/…             the photos folder (UPLOAD_FOLDER), file by file

The database snapshot is taken first and the photos are copied after it: a photo is written
before its idea is committed and is never deleted, so every idea in the snapshot finds its
photo in the archive. Photos of ideas committed after the snapshot may come along; nothing
refers to them.

Restoring refuses, before changing anything, an archive that is damaged, from another backend,
or at a schema revision this code's migrations do not know, and a target database or photos
folder that is not empty. Then it loads the database, checks the manifest's row counts, moves
the photos in and migrates to head. Both functions run in an application context.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
import zlib
from dataclasses import asdict, dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from alembic.script import ScriptDirectory
from flask_migrate import upgrade

from myalmaty.core.backup_databases import (
    DATABASE_FILES,
    BackupError,
    load_snapshot,
    major_version,
    read_state,
    take_snapshot,
    target_state,
    tool_version,
)
from myalmaty.extensions import db, migrate

__all__ = ["BackupError", "Manifest", "create_backup", "read_manifest", "restore_backup"]

FORMAT = "myalmaty-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
PHOTOS = "photos"


@dataclass(frozen=True)
class Manifest:
    """What a backup holds; written first in the archive, so it is read without unpacking."""

    created_at: str
    backend: str
    schema_revision: str
    tables: dict[str, int]
    photos: int
    database_file: str
    database_sha256: str
    postgresql_schema: str | None = None
    pg_dump_version: str | None = None
    format_version: int = FORMAT_VERSION

    @property
    def rows(self) -> int:
        return sum(self.tables.values())

    def to_json(self) -> bytes:
        return json.dumps({"format": FORMAT, **asdict(self)}, indent=2, sort_keys=True).encode()

    @classmethod
    def from_json(cls, data: bytes) -> Manifest:
        try:
            raw: dict[str, Any] = json.loads(data)
            if raw.get("format") != FORMAT:
                raise BackupError("This archive is not a #MyAlmaty Ideas backup (no manifest of ours).")
            version = int(raw["format_version"])
            if version > FORMAT_VERSION:
                raise BackupError(
                    f"This backup's format (version {version}) is newer than this version of "
                    f"the app reads (up to {FORMAT_VERSION}): restore it with the version that "
                    "made it, or a newer one."
                )
            manifest = cls(
                created_at=str(raw["created_at"]),
                backend=str(raw["backend"]),
                schema_revision=str(raw["schema_revision"]),
                tables={str(name): int(count) for name, count in raw["tables"].items()},
                photos=int(raw["photos"]),
                database_file=str(raw["database_file"]),
                database_sha256=str(raw["database_sha256"]),
                postgresql_schema=_optional_text(raw.get("postgresql_schema")),
                pg_dump_version=_optional_text(raw.get("pg_dump_version")),
                format_version=version,
            )
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise BackupError(f"The backup's manifest is damaged ({error!r}).") from error
        if DATABASE_FILES.get(manifest.backend) != manifest.database_file:
            raise BackupError(f"The backup's manifest names an unknown database "
                              f"({manifest.backend}, {manifest.database_file}).")
        return manifest


def _optional_text(value: object) -> str | None:
    return None if value is None else str(value)


# Backup -----------------------------------------------------------------------------------------

def create_backup(archive: Path, photos: Path) -> Manifest:
    """Write the archive (replacing one of the same name only once it is complete)."""
    engine = db.engine
    archive.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=archive.parent, prefix=".myalmaty-backup-") as work:
        dump = Path(work) / DATABASE_FILES.get(engine.dialect.name, "database")
        snapshot = take_snapshot(engine, dump, _table_names())
        photo_files = _photo_files(photos)  # listed after the snapshot: see the module's note
        manifest = Manifest(
            created_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            backend=engine.dialect.name,
            schema_revision=snapshot.revision,
            tables=snapshot.tables,
            photos=len(photo_files),
            database_file=dump.name,
            database_sha256=_sha256(dump),
            postgresql_schema=snapshot.postgresql_schema,
            pg_dump_version=snapshot.pg_dump_version,
        )
        partial = Path(work) / "archive.tar.gz"
        with tarfile.open(partial, "w:gz", compresslevel=6) as tar:
            _add_bytes(tar, MANIFEST, manifest.to_json())
            tar.add(dump, arcname=dump.name, recursive=False, filter=_private)
            for name in photo_files:
                _add_photo(tar, photos, name)
        partial.chmod(0o600)  # accounts' e-mails and password hashes are inside
        partial.replace(archive)
    return manifest


def _table_names() -> list[str]:
    return [table.name for table in db.metadata.sorted_tables]


def _photo_files(photos: Path) -> list[str]:
    """Every regular file under the photos folder, as a relative POSIX path (no symlinks)."""
    if not photos.is_dir():
        return []
    found = []
    for directory, subdirectories, names in os.walk(photos):
        subdirectories.sort()
        for name in sorted(names):
            path = Path(directory) / name
            if path.is_file() and not path.is_symlink():
                found.append(path.relative_to(photos).as_posix())
    return found


def _private(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.mode = 0o600
    return info


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes, mtime: float | None = None) -> None:
    info = _private(tarfile.TarInfo(name))
    info.size = len(data)
    info.mtime = int(mtime if mtime is not None else dt.datetime.now(dt.UTC).timestamp())
    tar.addfile(info, io.BytesIO(data))


def _add_photo(tar: tarfile.TarFile, photos: Path, name: str) -> None:
    # Read whole (a photo is a few MB at most) so the entry's size and bytes always agree.
    path = photos / name
    try:
        data = path.read_bytes()
        mtime = path.stat().st_mtime
    except OSError as error:
        raise BackupError(f"Could not read the photo {path}: {error}") from error
    _add_bytes(tar, f"{PHOTOS}/{name}", data, mtime)


def _sha256(path: Path) -> str:
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


# Restore ----------------------------------------------------------------------------------------

def read_manifest(archive: Path) -> Manifest:
    try:
        with tarfile.open(archive, "r:gz") as tar:
            first = tar.next()
            stream = tar.extractfile(first) if first and first.name == MANIFEST else None
            if stream is None:
                raise BackupError(f"{archive} is not a #MyAlmaty Ideas backup: it has no manifest first.")
            data = stream.read()
    except (tarfile.TarError, OSError, EOFError, zlib.error) as error:
        raise BackupError(f"{archive} is not a readable backup archive ({error}).") from error
    return Manifest.from_json(data)


def restore_backup(archive: Path, photos: Path) -> Manifest:
    """Restore into an empty database and photos folder, then migrate to head."""
    manifest = read_manifest(archive)
    engine = db.engine
    _refuse_incompatible(manifest, engine.dialect.name)
    _refuse_non_empty(manifest, photos)
    photos.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=photos.parent, prefix=".myalmaty-restore-") as work:
        staging = Path(work)
        dump = _unpack(archive, manifest, staging)  # damaged archives stop here, nothing changed
        load_snapshot(engine, dump, manifest.postgresql_schema)
        _check_row_counts(manifest)
        _move_photos(staging / PHOTOS, photos)
    upgrade()
    db.engine.dispose()
    return manifest


def known_revisions() -> set[str]:
    script = ScriptDirectory(migrate.directory)
    return {revision.revision for revision in script.walk_revisions()}


def _refuse_incompatible(manifest: Manifest, backend: str) -> None:
    if manifest.backend != backend:
        raise BackupError(
            f"This backup holds a {manifest.backend} database but the app is set up for "
            f"{backend} (DATABASE_URL): restore it into a {manifest.backend} database."
        )
    if manifest.schema_revision not in known_revisions():
        raise BackupError(
            f"The backup's schema revision {manifest.schema_revision} is unknown to this "
            "version of the app's migrations: it was made by a newer version (or another "
            "branch). Install the version that made the backup, or a newer one, then restore."
        )
    if backend == "postgresql":
        needed = major_version(manifest.pg_dump_version or "")
        have = major_version(tool_version("pg_restore"))
        if needed and have and have < needed:
            raise BackupError(f"The backup was made by pg_dump {needed}; pg_restore {have} "
                              f"cannot read it. Install pg_restore {needed} or newer.")


def _refuse_non_empty(manifest: Manifest, photos: Path) -> None:
    target = target_state(db.engine)
    if manifest.backend == "postgresql":
        wanted = manifest.postgresql_schema or "public"
        if target.postgresql_schema != wanted:
            raise BackupError(
                f"The backup holds the schema {wanted!r}; the target database's search_path "
                f"leads to {target.postgresql_schema!r}. Restore into a database whose "
                f"search_path names an existing, empty schema {wanted!r}."
            )
    if target.tables:
        shown = ", ".join(target.tables[:5]) + (" …" if len(target.tables) > 5 else "")
        raise BackupError(
            f"The target database is not empty (tables: {shown}). Restore only into an empty "
            "database: create a new one (or drop this one) and run restore again."
        )
    if photos.exists() and (not photos.is_dir() or any(photos.iterdir())):
        raise BackupError(f"The photos folder {photos} (UPLOAD_FOLDER) is not empty. Restore "
                          "only into an empty or missing folder.")


def _member_path(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or "\\" in name or any(part in ("", ".", "..") for part in path.parts):
        raise BackupError(f"The backup holds an unsafe file name: {name!r}.")
    return path


def _unpack(archive: Path, manifest: Manifest, staging: Path) -> Path:
    """Unpack into the staging folder and check it against the manifest."""
    dump = staging / manifest.database_file
    photo_root = staging / PHOTOS
    photo_root.mkdir()
    photos_found = 0
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar:
                if member.name == MANIFEST:
                    continue
                relative = _member_path(member.name)
                if not member.isfile():
                    raise BackupError(
                        f"The backup holds something other than a file: {member.name!r}.")
                if member.name == manifest.database_file:
                    target = dump
                elif relative.parts[0] == PHOTOS and len(relative.parts) > 1:
                    target = photo_root.joinpath(*relative.parts[1:])
                    target.parent.mkdir(parents=True, exist_ok=True)
                    photos_found += 1
                else:
                    raise BackupError(f"The backup holds an unexpected file: {member.name!r}.")
                source = tar.extractfile(member)
                if source is None:
                    raise BackupError(f"Could not read {member.name!r} from the backup.")
                with source, target.open("xb") as out:
                    shutil.copyfileobj(source, out)
    except (tarfile.TarError, OSError, EOFError, zlib.error) as error:
        raise BackupError(
            f"The backup archive is damaged ({error}); nothing was restored.") from error
    if not dump.is_file() or _sha256(dump) != manifest.database_sha256:
        raise BackupError("The backup's database file is missing or damaged (its checksum differs "
                          "from the manifest's); nothing was restored.")
    if photos_found != manifest.photos:
        raise BackupError(f"The backup holds {photos_found} photo files, its manifest says "
                          f"{manifest.photos}; nothing was restored.")
    return dump


def _check_row_counts(manifest: Manifest) -> None:
    with db.engine.connect() as connection:
        _revisions, counts = read_state(connection, manifest.tables)
    wrong = [f"{name}: {counts.get(name, 'missing')} rows, expected {expected}"
             for name, expected in manifest.tables.items() if counts.get(name) != expected]
    if wrong:
        raise BackupError("The restored database does not match the backup's manifest ("
                          + "; ".join(wrong) + "). Drop it before trying again.")


def _move_photos(staged: Path, photos: Path) -> None:
    try:
        if photos.exists():
            photos.rmdir()  # checked empty before anything was changed
        staged.replace(photos)
    except OSError as error:
        raise BackupError(f"Could not move the photos into {photos}: {error}") from error

