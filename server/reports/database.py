"""The session reports read from: every report and export asks here, so where reports read is one decision.

With ``AFTERCARE_REPORTS_DATABASE_URL`` set (a PostgreSQL hot standby in production), reports read
from that database: one engine per app, pooled, made at start-up, its sessions scoped like the ERP
database's (the same organisation criteria, the request's principal). Writes stay on the ERP
database (an export's audit row goes through ``db_session()``). Without it, reports read the ERP
database itself.
"""
from __future__ import annotations

from flask import Flask, current_app
from sqlalchemy.orm import Session, scoped_session, sessionmaker

from ..auth.principal import Principal, get_principal, set_principal
from ..db import make_engine
from ..http import db_session

KEY = "aftercare.reports_db"


class ReportsDatabase:
    """The reports' own engine and scoped sessions (one per app)."""

    def __init__(self, url: str, info: dict):
        from ..org.scoping import install_scoping

        self.engine = make_engine(url)
        self.session_factory = sessionmaker(bind=self.engine, expire_on_commit=False, info=info)
        install_scoping(self.session_factory)
        self.session = scoped_session(self.session_factory)

    def dispose(self) -> None:
        self.session.remove()
        self.engine.dispose()


def install_reports_database(app: Flask, settings) -> None:
    """Give the app its reports database when one is configured; its request sessions end with the request."""
    if not settings.reports_database_url:
        return
    reports = ReportsDatabase(settings.reports_database_url, {"aftercare.settings": settings})
    app.extensions[KEY] = reports

    @app.teardown_appcontext
    def _remove_reports_session(_exc):
        reports.session.remove()


def reports_database(app: Flask | None = None) -> ReportsDatabase | None:
    return (app or current_app).extensions.get(KEY)


def read_session(principal: Principal | None = None) -> Session:
    """A session for one report's reads, in one snapshot, acting for ``principal`` (default: the request's).

    On PostgreSQL the figures (one statement) and the details (another) are read from one snapshot,
    so every detail row falls in a group the subtotals know. SQLite's read transaction is one already.
    On the reports database the transaction is read-only as well: a report never writes, and a
    standby would refuse it anyway.
    """
    reports = reports_database()
    if reports is None:
        session = db_session()
        if principal is not None:
            set_principal(session, principal)
        options = {}
    else:
        session = reports.session()
        set_principal(session, principal or get_principal(db_session()))
        options = {"postgresql_readonly": True}
    if session.get_bind().dialect.name == "postgresql":
        session.commit()
        session.connection(execution_options={"isolation_level": "REPEATABLE READ", **options})
    return session
