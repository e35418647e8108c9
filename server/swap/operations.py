"""Accessory swap operations (spec §3): take in, send to the factory, receive back, return.

Each document is made and posted in one step (``core.create_and_post``: number, stock moves,
audit row). The goods never touch the point's own stock: they move between the distributor
(``customer`` location of the party), its ``custody`` location at the point and the manufacturer
(``manufacturer`` location of the party), at no value (``server.stock.ledger``). Every check
names its field and runs before anything is written.
"""

from __future__ import annotations

import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..auth.principal import get_principal
from ..basedata import models as bd
from ..core import operations as core
from ..errors import Forbidden, InvalidInput, NotFound
from ..ids import uuid7
from ..org.scoping import may_see
from ..repair.operations import _date, _text, _today, _uuid
from ..stock.ledger import MoveSpec, location_for, post_moves
from ..stock.models import StockBalance
from . import rules
from .models import SwapDocument, SwapLine, SwapSerial

ZERO = Decimal("0")
ITEM_KINDS = ("accessory", "part")  # batteries are parts of a model, chargers and headsets accessories
LIM = rules.LIMITS


# -- small readers ------------------------------------------------------------------------------

def get_document(session: Session, doc_id: Any, doc_type: str | None = None, field: str = "id") -> SwapDocument:
    did = _uuid(doc_id, field)
    doc = session.get(SwapDocument, did) if did else None
    if doc is None or not may_see(get_principal(session), doc) or (doc_type and doc.doc_type != doc_type):
        raise NotFound(f"no such {rules_word(doc_type)}") if field == "id" else InvalidInput(field, "no such document")
    return doc


def rules_word(doc_type: str | None) -> str:
    return {"swap_intake": "accessory intake", "swap_send": "send to factory", "swap_receive": "receipt from factory",
            "swap_return": "return to distributor"}.get(doc_type or "", "swap document")


def _party(session: Session, value: Any, field: str, roles: tuple[str, ...]) -> bd.Party:
    pid = _uuid(value, field)
    if pid is None:
        raise InvalidInput(field, "required")
    party = session.get(bd.Party, pid)
    if party is None or not party.active:
        raise InvalidInput(field, "no such active party")
    if not set(party.roles) & set(roles):
        raise InvalidInput(field, f"must be a {' or '.join(roles)}")
    return party


def _lines(data: dict) -> list[dict]:
    lines = data.get("lines")
    if not isinstance(lines, list) or not lines:
        raise InvalidInput("lines", "at least one line")
    if len(lines) > LIM["lines"]:
        raise InvalidInput("lines", f"at most {LIM['lines']} lines")
    for n, line in enumerate(lines):
        if not isinstance(line, dict):
            raise InvalidInput(f"lines.{n}", "must be an object")
    return lines


def _quantity(value: Any, field: str, *, allow_zero: bool = False) -> Decimal:
    try:
        q = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise InvalidInput(field, "must be a whole number") from None
    if not q.is_finite() or q != q.to_integral_value():
        raise InvalidInput(field, "must be a whole number")
    if q < (0 if allow_zero else 1) or q > LIM["quantity"]:
        raise InvalidInput(field, f"from {0 if allow_zero else 1} to {LIM['quantity']}")
    return q.quantize(Decimal(1))


def _serials(line: dict, field: str, item: bd.Item, quantity: Decimal) -> list[str]:
    """Serials are optional for an accessory (the unit's own code when it has one), required for
    an item tracked by serial; when given, one distinct serial per unit."""
    raw = line.get("serials") or []
    if not isinstance(raw, list) or not all(isinstance(s, str) for s in raw):
        raise InvalidInput(field, "a list of serials")
    serials = [s.strip() for s in raw if s.strip()]
    for s in serials:
        if len(s) > LIM["serial"]:
            raise InvalidInput(field, f"{s[:12]}…: at most {LIM['serial']} characters")
    if len(set(serials)) != len(serials):
        raise InvalidInput(field, "a serial is given twice")
    if (serials or item.serialized) and len(serials) != quantity:
        raise InvalidInput(field, f"{item.code} needs {quantity.normalize():f} serials, one per unit")
    return serials


def _item(session: Session, value: Any, field: str) -> bd.Item:
    iid = _uuid(value, field)
    item = session.get(bd.Item, iid) if iid else None
    if item is None or not item.active:
        raise InvalidInput(field, "no such active item")
    if item.kind not in ITEM_KINDS:
        raise InvalidInput(field, "an accessory or part (batteries, chargers, headsets)")
    return item


def _org(session: Session) -> uuid.UUID:
    p = get_principal(session)
    if p.org_id is None:
        raise Forbidden("accessories are handled by a service point", {"org_id": ["not a service point"]})
    return p.org_id


def _sum(session: Session, column, where) -> dict[uuid.UUID, Decimal]:
    """Posted quantities per referenced line (sent per intake line, received per send line …)."""
    rows = session.execute(select(column, func.sum(SwapLine.quantity)).join(SwapDocument, SwapDocument.id == SwapLine.document_id)
                           .where(where, SwapDocument.status == "posted").group_by(column))
    return {k: Decimal(v or 0) for k, v in rows}


def _intake_line(session: Session, value: Any, field: str) -> tuple[SwapLine, SwapDocument]:
    lid = _uuid(value, field)
    line = session.get(SwapLine, lid) if lid else None
    doc = session.get(SwapDocument, line.document_id) if line is not None else None
    if doc is None or doc.doc_type != "swap_intake" or doc.status != "posted" or not may_see(get_principal(session), doc):
        raise InvalidInput(field, "no such accessory intake line")
    return line, doc


def _new(session: Session, doc: SwapDocument) -> SwapDocument:
    core.create_and_post(session, doc)
    for line in doc.lines:
        for s in line.serials or []:
            session.add(SwapSerial(line_id=line.id, serial=s))
    session.flush()
    return doc


# -- failed replacements (the rule's count) -----------------------------------------------------

def failed_replacements(session: Session, item_id: uuid.UUID, serial: str) -> int:
    """How many free replacements this unit is the end of: it came back from the factory for an
    intake line judged ``replace``, whose unit came back for another … (a chain of serials)."""
    count, seen = 0, set()
    while serial and serial not in seen and count < 10:
        seen.add(serial)
        row = session.execute(
            select(SwapLine.send_line_id).join(SwapSerial, SwapSerial.line_id == SwapLine.id)
            .join(SwapDocument, SwapDocument.id == SwapLine.document_id)
            .where(SwapSerial.serial == serial, SwapLine.item_id == item_id, SwapDocument.doc_type == "swap_receive",
                   SwapDocument.status == "posted").order_by(SwapDocument.posted_at.desc()).limit(1)).first()
        if row is None:
            break
        send_line = session.get(SwapLine, row.send_line_id)
        intake = session.get(SwapLine, send_line.intake_line_id) if send_line else None
        if intake is None or intake.verdict != "replace":
            break
        count += 1
        serial = (intake.serials or [""])[0]
        item_id = intake.item_id
    return count


# -- the four documents ---------------------------------------------------------------------------

def take_in_accessories(session: Session, data: dict, *, doc_id: uuid.UUID | None = None, device_id: str = "") -> SwapDocument:
    """附件受理: a distributor's (``party_id``) accessories come in — per line item, quantity,
    optional serials, condition, fault, class and sale date; the rule's verdict is kept per line.
    Writes: swap_document, swap_line, swap_serial, stock_move(_serial) distributor → custody,
    stock_balance, stock_serial, document_counter, audit_log."""
    org_id = _org(session)
    party = _party(session, data.get("party_id"), "party_id", ("distributor", "dealer"))
    today = _today(session)
    lines = []
    for n, raw in enumerate(_lines(data)):
        f = f"lines.{n}"
        item = _item(session, raw.get("item_id"), f"{f}.item_id")
        qty = _quantity(raw.get("quantity", 1), f"{f}.quantity")
        serials = _serials(raw, f"{f}.serials", item, qty)
        condition = raw.get("condition") or "faulty"
        if condition not in rules.CONDITIONS:
            raise InvalidInput(f"{f}.condition", f"one of {', '.join(rules.CONDITIONS)}")
        cls = raw.get("accessory_class") or rules.guess_class(item.code)
        if cls not in rules.CLASSES:
            raise InvalidInput(f"{f}.accessory_class", f"one of {', '.join(rules.CLASSES)}")
        sale_date = _date(raw.get("sale_date"), f"{f}.sale_date")
        if sale_date is not None and sale_date > today:
            raise InvalidInput(f"{f}.sale_date", "must not be in the future")
        failed = max((failed_replacements(session, item.id, s) for s in serials), default=0)
        lines.append(SwapLine(id=_uuid(raw.get("id"), f"{f}.id") or uuid7(), sort_order=n, item_id=item.id, quantity=qty,
                              serials=serials, condition=condition,
                              fault=_text(raw, "fault", LIM["fault"]), accessory_class=cls, sale_date=sale_date,
                              verdict=rules.verdict(sale_date, cls, today, failed)))
    doc = SwapDocument(id=doc_id or uuid7(), org_id=org_id, doc_type="swap_intake", party_id=party.id, doc_date=today,
                       contact_name=_text(data, "contact_name", LIM["contact_name"]),
                       contact_phone=_text(data, "contact_phone", LIM["contact_phone"]),
                       note=_text(data, "note", LIM["note"]), device_id=device_id[:64], lines=lines)
    return _new(session, doc)


def send_to_factory(session: Session, data: dict, *, doc_id: uuid.UUID | None = None) -> SwapDocument:
    """对换发厂: intake lines (``intake_line_id``; quantity default: what is not sent yet) go to the
    ``manufacturer_id``. Writes: swap_document, swap_line, swap_serial, stock_move custody →
    manufacturer, stock_balance, stock_serial, document_counter, audit_log."""
    org_id = _org(session)
    maker = _party(session, data.get("manufacturer_id"), "manufacturer_id", ("manufacturer", "supplier"))
    raws = _lines(data)
    found = [_intake_line(session, r.get("intake_line_id"), f"lines.{n}.intake_line_id") for n, r in enumerate(raws)]
    sent = _sum(session, SwapLine.intake_line_id, SwapLine.intake_line_id.in_([l.id for l, _d in found])
                & (SwapDocument.doc_type == "swap_send"))
    lines = []
    for n, (raw, (intake, idoc)) in enumerate(zip(raws, found)):
        f = f"lines.{n}"
        if idoc.org_id != org_id:
            raise InvalidInput(f"{f}.intake_line_id", "taken in at another service point")
        left = intake.quantity - sent.get(intake.id, ZERO)
        qty = _quantity(raw.get("quantity", left if left > 0 else 1), f"{f}.quantity")
        if qty > left:
            raise InvalidInput(f"{f}.quantity", f"{_n(left)} of this intake line not sent yet")
        sent[intake.id] = sent.get(intake.id, ZERO) + qty
        item = session.get(bd.Item, intake.item_id)
        serials = _serials(raw, f"{f}.serials", item, qty) if raw.get("serials") or item.serialized else []
        if not serials and intake.serials and qty == intake.quantity:
            serials = list(intake.serials)
        if intake.serials and set(serials) - set(intake.serials):
            raise InvalidInput(f"{f}.serials", "serials not on the intake line")
        lines.append(SwapLine(id=uuid7(), sort_order=n, item_id=intake.item_id, quantity=qty, serials=serials,
                              intake_line_id=intake.id, note=_text(raw, "note", LIM["fault"])))
    doc = SwapDocument(id=doc_id or uuid7(), org_id=org_id, doc_type="swap_send", manufacturer_id=maker.id,
                       doc_date=_today(session), carrier=_text(data, "carrier", 80), waybill=_text(data, "waybill", 80),
                       note=_text(data, "note", LIM["note"]), lines=lines)
    return _new(session, doc)


def receive_from_factory(session: Session, data: dict, *, doc_id: uuid.UUID | None = None) -> SwapDocument:
    """对换发回: what the manufacturer sent back against a send (``send_id``), per send line: the
    item received (a substitution when it is not the item sent), the quantity (0: nothing came)
    and serials; the shortfall left on the send line is recorded. Writes: swap_document,
    swap_line, swap_serial, stock_move manufacturer → custody, stock_balance, stock_serial,
    document_counter, audit_log."""
    org_id = _org(session)
    send = get_document(session, data.get("send_id"), "swap_send", field="send_id")
    if send.org_id != org_id:
        raise InvalidInput("send_id", "sent by another service point")
    by_id = {l.id: l for l in send.lines}
    raws = _lines(data)
    received = _sum(session, SwapLine.send_line_id, SwapLine.send_line_id.in_(list(by_id)))
    lines = []
    for n, raw in enumerate(raws):
        f = f"lines.{n}"
        sl = by_id.get(_uuid(raw.get("send_line_id"), f"{f}.send_line_id"))
        if sl is None:
            raise InvalidInput(f"{f}.send_line_id", "not a line of this send")
        left = sl.quantity - received.get(sl.id, ZERO)
        qty = _quantity(raw.get("quantity", left), f"{f}.quantity", allow_zero=True)
        if qty > left:
            raise InvalidInput(f"{f}.quantity", f"{_n(left)} still out at the factory on this line")
        received[sl.id] = received.get(sl.id, ZERO) + qty
        item = _item(session, raw.get("item_id") or sl.item_id, f"{f}.item_id")
        serials = _serials(raw, f"{f}.serials", item, qty)
        lines.append(SwapLine(id=uuid7(), sort_order=n, item_id=item.id, quantity=qty, serials=serials,
                              send_line_id=sl.id, intake_line_id=sl.intake_line_id, substitute=item.id != sl.item_id,
                              shortfall=left - qty, note=_text(raw, "note", LIM["fault"])))
    doc = SwapDocument(id=doc_id or uuid7(), org_id=org_id, doc_type="swap_receive", manufacturer_id=send.manufacturer_id,
                       send_id=send.id, doc_date=_today(session), note=_text(data, "note", LIM["note"]), lines=lines)
    return _new(session, doc)


def return_to_distributor(session: Session, data: dict, *, doc_id: uuid.UUID | None = None, device_id: str = "") -> SwapDocument:
    """归还客户: the distributor (``party_id``) takes back, per intake line it settles, the item
    (default: the one taken in; a replacement or substitute received otherwise), quantity and
    serials, from its custody at the point. Writes: swap_document, swap_line, swap_serial,
    stock_move custody → distributor, stock_balance, stock_serial, document_counter, audit_log."""
    org_id = _org(session)
    party = _party(session, data.get("party_id"), "party_id", ("distributor", "dealer"))
    raws = _lines(data)
    found = [_intake_line(session, r.get("intake_line_id"), f"lines.{n}.intake_line_id") for n, r in enumerate(raws)]
    returned = _sum(session, SwapLine.intake_line_id, SwapLine.intake_line_id.in_([l.id for l, _d in found])
                    & (SwapDocument.doc_type == "swap_return"))
    custody = location_for(session, org_id, "custody", party_id=party.id, name=f"{party.name} 代管")
    held = dict(session.execute(select(StockBalance.item_id, StockBalance.quantity)
                                .where(StockBalance.location_id == custody.id)).all())
    lines = []
    for n, (raw, (intake, idoc)) in enumerate(zip(raws, found)):
        f = f"lines.{n}"
        if idoc.party_id != party.id or idoc.org_id != org_id:
            raise InvalidInput(f"{f}.intake_line_id", "not this distributor's intake at this point")
        left = intake.quantity - returned.get(intake.id, ZERO)
        qty = _quantity(raw.get("quantity", left if left > 0 else 1), f"{f}.quantity")
        if qty > left:
            raise InvalidInput(f"{f}.quantity", f"{_n(left)} of this intake line not returned yet")
        returned[intake.id] = returned.get(intake.id, ZERO) + qty
        item = _item(session, raw.get("item_id") or intake.item_id, f"{f}.item_id")
        if Decimal(held.get(item.id) or 0) < qty:
            raise InvalidInput(f"{f}.quantity", f"{_n(Decimal(held.get(item.id) or 0))} {item.code} held for this distributor")
        held[item.id] = Decimal(held.get(item.id) or 0) - qty
        lines.append(SwapLine(id=uuid7(), sort_order=n, item_id=item.id, quantity=qty,
                              serials=_serials(raw, f"{f}.serials", item, qty), intake_line_id=intake.id,
                              substitute=item.id != intake.item_id, note=_text(raw, "note", LIM["fault"])))
    doc = SwapDocument(id=doc_id or uuid7(), org_id=org_id, doc_type="swap_return", party_id=party.id,
                       doc_date=_today(session), contact_name=_text(data, "contact_name", LIM["contact_name"]),
                       note=_text(data, "note", LIM["note"]), device_id=device_id[:64], lines=lines)
    return _new(session, doc)


def _n(q: Decimal) -> str:
    return f"{q.normalize():f}"


# -- ledgers ----------------------------------------------------------------------------------------

def _places(session: Session, org_id: uuid.UUID, party_id: uuid.UUID):
    party = session.get(bd.Party, party_id)
    return (location_for(session, org_id, "customer", party_id=party.id, name=party.name),
            location_for(session, org_id, "custody", party_id=party.id, name=f"{party.name} 代管"))


def write_swap_ledgers(session: Session, doc: SwapDocument) -> None:
    """At posting: the goods move at no value (custody is never valued); serials move in the ledger
    for items tracked by serial (an accessory's optional serials stay on the swap lines)."""
    specs = []
    maker = None
    if doc.manufacturer_id:
        m = session.get(bd.Party, doc.manufacturer_id)
        maker = location_for(session, doc.org_id, "manufacturer", party_id=m.id, name=m.name)
    for line in doc.lines:
        if not line.quantity:
            continue
        item = session.get(bd.Item, line.item_id)
        serials = list(line.serials) if item.serialized else []
        if doc.doc_type in ("swap_intake", "swap_return"):
            outside, custody = _places(session, doc.org_id, doc.party_id)
            src, dst = (outside, custody) if doc.doc_type == "swap_intake" else (custody, outside)
        else:
            intake = session.get(SwapLine, line.intake_line_id)
            owner = session.get(SwapDocument, intake.document_id).party_id
            _outside, custody = _places(session, doc.org_id, owner)
            src, dst = (custody, maker) if doc.doc_type == "swap_send" else (maker, custody)
        specs.append(MoveSpec(line.item_id, src, dst, line.quantity, line_id=line.id, value=ZERO, serials=serials))
    post_moves(session, specs, org_id=doc.org_id, doc_type=doc.doc_type, doc_id=doc.id, doc_date=doc.doc_date)


