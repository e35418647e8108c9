"""Health, version (spec §15.2) and the shared catalogues the PWA reads."""

from __future__ import annotations

import marshmallow as ma

from sqlalchemy import text

from .. import __version__
from ..auth.permissions import GRANTS, PERMISSIONS, ROLES
from ..core import lifecycle
from ..http import Blueprint, Schema, authenticated, db_session, principal, public

blp = Blueprint("meta", __name__, url_prefix="/api/meta", description="Version and shared catalogues")
health_blp = Blueprint("health", __name__, description="Liveness")


class VersionOut(Schema):
    name = ma.fields.String()
    version = ma.fields.String()
    api = ma.fields.String()


class HealthOut(Schema):
    status = ma.fields.String()
    database = ma.fields.String()


@health_blp.route("/healthz", methods=["GET"])
@public
@health_blp.response(200, HealthOut)
def healthz():
    db_session().execute(text("SELECT 1"))
    return {"status": "ok", "database": "ok"}


@blp.route("/version", methods=["GET"])
@public
@blp.response(200, VersionOut)
def version():
    return {"name": "Aftercare", "version": __version__, "api": "1"}


@blp.route("/permissions", methods=["GET"])
@authenticated
@blp.response(200)
def permissions():
    """Roles, permissions and grants: the catalogue the PWA builds menus from."""
    return {"roles": ROLES, "permissions": PERMISSIONS, "grants": {r: sorted(p) for r, p in GRANTS.items()}}


@blp.route("/lifecycle", methods=["GET"])
@authenticated
@blp.response(200)
def document_lifecycle():
    """Document statuses and allowed transitions, shared with the PWA."""
    return lifecycle.export()


@blp.route("/documents", methods=["GET"])
@authenticated
@blp.response(200)
def documents():
    """The document workspace's metadata for this user: every document type and base-data kind they
    may see — fields, lines, list, states, the actions their permissions allow, ledgers, print forms
    (``server.meta.documents``)."""
    from flask import current_app

    from .documents import export

    return export(current_app, principal())
