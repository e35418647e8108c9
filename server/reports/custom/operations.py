"""Saved custom reports: save, change, delete (the owner), list and read (whoever it reaches).

Who sees a saved report: its owner; everyone of the organisation it is shared with; the holders
of the role it is shared with, in the report's organisation — or everywhere when headquarters
saved it (headquarters designs reports for the network). A report out of reach reads as 404; one
in reach but not one's own is 403 to change. Every save and delete is audited.
"""

from __future__ import annotations

import uuid

from sqlalchemy import and_, false, or_, select
from sqlalchemy.orm import Session

from ...auth.principal import Principal, get_principal
from ...auth.permissions import ROLES
from ...core.operations import record_audit
from ...db import utcnow
from ...errors import Forbidden, InvalidInput, NotFound
from ...org.models import Organisation
from .models import SavedReport


def visible(p: Principal):
    """The criteria of the saved reports ``p`` may read."""
    if p.user_id is None:
        return false()
    hq_ids = select(Organisation.id).where(Organisation.kind == "hq")
    reach = [SavedReport.owner_id == p.user_id]
    if p.org_id is not None:
        reach.append(SavedReport.shared_org_id == p.org_id)
    if p.roles:
        reach.append(and_(SavedReport.shared_role.in_(sorted(p.roles)),
                          or_(SavedReport.org_id == p.org_id, SavedReport.org_id.in_(hq_ids))))
    return or_(*reach)


def list_saved(session: Session, source: str | None = None) -> list[SavedReport]:
    stmt = select(SavedReport).where(visible(get_principal(session))).order_by(SavedReport.name, SavedReport.id)
    if source:
        stmt = stmt.where(SavedReport.spec["source"].as_string() == source)
    return list(session.execute(stmt).scalars())


def get_saved(session: Session, report_id: uuid.UUID) -> SavedReport:
    report = session.execute(select(SavedReport).where(SavedReport.id == report_id,
                                                       visible(get_principal(session)))).scalar_one_or_none()
    if report is None:
        raise NotFound("no such saved report", {"report_id": ["not found"]})
    return report


def _check_share(session: Session, p: Principal, data: dict) -> None:
    org_id, role = data.get("shared_org_id"), data.get("shared_role")
    if role is not None and role not in ROLES:
        raise InvalidInput("shared_role", "no such role")
    if org_id is not None:
        if session.get(Organisation, org_id) is None:
            raise InvalidInput("shared_org_id", "no such organisation")
        if not p.sees_all and org_id != p.org_id:
            raise InvalidInput("shared_org_id", "a service point shares with its own organisation only")


def _unique_name(session: Session, owner_id: uuid.UUID, name: str, but: uuid.UUID | None = None) -> None:
    stmt = select(SavedReport.id).where(SavedReport.owner_id == owner_id, SavedReport.name == name)
    if but is not None:
        stmt = stmt.where(SavedReport.id != but)
    if session.execute(stmt).first() is not None:
        raise InvalidInput("name", "you have a saved report of this name")


def save_report(session: Session, data: dict) -> SavedReport:
    """A new saved report of the session's user. Writes: saved_report, audit_log."""
    p = get_principal(session)
    if p.user_id is None or p.org_id is None:
        raise Forbidden("only a user saves reports")
    _check_share(session, p, data)
    _unique_name(session, p.user_id, data["name"])
    report = SavedReport(owner_id=p.user_id, org_id=p.org_id, name=data["name"], spec=data["spec"],
                         shared_org_id=data.get("shared_org_id"), shared_role=data.get("shared_role"),
                         updated_by_id=p.actor_id or p.user_id)
    session.add(report)
    session.flush()
    record_audit(session, "saved_report.create", report, after=_audited(report))
    return report


def update_report(session: Session, report_id: uuid.UUID, data: dict) -> SavedReport:
    """Change one's own saved report (name, spec, sharing). Writes: saved_report, audit_log."""
    p = get_principal(session)
    report = _own(session, p, report_id)
    before = _audited(report)
    _check_share(session, p, {"shared_org_id": data.get("shared_org_id", report.shared_org_id),
                              "shared_role": data.get("shared_role", report.shared_role)})
    if "name" in data:
        _unique_name(session, report.owner_id, data["name"], but=report.id)
    for key in ("name", "spec", "shared_org_id", "shared_role"):
        if key in data:
            setattr(report, key, data[key])
    report.updated_by_id = p.actor_id or p.user_id
    report.updated_at = utcnow()
    session.flush()
    after = _audited(report)
    record_audit(session, "saved_report.update", report, before={k: v for k, v in before.items() if after[k] != v},
                 after={k: v for k, v in after.items() if before[k] != v})
    return report


def delete_report(session: Session, report_id: uuid.UUID) -> None:
    """Delete one's own saved report. Writes: saved_report, audit_log."""
    report = _own(session, get_principal(session), report_id)
    record_audit(session, "saved_report.delete", report, before=_audited(report))
    session.delete(report)
    session.flush()


def _own(session: Session, p: Principal, report_id: uuid.UUID) -> SavedReport:
    report = get_saved(session, report_id)
    if report.owner_id != p.user_id:
        raise Forbidden("only its owner changes a saved report", {"report_id": ["not yours"]})
    return report


def _audited(report: SavedReport) -> dict:
    return {"name": report.name, "spec": report.spec,
            "shared_org_id": str(report.shared_org_id) if report.shared_org_id else None,
            "shared_role": report.shared_role}
