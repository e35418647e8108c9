"""Organisations: headquarters and the service-point hierarchy."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.models import snapshot
from ..core.operations import diff_snapshots, record_audit
from ..errors import InvalidInput
from .models import Organisation


def _check_parent(session: Session, org: Organisation, parent_id: uuid.UUID | None) -> None:
    if parent_id is None:
        return
    if org.kind == "hq":
        raise InvalidInput("parent_id", "headquarters has no parent")
    parent = session.get(Organisation, parent_id)
    if parent is None:
        raise InvalidInput("parent_id", "no such organisation")
    if parent.kind != "service_point":
        raise InvalidInput("parent_id", "must be a service point (leave empty to report to headquarters)")
    if parent.level >= org.level:
        raise InvalidInput("parent_id", f"must be a higher-level point (level below {org.level})")
    seen = {org.id}
    cursor: Organisation | None = parent
    while cursor is not None:
        if cursor.id in seen:
            raise InvalidInput("parent_id", "would make a cycle")
        seen.add(cursor.id)
        cursor = session.get(Organisation, cursor.parent_id) if cursor.parent_id else None


def create_organisation(session: Session, data: dict[str, Any]) -> Organisation:
    """Add headquarters (once) or a service point. Writes: organisation, audit_log."""
    code = data["code"].strip().upper()
    if session.execute(select(Organisation.id).where(Organisation.code == code)).first():
        raise InvalidInput("code", "already used by another organisation")
    kind = data.get("kind", "service_point")
    if kind == "hq":
        if session.execute(select(Organisation.id).where(Organisation.kind == "hq")).first():
            raise InvalidInput("kind", "there is already a headquarters")
        data = {**data, "level": 0}
    elif data.get("level", 1) < 1:
        raise InvalidInput("level", "service points start at level 1")
    org = Organisation(
        code=code, name=data["name"].strip(), kind=kind, level=data.get("level", 1),
        address=data.get("address", ""), contact_name=data.get("contact_name", ""),
        contact_phone=data.get("contact_phone", ""), active=data.get("active", True),
    )
    _check_parent(session, org, data.get("parent_id"))
    org.parent_id = data.get("parent_id")
    session.add(org)
    session.flush()
    record_audit(session, "organisation.create", org, org_id=org.id, after=snapshot(org))
    return org


def update_organisation(session: Session, org: Organisation, changes: dict[str, Any]) -> Organisation:
    """Change a service point's details, level or parent. Writes: organisation, audit_log."""
    before = snapshot(org)
    if "level" in changes:
        if org.kind == "hq" and changes["level"] != 0:
            raise InvalidInput("level", "headquarters is level 0")
        if org.kind != "hq" and changes["level"] < 1:
            raise InvalidInput("level", "service points start at level 1")
        org.level = changes["level"]
    if "parent_id" in changes or "level" in changes:
        _check_parent(session, org, changes.get("parent_id", org.parent_id))
        org.parent_id = changes.get("parent_id", org.parent_id)
        children = session.execute(select(Organisation).where(Organisation.parent_id == org.id)).scalars()
        for child in children:
            if child.level <= org.level:
                raise InvalidInput("level", f"{child.code} reports to this point and is level {child.level}")
    if changes.get("active") is False and org.kind == "hq":
        raise InvalidInput("active", "headquarters cannot be deactivated")
    for key in ("name", "address", "contact_name", "contact_phone", "active"):
        if key in changes:
            setattr(org, key, changes[key].strip() if isinstance(changes[key], str) else changes[key])
    session.flush()
    b, a = diff_snapshots(before, snapshot(org))
    record_audit(session, "organisation.update", org, org_id=org.id, before=b, after=a)
    return org
