"""The production settings check: `flask check-config`, and the same check at start in production.

Each rule says what it looked at. An error means the site would be unsafe or broken (anyone could
forge sessions with a guessable key; every link in mails and exports would point at the server
itself; rate limits would count per worker; no mail would leave), so production refuses to start;
a warning is something a city may choose knowingly (SQLite for a small pilot).
"""

from __future__ import annotations

import ipaddress
import re
import shlex
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from email.utils import parseaddr
from enum import Enum
from pathlib import Path
from urllib.parse import urlsplit

from myalmaty.core.i18n import catalogue_problems
from myalmaty.core.tiles import TileFileError, tile_file_info

MIN_SECRET_KEY_LENGTH = 32
# Keys copied from examples and tutorials; long enough to pass the length rule is not enough.
KNOWN_WEAK_KEYS = {
    "change-me", "changeme", "secret", "dev", "development", "test", "test-secret-key",
    "replace-me", "your-secret-key", "supersecret", "please-change-me",
}
SMTPS_PORT = 465  # implicit TLS, which smtplib.SMTP (what mail.py uses) does not speak


class Level(Enum):
    OK = "ok"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True)
class Finding:
    level: Level
    setting: str
    message: str

    def __str__(self) -> str:
        return f"[{self.level.value}] {self.setting}: {self.message}"


def _ok(setting: str, message: str) -> Finding:
    return Finding(Level.OK, setting, message)


def _error(setting: str, message: str) -> Finding:
    return Finding(Level.ERROR, setting, message)


def _warning(setting: str, message: str) -> Finding:
    return Finding(Level.WARNING, setting, message)


def check_secret_key(config: Mapping, environ: Mapping[str, str]) -> list[Finding]:
    key = str(config.get("SECRET_KEY") or "")
    if key.strip().lower() in KNOWN_WEAK_KEYS:
        return [_error("SECRET_KEY", "is a well-known example value; generate one with "
                       "`python -c 'import secrets; print(secrets.token_hex(32))'`")]
    if len(key) < MIN_SECRET_KEY_LENGTH:
        return [_error("SECRET_KEY", f"has {len(key)} characters, fewer than "
                       f"{MIN_SECRET_KEY_LENGTH}; generate one with "
                       "`python -c 'import secrets; print(secrets.token_hex(32))'`")]
    if len(set(key)) < 8:
        return [_error("SECRET_KEY", "repeats a handful of characters; it must be random")]
    return [_ok("SECRET_KEY", f"{len(key)} characters, not a known example")]


def _is_loopback(host: str) -> bool:
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def check_public_base_url(config: Mapping, environ: Mapping[str, str]) -> list[Finding]:
    url = str(config.get("PUBLIC_BASE_URL") or "")
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return [_error("PUBLIC_BASE_URL", f"{url!r} is not an http(s) address of the site")]
    if _is_loopback(parts.hostname):
        return [_error("PUBLIC_BASE_URL", f"{url} points at this machine itself: every link "
                       "in mails and exports would lead residents nowhere; set the site's "
                       "public address")]
    if parts.scheme != "https":
        return [_warning("PUBLIC_BASE_URL", f"{url} is not https: links in mails would send "
                         "residents to the site unencrypted")]
    return [_ok("PUBLIC_BASE_URL", f"{url} is a public https address")]


def _workers_in(arguments: Sequence[str]) -> int | None:
    found = None
    for index, argument in enumerate(arguments):
        value = None
        if argument in {"-w", "--workers"} and index + 1 < len(arguments):
            value = arguments[index + 1]
        elif argument.startswith("--workers="):
            value = argument.partition("=")[2]
        elif re.fullmatch(r"-w\d+", argument):
            value = argument[2:]
        if value and value.isdigit():
            found = int(value)
    return found


def web_workers(environ: Mapping[str, str], argv: Sequence[str] = ()) -> int:
    """How many server processes will count requests.

    gunicorn takes the number from WEB_CONCURRENCY (deploy/gunicorn.conf.py writes the number it
    chose there), then GUNICORN_CMD_ARGS, then its own command line, each overriding the last.
    """
    workers = 1
    concurrency = environ.get("WEB_CONCURRENCY", "").strip()
    if concurrency.isdigit():
        workers = int(concurrency)
    from_environment = _workers_in(shlex.split(environ.get("GUNICORN_CMD_ARGS", "")))
    if from_environment is not None:
        workers = from_environment
    if argv and "gunicorn" in argv[0]:
        from_command = _workers_in(argv[1:])
        if from_command is not None:
            workers = from_command
    return workers


def check_rate_limits(config: Mapping, environ: Mapping[str, str]) -> list[Finding]:
    storage = str(config.get("RATELIMIT_STORAGE_URI") or "memory://")
    findings = []
    if not config.get("RATELIMIT_ENABLED", True):
        findings.append(_warning("RATELIMIT_ENABLED", "rate limits are off: sign-in, "
                                 "registration and password-reset requests are not limited"))
    workers = web_workers(environ, sys.argv)
    if storage.startswith("memory://") and workers > 1:
        findings.append(_error("RATELIMIT_STORAGE_URI", f"memory:// with {workers} workers: "
                               "each worker counts on its own, so every limit is multiplied; "
                               "use redis://HOST:6379"))
    else:
        where = "in memory (one worker)" if storage.startswith("memory://") else "shared"
        findings.append(_ok("RATELIMIT_STORAGE_URI", f"{storage.split('://')[0]}:// counters, "
                            f"{where}, {workers} worker(s)"))
    return findings


def check_mail(config: Mapping, environ: Mapping[str, str]) -> list[Finding]:
    server = str(config.get("MAIL_SERVER") or "").strip()
    if not server:
        return [_error("MAIL_SERVER", "is empty: mail would only be written to the log, so "
                       "nobody could finish registering or reset a password")]
    findings = []
    port = config.get("MAIL_PORT")
    use_tls = bool(config.get("MAIL_USE_TLS"))
    username = str(config.get("MAIL_USERNAME") or "")
    password = str(config.get("MAIL_PASSWORD") or "")
    if not isinstance(port, int) or not 0 < port < 65536:
        findings.append(_error("MAIL_PORT", f"{port!r} is not a port number"))
    elif port == SMTPS_PORT:
        findings.append(_error("MAIL_PORT", "465 expects TLS from the first byte (SMTPS), "
                               "which is not supported; use port 587 with MAIL_USE_TLS=1"))
    if bool(username) != bool(password):
        findings.append(_error("MAIL_USERNAME", "MAIL_USERNAME and MAIL_PASSWORD go together; "
                               "one of them is empty"))
    if password and not use_tls and not _is_loopback(server):
        findings.append(_error("MAIL_USE_TLS", f"is off: MAIL_PASSWORD would cross the network "
                               f"to {server} unencrypted"))
    sender = parseaddr(str(config.get("MAIL_SENDER") or ""))[1]
    if "@" not in sender:
        findings.append(_error("MAIL_SENDER", f"{config.get('MAIL_SENDER')!r} has no e-mail "
                               "address"))
    if not findings:
        tls = "STARTTLS" if use_tls else "no TLS"
        login = "with a login" if username else "without a login"
        findings.append(_ok("MAIL_SERVER", f"{server}:{port}, {tls}, {login}, from {sender}"))
    return findings


def check_jobs(config: Mapping, environ: Mapping[str, str]) -> list[Finding]:
    if not config.get("REDIS_URL"):
        return [_warning("REDIS_URL", "not set: mail is sent inside the request, which waits on "
                         "the mail server; set it and run `flask worker`")]
    return [_ok("REDIS_URL", "background jobs go to the Redis queue (run `flask worker`)")]


def check_database(config: Mapping, environ: Mapping[str, str]) -> list[Finding]:
    url = str(config.get("SQLALCHEMY_DATABASE_URI") or "")
    backend = url.split(":", 1)[0].split("+", 1)[0]
    if backend == "sqlite":
        return [_warning("DATABASE_URL", "SQLite: one server only, and writes wait for each "
                         "other; use PostgreSQL for a city's traffic")]
    return [_ok("DATABASE_URL", backend)]


def check_catalogues(config: Mapping, environ: Mapping[str, str]) -> list[Finding]:
    directory = Path(str(config.get("BABEL_TRANSLATION_DIRECTORIES")))
    languages = tuple(config.get("LANGUAGES") or ())
    problems = catalogue_problems(directory, languages)
    if problems:
        return [_error("translations", problem) for problem in problems]
    return [_ok("translations", f"compiled and up to date for {', '.join(languages)}")]


def check_tiles(config: Mapping, environ: Mapping[str, str]) -> list[Finding]:
    path = str(config.get("TILE_FILE") or "")
    if not path:
        url = str(config.get("TILE_URL") or "")
        if "tile.openstreetmap.org" in url:
            return [_warning("TILE_URL", "OpenStreetMap's own tile servers do not allow a "
                             "city's traffic; set TILE_FILE to an MBTiles or PMTiles file "
                             "of Almaty")]
        return [_ok("TILE_URL", f"tiles from {url}")]
    try:
        info = tile_file_info(path)
    except TileFileError as error:
        return [_error("TILE_FILE", f"{path}: {error}")]
    return [_ok("TILE_FILE", f"{info.format} tiles, zoom {info.min_zoom}–{info.max_zoom}, "
                "served by the app")]


RULES: tuple[Callable[[Mapping, Mapping[str, str]], list[Finding]], ...] = (
    check_secret_key, check_public_base_url, check_rate_limits, check_mail, check_jobs,
    check_database, check_tiles, check_catalogues,
)


def check_settings(
    config: Mapping, environ: Mapping[str, str], catalogues: bool = True
) -> list[Finding]:
    """Every rule's findings, in a fixed order (`catalogues=False` leaves out the catalogues)."""
    rules = RULES if catalogues else tuple(rule for rule in RULES if rule is not check_catalogues)
    return [finding for rule in rules for finding in rule(config, environ)]


def errors_of(findings: list[Finding]) -> list[Finding]:
    return [finding for finding in findings if finding.level is Level.ERROR]
