"""The shortage register (缺料单, spec §9.10): repairs waiting for a part."""

from __future__ import annotations

import uuid
from decimal import Decimal

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from ..auth.principal import get_principal
from ..basedata.models import Engineer, Item, Warehouse
from ..core.operations import record_audit
from ..db import utcnow
from ..errors import InvalidInput, TransitionRefused
from ..notices.operations import notify_user
from .models import Shortage, StockBalance, StockLocation


def register_shortage(session: Session, *, org_id: uuid.UUID, item_id: uuid.UUID, quantity: Decimal,
                      engineer_id: uuid.UUID | None, reference: str = "", note: str = "") -> Shortage:
    """Register a repair waiting for a part. Writes: stock_shortage, audit_log."""
    if quantity <= 0:
        raise InvalidInput("quantity", "must be positive")
    if session.get(Item, item_id) is None:
        raise InvalidInput("item_id", "no such item")
    if engineer_id is not None:
        eng = session.get(Engineer, engineer_id)
        if eng is None or eng.org_id != org_id:
            raise InvalidInput("engineer_id", "no such engineer in this organisation")
    row = Shortage(org_id=org_id, item_id=item_id, quantity=quantity, engineer_id=engineer_id, reference=reference,
                   note=note, created_by_id=get_principal(session).user_id)
    session.add(row)
    session.flush()
    # Stock may already be there (e.g. in another good warehouse): say so at once.
    flag_ready(session, org_id, item_id)
    record_audit(session, "shortage.register", row, after={"item_id": str(item_id), "quantity": str(quantity), "reference": reference})
    return row


def close_shortage(session: Session, row: Shortage, status: str) -> Shortage:
    """Mark a shortage fulfilled (the part was drawn) or cancelled."""
    if row.status not in ("waiting", "ready"):
        raise TransitionRefused(f"the shortage is already {row.status}", {"status": [row.status]})
    before = row.status
    row.status = status
    row.closed_at = utcnow()
    session.flush()
    record_audit(session, f"shortage.{status}", row, before={"status": before}, after={"status": status})
    return row


def _good_on_hand(session: Session, org_id: uuid.UUID, item_id: uuid.UUID) -> Decimal:
    from .ledger import settle

    settle(session)
    return session.execute(
        select(func.coalesce(func.sum(StockBalance.quantity), 0))
        .join(StockLocation, StockLocation.id == StockBalance.location_id)
        .join(Warehouse, Warehouse.id == StockLocation.warehouse_id)
        .where(StockBalance.item_id == item_id, StockLocation.org_id == org_id, Warehouse.kind == "good")
        .execution_options(unscoped=True)).scalar_one()


def flag_ready(session: Session, org_id: uuid.UUID, item_id: uuid.UUID) -> list[Shortage]:
    """Oldest waiting shortages that good stock now covers become ready; their engineers are notified."""
    waiting = session.execute(
        select(Shortage).where(Shortage.org_id == org_id, Shortage.item_id == item_id, Shortage.status == "waiting")
        .order_by(Shortage.created_at, Shortage.id).execution_options(unscoped=True)).scalars().all()
    if not waiting:
        return []
    available = Decimal(_good_on_hand(session, org_id, item_id))
    reserved = Decimal(session.execute(
        select(func.coalesce(func.sum(Shortage.quantity), 0)).where(
            Shortage.org_id == org_id, Shortage.item_id == item_id, Shortage.status == "ready")
        .execution_options(unscoped=True)).scalar_one())
    available -= reserved
    flagged = []
    item = session.get(Item, item_id)
    for row in waiting:
        if row.quantity > available:
            break
        available -= row.quantity
        row.status = "ready"
        row.ready_at = utcnow()
        flagged.append(row)
        if row.engineer_id:
            eng = session.get(Engineer, row.engineer_id)
            if eng is not None and eng.user_id:
                notify_user(session, eng.user_id, org_id, "shortage.ready",
                            f"缺料到货 / Part arrived: {item.code} {item.name}",
                            f"{row.reference or ''} ×{row.quantity}".strip(), link=f"/workspace/shortages/{row.id}")
    session.flush()
    return flagged


_WAITING = select(Shortage.org_id, Shortage.item_id).where(
    Shortage.status == "waiting", Shortage.item_id.in_(bindparam("items", expanding=True)),
    Shortage.org_id.in_(bindparam("orgs", expanding=True))).distinct().execution_options(unscoped=True)


def flag_arrivals(session: Session, arrivals: list[tuple[StockLocation, uuid.UUID]]) -> None:
    """Called by the ledger after stock arrives at own locations: one query finds
    which arrivals anyone is waiting for, so posting stays fast when nobody is."""
    keys = {(loc.org_id, item_id) for loc, item_id in arrivals if loc.warehouse_id is not None}
    if not keys:
        return
    waiting = session.execute(_WAITING, {"items": list({k[1] for k in keys}), "orgs": list({k[0] for k in keys})}).all()
    for org_id, item_id in waiting:
        if (org_id, item_id) in keys:
            flag_ready(session, org_id, item_id)
