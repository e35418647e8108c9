"""Wholesale operations (spec §6): sales orders, deliveries, sales returns, their reversal.

Money comes from ``server.trade.pricing`` only: a line's net, tax and gross from its quantity,
price, discount and tax rate. A part of a line (a partial delivery, a partial return) is priced by the
same rule, and the part that takes what is left of the line takes exactly the rest, so the parts
add up to the whole to the cent (a line delivered in three parts bills what the order said).

Operations flush and never commit; the view commits once.
"""

from __future__ import annotations

from ..core.machine import acting_permissions

import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..auth.principal import get_principal
from ..basedata.models import Item, Party, Warehouse
from ..core import operations as core
from ..db import get_loaded, utcnow
from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..finance.operations import post_counterparty_entries, reverse_entries_of
from ..finance.rules import Counterparty, CounterpartyLine, Source
from ..org.models import Organisation
from ..stock.ledger import MoveSpec, location_for, moves_of, post_moves, reversal_specs, serial_rule
from ..trade import pricing
from . import statemachine as sm
from .models import (SalesDelivery, SalesDeliveryLine, SalesOrder, SalesOrderLine, SalesReturn, SalesReturnLine)

ZERO = Decimal("0")
HUNDRED = Decimal("100")
CUSTOMER_ROLES = ("dealer", "distributor")


# -- reading -----------------------------------------------------------------------

def _get(session: Session, model, doc_id, what: str):
    # Scoped by organisation (server.org.scoping): another organisation's document reads as 404.
    doc = session.execute(select(model).where(model.id == doc_id)).scalar_one_or_none()
    if doc is None:
        raise NotFound(f"no such {what}")
    return doc


def get_order(session: Session, order_id) -> SalesOrder:
    return _get(session, SalesOrder, order_id, "sales order")


def get_delivery(session: Session, delivery_id) -> SalesDelivery:
    return _get(session, SalesDelivery, delivery_id, "delivery")


def get_return(session: Session, return_id) -> SalesReturn:
    return _get(session, SalesReturn, return_id, "sales return")


def in_force(model):
    """Posted documents that no reversal undid (a reversal itself is not one)."""
    return (model.status.in_(("posted", "audited"))) & model.reverses_id.is_(None)


def _today(session: Session):
    from ..basedata.operations import today_in
    from ..settings import Settings

    return today_in((session.info.get("aftercare.settings") or Settings()).timezone)


# -- the sales order -----------------------------------------------------------------

def _party(session: Session, party_id, field: str = "party_id") -> Party:
    party = session.get(Party, party_id) if party_id else None
    if party is None:
        raise InvalidInput(field, "no such party")
    if not set(party.roles) & set(CUSTOMER_ROLES):
        raise InvalidInput(field, "must be a distributor or a dealer")
    if not party.active:
        raise InvalidInput(field, "the party is inactive")
    return party


def _warehouse(session: Session, warehouse_id, org_id: uuid.UUID, field: str = "warehouse_id") -> Warehouse:
    wh = session.get(Warehouse, warehouse_id) if warehouse_id else None
    if wh is None:
        raise InvalidInput(field, "no such warehouse")
    if wh.org_id != org_id:
        raise InvalidInput(field, "the warehouse belongs to another organisation")
    if wh.kind != "good" or not wh.active:
        raise InvalidInput(field, "must be a good-stock warehouse")
    return wh


def _org(session: Session, data: dict) -> uuid.UUID:
    p = get_principal(session)
    org_id = data.get("org_id") or p.org_id
    if org_id is None or get_loaded(session, Organisation, org_id) is None:
        raise InvalidInput("org_id", "required")
    if not p.may_write_org(org_id):
        raise Forbidden("you may sell for your own organisation only", {"org_id": ["not your organisation"]})
    return org_id


def _order_lines(session: Session, order: SalesOrder, party: Party, lines: list[dict]) -> list[SalesOrderLine]:
    """Priced lines: the item's wholesale price less the party's discount unless the user may change
    them (``sales.price``), tax at the line's rate or the order's."""
    if not lines:
        raise InvalidInput("lines", "at least one line is required")
    p = get_principal(session)
    party_discount = pricing.check_rate(party.discount_percent / HUNDRED, "party_id")
    order_tax = pricing.check_rate(order.tax_rate, "tax_rate")
    out, seen = [], set()
    for i, raw in enumerate(lines):
        where = f"lines.{i}"
        item = session.get(Item, raw.get("item_id")) if raw.get("item_id") else None
        if item is None:
            raise InvalidInput(f"{where}.item_id", "no such item")
        if not item.active:
            raise InvalidInput(f"{where}.item_id", "the item is inactive")
        if item.id in seen:
            # A delivery names the item: one line per item keeps "which line" unambiguous.
            raise InvalidInput(f"{where}.item_id", "the item is on the order twice")
        seen.add(item.id)
        quantity = pricing.check_quantity(raw.get("quantity"), f"{where}.quantity")
        list_price = item.wholesale_price
        price = list_price if raw.get("unit_price") is None else pricing.check_price(raw["unit_price"], f"{where}.unit_price")
        discount = party_discount if raw.get("discount_rate") is None else \
            pricing.check_rate(raw["discount_rate"], f"{where}.discount_rate")
        may_price = p.kind == "system" or p.can("sales.price")
        if price != list_price and not may_price:
            raise Forbidden("changing the price needs the permission sales.price", {f"{where}.unit_price": ["sales.price"]})
        if discount != party_discount and not may_price:
            raise Forbidden("changing the discount needs the permission sales.price",
                            {f"{where}.discount_rate": ["sales.price"]})
        tax = order_tax if raw.get("tax_rate") is None else pricing.check_rate(raw["tax_rate"], f"{where}.tax_rate")
        amounts = pricing.line_amounts(quantity, price, discount_rate=discount, tax_rate=tax,
                                       price_includes_tax=order.price_includes_tax)
        out.append(SalesOrderLine(line_no=i + 1, item_id=item.id, quantity=quantity, list_price=list_price, unit_price=price,
                                  discount_rate=discount, tax_rate=tax, price_overridden=price != list_price or discount != party_discount,
                                  net=amounts.net, tax=amounts.tax, gross=amounts.gross))
    return out


def _set_totals(doc, lines) -> None:
    t = pricing.total(pricing.LineAmounts(l.net, l.tax, l.gross) for l in lines)
    doc.net_total, doc.tax_total, doc.gross_total = t.net, t.tax, t.gross


# VAT on goods in China (增值税 13 %); an order may say otherwise, a line too.
DEFAULT_TAX_RATE = Decimal("0.13")
HEADER = ("doc_date", "tax_rate", "price_includes_tax", "contact_name", "contact_phone", "address", "note")


def create_order(session: Session, data: dict[str, Any]) -> SalesOrder:
    """A draft order. Writes: sales_order, sales_order_line, audit_log."""
    org_id = _org(session, data)
    party = _party(session, data.get("party_id"))
    _warehouse(session, data.get("warehouse_id"), org_id)
    header = {"tax_rate": DEFAULT_TAX_RATE, "price_includes_tax": True,
              **{k: data[k] for k in HEADER if data.get(k) is not None}}
    order = SalesOrder(org_id=org_id, party_id=party.id, warehouse_id=data["warehouse_id"], state=sm.DRAFT, **header)
    if order.doc_date is None:
        order.doc_date = _today(session)
    order.lines = _order_lines(session, order, party, data.get("lines") or [])
    _set_totals(order, order.lines)
    return core.create_document(session, order)


def update_order(session: Session, order: SalesOrder, data: dict[str, Any]) -> SalesOrder:
    """Change a draft (lines replaced when given). Writes: sales_order(_line), audit_log."""
    if order.state != sm.DRAFT:
        raise Conflict("only a draft can be changed", {"state": [order.state]})
    party = _party(session, data.get("party_id", order.party_id))
    _warehouse(session, data.get("warehouse_id", order.warehouse_id), order.org_id)
    changes = {k: data[k] for k in ("party_id", "warehouse_id", *HEADER) if data.get(k) is not None}
    for k, v in changes.items():
        if k != "doc_date":
            setattr(order, k, v)
    lines = data.get("lines")
    new_lines = _order_lines(session, order, party, lines if lines is not None else
                             [{"item_id": l.item_id, "quantity": l.quantity, "tax_rate": l.tax_rate,
                               **({"unit_price": l.unit_price, "discount_rate": l.discount_rate} if l.price_overridden else {})}
                              for l in order.lines])
    order.lines = new_lines
    _set_totals(order, new_lines)
    return core.update_draft(session, order, {k: v for k, v in changes.items() if k == "doc_date"})


def delete_order(session: Session, order: SalesOrder) -> None:
    if order.state != sm.DRAFT:
        raise Conflict("only a draft can be changed", {"state": [order.state]})
    core.delete_draft(session, order)


def _facts(session: Session, order: SalesOrder, *, within_credit: bool = True) -> sm.Facts:
    delivered = any(l.delivered_quantity > 0 for l in order.lines)
    return sm.Facts(within_credit=within_credit, nothing_delivered=not delivered, something_delivered=delivered)


def credit_position(session: Session, order: SalesOrder) -> tuple[Decimal, Decimal]:
    """The party's receivable in the order's organisation's books now, and its credit limit."""
    from ..finance.queries import counterparty_balance

    balance = counterparty_balance(session, order.org_id, Counterparty.party(order.party_id)).receivable
    return balance, session.get(Party, order.party_id).credit_limit


def _permissions(session: Session):
    p = get_principal(session)
    return acting_permissions(p)


def order_events(session: Session, order: SalesOrder) -> list[str]:
    """The events the acting user may fire now (submit is offered either way: credit decides where it leads)."""
    return sm.allowed(order.state, _facts(session, order), _permissions(session))


def fire(session: Session, order: SalesOrder, event: str, data: dict | None = None) -> SalesOrder:
    """submit, approve, cancel or close. Writes: sales_order, audit_log (and the number at submission)."""
    data = data or {}
    p = get_principal(session)
    before = order.state
    within = True
    if event == "submit" and before == sm.DRAFT:
        _party(session, order.party_id)
        _warehouse(session, order.warehouse_id, order.org_id)
        balance, limit = credit_position(session, order)
        within = balance + order.gross_total <= limit
        order.credit_balance, order.credit_limit = balance, limit
    target = sm.check(before, event, _facts(session, order, within_credit=within), _permissions(session))
    if event == "submit":
        core.post_document(session, order)  # the number; an order writes no ledger
    if event == "approve":
        order.approved_at, order.approved_by_id = utcnow(), p.user_id
    if event in ("cancel", "close"):
        order.closed_at, order.closed_by_id = utcnow(), p.user_id
        order.close_reason = data.get("reason") or ""
    order.state = target
    session.flush()
    after = {"state": target}
    if event == "submit":
        after.update(number=order.number, gross_total=str(order.gross_total), receivable=str(order.credit_balance),
                     credit_limit=str(order.credit_limit))
    if data.get("reason"):
        after["reason"] = data["reason"]
    core.record_audit(session, f"sales_order.{event}", order, before={"state": before}, after=after)
    return order


# -- parts of a line -----------------------------------------------------------------

def _part(whole: pricing.LineAmounts, taken: pricing.LineAmounts, quantity: Decimal, left: Decimal, line,
          includes_tax: bool) -> pricing.LineAmounts:
    """The money of ``quantity`` units of a priced line of which ``left`` units are still open: the
    pricing rule on the units, or, for the last units, exactly what the line has left."""
    if quantity == left:
        return pricing.LineAmounts(whole.net - taken.net, whole.tax - taken.tax, whole.gross - taken.gross)
    return pricing.line_amounts(quantity, line.unit_price, discount_rate=line.discount_rate, tax_rate=line.tax_rate,
                                price_includes_tax=includes_tax)


def _amounts(line) -> pricing.LineAmounts:
    return pricing.LineAmounts(line.net, line.tax, line.gross)


def _taken(session: Session, line_model, doc_model, fk, parent_fk, parent_id, doc_id) -> tuple[pricing.LineAmounts, Decimal]:
    """What other documents in force took of a line already: money and cost (``doc_id``, the one
    being priced, is posted already while its ledgers are written)."""
    rows = session.execute(select(line_model.net, line_model.tax, line_model.gross, line_model.cost)
                           .join(doc_model, getattr(line_model, parent_fk) == doc_model.id)
                           .where(fk == parent_id, in_force(doc_model), doc_model.id != doc_id)).all()
    return (pricing.total(pricing.LineAmounts(r.net, r.tax, r.gross) for r in rows), sum((r.cost for r in rows), ZERO))


# -- deliveries ------------------------------------------------------------------------

def _serials(raw: dict, where: str) -> list[str]:
    from ..basedata.text import normalise_imei

    return [normalise_imei(s.strip()) for s in raw.get("serials") or []]


def _delivery_lines(session: Session, order: SalesOrder, lines: list[dict]) -> list[SalesDeliveryLine]:
    if not lines:
        raise InvalidInput("lines", "at least one line is required")
    by_item = {l.item_id: l for l in order.lines}
    out, seen = [], set()
    for i, raw in enumerate(lines):
        where = f"lines.{i}"
        ol = by_item.get(raw.get("item_id"))
        if ol is None:
            raise InvalidInput(f"{where}.item_id", "the item is not on the order")
        if ol.id in seen:
            raise InvalidInput(f"{where}.item_id", "the item is on the order twice")
        seen.add(ol.id)
        quantity = pricing.check_quantity(raw.get("quantity"), f"{where}.quantity")
        left = ol.quantity - ol.delivered_quantity
        if quantity > left:
            raise InvalidInput(f"{where}.quantity", f"more than the order still holds ({_fmt(left)} left)")
        serials = _serials(raw, where)
        item = session.get(Item, ol.item_id)
        # A serial-tracked line may wait in a draft without its serials; posting needs them.
        if serials and (problem := serial_rule(item.code, item.serialized, quantity, serials)) is not None:
            raise InvalidInput(f"{where}.serials", problem)
        out.append(SalesDeliveryLine(line_no=i + 1, order_line_id=ol.id, item_id=ol.item_id, quantity=quantity,
                                     unit_price=ol.unit_price, discount_rate=ol.discount_rate, tax_rate=ol.tax_rate,
                                     serials=serials))
    return out


def _fmt(q: Decimal) -> str:
    return format(q.normalize(), "f")


def create_delivery(session: Session, data: dict[str, Any]) -> SalesDelivery:
    """A draft delivery against an approved order (lines: item, quantity, serials). Writes:
    sales_delivery(_line), audit_log."""
    order = get_order(session, data.get("order_id"))
    if order.state not in sm.DELIVERABLE:
        raise Conflict("goods leave only against an approved order", {"order_id": [order.state]})
    d = SalesDelivery(org_id=order.org_id, order_id=order.id, party_id=order.party_id, warehouse_id=order.warehouse_id,
                      **{k: data[k] for k in ("doc_date", "carrier", "waybill", "note") if data.get(k) is not None})
    if d.doc_date is None:
        d.doc_date = _today(session)
    d.lines = _delivery_lines(session, order, data.get("lines") or [])
    _price_delivery(session, order, d)
    return core.create_document(session, d)


def update_delivery(session: Session, d: SalesDelivery, data: dict[str, Any]) -> SalesDelivery:
    changes = {k: data[k] for k in ("doc_date", "carrier", "waybill", "note") if data.get(k) is not None}
    core._transition(d, "edit")
    if data.get("lines") is not None:
        d.lines = _delivery_lines(session, get_order(session, d.order_id), data["lines"])
        _price_delivery(session, get_order(session, d.order_id), d)
    return core.update_draft(session, d, changes)


def _price_delivery(session: Session, order: SalesOrder, d: SalesDelivery) -> None:
    """Each line's money: its part of the order line (the last part takes the rest)."""
    by_id = {l.id: l for l in order.lines}
    for line in d.lines:
        ol = by_id[line.order_line_id]
        taken, _ = _taken(session, SalesDeliveryLine, SalesDelivery, SalesDeliveryLine.order_line_id, "delivery_id", ol.id,
                          d.id)
        a = _part(_amounts(ol), taken, line.quantity, ol.quantity - ol.delivered_quantity, ol, order.price_includes_tax)
        line.net, line.tax, line.gross = a.net, a.tax, a.gross
    _set_totals(d, d.lines)


def post_delivery(session: Session, d: SalesDelivery) -> SalesDelivery:
    return core.post_document(session, d)


def write_delivery(session: Session, d: SalesDelivery) -> None:
    """A delivery's ledgers (its ``write_ledgers``): stock out at the moving average, each line's cost
    from the moves it posted, the receivable up by each line's gross; the order's counts. A reversal:
    the exact opposite moves and entries, the counts back."""
    order = get_order(session, d.order_id)
    by_id = {l.id: l for l in order.lines}
    source = Source.of(d)
    if d.reverses_id is not None:
        post_moves(session, reversal_specs(session, moves_of(session, SalesDelivery.DOC_TYPE, d.reverses_id)),
                   org_id=d.org_id, doc_type=d.DOC_TYPE, doc_id=d.id, doc_date=d.doc_date)
        reverse_entries_of(session, SalesDelivery.DOC_TYPE, d.reverses_id, source)
        for line in d.lines:
            by_id[line.order_line_id].delivered_quantity -= line.quantity
        if order.state in (sm.PARTLY, sm.DELIVERED, sm.APPROVED):
            order.state = sm.progress(order.lines)
        return
    if order.state not in sm.DELIVERABLE:
        raise Conflict("goods leave only against an approved order", {"order_id": [order.state]})
    # Re-checked at posting: other deliveries may have gone out since the draft was saved.
    for i, line in enumerate(d.lines):
        ol = by_id[line.order_line_id]
        left = ol.quantity - ol.delivered_quantity
        if line.quantity > left:
            raise InvalidInput(f"lines.{i}.quantity", f"more than the order still holds ({_fmt(left)} left)")
    _price_delivery(session, order, d)
    wh = session.get(Warehouse, d.warehouse_id)
    party = session.get(Party, d.party_id)
    src = location_for(session, d.org_id, "warehouse", warehouse=wh)
    dst = location_for(session, d.org_id, "customer", party_id=party.id, name=party.name)
    posted = post_moves(session, [MoveSpec(item_id=l.item_id, from_location=src, to_location=dst, quantity=l.quantity,
                                           line_id=l.id, serials=list(l.serials or [])) for l in d.lines],
                        org_id=d.org_id, doc_type=d.DOC_TYPE, doc_id=d.id, doc_date=d.doc_date)
    cost: dict = {}
    for m in posted:
        cost[m.line_id] = cost.get(m.line_id, ZERO) + m.value
    for line in d.lines:
        line.cost = cost.get(line.id, ZERO)
        by_id[line.order_line_id].delivered_quantity += line.quantity
    d.cost_total = sum((l.cost for l in d.lines), ZERO)
    entries = [CounterpartyLine(Counterparty.party(d.party_id), "receivable", l.gross, l.id, memo=f"{order.number} 发货")
               for l in d.lines if l.gross != 0]
    if entries:
        post_counterparty_entries(session, source, entries)
    order.state = sm.progress(order.lines)


def reverse_delivery(session: Session, d: SalesDelivery, reason: str, on=None) -> SalesDelivery:
    """红冲 a delivery: refused while returns against it are in force (reverse those first)."""
    returned = session.execute(select(SalesReturn.id).where(SalesReturn.delivery_id == d.id, in_force(SalesReturn))
                               .limit(1)).scalar()
    if returned is not None:
        raise Conflict("a delivery with returns against it cannot be reversed: reverse the returns first",
                       {"returns": ["in force"]})
    return core.reverse_document(session, d, reason, on)


# -- sales returns --------------------------------------------------------------------

def _return_lines(session: Session, d: SalesDelivery, lines: list[dict], this_id=None) -> list[SalesReturnLine]:
    if not lines:
        raise InvalidInput("lines", "at least one line is required")
    by_item = {l.item_id: l for l in d.lines}
    out, seen = [], set()
    for i, raw in enumerate(lines):
        where = f"lines.{i}"
        dl = by_item.get(raw.get("item_id"))
        if dl is None:
            raise InvalidInput(f"{where}.item_id", "the item is not on the delivery")
        if dl.id in seen:
            raise InvalidInput(f"{where}.item_id", "the item is on the order twice")
        seen.add(dl.id)
        quantity = pricing.check_quantity(raw.get("quantity"), f"{where}.quantity")
        left = dl.quantity - dl.returned_quantity
        if quantity > left:
            raise InvalidInput(f"{where}.quantity", f"more than was delivered and not yet returned ({_fmt(left)} left)")
        serials = _serials(raw, where)
        item = session.get(Item, dl.item_id)
        if serials or item.serialized:
            if (problem := serial_rule(item.code, item.serialized, quantity, serials)) is not None:
                raise InvalidInput(f"{where}.serials", problem)
            back = _returned_serials(session, dl.id, this_id)
            for s in serials:
                if s not in (dl.serials or []):
                    raise InvalidInput(f"{where}.serials", "the serial was not delivered on this delivery")
                if s in back:
                    raise InvalidInput(f"{where}.serials", "the serial is already returned")
        out.append(SalesReturnLine(line_no=i + 1, delivery_line_id=dl.id, item_id=dl.item_id, quantity=quantity,
                                   unit_price=dl.unit_price, discount_rate=dl.discount_rate, tax_rate=dl.tax_rate,
                                   serials=serials))
    return out


def _returned_serials(session: Session, delivery_line_id, this_id=None) -> set[str]:
    out: set[str] = set()
    for (serials,) in session.execute(select(SalesReturnLine.serials).join(SalesReturn, SalesReturnLine.return_id == SalesReturn.id)
                                      .where(SalesReturnLine.delivery_line_id == delivery_line_id, in_force(SalesReturn),
                                             SalesReturn.id != this_id)):
        out.update(serials or [])
    return out


def _deliverable_for_return(d: SalesDelivery) -> None:
    if d.reverses_id is not None or d.status == "reversed":
        raise Conflict("a reversed delivery takes no returns", {"delivery_id": [d.status]})
    if d.status not in ("posted", "audited"):
        raise Conflict("only a posted delivery takes returns", {"delivery_id": [d.status]})


def create_return(session: Session, data: dict[str, Any]) -> SalesReturn:
    """A draft sales return against a posted delivery. Writes: sales_return(_line), audit_log."""
    d = get_delivery(session, data.get("delivery_id"))
    _deliverable_for_return(d)
    r = SalesReturn(org_id=d.org_id, delivery_id=d.id, order_id=d.order_id, party_id=d.party_id, warehouse_id=d.warehouse_id,
                    **{k: data[k] for k in ("doc_date", "reason", "note") if data.get(k) is not None})
    if r.doc_date is None:
        r.doc_date = _today(session)
    r.lines = _return_lines(session, d, data.get("lines") or [])
    _price_return(session, d, r)
    return core.create_document(session, r)


def update_return(session: Session, r: SalesReturn, data: dict[str, Any]) -> SalesReturn:
    changes = {k: data[k] for k in ("doc_date", "reason", "note") if data.get(k) is not None}
    core._transition(r, "edit")
    if data.get("lines") is not None:
        d = get_delivery(session, r.delivery_id)
        r.lines = _return_lines(session, d, data["lines"])
        _price_return(session, d, r)
    return core.update_draft(session, r, changes)


def _price_return(session: Session, d: SalesDelivery, r: SalesReturn) -> None:
    """Each line at the delivered price and the delivered cost: its part of the delivery line (the
    last units take what is left of both)."""
    by_id = {l.id: l for l in d.lines}
    includes_tax = get_order(session, d.order_id).price_includes_tax
    for line in r.lines:
        dl = by_id[line.delivery_line_id]
        taken, cost_taken = _taken(session, SalesReturnLine, SalesReturn, SalesReturnLine.delivery_line_id, "return_id", dl.id,
                                      r.id)
        left = dl.quantity - dl.returned_quantity
        a = _part(_amounts(dl), taken, line.quantity, left, dl, includes_tax)
        line.net, line.tax, line.gross = a.net, a.tax, a.gross
        line.cost = dl.cost - cost_taken if line.quantity == left else pricing.cents(dl.cost * line.quantity / dl.quantity)
    _set_totals(r, r.lines)
    r.cost_total = sum((l.cost for l in r.lines), ZERO)


def post_return(session: Session, r: SalesReturn) -> SalesReturn:
    return core.post_document(session, r)


def write_return(session: Session, r: SalesReturn) -> None:
    """A return's ledgers: stock back from the customer at the delivery's cost, the receivable down by
    the delivered price; the counts. A reversal: the exact opposites."""
    d = get_delivery(session, r.delivery_id)
    order = get_order(session, r.order_id)
    dl_by_id = {l.id: l for l in d.lines}
    ol_by_id = {l.id: l for l in order.lines}
    source = Source.of(r)
    if r.reverses_id is not None:
        post_moves(session, reversal_specs(session, moves_of(session, SalesReturn.DOC_TYPE, r.reverses_id)),
                   org_id=r.org_id, doc_type=r.DOC_TYPE, doc_id=r.id, doc_date=r.doc_date)
        reverse_entries_of(session, SalesReturn.DOC_TYPE, r.reverses_id, source)
        for line in r.lines:
            dl = dl_by_id[line.delivery_line_id]
            dl.returned_quantity -= line.quantity
            ol_by_id[dl.order_line_id].returned_quantity -= line.quantity
        return
    _deliverable_for_return(d)
    # Re-checked at posting (another return may have posted since the draft), then priced again.
    _return_lines(session, d, [{"item_id": l.item_id, "quantity": l.quantity, "serials": l.serials} for l in r.lines], r.id)
    _price_return(session, d, r)
    wh = session.get(Warehouse, r.warehouse_id)
    party = session.get(Party, r.party_id)
    src = location_for(session, r.org_id, "customer", party_id=party.id, name=party.name)
    dst = location_for(session, r.org_id, "warehouse", warehouse=wh)
    post_moves(session, [MoveSpec(item_id=l.item_id, from_location=src, to_location=dst, quantity=l.quantity, line_id=l.id,
                                  value=l.cost, serials=list(l.serials or [])) for l in r.lines],
               org_id=r.org_id, doc_type=r.DOC_TYPE, doc_id=r.id, doc_date=r.doc_date)
    for line in r.lines:
        dl = dl_by_id[line.delivery_line_id]
        dl.returned_quantity += line.quantity
        ol_by_id[dl.order_line_id].returned_quantity += line.quantity
    entries = [CounterpartyLine(Counterparty.party(r.party_id), "receivable", -l.gross, l.id, memo=f"{d.number} 退货")
               for l in r.lines if l.gross != 0]
    if entries:
        post_counterparty_entries(session, source, entries)
