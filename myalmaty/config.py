"""Settings, read from the environment once at start-up.

Every variable is documented in docs/deploy.md's settings tables (a test checks it).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ConfigError(RuntimeError):
    """Raised when the app cannot start safely with the settings it was given."""


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def _secret_key(instance_path: Path, production: bool, given: str | None) -> str:
    """A real key in production; development keeps a generated one in the instance folder.

    Generating a key per start would sign everyone out on every reload, so the development key
    is written once and reused.
    """
    key = given or os.environ.get("SECRET_KEY", "")
    if key:
        return key
    if production:
        raise ConfigError("SECRET_KEY must be set when MYALMATY_ENV=production")
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def load_config(instance_path: Path, overrides: dict | None = None) -> dict:
    """Settings from the environment, then `overrides` (tests and scripts pass their own)."""
    overrides = overrides or {}
    production = os.environ.get("MYALMATY_ENV", "development") == "production"
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance_path / 'myalmaty.sqlite3'}"
    if database_url.startswith("postgresql://"):
        # psycopg 3 is the driver we ship; plain postgresql:// would ask for psycopg2.
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgresql://")
    settings = {
        "ENV_NAME": "production" if production else "development",
        "SECRET_KEY": _secret_key(instance_path, production, overrides.get("SECRET_KEY")),
        "SQLALCHEMY_DATABASE_URI": database_url,
        # Connections are tried only after sitting idle (`core.database.ping_when_idle`).
        "SQLALCHEMY_ENGINE_OPTIONS": dict[str, object](),
        "UPLOAD_FOLDER": os.environ.get("UPLOAD_FOLDER") or str(instance_path / "uploads"),
        # Set when the reverse proxy sends photo files itself (deploy/Caddyfile, deploy/nginx.conf):
        # the internal location that maps to UPLOAD_FOLDER, e.g. /_photos/.
        "PHOTOS_INTERNAL_PATH": os.environ.get("PHOTOS_INTERNAL_PATH", ""),
        "MAX_PHOTO_BYTES": _env_int("MAX_PHOTO_BYTES", 5 * 1024 * 1024),
        # Requests carry a photo plus form fields; anything larger is refused with 413.
        "MAX_CONTENT_LENGTH": _env_int("MAX_PHOTO_BYTES", 5 * 1024 * 1024) + 1024 * 1024,
        "TILE_URL": os.environ.get("TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"),
        "TILE_ATTRIBUTION": os.environ.get(
            "TILE_ATTRIBUTION", "&copy; OpenStreetMap contributors"
        ),
        # An MBTiles file of raster tiles: the app serves them at /tiles/… and TILE_URL is unused.
        "TILE_FILE": os.environ.get("TILE_FILE", ""),
        # The offline map embeds tiles of the city from TILE_FILE, zoom by zoom, up to this size.
        "OFFLINE_TILES_MAX_BYTES": _env_int("OFFLINE_TILES_MAX_BYTES", 20 * 1024 * 1024),
        "BABEL_DEFAULT_LOCALE": "ru",
        "BABEL_DEFAULT_TIMEZONE": os.environ.get("TIMEZONE", "Asia/Almaty"),
        "BABEL_TRANSLATION_DIRECTORIES": str(PROJECT_ROOT / "translations"),
        "LANGUAGES": ("ru", "kk", "en"),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_ENABLED": _env_bool("RATELIMIT_ENABLED", True),
        "RATELIMIT_HEADERS_ENABLED": True,
        # Per client address. A forum venue puts many people behind one address: raise these
        # there rather than switching limits off. Sign-in counts failed attempts only.
        "RATELIMIT_SIGN_IN": os.environ.get("RATELIMIT_SIGN_IN", "10 per minute;50 per hour"),
        "RATELIMIT_REGISTER": os.environ.get("RATELIMIT_REGISTER", "10 per hour"),
        "RATELIMIT_PASSWORD_RESET": os.environ.get("RATELIMIT_PASSWORD_RESET", "5 per hour"),
        # Per signed-in resident (per address when signed out); flask-limiter's notation.
        "RATELIMIT_SUBMIT": os.environ.get("RATELIMIT_SUBMIT", "10 per hour"),
        "RATELIMIT_COMMENT": os.environ.get("RATELIMIT_COMMENT", "30 per hour"),
        "RATELIMIT_REPORT": os.environ.get("RATELIMIT_REPORT", "30 per hour"),
        # Redis for shared state beyond the rate limits; /readyz checks it when set.
        "REDIS_URL": os.environ.get("REDIS_URL", ""),
        # Export files written by jobs for the exports page, each kept EXPORT_TTL seconds.
        # With several app hosts, a folder they all share (like UPLOAD_FOLDER).
        "EXPORTS_FOLDER": os.environ.get("EXPORTS_FOLDER") or str(instance_path / "exports"),
        "EXPORT_TTL": _env_int("EXPORT_TTL", 24 * 60 * 60),
        # Decisions on one person's ideas within this many seconds go out as one mail (with
        # REDIS_URL; without a worker to wake up later, they go out at once).
        "NOTIFY_DIGEST_WINDOW": _env_int("NOTIFY_DIGEST_WINDOW", 10 * 60),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": _env_int("MAIL_PORT", 587),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": _env_bool("MAIL_USE_TLS", True),
        "MAIL_SENDER": os.environ.get("MAIL_SENDER", "#MyAlmaty Ideas <noreply@myalmaty.local>"),
        "PASSWORD_HASH_METHOD": "scrypt",
        "PASSWORD_RESET_MAX_AGE": _env_int("PASSWORD_RESET_MAX_AGE", 2 * 60 * 60),
        # Registering makes no account until the link mailed to the address is opened.
        "REGISTRATION_CONFIRM_MAX_AGE": _env_int("REGISTRATION_CONFIRM_MAX_AGE", 2 * 24 * 60 * 60),
        # Per e-mail address, on top of the per-client RATELIMIT_SIGN_IN: after this many
        # failed sign-ins in a row, sign-in with the address pauses for LOCKOUT_SECONDS, twice
        # as long after each further failure, at most LOCKOUT_MAX_SECONDS.
        "LOCKOUT_AFTER_FAILURES": _env_int("LOCKOUT_AFTER_FAILURES", 5),
        "LOCKOUT_SECONDS": _env_int("LOCKOUT_SECONDS", 60),
        "LOCKOUT_MAX_SECONDS": _env_int("LOCKOUT_MAX_SECONDS", 15 * 60),
        "REPORTS_TO_HIDE": _env_int("REPORTS_TO_HIDE", 3),
        "IDEAS_PER_PAGE": _env_int("IDEAS_PER_PAGE", 20),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        # Flask-Login's "keep me signed in" cookie: as guarded as the session cookie (no
        # script reads it, no other site's form sends it, only HTTPS in production).
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000"),
        "PROXY_FIX": _env_bool("PROXY_FIX", False),
        # JSON lines for a log collector in production, readable lines on a developer's console.
        "LOG_FORMAT": os.environ.get("LOG_FORMAT") or ("json" if production else "text"),
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "INFO").upper(),
        # Prometheus metrics at /metrics (requests by route and status, latency).
        "METRICS_ENABLED": _env_bool("METRICS_ENABLED", False),
        # Each gunicorn worker builds (15–20 s at 100,000 ideas) or loads (SIMILARITY_INDEX_FILE)
        # its similarity index at start, in the background; a search meanwhile waits at most
        # SIMILARITY_WAIT_MS, then answers the former, less exact way. Off: the first search
        # builds it, and waits.
        "SIMILARITY_WARMUP": _env_bool("SIMILARITY_WARMUP", True),
        "SIMILARITY_WAIT_MS": _env_int("SIMILARITY_WAIT_MS", 500),
        # The built index, kept for the next worker to load instead of building (a cache: safe
        # to delete). Empty: none kept.
        "SIMILARITY_INDEX_FILE": os.environ.get(
            "SIMILARITY_INDEX_FILE", str(instance_path / "similarity-index.npz")),
        "WTF_CSRF_TIME_LIMIT": None,
    }
    settings.update(overrides)
    return settings
