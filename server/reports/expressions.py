"""SQL expressions the reports declare that each backend writes its own way (SQLAlchemy constructs,
compiled per dialect; no SQL text from outside reaches them)."""

from __future__ import annotations

from sqlalchemy import Numeric, Uuid
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class days_between(FunctionElement):  # noqa: N801 - reads as the SQL function it stands for
    """Days (with fractions) from the first datetime to the second."""

    type = Numeric()
    inherit_cache = True
    name = "days_between"


@compiles(days_between, "postgresql")
def _days_pg(element, compiler, **kw):
    start, end = list(element.clauses)
    return f"(EXTRACT(EPOCH FROM ({compiler.process(end, **kw)} - {compiler.process(start, **kw)})) / 86400.0)"


@compiles(days_between)
def _days_sqlite(element, compiler, **kw):
    start, end = list(element.clauses)
    return f"(julianday({compiler.process(end, **kw)}) - julianday({compiler.process(start, **kw)}))"


class json_uuid(FunctionElement):  # noqa: N801
    """A UUID written as text inside a JSON document (``"0190…-…"``), comparable with an id column:
    PostgreSQL casts it, SQLite stores ids as 32 hex digits and drops the dashes."""

    type = Uuid()
    inherit_cache = True
    name = "json_uuid"


@compiles(json_uuid, "postgresql")
def _uuid_pg(element, compiler, **kw):
    return f"CAST({compiler.process(list(element.clauses)[0], **kw)} AS UUID)"


@compiles(json_uuid)
def _uuid_sqlite(element, compiler, **kw):
    return f"replace({compiler.process(list(element.clauses)[0], **kw)}, '-', '')"
