"""返修 Comebacks and first-time fix: the one rule, used by GET /api/repair/comebacks, the dashboard
and the first-time-fix report (its registry fields are these expressions).

- A **repair** is an order picked up repaired: not returned unrepaired, not a factory order
  (mode D, the manufacturer repairs it). It counts in the period it was picked up.
- A **comeback** is a later order of the same device naming it (``comeback_of_id``, set at intake
  when the device returns within ``AFTERCARE_REPAIR_COMEBACK_DAYS`` of its pickup, at any point).
- A repair **came back** if at least one comeback names it; it is counted once however often the
  device returned. **First-time fix** = repairs that did not come back. Rates are per repair.
- The repair is the reader's (scoped); the comeback may be at any point of the network, so it is
  read unscoped (it counts against the engineer who did the repair, wherever the device returns).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import Session

from .models import RepairOrder

FACTORY_MODE = "D"


def is_repair(order=RepairOrder):
    """The orders that count as repairs (the rule's denominator)."""
    return and_(order.picked_up_at.is_not(None), order.unrepaired.is_(False), order.mode != FACTORY_MODE)


def came_back(order=RepairOrder):
    """True when a later order names this one as the repair it comes back from. The later order is a
    Core alias, outside the session's scoping on purpose (it may be at another point)."""
    later = RepairOrder.__table__.alias("comeback")
    return exists(select(later.c.id).where(later.c.comeback_of_id == order.id))


@dataclass
class Repair:
    order: RepairOrder
    comebacks: list[Any] = field(default_factory=list)  # rows: id, number, created_at, org_id

    @property
    def came_back(self) -> bool:
        return bool(self.comebacks)


def repairs_in(session: Session, start: dt.datetime | None, end: dt.datetime | None,
               org_id: uuid.UUID | None = None) -> list[Repair]:
    """The repairs picked up in ``[start, end)`` (UTC instants; None: open), of ``org_id`` when
    given, each with the orders that came back from it."""
    stmt = select(RepairOrder).where(is_repair())
    if start is not None:
        stmt = stmt.where(RepairOrder.picked_up_at >= start)
    if end is not None:
        stmt = stmt.where(RepairOrder.picked_up_at < end)
    if org_id is not None:
        stmt = stmt.where(RepairOrder.org_id == org_id)
    repairs = [Repair(o) for o in session.execute(stmt.order_by(RepairOrder.picked_up_at)).scalars()]
    if repairs:
        later = RepairOrder.__table__.alias("comeback")
        by_id = {r.order.id: r for r in repairs}
        ids = list(by_id)
        for i in range(0, len(ids), 1000):
            for row in session.execute(
                    select(later.c.id, later.c.number, later.c.created_at, later.c.comeback_of_id, later.c.org_id)
                    .where(later.c.comeback_of_id.in_(ids[i:i + 1000])).order_by(later.c.created_at)):
                by_id[row.comeback_of_id].comebacks.append(row)
    return repairs


def comebacks_taken_in(session: Session, start: dt.datetime, end: dt.datetime,
                       org_id: uuid.UUID | None = None) -> list[Any]:
    """The comebacks taken in during ``[start, end)`` (any point), each with the point and engineer
    of the repair it comes back from (the reader's repairs, of ``org_id`` when given): when devices
    came back, where :func:`repairs_in` says which repairs did."""
    later = RepairOrder.__table__.alias("comeback")
    stmt = (select(later.c.created_at, RepairOrder.org_id, RepairOrder.engineer_id)
            .join(later, later.c.comeback_of_id == RepairOrder.id)
            .where(is_repair(), later.c.created_at >= start, later.c.created_at < end))
    if org_id is not None:
        stmt = stmt.where(RepairOrder.org_id == org_id)
    return list(session.execute(stmt).all())
