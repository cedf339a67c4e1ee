"""The application factory: it assembles the app and does nothing else."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from samenhang import i18n, storage
from samenhang.config import ROOT, build_config
from samenhang.extensions import babel, csrf, db, limiter, login_manager, migrate
from samenhang.security import SessionInterface, init_security_headers


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    # samenhang is a namespace package (platform/ has no __init__.py), so Flask cannot
    # find its paths by itself.
    app = Flask(
        "samenhang",
        root_path=str(Path(__file__).parent),
        instance_path=os.environ.get("SAMENHANG_INSTANCE_PATH", str(ROOT / "instance")),
        template_folder=str(ROOT / "templates"),
        static_folder=str(Path(__file__).parent / "static"),
    )
    app.config.from_mapping(build_config(Path(app.instance_path), config))
    app.session_interface = SessionInterface()
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    _init_logging(app)

    _init_extensions(app)
    _init_request_tracing(app)
    _register_blueprints(app)
    _check_limits_in_views_only(app)
    init_security_headers(app)
    _init_compression(app)
    _register_template_helpers(app)
    _init_request_boundary(app)
    return app


def _init_extensions(app: Flask) -> None:
    import samenhang.models  # noqa: F401 - registers every table on the metadata

    db.init_app(app)
    migrate.init_app(app, db, directory=app.config["MIGRATIONS_DIR"], render_as_batch=True)
    babel.init_app(app, locale_selector=i18n.select_locale)
    i18n.install_template_gettext(app, babel)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    storage.init_app(app)

    from samenhang.accounts.queries import load_user_from_session

    login_manager.user_loader(load_user_from_session)
    login_manager.login_view = "accounts.signin"
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    from samenhang.blueprints.caching import init_page_caching

    init_page_caching(app)


def _check_limits_in_views_only(app: Flask) -> None:
    """Every rate limit here is a route's own (`limiter.limit` on its view), checked by that
    decorator. Flask-Limiter's before_request hook would resolve the limits of every request
    a second time (nothing for most, the route's again for a limited one): it is dropped
    while there is no default, application, meta or blueprint limit for it to apply."""
    manager = limiter.limit_manager
    if (
        manager.default_limits
        or manager.application_limits
        or limiter._meta_limits
        or manager._blueprint_limits
    ):
        return
    app.before_request_funcs[None].remove(limiter._check_request_limit)


def _init_logging(app: Flask) -> None:
    from samenhang.blueprints.tracing import init_logging

    init_logging(app)


def _init_request_tracing(app: Flask) -> None:
    from samenhang.blueprints.tracing import init_request_tracing

    init_request_tracing(app)


def _register_blueprints(app: Flask) -> None:
    from samenhang.blueprints import BLUEPRINTS
    from samenhang.blueprints.guards import init_request_guards
    from samenhang.blueprints.handling import register_error_handlers

    init_request_guards(app)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    register_error_handlers(app)


def _init_compression(app: Flask) -> None:
    from samenhang.blueprints.assets import init_assets
    from samenhang.blueprints.compression import init_compression

    init_assets(app)
    init_compression(app)


def _register_template_helpers(app: Flask) -> None:
    from flask_login import current_user

    from samenhang.config import LOCALES
    from samenhang.enums import label
    from samenhang.policies import TEMPLATE_POLICIES
    from samenhang.text import render_markdown

    def can(policy: str, *objects: Any) -> bool:
        """`can("manage", wijk)`: asks `samenhang.policies` about the signed-in user."""
        return bool(TEMPLATE_POLICIES[policy](current_user, *objects))

    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.globals.update(
        LOCALES=LOCALES,
        current_locale=i18n.current_locale,
        text_direction=i18n.text_direction,
        language_name=i18n.language_name,
        can=can,
    )
    app.jinja_env.filters["money"] = i18n.format_money
    app.jinja_env.filters["percent"] = i18n.format_percentage
    app.jinja_env.filters["number"] = i18n.format_number
    app.jinja_env.filters["listing"] = i18n.format_items
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["label"] = label


def _init_request_boundary(app: Flask) -> None:
    """One commit per request: services only flush; the boundary commits or rolls back."""

    @app.after_request
    def _commit(response: Any) -> Any:
        if response.status_code < 400:
            db.session.commit()
        else:
            db.session.rollback()
        return response
