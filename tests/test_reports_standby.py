"""Reports on a read replica (issue 20 part 3): a real PostgreSQL hot standby of the test cluster.

The app's ERP database is a throwaway database of the local cluster; ``AFTERCARE_REPORTS_DATABASE_URL``
names the same database on a standby made by ``pg_basebackup -R`` (tests/pg_standby.py). Writes on
the primary reach the standby; a custom report and the dashboard run through the API read the
standby (with its replay paused they do not see a newer order; resumed, they do); a write through
the reports' session is refused. The replication lag is measured and printed (docs/reports.md).
"""

from __future__ import annotations

import pytest
from flask import g
from sqlalchemy import create_engine, insert
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from server.app import create_app
from server.migrate import upgrade
from server.org.models import Organisation
from server.reports.database import read_session, reports_database

from .conftest import make_settings
from .sample_docs import SAMPLE_TABLES, SampleBase
from .pg_standby import remove_standby, start_standby, wait_replayed
from .repair_fixtures import rw  # noqa: F401
from .stock_fixtures import imei, world  # noqa: F401
from .test_reports import take_in

RUN = "/api/reports/custom/run"
BY_POINT = {"source": "repair_orders", "groupings": [{"field": "org"}], "measures": [{"fn": "count"}]}


@pytest.fixture(scope="module")
def primary_url(pg_database):
    url = pg_database()
    upgrade(url)
    engine = create_engine(url)
    SampleBase.metadata.create_all(engine, tables=SAMPLE_TABLES)  # the conftest's clean empties them too
    engine.dispose()
    return url


@pytest.fixture(scope="module")
def standby(primary_url):
    node = start_standby(primary_url)
    try:
        yield node
    finally:
        remove_standby(node)


@pytest.fixture(scope="module")
def app(primary_url, standby, tmp_path_factory):
    """This module's app (the conftest's, on PostgreSQL only): reports read the standby."""
    replica = make_url(primary_url).set(host="127.0.0.1", port=standby.port).render_as_string(hide_password=False)
    application = create_app(make_settings(primary_url, tmp_path_factory.mktemp("var"), reports_database_url=replica))
    yield application
    reports_database(application).dispose()
    application.extensions["aftercare.db"].dispose()


def points(client, net) -> dict:
    r = client.post(RUN, json=BY_POINT, headers=net.headers("hq"))
    assert r.status_code == 200, r.json
    return {row["cells"][0]: row["cells"][1] for row in r.json["rows"] if row["type"] == "group"}


def open_orders(client, net) -> int:
    r = client.get("/api/reports/dashboard", headers=net.headers("hq"))
    assert r.status_code == 200, r.json
    return sum(s["count"] for s in r.json["open_by_state"])


def test_reports_read_the_standby(client, net, rw, primary_url, standby, app):
    database = make_url(primary_url).database
    take_in(client, net, rw, imei=imei(1))
    take_in(client, net, rw, imei=imei(2))
    lag = wait_replayed(primary_url, standby)
    print(f"\nstandby replay lag after a commit: {lag * 1000:.1f} ms")
    assert points(client, net) == {"SZ01 网点": 2}

    # Replay paused: the primary takes a third order, the reports (reading the standby) do not see it.
    standby.sql("SELECT pg_wal_replay_pause()")
    try:
        take_in(client, net, rw, imei=imei(3))
        assert points(client, net) == {"SZ01 网点": 2}
        assert open_orders(client, net) == 2  # the dashboard reads the standby too
    finally:
        standby.sql("SELECT pg_wal_replay_resume()")
    lag = wait_replayed(primary_url, standby)
    print(f"standby caught up {lag * 1000:.1f} ms after replay resumed")
    assert points(client, net) == {"SZ01 网点": 3}
    assert open_orders(client, net) == 3
    # Read straight from the standby, the database holds the three orders.
    assert standby.sql("SELECT count(*) FROM repair_order", database)[0][0] == 3


def test_a_write_through_the_reports_session_is_refused(client, net, app, standby):
    with app.test_request_context("/api/reports/custom/run"):
        from server.auth.principal import SYSTEM, set_principal
        from server.http import db_session

        g.principal = SYSTEM
        set_principal(db_session(), SYSTEM)
        session = read_session()
        assert session.get_bind().url.port == standby.port
        with pytest.raises(DBAPIError) as refused:
            session.execute(insert(Organisation).values(code="X1", name="X1", kind="service_point", level=1))
        assert refused.value.orig.sqlstate == "25006"  # read_only_sql_transaction
        session.rollback()
    # The standby refuses a write even outside a read-only transaction.
    with pytest.raises(Exception, match="read-only transaction"):
        standby.sql("CREATE TABLE nope (id int)")
