"""The audit log and closed accounting periods."""

from __future__ import annotations


from sqlalchemy import select

from ..http import Blueprint, PageArgs, db_session, paginate, permission
from . import operations as ops
from .models import AuditLog, PeriodLock
from .schemas import AuditArgs, AuditPage, PeriodLockIn, PeriodLockOut, PeriodLockPage

blp = Blueprint("core", __name__, url_prefix="/api", description="Audit log and closed periods")


@blp.route("/audit-log", methods=["GET"])
@permission("audit.view")
@blp.arguments(AuditArgs, location="query")
@blp.response(200, AuditPage)
def audit_log(args):
    """Who did what to which record, newest first; switched sessions show both identities."""
    stmt = select(AuditLog).order_by(AuditLog.at.desc(), AuditLog.id.desc())
    for key in ("entity_type", "entity_id", "action", "user_id", "actor_id"):
        if args.get(key) is not None:
            stmt = stmt.where(getattr(AuditLog, key) == args[key])
    if args.get("since"):
        stmt = stmt.where(AuditLog.at >= args["since"])
    if args.get("until"):
        stmt = stmt.where(AuditLog.at < args["until"])
    return paginate(db_session(), stmt, args)


@blp.route("/periods", methods=["GET"])
@permission("period.view")
@blp.arguments(PageArgs, location="query")
@blp.response(200, PeriodLockPage)
def periods(args):
    """Closed periods per organisation: postings dated on or before ``closed_through`` are refused."""
    return paginate(db_session(), select(PeriodLock).order_by(PeriodLock.org_id), args)


@blp.route("/periods/<uuid:org_id>", methods=["PUT"])
@permission("period.manage")
@blp.arguments(PeriodLockIn)
@blp.response(200, PeriodLockOut)
def close_period(data, org_id):
    """Close an organisation's books through a date; a smaller date reopens (audited)."""
    session = db_session()
    lock = ops.set_closed_through(session, org_id, data["closed_through"])
    session.commit()
    return lock
