"""Purchasing's use cases (spec §5): purchase orders and their machine, receipts against their
lines, returns against receipts, reversal. Operations flush and never commit.

Every posting against an order first touches the order's row (``_lock_order``): receipts and
returns of one order queue there, so the quantities checked are the quantities posted.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ..auth.principal import get_principal
from ..basedata.models import Item, Party, Warehouse
from ..basedata.text import normalise_imei
from ..core import lifecycle
from ..core import operations as core
from ..core.machine import acting_permissions
from ..core.models import snapshot
from ..db import utcnow
from ..errors import InvalidInput
from ..finance.operations import (Counterparty, CounterpartyLine, Source, post_counterparty_entries,
                                  reverse_entries_of)
from ..org.models import Organisation
from ..settings import Settings
from ..stock.ledger import MoveSpec, location_for, moves_of, post_moves, reversal_specs, serial_rule
from ..trade import pricing
from . import statemachine as sm
from .models import (PurchaseOrder, PurchaseOrderLine, PurchaseReceipt, PurchaseReceiptLine, PurchaseReturn,
                     PurchaseReturnLine)

# Who an order may be placed with (base-data party roles).
SUPPLIER_ROLES = ("supplier", "manufacturer")
ACTIVE = (lifecycle.POSTED, lifecycle.AUDITED)
MAX_LINES = 500


def tolerance(session: Session) -> Decimal:
    """The over-receipt tolerance, a fraction of each line's ordered quantity (setting, percent)."""
    settings = session.info.get("aftercare.settings") or Settings()
    return Decimal(settings.purchase_over_receipt_percent) / 100


# -- orders --------------------------------------------------------------------

def _party(session: Session, party_id, field: str = "party_id") -> Party:
    party = session.get(Party, party_id) if party_id else None
    if party is None or not party.active:
        raise InvalidInput(field, "no such active party")
    if not set(SUPPLIER_ROLES) & set(party.roles):
        raise InvalidInput(field, "must be a supplier or manufacturer")
    return party


def _warehouse(session: Session, warehouse_id, org_id, field: str = "warehouse_id") -> Warehouse:
    wh = session.get(Warehouse, warehouse_id) if warehouse_id else None
    if wh is None or wh.org_id != org_id:
        raise InvalidInput(field, "no such warehouse in the document's organisation")
    if not wh.active:
        raise InvalidInput(field, "the warehouse is deactivated")
    return wh


def _order_lines(session: Session, lines: list[dict]) -> list[PurchaseOrderLine]:
    """Checked, priced lines: the one money rule (``trade.pricing``) gives each its net, tax and gross."""
    if not lines:
        raise InvalidInput("lines", "at least one line is required")
    if len(lines) > MAX_LINES:
        raise InvalidInput("lines", f"at most {MAX_LINES} lines")
    out = []
    with session.no_autoflush:
        for n, line in enumerate(lines):
            item = session.get(Item, line.get("item_id")) if line.get("item_id") else None
            if item is None or not item.active:
                raise InvalidInput(f"lines.{n}.item_id", "no such active item")
            qty = pricing.check_quantity(line.get("quantity"), f"lines.{n}.quantity")
            price = pricing.check_price(line.get("unit_price"), f"lines.{n}.unit_price")
            rate = pricing.check_rate(line.get("tax_rate") or Decimal(0), f"lines.{n}.tax_rate")
            includes = bool(line.get("price_includes_tax", False))
            amounts = pricing.line_amounts(qty, price, tax_rate=rate, price_includes_tax=includes)
            out.append(PurchaseOrderLine(item_id=item.id, quantity=qty, unit_price=price, tax_rate=rate,
                                         price_includes_tax=includes, net=amounts.net, tax=amounts.tax,
                                         gross=amounts.gross, note=line.get("note") or "", sort_order=n))
    return out


def _set_totals(doc, lines) -> None:
    totals = pricing.total(pricing.LineAmounts(l.net, l.tax, l.gross) for l in lines)
    doc.net_total, doc.tax_total, doc.gross_total = totals.net, totals.tax, totals.gross


def create_order(session: Session, data: dict[str, Any]) -> PurchaseOrder:
    """A draft purchase order, numbered (CG-…) at once. Writes: purchase_order(_line), document_counter, audit_log."""
    p = get_principal(session)
    org_id = data.get("org_id") or p.org_id
    org = session.get(Organisation, org_id) if org_id else None
    if org is None:
        raise InvalidInput("org_id", "required")
    doc_date = data.get("doc_date") or dt.date.today()
    core.check_doc_date(session, doc_date)
    _party(session, data.get("party_id"))
    _warehouse(session, data.get("warehouse_id"), org.id)
    lines = _order_lines(session, data.get("lines") or [])
    order = PurchaseOrder(org_id=org.id, status=sm.DRAFT, doc_date=doc_date, party_id=data["party_id"],
                          warehouse_id=data["warehouse_id"], expected_date=data.get("expected_date"),
                          note=data.get("note") or "", created_by_id=p.user_id, lines=lines)
    _set_totals(order, lines)
    order.number = core.next_document_number(session, PurchaseOrder.DOC_TYPE, PurchaseOrder.NUMBER_PREFIX, org, doc_date)
    session.add(order)
    session.flush()
    core.record_audit(session, "purchase_order.create", order, after=_order_snapshot(order))
    return order


def _order_snapshot(order: PurchaseOrder) -> dict:
    out = snapshot(order)
    out["lines"] = [snapshot(l) for l in order.lines]
    return out


def update_order(session: Session, order: PurchaseOrder, data: dict[str, Any]) -> PurchaseOrder:
    """Change a draft (header fields, or all its lines). Writes: purchase_order(_line), audit_log."""
    sm.check(order.status, "edit", facts_of(session, order))
    if data.get("org_id") not in (None, order.org_id):
        raise InvalidInput("org_id", "an order keeps its organisation")
    before = _order_snapshot(order)
    if "doc_date" in data and data["doc_date"] is not None:
        core.check_doc_date(session, data["doc_date"])
        order.doc_date = data["doc_date"]
    if data.get("party_id") is not None:
        order.party_id = _party(session, data["party_id"]).id
    if data.get("warehouse_id") is not None:
        order.warehouse_id = _warehouse(session, data["warehouse_id"], order.org_id).id
    for name in ("expected_date", "note"):
        if name in data:
            setattr(order, name, data[name] if name != "note" else (data[name] or ""))
    if "lines" in data:
        order.lines = _order_lines(session, data["lines"] or [])
        _set_totals(order, order.lines)
    order.updated_at = utcnow()
    session.flush()
    b, a = core.diff_snapshots(before, _order_snapshot(order))
    core.record_audit(session, "purchase_order.edit", order, before=b, after=a)
    return order


def fire(session: Session, order: PurchaseOrder, event: str, reason: str = "") -> PurchaseOrder:
    """approve, close or cancel, by the machine. Writes: purchase_order, audit_log."""
    p = get_principal(session)
    if event not in ("approve", "close", "cancel"):
        raise InvalidInput("event", "unknown event")
    _lock_order(session, order)
    before = order.status
    order.status = sm.check(order.status, event, facts_of(session, order), acting_permissions(p))
    now = utcnow()
    if event == "approve":
        order.approved_at, order.approved_by_id = now, p.user_id
    else:
        order.closed_at, order.closed_by_id, order.close_reason = now, p.user_id, (reason or "")[:300]
    session.flush()
    core.record_audit(session, f"purchase_order.{event}", order, before={"status": before},
                      after={"status": order.status, **({"reason": reason} if reason else {})})
    return order


def _lock_order(session: Session, order: PurchaseOrder) -> None:
    """Queue on the order's row (PostgreSQL: its row lock; SQLite: the write lock) before reading what it received."""
    session.execute(update(PurchaseOrder).where(PurchaseOrder.id == order.id).values(updated_at=utcnow())
                    .execution_options(synchronize_session=False))


# -- what an order has received --------------------------------------------------

def received_by_line(session: Session, order_id: uuid.UUID, *, without: uuid.UUID | None = None) -> dict[uuid.UUID, Decimal]:
    """Per order line: received less returned, by posted documents that are not reversed (nor reversals).
    ``without``: leave that document out (the one being checked)."""
    out: dict[uuid.UUID, Decimal] = defaultdict(Decimal)
    for doc_cls, line_cls, sign in ((PurchaseReceipt, PurchaseReceiptLine, 1), (PurchaseReturn, PurchaseReturnLine, -1)):
        stmt = (select(line_cls.order_line_id, func.sum(line_cls.quantity))
                .join(doc_cls, doc_cls.id == line_cls.document_id)
                .where(doc_cls.order_id == order_id, doc_cls.status.in_(ACTIVE), doc_cls.reverses_id.is_(None))
                .group_by(line_cls.order_line_id).execution_options(unscoped=True))
        if without is not None:
            stmt = stmt.where(doc_cls.id != without)
        for line_id, qty in session.execute(stmt):
            out[line_id] += sign * qty
    return out


def facts_of(session: Session, order: PurchaseOrder, received: dict | None = None) -> sm.Facts:
    received = received_by_line(session, order.id) if received is None else received
    return sm.Facts(received_any=any(q > 0 for q in received.values()),
                    fully_received=bool(order.lines) and all(received.get(l.id, 0) >= l.quantity for l in order.lines))


def _follow(session: Session, order: PurchaseOrder, why: str) -> None:
    """The order's state after a posting changed what it received. Writes: purchase_order, audit_log."""
    before = order.status
    order.status = sm.state_for(order.status, facts_of(session, order))
    if order.status != before:
        session.flush()
        core.record_audit(session, f"purchase_order.{why}", order, before={"status": before}, after={"status": order.status})


# -- receipts --------------------------------------------------------------------

def _order_of(session: Session, order_id) -> PurchaseOrder:
    order = session.get(PurchaseOrder, order_id) if order_id else None
    if order is None:
        raise InvalidInput("order_id", "no such purchase order")
    return order


def _check_receiving(order: PurchaseOrder) -> None:
    if order.status not in sm.RECEIVING:
        raise InvalidInput("order_id", f"the order is {sm.STATE_LABELS[order.status]['en']}: it takes no receipts")


def _serials(line: dict) -> list[str]:
    return [normalise_imei(s) for s in line.get("serials") or []]


def _receipt_lines(session: Session, order: PurchaseOrder, lines: list[dict], *, final: bool,
                   without: uuid.UUID | None = None) -> list[PurchaseReceiptLine]:
    """Each line matched to its order line (``order_line_id``, else the first line of its item with
    quantity still to come), checked against what the order allows (ordered × (1 + tolerance) less what
    it has received) and priced at the order line's price. ``final``: posting (serials complete)."""
    if not lines:
        raise InvalidInput("lines", "at least one line is required")
    if len(lines) > MAX_LINES:
        raise InvalidInput("lines", f"at most {MAX_LINES} lines")
    by_id = {l.id: l for l in order.lines}
    received = received_by_line(session, order.id, without=without)
    tol = tolerance(session)
    taken: dict[uuid.UUID, Decimal] = defaultdict(Decimal)
    out = []
    for n, line in enumerate(lines):
        qty = pricing.check_quantity(line.get("quantity"), f"lines.{n}.quantity")
        ol = _match(order, by_id, received, taken, line, n)
        taken[ol.id] += qty
        allowed = ol.quantity * (1 + tol)
        if received.get(ol.id, 0) + taken[ol.id] > allowed:
            left = max(allowed - received.get(ol.id, 0) - (taken[ol.id] - qty), Decimal(0))
            raise InvalidInput(f"lines.{n}.quantity",
                               f"more than the order allows: ordered {_fmt(ol.quantity)}, "
                               f"received {_fmt(received.get(ol.id, 0))}, at most {_fmt(left)} more")
        serials = _serials(line)
        item = session.get(Item, ol.item_id)
        if serials or final or not item.serialized:
            problem = serial_rule(item.code, item.serialized, qty, serials)
            if problem is not None:
                raise InvalidInput(f"lines.{n}.serials", problem)
        a = pricing.line_amounts(qty, ol.unit_price, tax_rate=ol.tax_rate, price_includes_tax=ol.price_includes_tax)
        out.append(PurchaseReceiptLine(order_line_id=ol.id, item_id=ol.item_id,
                                       quantity=qty, serials=serials, net=a.net, tax=a.tax, gross=a.gross,
                                       note=line.get("note") or "", sort_order=n))
    return out


def _match(order, by_id, received, taken, line: dict, n: int) -> PurchaseOrderLine:
    if line.get("order_line_id"):
        ol = by_id.get(line["order_line_id"])
        if ol is None:
            raise InvalidInput(f"lines.{n}.order_line_id", "not a line of the order")
        if line.get("item_id") and line["item_id"] != ol.item_id:
            raise InvalidInput(f"lines.{n}.item_id", "not the order line's item")
        return ol
    same = [l for l in order.lines if l.item_id == line.get("item_id")]
    if not same:
        raise InvalidInput(f"lines.{n}.item_id", "not on the order")
    return next((l for l in same if received.get(l.id, 0) + taken[l.id] < l.quantity), same[0])


def _fmt(q: Decimal) -> str:
    return f"{Decimal(q).normalize():f}"


def create_receipt(session: Session, data: dict[str, Any]) -> PurchaseReceipt:
    """A draft receipt against an order (its supplier, organisation and warehouse; the lines at its
    prices). Writes: purchase_receipt(_line), audit_log."""
    order = _order_of(session, data.get("order_id"))
    _check_receiving(order)
    lines = _receipt_lines(session, order, data.get("lines") or [], final=False)
    doc = PurchaseReceipt(org_id=order.org_id, order_id=order.id, party_id=order.party_id,
                          warehouse_id=order.warehouse_id, doc_date=data.get("doc_date") or dt.date.today(),
                          note=data.get("note") or "", lines=lines)
    _set_totals(doc, lines)
    return core.create_document(session, doc)


def update_receipt(session: Session, doc: PurchaseReceipt, data: dict[str, Any]) -> PurchaseReceipt:
    if data.get("order_id") not in (None, doc.order_id):
        raise InvalidInput("order_id", "a draft keeps its order: make a new one for another")
    changes: dict[str, Any] = {k: data[k] for k in ("doc_date", "note") if k in data and data[k] is not None}
    if "lines" in data:
        order = _order_of(session, doc.order_id)
        changes["lines"] = _receipt_lines(session, order, data["lines"] or [], final=False, without=doc.id)
        totals = pricing.total(pricing.LineAmounts(l.net, l.tax, l.gross) for l in changes["lines"])
        changes.update(net_total=totals.net, tax_total=totals.tax, gross_total=totals.gross)
    return core.update_draft(session, doc, changes)


def post_receipt(session: Session, doc: PurchaseReceipt) -> PurchaseReceipt:
    """Post: the order is locked and checked again (open, within tolerance, every serial given), then
    the stock and the payable are written in one go and the order follows. Writes: purchase_receipt,
    document_counter, stock ledger, counterparty_entry, purchase_order, audit_log."""
    lifecycle.next_status(doc.doc_state, "post")
    order = _order_of(session, doc.order_id)
    _lock_order(session, order)
    session.refresh(order, ["status"])
    _check_receiving(order)
    sm.check(order.status, "receive", facts_of(session, order))
    as_input = [{"order_line_id": l.order_line_id, "quantity": l.quantity, "serials": list(l.serials or []), "note": l.note}
                for l in doc.lines]
    fresh = _receipt_lines(session, order, as_input, final=True, without=doc.id)
    for line, new in zip(doc.lines, fresh):  # the order's prices as of now (the draft's are the same: an approved order is fixed)
        line.net, line.tax, line.gross = new.net, new.tax, new.gross
    _set_totals(doc, doc.lines)
    core.post_document(session, doc)
    _follow(session, order, "receive")
    return doc


def write_receipt_ledgers(session: Session, doc: PurchaseReceipt) -> None:
    """The receipt's stock (supplier → warehouse, valued at the lines' net amounts, serials) and payable
    (the lines' gross amounts); a reversal writes the exact opposites of both."""
    src = Source.of(doc)
    if doc.reverses_id is not None:
        post_moves(session, reversal_specs(session, moves_of(session, doc.DOC_TYPE, doc.reverses_id)),
                   org_id=doc.org_id, doc_type=doc.DOC_TYPE, doc_id=doc.id, doc_date=doc.doc_date)
        reverse_entries_of(session, doc.DOC_TYPE, doc.reverses_id, src)
        return
    party = _party(session, doc.party_id)
    wh = _warehouse(session, doc.warehouse_id, doc.org_id)
    supplier = location_for(session, doc.org_id, "supplier", party_id=party.id, name=party.name)
    into = location_for(session, doc.org_id, "warehouse", warehouse=wh)
    post_moves(session, [MoveSpec(l.item_id, supplier, into, l.quantity, line_id=l.id, value=l.net,
                                  serials=list(l.serials or [])) for l in doc.lines],
               org_id=doc.org_id, doc_type=doc.DOC_TYPE, doc_id=doc.id, doc_date=doc.doc_date)
    payable = [CounterpartyLine(Counterparty.party(party.id), "payable", l.gross, line_id=l.id, memo=f"采购入库 {doc.number}")
               for l in doc.lines if l.gross != 0]
    if payable:
        post_counterparty_entries(session, src, payable)


def reverse_receipt(session: Session, doc: PurchaseReceipt, reason: str, on: dt.date | None = None) -> PurchaseReceipt:
    """红冲 a receipt: its stock leaves again and its payable is undone; refused while a return against
    it stands (reverse the return first). Writes: the reversal, its ledgers, purchase_order, audit_log."""
    order = _order_of(session, doc.order_id)
    _lock_order(session, order)
    standing = session.execute(select(PurchaseReturn.number).where(
        PurchaseReturn.receipt_id == doc.id, PurchaseReturn.status.in_(ACTIVE), PurchaseReturn.reverses_id.is_(None))
        .execution_options(unscoped=True)).scalars().first()
    if standing is not None:
        raise InvalidInput("returns", f"return {standing} stands against this receipt: reverse it first")
    reversal = core.reverse_document(session, doc, reason, on)
    _follow(session, order, "receipt_reversed")
    return reversal


# -- returns -------------------------------------------------------------------------

def _receipt_of(session: Session, receipt_id) -> PurchaseReceipt:
    doc = session.get(PurchaseReceipt, receipt_id) if receipt_id else None
    if doc is None:
        raise InvalidInput("receipt_id", "no such purchase receipt")
    if doc.status not in ACTIVE or doc.reverses_id is not None:
        raise InvalidInput("receipt_id", "only a posted receipt (not reversed) takes returns")
    return doc


def _returned_by_receipt_line(session: Session, receipt_id: uuid.UUID, without: uuid.UUID | None) -> dict:
    """Per receipt line: quantity, net, tax, gross and serials returned by standing returns."""
    stmt = (select(PurchaseReturnLine).join(PurchaseReturn, PurchaseReturn.id == PurchaseReturnLine.document_id)
            .where(PurchaseReturn.receipt_id == receipt_id, PurchaseReturn.status.in_(ACTIVE),
                   PurchaseReturn.reverses_id.is_(None)).execution_options(unscoped=True))
    if without is not None:
        stmt = stmt.where(PurchaseReturn.id != without)
    out: dict = defaultdict(lambda: {"quantity": Decimal(0), "net": Decimal(0), "tax": Decimal(0), "gross": Decimal(0),
                                     "serials": set()})
    for line in session.execute(stmt).scalars():
        row = out[line.receipt_line_id]
        for k in ("quantity", "net", "tax", "gross"):
            row[k] += getattr(line, k)
        row["serials"] |= set(line.serials or [])
    return out


def _return_lines(session: Session, receipt: PurchaseReceipt, lines: list[dict], *, final: bool,
                  without: uuid.UUID | None = None) -> list[PurchaseReturnLine]:
    """Each line matched to its receipt line (``receipt_line_id``, else the first of its item with
    something left to return); never more than received less returned; serials among those received
    and not returned. Priced at the order's price; the last units of a receipt line take what is left
    of its amounts, so a whole return undoes its payable to the cent."""
    if not lines:
        raise InvalidInput("lines", "at least one line is required")
    if len(lines) > MAX_LINES:
        raise InvalidInput("lines", f"at most {MAX_LINES} lines")
    returned = _returned_by_receipt_line(session, receipt.id, without)
    by_id = {l.id: l for l in receipt.lines}
    order_lines = {l.id: l for l in _order_of(session, receipt.order_id).lines}
    taken: dict = defaultdict(Decimal)
    out = []
    for n, line in enumerate(lines):
        qty = pricing.check_quantity(line.get("quantity"), f"lines.{n}.quantity")
        if line.get("receipt_line_id"):
            rl = by_id.get(line["receipt_line_id"])
            if rl is None:
                raise InvalidInput(f"lines.{n}.receipt_line_id", "not a line of the receipt")
        else:
            same = [l for l in receipt.lines if l.item_id == line.get("item_id")]
            if not same:
                raise InvalidInput(f"lines.{n}.item_id", "not on the receipt")
            rl = next((l for l in same if returned[l.id]["quantity"] + taken[l.id] < l.quantity), same[0])
        left = rl.quantity - returned[rl.id]["quantity"] - taken[rl.id]
        if qty > left:
            raise InvalidInput(f"lines.{n}.quantity",
                               f"more than was received: received {_fmt(rl.quantity)}, "
                               f"returned {_fmt(rl.quantity - left)}, at most {_fmt(left)} more")
        taken[rl.id] += qty
        serials = _serials(line)
        item = session.get(Item, rl.item_id)
        if serials or final or not item.serialized:
            problem = serial_rule(item.code, item.serialized, qty, serials)
            if problem is not None:
                raise InvalidInput(f"lines.{n}.serials", problem)
            for s in serials:
                if s not in (rl.serials or []) or s in returned[rl.id]["serials"]:
                    raise InvalidInput(f"lines.{n}.serials", f"{s} was not received on this line or is returned already")
        if qty == left:
            done = returned[rl.id]
            net, tax, gross = rl.net - done["net"], rl.tax - done["tax"], rl.gross - done["gross"]
        else:
            ol = order_lines[rl.order_line_id]
            a = pricing.line_amounts(qty, ol.unit_price, tax_rate=ol.tax_rate, price_includes_tax=ol.price_includes_tax)
            net, tax, gross = a.net, a.tax, a.gross
        for k, v in (("net", net), ("tax", tax), ("gross", gross)):
            returned[rl.id][k] += v  # a later line of this return on the same receipt line sees it
        out.append(PurchaseReturnLine(receipt_line_id=rl.id, order_line_id=rl.order_line_id, item_id=rl.item_id,
                                      quantity=qty, serials=serials, net=net, tax=tax, gross=gross,
                                      note=line.get("note") or "", sort_order=n))
    return out


def create_return(session: Session, data: dict[str, Any]) -> PurchaseReturn:
    """A draft return against a posted receipt. Writes: purchase_return(_line), audit_log."""
    receipt = _receipt_of(session, data.get("receipt_id"))
    lines = _return_lines(session, receipt, data.get("lines") or [], final=False)
    doc = PurchaseReturn(org_id=receipt.org_id, receipt_id=receipt.id, order_id=receipt.order_id,
                         party_id=receipt.party_id, warehouse_id=receipt.warehouse_id,
                         doc_date=data.get("doc_date") or dt.date.today(), note=data.get("note") or "", lines=lines)
    _set_totals(doc, lines)
    return core.create_document(session, doc)


def update_return(session: Session, doc: PurchaseReturn, data: dict[str, Any]) -> PurchaseReturn:
    if data.get("receipt_id") not in (None, doc.receipt_id):
        raise InvalidInput("receipt_id", "a draft keeps its receipt: make a new one for another")
    changes: dict[str, Any] = {k: data[k] for k in ("doc_date", "note") if k in data and data[k] is not None}
    if "lines" in data:
        receipt = _receipt_of(session, doc.receipt_id)
        changes["lines"] = _return_lines(session, receipt, data["lines"] or [], final=False, without=doc.id)
        totals = pricing.total(pricing.LineAmounts(l.net, l.tax, l.gross) for l in changes["lines"])
        changes.update(net_total=totals.net, tax_total=totals.tax, gross_total=totals.gross)
    return core.update_draft(session, doc, changes)


def post_return(session: Session, doc: PurchaseReturn) -> PurchaseReturn:
    """Post: checked again under the order's lock, then the stock leaves (serials must be in the
    warehouse) and the payable goes down. Writes: purchase_return, stock ledger, counterparty_entry,
    purchase_order, audit_log."""
    lifecycle.next_status(doc.doc_state, "post")
    order = _order_of(session, doc.order_id)
    _lock_order(session, order)
    receipt = _receipt_of(session, doc.receipt_id)
    as_input = [{"receipt_line_id": l.receipt_line_id, "quantity": l.quantity, "serials": list(l.serials or []),
                 "note": l.note} for l in doc.lines]
    fresh = _return_lines(session, receipt, as_input, final=True, without=doc.id)
    for line, new in zip(doc.lines, fresh):
        line.net, line.tax, line.gross = new.net, new.tax, new.gross
    _set_totals(doc, doc.lines)
    core.post_document(session, doc)
    _follow(session, order, "return")
    return doc


def write_return_ledgers(session: Session, doc: PurchaseReturn) -> None:
    """The return's stock (warehouse → supplier, at the average cost) and the payable down by its
    gross amounts; a reversal writes the exact opposites."""
    src = Source.of(doc)
    if doc.reverses_id is not None:
        post_moves(session, reversal_specs(session, moves_of(session, doc.DOC_TYPE, doc.reverses_id)),
                   org_id=doc.org_id, doc_type=doc.DOC_TYPE, doc_id=doc.id, doc_date=doc.doc_date)
        reverse_entries_of(session, doc.DOC_TYPE, doc.reverses_id, src)
        return
    party = session.get(Party, doc.party_id)
    wh = _warehouse(session, doc.warehouse_id, doc.org_id)
    supplier = location_for(session, doc.org_id, "supplier", party_id=party.id, name=party.name)
    out_of = location_for(session, doc.org_id, "warehouse", warehouse=wh)
    post_moves(session, [MoveSpec(l.item_id, out_of, supplier, l.quantity, line_id=l.id, serials=list(l.serials or []))
                         for l in doc.lines],
               org_id=doc.org_id, doc_type=doc.DOC_TYPE, doc_id=doc.id, doc_date=doc.doc_date)
    payable = [CounterpartyLine(Counterparty.party(party.id), "payable", -l.gross, line_id=l.id, memo=f"采购退货 {doc.number}")
               for l in doc.lines if l.gross != 0]
    if payable:
        post_counterparty_entries(session, src, payable)


def reverse_return(session: Session, doc: PurchaseReturn, reason: str, on: dt.date | None = None) -> PurchaseReturn:
    """红冲 a return: the goods come back in at the value they left with, the payable goes up again."""
    order = _order_of(session, doc.order_id)
    _lock_order(session, order)
    reversal = core.reverse_document(session, doc, reason, on)
    _follow(session, order, "return_reversed")
    return reversal


def delete_draft(session: Session, doc) -> None:
    core.delete_draft(session, doc)

