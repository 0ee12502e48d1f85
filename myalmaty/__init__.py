"""#MyAlmaty Ideas: residents' ideas for Almaty's creative quarters."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import Flask
from flask_babel import lazy_gettext as _l

from myalmaty.config import PROJECT_ROOT, load_config

if TYPE_CHECKING:
    from myalmaty.domain.accounts import User


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app; `config` overrides the environment's settings (tests pass their own)."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    instance_path = Path(app.instance_path)
    instance_path.mkdir(parents=True, exist_ok=True)
    app.config.update(load_config(instance_path, config))

    from myalmaty.core import logs

    logs.init_app(app)  # first, so that everything after it logs through it
    if app.config["ENV_NAME"] == "production" and not _checking_config_only():
        _refuse_unsafe_settings(app)

    if app.config["PROXY_FIX"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)  # type: ignore[method-assign]

    _init_extensions(app)
    _bound_ids_in_addresses(app)
    _register_blueprints(app)
    _register_template_helpers(app)

    from myalmaty import cli

    cli.init_app(app)
    return app


def _checking_config_only() -> bool:
    """`flask check-config` reports every finding itself, so its app must get as far as it."""
    return "check-config" in sys.argv[1:]


def _refuse_unsafe_settings(app: Flask) -> None:
    """Production starts only with settings that pass `flask check-config`; warnings are logged.

    `flask` commands are refused too, except over the catalogues: `translate compile` is what
    fixes them, and `db upgrade` runs between `git pull` and it in the upgrade runbook.
    """
    import os

    import click

    from myalmaty.config import ConfigError
    from myalmaty.core.settings_check import Level, check_settings, errors_of

    serving = click.get_current_context(silent=True) is None
    findings = check_settings(app.config, os.environ, catalogues=serving)
    for finding in findings:
        if finding.level is Level.WARNING:
            app.logger.warning("Settings: %s", finding)
    errors = errors_of(findings)
    if errors:
        reasons = "\n".join(f"  - {error}" for error in errors)
        raise ConfigError(
            f"Refusing to start with MYALMATY_ENV=production:\n{reasons}\n"
            "Fix these settings (`flask check-config` lists every check), then start again."
        )


def _init_extensions(app: Flask) -> None:
    from myalmaty import domain  # noqa: F401 - every model registered before anything maps
    from myalmaty.core import errors, i18n, metrics, security, web
    from myalmaty.core.database import configure_sqlite, ping_when_idle
    from myalmaty.domain.search import not_in_models
    from myalmaty.extensions import csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    with app.app_context():
        configure_sqlite(db.engine)
        ping_when_idle(db.engine)
    migrate.init_app(
        app, db, directory=str(Path(__file__).resolve().parent.parent / "migrations"),
        render_as_batch=True, compare_type=True, include_name=not_in_models,
    )
    csrf.init_app(app)
    limiter.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    web.init_app(app)
    errors.init_app(app)
    metrics.init_app(app)

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to continue.")
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(session_id: str) -> User | None:
        from myalmaty.core.numbers import bounded_number
        from myalmaty.domain.accounts import User

        user_id = bounded_number(session_id.partition(":")[0])
        if user_id is None:
            return None
        user = db.session.get(User, user_id)
        if user is None or not user.is_active or user.get_id() != session_id:
            return None  # unknown, deactivated, or signed in before the password changed
        return user


def _bound_ids_in_addresses(app: Flask) -> None:
    """Every `<int:…>` in a route is an id from 1 to 2^31−1; past it the address is a 404.

    The `int` converter itself is replaced (before any rule is added), not a new name: every
    route, and any route added later, is covered without anyone having to remember it.
    """
    from myalmaty.core.numbers import IdConverter

    app.url_map.converters["int"] = IdConverter


def _register_blueprints(app: Flask) -> None:
    from myalmaty.api import bp as api_bp
    from myalmaty.auth import bp as auth_bp
    from myalmaty.exports import bp as exports_bp
    from myalmaty.ideas import bp as ideas_bp
    from myalmaty.main import bp as main_bp
    from myalmaty.moderation import bp as moderation_bp
    from myalmaty.moderation import public_bp as themes_bp
    from myalmaty.organise import bp as organise_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp, url_prefix="/account")
    app.register_blueprint(ideas_bp, url_prefix="/ideas")
    app.register_blueprint(moderation_bp, url_prefix="/moderation")
    app.register_blueprint(themes_bp)
    app.register_blueprint(organise_bp, url_prefix="/organise")
    app.register_blueprint(exports_bp, url_prefix="/organise/exports")
    app.register_blueprint(api_bp, url_prefix="/api")

    from myalmaty.core import maps

    maps.init_app(app)


def _register_template_helpers(app: Flask) -> None:
    from myalmaty.core.permissions import Can
    from myalmaty.core.presenters import author_name, idea_byline

    app.jinja_env.globals.update(can=Can(), author_name=author_name,
                                idea_byline=idea_byline)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
