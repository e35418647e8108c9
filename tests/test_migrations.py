"""Migrations: an empty database migrates to head, and models and migrations agree."""

from __future__ import annotations

import re

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from server.db import make_engine
from server.migrate import MIGRATIONS, upgrade
from server.models import metadata


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_empty_database_migrates_to_head_without_drift(kind, fresh_database_url):
    url = fresh_database_url(kind)
    upgrade(url)
    upgrade(url)  # idempotent at head
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(ctx, metadata)
            assert diff == [], diff
            tables = set(inspect(conn).get_table_names())
        assert set(metadata.tables) <= tables
    finally:
        engine.dispose()


def test_migration_files_are_date_prefixed():
    files = [p.name for p in (MIGRATIONS / "versions").glob("*.py")]
    assert files
    for name in files:
        assert re.match(r"^\d{8}_[a-z0-9_]+_[0-9a-f]{12}\.py$", name), name
