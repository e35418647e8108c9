"""The sync side's REST face: the event schemas for the PWA."""

from __future__ import annotations

from server.http import Blueprint, authenticated

from . import schemas

blp = Blueprint("sync", __name__, url_prefix="/api/sync", description="Offline sync: event schemas")


@blp.route("/schemas", methods=["GET"])
@authenticated
@blp.response(200)
def event_schemas():
    """The envelope and one JSON Schema per event type (draft 2020-12): the PWA validates before it saves."""
    return schemas.export()
