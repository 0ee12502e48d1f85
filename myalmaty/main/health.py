"""Readiness: may this process take residents' requests? (/readyz; /healthz only says it runs.)

Each check answers in a few milliseconds, or within a one-second timeout when a service is down,
so a load balancer polling every few seconds costs nothing. Details name what is wrong, never
an address or a password, since anyone can open /readyz.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import redis
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from myalmaty.core.database import database_is_reachable, database_revisions, head_revisions
from myalmaty.core.i18n import catalogue_problems
from myalmaty.core.tiles import TileFileError, tile_file_info


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str = ""


def check_database(engine: Engine) -> Check:
    if database_is_reachable(engine):
        return Check("database", True)
    return Check("database", False, "unreachable")


def check_schema(engine: Engine, migrations_directory: str) -> Check:
    heads = head_revisions(migrations_directory)
    try:
        current = database_revisions(engine)
    except sa.exc.SQLAlchemyError:
        return Check("schema", False, "cannot be read")
    if current == heads:
        return Check("schema", True, ", ".join(sorted(current)))
    found = ", ".join(sorted(current)) or "no revision"
    return Check("schema", False, f"at {found}, the code expects {', '.join(sorted(heads))} "
                 "(run `flask db upgrade`)")


def check_writable(name: str, folder: Path, detail: str) -> Check:
    """`folder` exists (or can be made) and a file can be written in it."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".readyz-"):
            pass
    except OSError:
        return Check(name, False, detail)
    return Check(name, True)


def redis_urls(config: Mapping) -> dict[str, str]:
    """Every Redis the app talks to, by what it is for: REDIS_URL and the rate limits' storage."""
    urls: dict[str, str] = {}
    for name, setting in (("redis", "REDIS_URL"), ("rate_limit_storage", "RATELIMIT_STORAGE_URI")):
        url = str(config.get(setting) or "")
        if url.startswith(("redis://", "rediss://")) and url not in urls.values():
            urls[name] = url
    return urls


def check_redis(name: str, url: str) -> Check:
    client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        return Check(name, False, "unreachable")
    finally:
        client.close()
    return Check(name, True)


def check_catalogues(directory: Path, languages: tuple[str, ...]) -> Check:
    problems = catalogue_problems(directory, languages)
    if problems:
        broken = ", ".join(problem.split(":", 1)[0] for problem in problems)
        return Check("translations", False, f"not compiled or stale: {broken}")
    return Check("translations", True)


def check_tile_file(path: str) -> Check:
    try:
        tile_file_info(path)
    except TileFileError:
        return Check("tiles", False, "the tile file cannot be read")
    return Check("tiles", True)


def readiness(config: Mapping, engine: Engine, migrations_directory: str) -> list[Check]:
    checks = [check_database(engine)]
    checks.append(check_schema(engine, migrations_directory) if checks[0].ok
                  else Check("schema", False, "database unreachable"))
    checks.append(check_writable("uploads", Path(config["UPLOAD_FOLDER"]),
                                 "the photos folder is not writable"))
    # Export jobs write there; an organiser's export would fail only when asked for.
    checks.append(check_writable("exports", Path(config["EXPORTS_FOLDER"]),
                                 "the exports folder is not writable"))
    checks.extend(check_redis(name, url) for name, url in redis_urls(config).items())
    if config.get("TILE_FILE"):
        checks.append(check_tile_file(str(config["TILE_FILE"])))
    checks.append(check_catalogues(Path(config["BABEL_TRANSLATION_DIRECTORIES"]),
                                   tuple(config["LANGUAGES"])))
    return checks
