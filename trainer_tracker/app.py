"""The trainer tracker's app factory."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from flask import Flask
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect
from jinja2 import ChainableUndefined, ChoiceLoader, FileSystemLoader, PackageLoader

from cascade.config import content_root

from . import db

csrf = CSRFProtect()
login_manager = LoginManager()


class ConfigError(RuntimeError):
    """The app cannot start with this configuration; the message says what to set."""


def create_app(test_config: dict | None = None) -> Flask:
    """The tracker: settings from the environment (CASCADE_*), then `test_config`, then the
    extensions, the request guards and every blueprint."""
    app = Flask(__name__, static_folder="web/static", instance_path=os.environ.get("CASCADE_INSTANCE_PATH") or
                str(content_root() / "instance"))
    _configure(app, test_config)
    _init_extensions(app)
    _register_blueprints(app)
    return app


def _configure(app: Flask, test_config: dict | None) -> None:
    app.config.from_mapping(
        SECRET_KEY=os.environ.get("CASCADE_SECRET_KEY"),
        DATABASE_URL=os.environ.get("CASCADE_DATABASE_URL") or db.default_url(app.instance_path),
        CONTENT_ROOT=str(content_root()),
        SITE_DIR=os.environ.get("CASCADE_SITE_DIR"),
        COUNT_QUERIES=os.environ.get("CASCADE_COUNT_QUERIES") == "1",  # bench diagnostics: X-Queries header
        SESSION_COOKIE_SECURE=True,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="cascade_session",
        REMEMBER_COOKIE_SECURE=True,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=dt.timedelta(hours=8),
        WTF_CSRF_TIME_LIMIT=8 * 3600,
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        DEMO=False,
    )
    if test_config:
        app.config.update(test_config)
    if not app.config.get("SECRET_KEY"):
        raise ConfigError("Set CASCADE_SECRET_KEY to a long random value (for example the output of "
                          "`python -c 'import secrets; print(secrets.token_hex(32))'`). "
                          "Only the demo and the tests run without one.")
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    from .web.paging import RecordIdConverter

    app.url_map.converters["int"] = RecordIdConverter  # <int:...> ids beyond the database's range: 404
    app.jinja_options = {
        # nhsuk-frontend-jinja's macros need ChainableUndefined.
        "undefined": ChainableUndefined,
        "loader": ChoiceLoader([
            FileSystemLoader(str(Path(__file__).parent / "templates")),
            PackageLoader("nhsuk_frontend_jinja"),
        ]),
        "autoescape": True,
    }


def _init_extensions(app: Flask) -> None:
    try:
        db.init_app(app)
    except db.BadDatabaseURL as exc:
        raise ConfigError(str(exc)) from None
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Sign in to see this page."
    login_manager.login_message_category = "info"
    # Sessions are kept on the server (accounts/sessions.py) and end on sign-out, password change,
    # switching the account off, idleness and age. flask-login's own "strong" protection is off: it
    # keys on the client's address, which a client behind a proxy can set (X-Forwarded-For).
    login_manager.session_protection = None

    from .accounts.services import load_user

    login_manager.user_loader(load_user)

    from .web import errors, guard, inputs, once, security

    inputs.init_app(app)
    once.init_app(app)
    guard.init_app(app, login_manager)
    security.init_app(app)
    errors.init_app(app)


def _register_blueprints(app: Flask) -> None:
    from .accounts.views import bp as auth_bp
    from .admin.views import bp as admin_bp
    from .cascade import correction_views as _cascade_corrections  # noqa: F401  routes on the cascade blueprint
    from .cascade.views import bp as cascade_bp
    from .concerns.views import bp as concerns_bp
    from .dashboard.views import bp as dashboard_bp
    from .fidelity.views import bp as fidelity_bp
    from .pathway.views import bp as pathway_bp
    from .refreshers.views import bp as refreshers_bp
    from .research.views import bp as research_bp
    from .study.views import bp as study_bp
    from .supervision.views import bp as supervision_bp
    from .support import contact_list as _support_contacts  # noqa: F401  routes on the support blueprint
    from .support import correction_views as _support_corrections  # noqa: F401  routes on the support blueprint
    from .support.views import bp as support_bp
    from .web.views import bp as web_bp

    for blueprint in (web_bp, auth_bp, dashboard_bp, cascade_bp, support_bp, pathway_bp, concerns_bp, fidelity_bp,
                      research_bp, supervision_bp, study_bp, refreshers_bp, admin_bp):
        app.register_blueprint(blueprint)

    if app.config.get("SITE_DIR"):
        from .web.sitehost import bp as site_bp

        app.register_blueprint(site_bp)

    from .web import context

    context.init_app(app)
