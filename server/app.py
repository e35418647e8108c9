"""The app factory."""

from __future__ import annotations

import logging

from flask import Flask, send_from_directory
from swagger_ui_bundle import swagger_ui_path

from . import __version__, models as _models  # noqa: F401 - the full metadata
from .db import Database
from .http import Api, check_every_route_is_marked, install
from .openapi import install_openapi_conventions
from .org.scoping import install_scoping
from .settings import Settings


def create_app(settings: Settings | None = None) -> Flask:
    settings = settings or Settings.from_env()
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    # Library chatter at INFO (each migration plugin, each step of every PDF) buries the server's own lines.
    for chatty in ("alembic.runtime.plugins", "weasyprint.progress"):
        if logging.getLogger(chatty).level == logging.NOTSET:
            logging.getLogger(chatty).setLevel(logging.WARNING)

    app = Flask("aftercare", static_folder=None)
    app.config.update(
        MAX_CONTENT_LENGTH=settings.max_request_bytes,
        API_TITLE="Aftercare",
        API_VERSION=__version__,
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs",
        # Served from the installed swagger-ui bundle: counters have no internet.
        OPENAPI_SWAGGER_UI_URL="/api/docs/assets/",
        OPENAPI_SWAGGER_UI_CONFIG={"persistAuthorization": True},
    )
    app.json.ensure_ascii = False  # Chinese names stay readable
    app.json.sort_keys = False  # schemas define the field order
    app.extensions["aftercare.settings"] = settings
    db = Database(settings.database_url)
    # Operations that need a setting (e.g. the repair passcode key) read it from their session.
    db.session_factory.configure(info={"aftercare.settings": settings})
    install_scoping(db.session_factory)
    app.extensions["aftercare.db"] = db
    from .reports.database import install_reports_database

    install_reports_database(app, settings)  # where reports read: a standby when configured

    api = Api(app, spec_kwargs={"info": {"description": "After-sales service management for mobile-phone service networks."}})
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"})
    install_openapi_conventions(api)  # decimals as decimal strings, with numeric bounds

    from sync.api import blp as sync_blp
    from sync.proxy import bp as sync_proxy_bp

    from .auth.api import blp as auth_blp, users_blp
    from .blobs.api import blp as blobs_blp
    from .core.api import blp as core_blp
    from .meta.api import blp as meta_blp, health_blp
    from .notes.api import blp as notes_blp
    from .org.api import blp as org_blp

    from .basedata.api import blueprints as basedata_blueprints
    from .exchange.api import blp as exchange_blp
    from .printing.api import blp as print_blp
    from .repair.api import blp as repair_blp
    from .reports.api import blp as reports_blp
    from .swap.api import blp as swap_blp
    from .stock.api import blueprints as stock_blueprints
    from .areas import modules as area_modules

    for blp in (health_blp, meta_blp, auth_blp, users_blp, org_blp, core_blp, notes_blp, blobs_blp, sync_blp,
                *basedata_blueprints(), *stock_blueprints(), repair_blp, exchange_blp, print_blp, reports_blp, swap_blp,
                *(b for m in area_modules("api") for b in m.blueprints)):
        api.register_blueprint(blp)
    # A plain blueprint: the proxy streams, and is not part of the REST API's OpenAPI document.
    app.register_blueprint(sync_proxy_bp)

    @app.route("/api/docs/assets/<path:filename>", endpoint="api_docs_assets")
    def _docs_assets(filename):
        return send_from_directory(str(swagger_ui_path), filename)

    from .web import install_pwa

    install_pwa(app)  # the PWA at "/" (after the API, so its routes never shadow one)

    install(app)
    check_every_route_is_marked(app)
    if settings.proxy_hops:
        # Behind reverse proxies the client's address is in X-Forwarded-For; the login throttle
        # counts per address. Trusted only for the configured hops: otherwise anyone could name one.
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.proxy_hops)
    return app
