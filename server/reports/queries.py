"""The dashboard's numbers, organisation-scoped (the session's scoping plus the own point for a
service point), on SQLite and PostgreSQL alike: counts are grouped in SQL, durations and weeks
(in the business time zone) are worked out in Python from the rows of the period."""

from __future__ import annotations

import datetime as dt
import statistics
import uuid
from collections import defaultdict
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..auth.principal import get_principal
from ..basedata.models import Engineer
from ..org.models import Organisation
from ..repair import statemachine as sm
from ..repair.comebacks import comebacks_taken_in, repairs_in
from ..repair.models import RepairOrder

DEFAULT_WEEKS = 12
OPEN_STATES = (sm.PENDING_ACCEPTANCE, sm.PENDING_REPAIR, sm.PENDING_QC, sm.PENDING_PICKUP)


def monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def default_period(today: dt.date, since: dt.date | None, until: dt.date | None) -> tuple[dt.date, dt.date]:
    until = until or max(today, since or today)
    since = since or monday(until) - dt.timedelta(weeks=DEFAULT_WEEKS - 1)
    return since, until


def _bounds(since: dt.date, until: dt.date, tz: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """The period's first and after-last instants, in UTC."""
    start = dt.datetime.combine(since, dt.time(), tzinfo=tz).astimezone(dt.timezone.utc)
    end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), tzinfo=tz).astimezone(dt.timezone.utc)
    return start, end


def _days(a: dt.datetime, b: dt.datetime) -> float:
    return (b - a).total_seconds() / 86400


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def dashboard(session: Session, *, org_id: uuid.UUID | None, since: dt.date, until: dt.date, timezone: str) -> dict[str, Any]:
    principal = get_principal(session)
    if not principal.sees_all:
        # A service point: its own orders (not the ones a lower-level point forwarded to it).
        org_id = principal.org_id
    tz = ZoneInfo(timezone)
    start, end = _bounds(since, until, tz)

    def scoped(stmt, model=RepairOrder):
        return stmt.where(model.org_id == org_id) if org_id else stmt

    def week_of(moment: dt.datetime) -> dt.date:
        return monday(moment.astimezone(tz).date())

    # Orders taken in during the period: by state now, per week, per point.
    intake_rows = session.execute(scoped(
        select(RepairOrder.org_id, RepairOrder.state, RepairOrder.created_at)
        .where(RepairOrder.created_at >= start, RepairOrder.created_at < end))).all()
    by_state = {s: 0 for s in sm.STATES}
    for row in intake_rows:
        by_state[row.state] = by_state.get(row.state, 0) + 1
    open_counts = dict(session.execute(scoped(
        select(RepairOrder.state, func.count()).where(RepairOrder.state.in_(OPEN_STATES))
        .group_by(RepairOrder.state))).all())

    # Completed (picked up or exchanged) during the period: turnaround from intake.
    done_rows = session.execute(scoped(
        select(RepairOrder.org_id, RepairOrder.created_at, RepairOrder.picked_up_at, RepairOrder.unrepaired,
               RepairOrder.mode)
        .where(RepairOrder.picked_up_at.is_not(None), RepairOrder.picked_up_at >= start,
               RepairOrder.picked_up_at < end))).all()

    # Comebacks (the one rule, server/repair/comebacks.py): when devices came back, per week and
    # against the point of the repair; and which repairs picked up in the period came back.
    back_rows = comebacks_taken_in(session, start, end, org_id)
    repairs = repairs_in(session, start, end, org_id)

    weeks: dict[dt.date, dict[str, Any]] = {}
    w = monday(since)
    while w <= until:
        weeks[w] = {"week": w, "intake": 0, "completed": 0, "durations": [], "comebacks": 0}
        w += dt.timedelta(weeks=1)
    orgs: dict[uuid.UUID, dict[str, Any]] = defaultdict(lambda: {"intake": 0, "completed": 0, "durations": [], "comebacks": 0})
    for row in intake_rows:
        weeks[week_of(row.created_at)]["intake"] += 1
        orgs[row.org_id]["intake"] += 1
    durations = []
    for row in done_rows:
        d = _days(row.created_at, row.picked_up_at)
        durations.append(d)
        wk = weeks[week_of(row.picked_up_at)]
        wk["completed"] += 1
        wk["durations"].append(d)
        orgs[row.org_id]["completed"] += 1
        orgs[row.org_id]["durations"].append(d)
    engineers: dict[uuid.UUID | None, dict[str, Any]] = {}
    for row in back_rows:
        weeks[week_of(row.created_at)]["comebacks"] += 1
        orgs[row.org_id]["comebacks"] += 1

    # Comebacks per engineer: repairs picked up in the period and how many of them came back (ever).
    for r in repairs:
        e = engineers.setdefault(r.order.engineer_id, {"engineer_id": r.order.engineer_id, "repairs": 0, "comebacks": 0})
        e["repairs"] += 1
        e["comebacks"] += 1 if r.came_back else 0
    names = {e.id: e for e in session.execute(select(Engineer).where(
        Engineer.id.in_([k for k in engineers if k])).execution_options(unscoped=True)).scalars()} if engineers else {}
    org_names = {o.id: o for o in session.execute(select(Organisation).where(Organisation.id.in_(list(orgs)))
                                                  .execution_options(unscoped=True)).scalars()} if orgs else {}

    total_repairs = sum(e["repairs"] for e in engineers.values())
    total_came_back = sum(e["comebacks"] for e in engineers.values())
    rate = lambda n, d: round(n / d, 4) if d else 0.0  # noqa: E731
    label = lambda s: sm.STATE_LABELS.get(s, {"zh-CN": s, "en": s})  # noqa: E731
    return {
        "org_id": org_id, "since": since, "until": until, "timezone": timezone,
        "totals": {"intake": len(intake_rows), "open": sum(open_counts.values()), "completed": len(done_rows),
                   "median_days": _median(durations), "comebacks": len(back_rows), "repairs": total_repairs,
                   "comeback_rate": rate(total_came_back, total_repairs)},
        "by_state": [{"state": s, "label": label(s), "count": n} for s, n in by_state.items()],
        "open_by_state": [{"state": s, "label": label(s), "count": open_counts.get(s, 0)} for s in OPEN_STATES],
        "weeks": [{"week": w["week"], "intake": w["intake"], "completed": w["completed"],
                   "median_days": _median(w["durations"]), "comebacks": w["comebacks"]} for w in weeks.values()],
        "by_org": sorted(({"org_id": oid, "code": org_names[oid].code if oid in org_names else "",
                           "name": org_names[oid].name if oid in org_names else "", "intake": o["intake"],
                           "completed": o["completed"], "median_days": _median(o["durations"]),
                           "comebacks": o["comebacks"]} for oid, o in orgs.items()), key=lambda o: o["code"]),
        "comebacks_by_engineer": sorted(({"engineer_id": k, "code": names[k].code if k in names else None,
                                          "name": names[k].name if k in names else None, "repairs": e["repairs"],
                                          "comebacks": e["comebacks"], "rate": rate(e["comebacks"], e["repairs"])}
                                         for k, e in engineers.items()),
                                        key=lambda e: (-e["comebacks"], -e["repairs"], e["code"] or "")),
    }
