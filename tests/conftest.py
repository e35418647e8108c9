"""Test fixtures: every database test runs on SQLite and on PostgreSQL.

PostgreSQL comes from AFTERCARE_TEST_PG_URL (default: the local server as
user postgres). Each run creates throwaway databases and drops them at the
end. A missing PostgreSQL fails the run; it is never skipped.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass, field

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from server.app import create_app
from server.auth.models import User, UserRole
from server.auth.passwords import hash_password
from server.auth.tokens import issue_access_token
from server.db import APPEND_ONLY_TABLES, Base, append_only_ddl, unit_of_work
from server.http import system_session
from server.migrate import upgrade
from server.models import metadata as _all_models  # noqa: F401 - every table, for cleaning
from server.org.models import Organisation
from server.settings import Settings

from .sample_docs import SAMPLE_TABLES, SampleBase

COUCH_USER = "aftercare"
COUCH_PASSWORD = "couch-" + uuid.uuid4().hex
PG_ADMIN_URL = os.environ.get("AFTERCARE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
TEST_SECRET = "test-secret-" + uuid.uuid4().hex + uuid.uuid4().hex
PASSWORD = "correct-horse-42"


@pytest.fixture(scope="session")
def pg_database():
    """A factory of throwaway PostgreSQL databases, all dropped at the end."""
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect():
            pass
    except Exception as exc:  # noqa: BLE001
        pytest.fail(f"PostgreSQL is required for the test suite ({PG_ADMIN_URL}): {exc}", pytrace=False)
    created: list[str] = []

    def make() -> str:
        name = f"aftercare_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        created.append(name)
        return make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)

    yield make
    with admin.connect() as conn:
        for name in created:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def fresh_database_url(tmp_path_factory, pg_database):
    """Make an empty database of the given backend."""

    def make(backend: str) -> str:
        if backend == "sqlite":
            return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        return pg_database()

    return make


def make_settings(database_url: str, tmp_path, **overrides) -> Settings:
    values = dict(database_url=database_url, var_dir=str(tmp_path), jwt_secret=TEST_SECRET,
                  password_hash_cost="fast", login_free_failures=3, login_max_delay_minutes=10)
    values.update(overrides)
    return Settings(**values).resolved()


@pytest.fixture(scope="session")
def couch_store(tmp_path_factory):
    """The embedded sync store (pouchdb-server, in memory, on a free port) for the whole run."""
    from sync.store import start_store

    store = start_store(user=COUCH_USER, password=COUCH_PASSWORD, workdir=tmp_path_factory.mktemp("couch"),
                        in_memory=True)
    yield store
    store.stop()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def backend(request):
    return request.param


@pytest.fixture(scope="session")
def app(backend, fresh_database_url, tmp_path_factory, couch_store):
    url = fresh_database_url(backend)
    upgrade(url)
    application = create_app(make_settings(url, tmp_path_factory.mktemp("var"), couchdb_url=couch_store.url,
                                           couchdb_user=COUCH_USER, couchdb_password=COUCH_PASSWORD))
    db = application.extensions["aftercare.db"]
    SampleBase.metadata.create_all(db.engine, tables=SAMPLE_TABLES)
    yield application
    db.dispose()


ALL_TABLES = list(reversed(Base.metadata.sorted_tables))


@pytest.fixture
def clean(app):
    """Empty every table before the test (the schema stays)."""
    db = app.extensions["aftercare.db"]
    db.session.remove()
    with db.engine.begin() as conn:
        # Ledger tables refuse DELETE by trigger; the test suite steps around
        # the guard (PostgreSQL: replica role skips triggers; SQLite: drop and
        # recreate them) and nothing else may.
        dialect = conn.dialect.name
        if dialect == "postgresql":
            conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
        else:
            for table in APPEND_ONLY_TABLES:
                for stmt in append_only_ddl(table, dialect)[1]:
                    conn.exec_driver_sql(stmt)
        for table in list(reversed(SAMPLE_TABLES)) + ALL_TABLES:
            conn.execute(table.delete())
        if dialect != "postgresql":
            for table in APPEND_ONLY_TABLES:
                for stmt in append_only_ddl(table, dialect)[0]:
                    conn.exec_driver_sql(stmt)
    yield
    db.session.remove()


@pytest.fixture
def client(app, clean):
    return app.test_client()


@dataclass
class Network:
    """Headquarters, SZ01 (level 1), SZ02 (level 2, reports to SZ01), GZ01, and users."""

    app: object
    orgs: dict[str, Organisation] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)

    def session(self):
        return system_session(self.app, "test")

    def add_org(self, code: str, kind: str = "service_point", level: int = 1, parent: str | None = None) -> Organisation:
        session = self.session()
        with unit_of_work(session):
            org = Organisation(code=code, name=f"{code} 网点", kind=kind, level=level,
                               parent_id=self.orgs[parent].id if parent else None)
            session.add(org)
        session.close()
        self.orgs[code] = org
        return org

    def add_user(self, username: str, org: str, roles: list[str], password: str | None = None, active: bool = True) -> User:
        session = self.session()
        with unit_of_work(session):
            user = User(username=username, full_name=username.title(), org_id=self.orgs[org].id, active=active,
                        password_hash=hash_password(password, "fast") if password else "!unusable",
                        role_rows=[UserRole(role=r) for r in roles])
            session.add(user)
        session.close()
        self.users[username] = user
        return user

    def token(self, username: str, acting_for: str | None = None) -> str:
        settings = self.app.extensions["aftercare.settings"]
        actor = self.users[acting_for].id if acting_for else None
        return issue_access_token(settings, self.users[username].id, actor)[0]

    def headers(self, username: str, acting_for: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(username, acting_for)}"}


@pytest.fixture
def net(app, clean) -> Network:
    n = Network(app)
    n.add_org("HQ", kind="hq", level=0)
    n.add_org("SZ01")
    n.add_org("SZ02", level=2, parent="SZ01")
    n.add_org("GZ01")
    n.add_user("admin", "HQ", ["admin"])
    n.add_user("hq", "HQ", ["hq_manager"])
    n.add_user("sz01.manager", "SZ01", ["sp_manager"])
    n.add_user("sz01.clerk", "SZ01", ["clerk"])
    n.add_user("sz01.finance", "SZ01", ["finance"])
    n.add_user("gz01.manager", "GZ01", ["sp_manager"])
    n.add_user("gz01.clerk", "GZ01", ["clerk"])
    return n


def row_counts(app) -> dict[str, int]:
    """Rows per table: 'changes nothing' checks compare two of these."""
    db = app.extensions["aftercare.db"]
    out = {}
    with db.engine.connect() as conn:
        for table in ALL_TABLES + SAMPLE_TABLES:
            out[table.name] = conn.execute(text(f'SELECT count(*) FROM "{table.name}"')).scalar_one()
    return out
