"""Reading transfers: lists (scoped by the session: a point sees its own requests and the orders to or
from it, headquarters all) and the answers' rows with the names a screen shows."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..auth.principal import get_principal
from ..basedata.models import Item, Warehouse
from ..org.models import Organisation
from . import machine
from .models import TransferOrder, TransferReceipt, TransferRequest

ZERO = Decimal("0")


def _names(session: Session, model, ids) -> dict:
    ids = {i for i in ids if i}
    if not ids:
        return {}
    # Names of the other side's warehouses and organisations: shown, never the records themselves.
    return {r.id: r for r in session.execute(select(model).where(model.id.in_(ids)).execution_options(unscoped=True)).scalars()}


def requests_query(args: dict):
    stmt = select(TransferRequest)
    if args.get("status"):
        stmt = stmt.where(TransferRequest.state == args["status"])
    if args.get("org_id"):
        stmt = stmt.where(TransferRequest.org_id == args["org_id"])
    if args.get("q"):
        stmt = stmt.where(TransferRequest.number.ilike(f"%{args['q']}%"))
    return stmt.order_by(TransferRequest.created_at.desc(), TransferRequest.id.desc())


def request_rows(session: Session, reqs) -> list[dict]:
    p = get_principal(session)
    orgs = _names(session, Organisation, {r.org_id for r in reqs})
    whs = _names(session, Warehouse, {r.warehouse_id for r in reqs})
    items = _names(session, Item, {l.item_id for r in reqs for l in r.lines})
    orders = {}
    if reqs:
        for o in session.execute(select(TransferOrder).where(TransferOrder.request_id.in_([r.id for r in reqs]),
                                                             TransferOrder.reverses_id.is_(None))
                                 .order_by(TransferOrder.created_at)).scalars():
            orders[o.request_id] = o
    out = []
    for r in reqs:
        o = orders.get(r.id)
        out.append({
            "id": r.id, "number": r.number, "state": r.state, "status": r.state, "doc_date": r.doc_date, "org_id": r.org_id,
            "org_name": orgs[r.org_id].name if r.org_id in orgs else "", "shared_org_id": r.shared_org_id,
            "warehouse_id": r.warehouse_id, "warehouse_name": whs[r.warehouse_id].name if r.warehouse_id in whs else "",
            "note": r.note, "decision_note": r.decision_note, "created_at": r.created_at, "submitted_at": r.submitted_at,
            "decided_at": r.decided_at, "quantity": sum((l.quantity for l in r.lines), ZERO),
            "order_id": o.id if o else None, "order_number": o.number if o else None,
            "actions": machine.request_actions(r.state, p.permissions),
            "lines": [{"id": l.id, "item_id": l.item_id, "item_code": items[l.item_id].code, "item_name": items[l.item_id].name,
                       "serialized": items[l.item_id].serialized,
                       "quantity": l.quantity, "approved_quantity": l.approved_quantity, "shortage_id": l.shortage_id,
                       "note": l.note} for l in r.lines],
        })
    return out


def orders_query(args: dict):
    stmt = select(TransferOrder).where(TransferOrder.reverses_id.is_(None))
    if args.get("stage"):
        stmt = stmt.where(TransferOrder.stage == args["stage"])
    if args.get("to_org_id"):
        stmt = stmt.where(TransferOrder.to_org_id == args["to_org_id"])
    if args.get("q"):
        stmt = stmt.where(or_(TransferOrder.number.ilike(f"%{args['q']}%"), TransferOrder.waybill.ilike(f"%{args['q']}%")))
    return stmt.order_by(TransferOrder.created_at.desc(), TransferOrder.id.desc())


def order_rows(session: Session, orders) -> list[dict]:
    p = get_principal(session)
    orgs = _names(session, Organisation, {o.org_id for o in orders} | {o.to_org_id for o in orders})
    whs = _names(session, Warehouse, {o.from_warehouse_id for o in orders} | {o.to_warehouse_id for o in orders})
    items = _names(session, Item, {l.item_id for o in orders for l in o.lines})
    ids = [o.id for o in orders]
    receipts, reversals, requests = {}, {}, {}
    if ids:
        for r in session.execute(select(TransferReceipt).where(TransferReceipt.order_id.in_(ids))
                                 .execution_options(unscoped=True)).scalars():
            receipts[r.order_id] = r
        for o in session.execute(select(TransferOrder).where(TransferOrder.reverses_id.in_(ids))
                                 .execution_options(unscoped=True)).scalars():
            reversals[o.reverses_id] = o
        req_ids = {o.request_id for o in orders if o.request_id}
        requests = _names(session, TransferRequest, req_ids)
    out = []
    for o in orders:
        rc = receipts.get(o.id)
        got = {l.order_line_id: l for l in rc.lines} if rc else {}
        req = requests.get(o.request_id)
        rev = reversals.get(o.id)
        actions = [] if o.reverses_id else machine.order_actions(o.stage, p.permissions)
        if "receive" in actions and not p.may_write_org(o.to_org_id):
            actions.remove("receive")
        if any(a in actions for a in ("edit", "issue", "reverse")) and not p.may_write_org(o.org_id):
            actions = [a for a in actions if a not in ("edit", "issue", "reverse")]
        out.append({
            "id": o.id, "number": o.number, "status": o.status, "stage": o.stage, "doc_date": o.doc_date, "org_id": o.org_id,
            "from_org_name": orgs[o.org_id].name if o.org_id in orgs else "", "from_warehouse_id": o.from_warehouse_id,
            "from_warehouse_name": whs[o.from_warehouse_id].name if o.from_warehouse_id in whs else "",
            "to_org_id": o.to_org_id, "to_org_name": orgs[o.to_org_id].name if o.to_org_id in orgs else "",
            "to_warehouse_id": o.to_warehouse_id, "to_warehouse_name": whs[o.to_warehouse_id].name if o.to_warehouse_id in whs else "",
            "settle": o.settle, "carrier": o.carrier, "waybill": o.waybill, "courier_party_id": o.courier_party_id,
            "note": o.note, "posted_at": o.posted_at, "received_at": o.received_at,
            "quantity": sum((l.quantity for l in o.lines), ZERO), "value": sum((l.value or ZERO for l in o.lines), ZERO),
            "request_id": o.request_id, "request_number": req.number if req else None,
            "receipt_id": rc.id if rc else None, "receipt_number": rc.number if rc else None,
            "reverses_id": o.reverses_id, "reversal_id": rev.id if rev else None, "actions": actions,
            "lines": [{"id": l.id, "item_id": l.item_id, "item_code": items[l.item_id].code, "item_name": items[l.item_id].name,
                       "serialized": items[l.item_id].serialized, "quantity": l.quantity, "serials": l.serials or [],
                       "transfer_price": l.transfer_price, "value": l.value,
                       "received": got[l.id].received if l.id in got else None,
                       "damaged": got[l.id].damaged if l.id in got else None,
                       "shortfall": got[l.id].shortfall if l.id in got else None,
                       "surplus": got[l.id].surplus if l.id in got else None, "note": l.note} for l in o.lines],
        })
    return out


def receipts_query(args: dict):
    stmt = select(TransferReceipt)
    if args.get("q"):
        stmt = stmt.where(TransferReceipt.number.ilike(f"%{args['q']}%"))
    return stmt.order_by(TransferReceipt.created_at.desc(), TransferReceipt.id.desc())


def receipt_rows(session: Session, receipts) -> list[dict]:
    orders = _names(session, TransferOrder, {r.order_id for r in receipts})
    orgs = _names(session, Organisation, {r.org_id for r in receipts} | {r.shared_org_id for r in receipts})
    items = _names(session, Item, {l.item_id for r in receipts for l in r.lines})
    out = []
    for r in receipts:
        o = orders.get(r.order_id)
        out.append({
            "id": r.id, "number": r.number, "status": r.status, "doc_date": r.doc_date, "org_id": r.org_id,
            "org_name": orgs[r.org_id].name if r.org_id in orgs else "", "order_id": r.order_id,
            "order_number": o.number if o else None,
            "from_org_name": orgs[r.shared_org_id].name if r.shared_org_id in orgs else "",
            "warehouse_id": r.warehouse_id, "defective_warehouse_id": r.defective_warehouse_id, "note": r.note,
            "posted_at": r.posted_at,
            "differences": sum(1 for l in r.lines if l.shortfall or l.surplus or l.damaged),
            "lines": [{**{k: getattr(l, k) for k in (
                "id", "order_line_id", "item_id", "sent", "received", "damaged", "shortfall", "surplus", "loss_rule",
                "damage_to", "received_value", "damaged_value", "shortfall_value", "surplus_value", "claim_amount",
                "settled_amount", "note")},
                "serials": l.serials or [], "damaged_serials": l.damaged_serials or [], "surplus_serials": l.surplus_serials or [],
                "item_code": items[l.item_id].code, "item_name": items[l.item_id].name} for l in r.lines],
        })
    return out
