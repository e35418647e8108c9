"""Databases in the store: one per active service point plus master data, readable only by the server."""

from __future__ import annotations

from sqlalchemy.orm import Session

from server.outbox.operations import MASTER_DB

from .client import CouchClient
from .worker import service_point_dbs


def security_for(user: str) -> dict:
    """Only the server's account is a member; devices reach the data through the sync proxy."""
    return {"admins": {"names": [], "roles": ["_admin"]}, "members": {"names": [user], "roles": ["_admin"]}}


def provision(session: Session, client: CouchClient, user: str) -> list[tuple[str, str]]:
    """Create missing databases and set their ``_security``; idempotent. Returns (db, what happened)."""
    out = []
    wanted = security_for(user)
    for db in [MASTER_DB, *sorted(service_point_dbs(session))]:
        created = client.create_db(db)
        security = client.get_security(db)
        if security != wanted:
            client.put_security(db, wanted)
        out.append((db, "created" if created else ("secured" if security != wanted else "unchanged")))
    return out
