"""The session reports read from: every report and export asks here, so where reports read is one decision."""
from __future__ import annotations

from sqlalchemy.orm import Session

from ..http import db_session


def read_session() -> Session:
    """A session for one report's reads, in one snapshot.

    On PostgreSQL the figures (one statement) and the details (another) are read from one snapshot,
    so every detail row falls in a group the subtotals know. SQLite's read transaction is one already.
    """
    session = db_session()
    if session.get_bind().dialect.name == "postgresql":
        session.commit()
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    return session
