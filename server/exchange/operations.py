"""Exchange use cases (spec §2.1): intake with eligibility by rule, the machine's events (hand the
replacement over, send the old unit to the manufacturer, its receipt there, the manufacturer's unit
arriving, credit, pickup, the conversions to C and D) and the reversal of the last step.

Every operation here is what both the REST API and the sync worker call; it flushes and never
commits. Stock moves go through the stock ledger (``server.stock.ledger.post_moves``), money
through the money ledger (``server.finance.operations``), the customer counterparty as repair's
(``server.repair.money.customer_counterparty``). A step that writes ledger rows is their source:
``(exchange_<event>, step id)``; its reversal posts the exact opposites as ``exchange_reversal``.

Values: the customer's old unit enters the books at the value of the unit given in its place (the
replacement's book value: the model's average cost) so the point's stock is worth the same after an
on-site exchange; a unit sent before any replacement was given (mode B) enters at the model's average
cost at the point, or its standard cost when the point holds none. The manufacturer owes that value
once it has the unit (receivable on the manufacturer) and pays it with the unit it sends back.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import bindparam, event as orm_event, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from ..auth.principal import get_principal
from ..basedata import models as bd
from ..basedata.queries import add_months, card_by_imei, check_warranty, model_for_imei
from ..basedata.text import imei_problem, normalise_imei
from ..core import operations as core
from ..core.batch import NotDeferred, batch_of, late_rows
from ..core.plain import Plain
from ..db import _identity_key, get_loaded, load_many, utcnow
from ..errors import Conflict, Forbidden, InvalidInput, NotFound, TransitionRefused
from ..finance.operations import (CashLine, Counterparty, CounterpartyLine, Source, post_cash_entries,
                                  post_counterparty_entries, reverse_entries_of)
from ..ids import uuid7
from ..org.scoping import exact, may_see
from ..repair import operations as repair_ops
from ..repair.loaners import _warehouse
from ..repair.money import customer_counterparty
from ..stock.ledger import LedgerState, MoveSpec, location_for, moves_of, post_moves, reversal_specs
from ..stock.models import OWN_KINDS, StockCost, StockLocation, StockSerial
from . import rules
from . import statemachine as sm
from .models import ExchangeOrder, ExchangeRule, ExchangeStep

ZERO = Decimal("0")
LIMITS = rules.TEXT_LIMITS
REVERSAL_TYPE = "exchange_reversal"
OPEN_STATES = (sm.PENDING_EXCHANGE, sm.PENDING_DISPATCH, sm.AT_FACTORY, sm.PENDING_PICKUP)
_text, _uuid, _date, _money = repair_ops._text, repair_ops._uuid, repair_ops._date, repair_ops._money
_today = repair_ops._today


# -- lookups a transaction makes again and again -------------------------------------------------

# Rules, a model's device item, a point's default warehouses and a TAC's model do not change while
# a transaction posts exchanges (a posting batch asks for the same few once per event): each is
# read once per transaction and forgotten at its end (``save_rule`` forgets the rules at once).
_LOOKUPS = "aftercare.exchange.lookups"


@orm_event.listens_for(Session, "after_soft_rollback")
def _forget_lookups(session: Session, _previous) -> None:
    session.info.pop(_LOOKUPS, None)


@orm_event.listens_for(Session, "after_commit")
def _forget_lookups_after_commit(session: Session) -> None:
    session.info.pop(_LOOKUPS, None)


def _lookups(session: Session) -> dict:
    return session.info.setdefault(_LOOKUPS, {})


def prefetch(session: Session, order_ids, serials=()) -> None:
    """What a posting batch's exchange events will look up one by one, read in a few statements
    (the sync handlers' ``prefetch``): the orders they name (the sync layer then finds them without
    asking each kind of order in turn), which of those have a loaner out, and where the IMEIs they
    and their orders name are in the stock ledger."""
    from ..repair.models import RepairLoaner

    ids = sorted(set(order_ids))
    orders = load_many(session, ExchangeOrder, ids)
    cache = _lookups(session)
    out: set = set()
    for start in range(0, len(ids), 500):
        out.update(session.execute(select(RepairLoaner.exchange_order_id).where(
            RepairLoaner.exchange_order_id.in_(ids[start:start + 500]), RepairLoaner.status == "posted",
            RepairLoaner.returned_at.is_(None))).scalars())
    cache.setdefault("loaners_known", set()).update(i for i in ids if i not in out)
    wanted = {x for x in serials if x}
    for order in orders:
        wanted.update(x for x in (order.imei, order.replacement_imei, order.factory_imei) if x)
    found = cache.setdefault("serials", {})
    wanted = sorted(wanted - found.keys())
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        for row in session.execute(select(StockSerial.serial, StockSerial.item_id, StockSerial.location_id)
                                   .where(StockSerial.serial.in_(chunk)).execution_options(unscoped=True)):
            found[row.serial] = (row.item_id, row.location_id)
        for serial in chunk:
            found.setdefault(serial, None)


def loaner_changed(session: Session, order_id: uuid.UUID) -> None:
    """A loaner lent or returned on the order in this transaction: ask the database again."""
    _lookups(session).get("loaners_known", set()).discard(order_id)


def _loaner_out(session: Session, order: ExchangeOrder):
    from ..repair.loaners import open_loaner

    if order.id in _lookups(session).get("loaners_known", ()):
        return None
    return open_loaner(session, exchange_order_id=order.id)


# -- a posting batch's deferred mode --------------------------------------------------------------

# The machine's events a posting batch may post deferred (server.core.batch; sync handlers): they
# change only the order, the stock ledger (through the batch's state), the money ledger and
# warranty cards (statements left for the batch's write, below), and read nothing the batch holds
# unwritten except through that state. The conversion to repair opens a repair order: not deferred.
DEFERRED_EVENTS = frozenset(("hand_over", "convert_to_onsite", "dispatch", "factory_receipt", "receive_replacement",
                             "credit", "pickup"))


def _deferring(session: Session) -> bool:
    batch = batch_of(session)
    return batch is not None and batch.deferring


class _Deferred:
    """What a deferred exchange posting changed outside the batch's own state: the order's values
    before it (the ORM object stays in the session, so a refusal puts them back) and the warranty
    cards it opens or closes, changed by statements when the batch is written (a card may be
    another point's: never flushed through the ORM); the session's copies change at once."""

    def __init__(self) -> None:
        self.saved: list[tuple[Any, dict, bool]] = []
        self.cards: list[tuple[uuid.UUID, dict]] = []
        # The IMEIs whose cards this batch made or changed, not written yet (a refused posting's
        # stay: an intake of one is only posted after the batch is written, as before).
        self.card_imeis: set[str] = set()
        self._mark = 0

    def save(self, obj, names, *, committed: bool = False) -> None:
        # getattr: an attribute the object has not loaded yet is loaded now (None on a new object).
        self.saved.append((obj, {k: getattr(obj, k) for k in names}, committed))

    def begin(self) -> None:
        self.saved, self._mark = [], len(self.cards)

    def undo(self) -> None:
        for obj, values, committed in reversed(self.saved):
            for name, value in values.items():
                if obj.__dict__.get(name) is not value:
                    (set_committed_value if committed else setattr)(obj, name, value)
        self.saved = []
        del self.cards[self._mark:]

    def write(self, session: Session) -> None:
        from ..basedata.models import WarrantyCard

        closed = [cid for cid, values in self.cards if values == {"active": False}]
        if closed:
            session.execute(update(WarrantyCard).where(WarrantyCard.id.in_(closed)).values(active=False)
                            .execution_options(synchronize_session=False))
        for cid, values in self.cards:
            if values != {"active": False}:
                session.execute(update(WarrantyCard).where(WarrantyCard.id == cid).values(**values)
                                .execution_options(synchronize_session=False))
        self.cards = []
        self.card_imeis = set()


def _deferred(session: Session) -> _Deferred:
    return batch_of(session).part("exchange", _Deferred)


_ORDER_COLUMNS: tuple[str, ...] = ()


def _change_card(session: Session, card, values: dict) -> None:
    """Change a warranty card by a statement (whoever registered it); deferred: at the batch's write."""
    from ..basedata.models import WarrantyCard

    if _deferring(session):
        later = _deferred(session)
        later.save(card, values, committed=True)
        for name, value in values.items():
            set_committed_value(card, name, value)
        later.cards.append((card.id, values))
        later.card_imeis.add(card.imei)
        return
    session.execute(update(WarrantyCard).where(WarrantyCard.id == card.id).values(**values)
                    .execution_options(synchronize_session="fetch"))


# -- reading -----------------------------------------------------------------------------------

def get_order(session: Session, order_id: Any) -> ExchangeOrder:
    """The order, if the principal may see it (another point's order reads as 404)."""
    oid = _uuid(order_id, "order_id")
    order = None
    if oid:
        batch = batch_of(session)  # an order opened deferred earlier in the batch is not flushed yet
        order = (batch.find_made(ExchangeOrder, oid) if batch is not None else None) or session.get(ExchangeOrder, oid)
    if order is None or not may_see(get_principal(session), order):
        raise NotFound("no such exchange order")
    return order


def facts_of(order: ExchangeOrder) -> sm.Facts:
    return sm.Facts(mode=order.mode, handed_over=order.handed_over, unit_at=order.unit_at,
                    replacement_received=order.replacement_received_at is not None)


# -- rules ---------------------------------------------------------------------------------------

def rule_row(session: Session, brand_id: uuid.UUID | None) -> ExchangeRule | None:
    """The brand's rule row, else the default row (no brand), else None (the built-in defaults)."""
    cache = _lookups(session)
    key = ("rule", brand_id)
    if key not in cache:
        cache[key] = _rule_row(session, brand_id)
    return cache[key]


def _rule_row(session: Session, brand_id: uuid.UUID | None) -> ExchangeRule | None:
    rows = {r.brand_id: r for r in session.execute(select(ExchangeRule).where(
        (ExchangeRule.brand_id == brand_id) | ExchangeRule.brand_id.is_(None))).scalars()}
    return rows.get(brand_id) or rows.get(None)


def rule_set(row: ExchangeRule | None) -> rules.RuleSet:
    if row is None:
        return rules.RuleSet()
    return rules.RuleSet(return_days=row.return_days, exchange_days=row.exchange_days,
                         performance_symptom_ids=frozenset(row.performance_symptom_ids or []),
                         repeat_repairs=row.repeat_repairs,
                         accessory_months={**rules.DEFAULT_ACCESSORY_MONTHS, **(row.accessory_months or {})},
                         accessory_failed_replacements=row.accessory_failed_replacements, new_warranty=row.new_warranty)


_FAILED_REPAIRS = None


def failed_repairs(session: Session, imei: str, symptom_ids: list[str], sale_date: dt.date | None,
                   until: dt.date | None) -> int:
    """Repairs of this device for the same fault, done within the warranty and free of charge, that
    did not hold (the device is back): counted across the network (unscoped, as comebacks are)."""
    from ..repair.models import RepairOrder

    if not symptom_ids or sale_date is None or until is None:
        return 0
    wanted = set(symptom_ids)
    global _FAILED_REPAIRS
    if _FAILED_REPAIRS is None:  # built once: an intake asks it for every device
        _FAILED_REPAIRS = select(RepairOrder.symptoms, RepairOrder.doc_date).where(
            RepairOrder.imei == bindparam("imei"), RepairOrder.repair_finished_at.is_not(None),
            RepairOrder.unrepaired.is_(False), RepairOrder.chargeable.is_(False), RepairOrder.mode != "D"
        ).execution_options(unscoped=True)
    rows = session.execute(_FAILED_REPAIRS, {"imei": imei}).all()
    return sum(1 for symptoms, day in rows
               if sale_date <= day <= until and wanted & {s.get("id") for s in (symptoms or [])})


def eligibility(session: Session, *, imei: str, model: bd.ProductModel, symptom_ids: list[str],
                purchase_date: dt.date | None, today: dt.date) -> tuple[dict, bd.WarrantyCard | None]:
    """The verdict of the brand's rules for this device today, and its warranty card."""
    card = card_by_imei(session, imei, active=True)
    if card is not None:
        sale, until = card.sale_date, add_months(card.sale_date, card.period_months)
    elif purchase_date is not None:
        sale, until = purchase_date, add_months(purchase_date, model.warranty_months)
    else:
        sale = until = None
    ruleset = rule_set(rule_row(session, model.brand_id))
    verdict = rules.device_verdict(ruleset, today=today, sale_date=sale, warranty_until=until, symptom_ids=symptom_ids,
                                   failed_repairs=failed_repairs(session, imei, symptom_ids, sale, until))
    verdict.update(sale_date=sale, today=today)
    return verdict, card


def check_eligibility(session: Session, data: dict) -> dict:
    """What the intake will say about a device before it is taken in (the counter shows why)."""
    imei = normalise_imei(_text(data, "imei", LIMITS["imei"], required=True))
    if problem := imei_problem(imei):
        raise InvalidInput("imei", problem)
    model = _model(session, imei, data.get("model_id"))
    symptoms = repair_ops._symptoms(session, model.id, data.get("symptom_ids") or [])
    verdict, _card = eligibility(session, imei=imei, model=model, symptom_ids=[s["id"] for s in symptoms],
                                 purchase_date=_date(data.get("purchase_date"), "purchase_date"), today=_today(session))
    return _json(verdict)


def _json(verdict: dict) -> dict:
    return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in verdict.items()}


# -- intake ----------------------------------------------------------------------------------------

def _model(session: Session, imei: str, model_id: Any) -> bd.ProductModel:
    mid = _uuid(model_id, "model_id")
    if mid is None:
        verdict = check_warranty(session, imei, _today(session))
        mid = verdict.model_id
        if mid is None:
            raise InvalidInput("model_id", "the IMEI's TAC is unknown: choose the model")
    model = session.get(bd.ProductModel, mid)
    if model is None or not model.active:
        raise InvalidInput("model_id", "no such active model")
    return model


def _device_item(session: Session, model: bd.ProductModel) -> bd.Item:
    cache = _lookups(session)
    if (item := cache.get(("item", model.id))) is not None:
        return item
    item = session.execute(select(bd.Item).where(bd.Item.model_id == model.id, bd.Item.kind == "device",
                                                 bd.Item.serialized, bd.Item.active).order_by(bd.Item.code).limit(1)
                           ).scalar_one_or_none()
    if item is None:
        raise InvalidInput("model_id", "this model has no whole-device item tracked by IMEI: add one to the catalogue")
    cache[("item", model.id)] = item
    return item


def _manufacturer(session: Session, value: Any, rule: ExchangeRule | None, field: str = "manufacturer_id") -> uuid.UUID | None:
    pid = _uuid(value, field) or (rule.manufacturer_id if rule else None)
    if pid is None:
        return None
    party = session.get(bd.Party, pid)
    if party is None or not party.active or "manufacturer" not in party.roles:
        raise InvalidInput(field, "no such active manufacturer")
    return party.id


def take_in_exchange(session: Session, data: dict, *, order_id: uuid.UUID | None = None, device_id: str = "",
                     event_id: str | None = None, from_repair: Any = None) -> ExchangeOrder:
    """换机受理: the customer's device is taken in for an exchange; the order is posted at once
    (number ``HJ-<org>-<yymm>-<n>``) in state 待换机, mode A (on-site) or B (return to factory).

    ``data``: customer (``member_phone``, or ``customer_name`` + ``customer_phone``), ``imei``,
    ``model_id`` (default: card or TAC), ``symptom_ids`` and/or ``fault_description``,
    ``purchase_date`` (without a card), ``mode``, ``manufacturer_id`` (default: the brand rule's),
    ``override_reason`` (needed, with ``exchange.override``, when the rules allow no exchange),
    ``photos`` (hashes of uploaded blobs) and ``signature`` (the customer's, on the ticket), as repair's.
    Nothing moves in stock yet: the unit is still the customer's. Writes: exchange_order,
    exchange_step, document_counter, audit_log."""
    org = repair_ops._service_point(session)
    today = _today(session)
    customer = repair_ops._customer(session, data)
    imei = normalise_imei(_text(data, "imei", LIMITS["imei"], required=True))
    if problem := imei_problem(imei):
        raise InvalidInput("imei", problem)
    if _deferring(session) and _card_unwritten(session, imei):
        raise NotDeferred("the device's warranty card changed earlier in the batch")
    model = _model(session, imei, data.get("model_id"))
    item = _device_item(session, model)
    mode = data.get("mode") or "A"
    if mode not in ("A", "B"):
        raise InvalidInput("mode", "A (on-site) or B (return to factory); C and D come by conversion")
    symptoms = repair_ops._symptoms(session, model.id, data.get("symptom_ids") or [])
    description = _text(data, "fault_description", LIMITS["fault_description"])
    if not symptoms and not description:
        raise InvalidInput("symptom_ids", "give a fault symptom code or describe the fault")
    if not isinstance(data.get("photos") or [], list):
        raise InvalidInput("photos", "a list of photo hashes")
    photos = repair_ops._photos(session, org.id, data.get("photos") or [])
    signature = repair_ops.check_signature(data.get("signature"), "signature", required=False)
    purchase_date = _date(data.get("purchase_date"), "purchase_date")
    if purchase_date and purchase_date > today:
        raise InvalidInput("purchase_date", "must not be in the future")
    busy = _open_order_of(session, imei)
    if busy is not None:
        raise InvalidInput("imei", f"this device is on the open exchange order {busy}")
    if batch_of(session) is not None:  # as the batch's ledger state (and prefetch) has it
        _item, at = _serial_at(session, imei)
        held = at is not None and at.kind in OWN_KINDS
    else:
        held = session.execute(select(StockSerial.serial).join(StockLocation, StockLocation.id == StockSerial.location_id)
                               .where(StockSerial.serial == imei, StockLocation.kind.in_(OWN_KINDS))
                               .execution_options(unscoped=True)).first() is not None
    if held:
        raise InvalidInput("imei", "this IMEI is in stock: not a customer's unit")
    verdict, card = eligibility(session, imei=imei, model=model, symptom_ids=[s["id"] for s in symptoms],
                                purchase_date=purchase_date, today=today)
    override = _text(data, "override_reason", LIMITS["override_reason"])
    if from_repair is not None:
        # A repair converted to an exchange: the repair's reason is the decision (repair.convert).
        override = override or f"{from_repair.number}: {from_repair.exchange_reason}"[:300]
    elif not verdict["exchange"]:
        if not override:
            raise InvalidInput("override_reason", "the rules allow no exchange for this device: give the reason to override them")
        if "exchange.override" not in get_principal(session).permissions:
            raise Forbidden("overriding the exchange rules needs the permission exchange.override",
                            {"override_reason": ["exchange.override"]})
    elif override:
        override = ""  # eligible by rule: nothing is overridden
    rule = rule_row(session, model.brand_id)
    order = ExchangeOrder(
        id=order_id or uuid7(), org_id=org.id, doc_date=today, mode=mode, **customer, imei=imei, model_id=model.id,
        item_id=item.id, symptoms=symptoms, fault_description=description, photos=photos, intake_signature=signature,
        warranty_card_id=card.id if card else None, sale_date=verdict["sale_date"], warranty_until=verdict["warranty_until"],
        eligibility=_json(verdict), override_reason=override,
        manufacturer_id=_manufacturer(session, data.get("manufacturer_id"), rule),
        device_id=(device_id or "")[:64], provisional_code=_text(data, "provisional_code", LIMITS["provisional_code"]),
        note=_text(data, "note", LIMITS["note"]), from_repair_order_id=from_repair.id if from_repair else None)
    core.create_document(session, order)
    core.post_document(session, order)
    if batch_of(session) is not None:  # a new order has no loaner out (fire need not ask)
        _lookups(session).setdefault("loaners_known", set()).add(order.id)
    _record_step(session, order, "intake", "", {}, {"mode": mode, "exchange_by_rule": verdict["exchange"],
                                                    "override_reason": override or None}, event_id, uuid7())
    if override:
        core.record_audit(session, "exchange_order.override", order, after={
            "reason": override, "reasons": [r["code"] for r in verdict["reasons"]]})
    return order


def _open_order_of(session: Session, imei: str) -> str | None:
    """The number of an open exchange order of this device, at any point. A deferred intake reads
    the orders as the batch has them: an order's state changed earlier in the batch is in the
    session (not flushed), an order opened earlier in the batch may not be in the database yet."""
    if not _deferring(session):
        row = session.execute(_OPEN_ORDER_OF, {"imei": imei}).first()
        return row.number if row is not None else None
    for oid, number in session.execute(_OPEN_ORDER_OF, {"imei": imei}):
        loaded = session.identity_map.get(_identity_key(ExchangeOrder, oid))
        if loaded is None or loaded.state in OPEN_STATES:
            return number
    for order in batch_of(session).made.get(ExchangeOrder, {}).values():
        if order.imei == imei and order.state in OPEN_STATES:
            return order.number
    return None


_OPEN_ORDER_OF = exact(select(ExchangeOrder.id, ExchangeOrder.number).where(
    ExchangeOrder.imei == bindparam("imei"), ExchangeOrder.state.in_(OPEN_STATES))).execution_options(unscoped=True)


def _card_unwritten(session: Session, imei: str) -> bool:
    """Whether this IMEI's warranty card was made or changed earlier in the batch and is not
    written yet (by an exchange's handover or pickup, or a retail sale): an intake reads it."""
    from ..basedata.models import WarrantyCard

    batch = batch_of(session)
    later = batch.parts.get("exchange")
    if later is not None and imei in later.card_imeis:
        return True
    rows = batch.parts.get("rows")
    return rows is not None and any(c.imei == imei for c in rows.records.get(WarrantyCard.__table__, ()))


def open_from_repair(session: Session, repair, reason: str) -> ExchangeOrder:
    """A repair converted to an exchange (repair's ``convert_to_exchange``): an exchange order of the
    same customer and device, mode B, linked both ways. Writes: as :func:`take_in_exchange`."""
    data = {"imei": repair.imei, "model_id": repair.model_id, "mode": "B",
            "symptom_ids": [s["id"] for s in repair.symptoms or []], "fault_description": repair.fault_description,
            "purchase_date": repair.purchase_date}
    if repair.customer_kind == "member":
        from ..basedata.models import Member

        data["member_phone"] = session.get(Member, repair.member_id, execution_options={"exact_key": True}).phone
    else:
        data.update(customer_name=repair.customer_name, customer_phone=repair.customer_phone)
    return take_in_exchange(session, data, from_repair=repair)


# -- steps: the machine's moves and their reversal ---------------------------------------------------

_RESTORABLE = ("state", "mode", "unit_at", "unit_value", "replacement_imei", "replacement_item_id", "handed_over_at",
               "signature", "fee", "new_card_id", "factory_imei", "replacement_received_at", "carrier", "tracking_no",
               "manufacturer_id", "conversion_reason", "repair_order_id", "deposit_applied", "deposit_returned")


def _snapshot(order: ExchangeOrder) -> dict:
    out = {}
    for name in _RESTORABLE:
        v = getattr(order, name)
        out[name] = v.isoformat() if isinstance(v, (dt.date, dt.datetime)) else str(v) if isinstance(v, (Decimal, uuid.UUID)) else v
    return out


_DECIMALS = {"unit_value", "fee", "deposit_applied", "deposit_returned"}
_TIMES = {"handed_over_at", "replacement_received_at"}
_IDS = {"replacement_item_id", "new_card_id", "manufacturer_id", "repair_order_id"}


def _restore(order: ExchangeOrder, snap: dict) -> None:
    for name, v in snap.items():
        if v is not None:
            if name in _IDS:
                v = uuid.UUID(v)
            elif name in _DECIMALS:
                v = Decimal(v)
            elif name in _TIMES:
                v = dt.datetime.fromisoformat(v)
        setattr(order, name, v)


def _record_step(session: Session, order: ExchangeOrder, event: str, before_state: str, before: dict, data: dict,
                 event_id: str | None, step_id: uuid.UUID, **kw) -> ExchangeStep:
    p = get_principal(session)
    order.step_count += 1
    # In a posting batch nothing reads an order's steps before it ends: inserted with the batch.
    late = late_rows(session)
    step = (ExchangeStep if late is None else _PlainStep)(
        id=step_id, org_id=order.org_id, order_id=order.id, seq=order.step_count, event=event,
        from_state=before_state, to_state=order.state, at=utcnow(), doc_date=_today(session), user_id=p.user_id,
        username=p.username or "", source=p.source, event_id=event_id, data=repair_ops._jsonable(data), before=before,
        **kw)
    if late is None:
        session.add(step)
        session.flush()
    else:
        late.add(step)
    core.record_audit(session, f"exchange_order.{event}", order, before={"state": before_state},
                      after={"state": order.state, **repair_ops._jsonable(data)})
    return step


class _PlainStep(Plain, model=ExchangeStep):
    """A step recorded in a posting batch (``server.core.plain``)."""


def _flush(session: Session) -> None:
    """Flush now for the REST API (a refusal by the database is this request's); in a posting
    batch the order's, step's and audit rows go with the batch's next flush, once per event."""
    if batch_of(session) is None:
        session.flush()


class _Ledgers:
    """What one step posts, under its own source ``(exchange_<event>, step id)``."""

    def __init__(self, session: Session, order: ExchangeOrder, event: str, step_id: uuid.UUID):
        self.session, self.order, self.doc_type, self.step_id = session, order, f"exchange_{event}", step_id
        self.today = _today(session)
        self.receivable: list[CounterpartyLine] = []
        self.cash: list[CashLine] = []

    def move(self, item_id, src: StockLocation, dst: StockLocation, serial: str, *, unit_cost: Decimal | None = None,
             field: str = "imei") -> Decimal:
        [m] = post_moves(self.session, [MoveSpec(item_id, src, dst, Decimal(1), line_id=self.step_id, unit_cost=unit_cost,
                                                 serials=[serial], field_prefix=field)],
                         org_id=self.order.org_id, doc_type=self.doc_type, doc_id=self.step_id, doc_date=self.today)
        return m.value

    def source(self) -> Source:
        return Source(self.doc_type, self.step_id, self.order.org_id, self.today, self.order.number or "")

    def write(self) -> None:
        if self.receivable:
            post_counterparty_entries(self.session, self.source(), self.receivable)
        if self.cash:
            post_cash_entries(self.session, self.source(), self.cash)


def _place(session: Session, order: ExchangeOrder, kind: str, value: Any = None, field: str = "warehouse_id") -> StockLocation:
    if value not in (None, ""):
        return location_for(session, order.org_id, "warehouse", warehouse=_warehouse(session, order.org_id, value, field, kind))
    cache = _lookups(session)  # the point's default warehouse of this kind
    key = ("place", order.org_id, kind)
    if (loc := cache.get(key)) is None:
        wh = _warehouse(session, order.org_id, None, field, kind)
        loc = cache[key] = location_for(session, order.org_id, "warehouse", warehouse=wh)
    return loc


def _customer_place(session: Session, order: ExchangeOrder) -> StockLocation:
    return location_for(session, order.org_id, "customer", name="customer devices")


def _factory_place(session: Session, order: ExchangeOrder) -> StockLocation:
    if order.manufacturer_id is None:
        raise InvalidInput("manufacturer_id", "which manufacturer replaces this unit? set it on the brand's rule or the order")
    party = session.get(bd.Party, order.manufacturer_id)
    return location_for(session, order.org_id, "manufacturer", party_id=party.id, name=party.name)


def _tac_model(session: Session, imei: str) -> uuid.UUID | None:
    cache = _lookups(session)
    key = ("tac", imei[:8])
    if (model_id := cache.get(key)) is None:
        model_id = model_for_imei(session, imei)
        if model_id is not None:
            cache[key] = model_id
    return model_id


def _serial_at(session: Session, serial: str, item_id: uuid.UUID | None = None
               ) -> tuple[uuid.UUID | None, StockLocation | None]:
    """Where a serial is (its item and location). In a posting batch the batch's ledger state is
    asked first (a deferred posting's moves are not in the database yet) and what is read is
    handed to it, so the move that follows does not read the serial again; ``item_id``: the item
    a serial not seen anywhere yet will be (the manufacturer's unit)."""
    state = _ledger_state(session)
    if state is None:
        row = session.execute(_SERIAL_AT, {"serial": serial}).first()
        return (None, None) if row is None else (row.item_id, get_loaded(session, StockLocation, row.location_id))
    cache = _lookups(session)
    items = cache.setdefault("serial_items", {})
    if (known := items.get(serial)) is not None and (known, serial) in state.serials:
        return _held_at(session, known, state.serials[(known, serial)][0])
    # Read before the batch's first posting (prefetch), or now: every move since is in the state.
    prefetched = cache.get("serials", {})
    if serial in prefetched:
        row = prefetched[serial] and _Row(*prefetched[serial])
    else:
        row = session.execute(_SERIAL_AT, {"serial": serial}).first()
    if row is None:
        for (held_item, held_serial), (loc_id, _held) in state.serials.items():
            if held_serial == serial and loc_id is not None:  # came in earlier in this batch
                items[serial] = held_item
                return _held_at(session, held_item, loc_id)
        if item_id is not None:
            items[serial] = item_id
            state.journal.save(state.serials, (item_id, serial))
            state.serials[(item_id, serial)] = (None, False)
        return None, None
    key = (row.item_id, serial)
    items[serial] = row.item_id
    if key in state.serials:  # moved earlier in this batch
        return _held_at(session, row.item_id, state.serials[key][0])
    loc = get_loaded(session, StockLocation, row.location_id)
    state.journal.save(state.serials, key)
    state.serials[key] = (loc.id, loc.held)
    return row.item_id, loc


class _Row(NamedTuple):
    item_id: uuid.UUID
    location_id: uuid.UUID


_SERIAL_AT = select(StockSerial.item_id, StockSerial.location_id).where(
    StockSerial.serial == bindparam("serial")).execution_options(unscoped=True)


def _held_at(session: Session, item_id: uuid.UUID, loc_id: uuid.UUID | None) -> tuple[uuid.UUID | None, StockLocation | None]:
    if loc_id is None:
        return None, None
    return item_id, get_loaded(session, StockLocation, loc_id)


def _replacement_from_stock(session: Session, order: ExchangeOrder, data: dict) -> tuple[str, bd.Item, StockLocation]:
    """The unit the point gives now: an IMEI in one of its good warehouses, of the order's model."""
    imei = normalise_imei(_text(data, "replacement_imei", 40, required=True))
    if imei == order.imei:
        raise InvalidInput("replacement_imei", "this is the customer's own unit")
    item_id, at = _serial_at(session, imei)
    wid = _uuid(data.get("warehouse_id"), "warehouse_id")
    if at is None or at.org_id != order.org_id or at.kind != "warehouse" or (wid and at.warehouse_id != wid):
        raise InvalidInput("replacement_imei", f"{imei} is not in this service point's good stock")
    wh = session.get(bd.Warehouse, at.warehouse_id)
    if wh.kind != "good":
        raise InvalidInput("replacement_imei", f"{imei} is in {wh.code} {wh.name}, not a good-stock warehouse")
    item = session.get(bd.Item, item_id)
    if item.model_id != order.model_id or item.kind != "device":
        raise InvalidInput("replacement_imei", f"{imei} is a {item.name}: the replacement must be the same model")
    return imei, item, at


def _new_card(session: Session, order: ExchangeOrder, imei: str, today: dt.date) -> dict:
    """The old card closes, the replacement gets one counted as the brand's rule says. Cards are
    network-wide personal data: found by their exact IMEI and changed by a statement, since the
    point exchanging a device serves its customer whoever registered the card (recorded in the step
    so a reversal restores both). Writes: warranty_card, audit_log."""
    from ..basedata.models import WarrantyCard

    model = session.get(bd.ProductModel, order.model_id)
    ruleset = rule_set(rule_row(session, model.brand_id))
    old = session.get(WarrantyCard, order.warranty_card_id, execution_options={"exact_key": True}) \
        if order.warranty_card_id else None
    sale, months = rules.new_card_dates(ruleset, exchanged_on=today, old_sale_date=old.sale_date if old else None,
                                        old_period_months=old.period_months if old else None,
                                        model_months=model.warranty_months)
    closing = old is not None and old.active
    existing = card_by_imei(session, imei)
    if existing is not None and existing.active:
        raise InvalidInput("replacement_imei", f"{imei} has a warranty card already: it was sold")
    values = dict(model_id=order.model_id, buyer_name=order.customer_name, buyer_phone=order.customer_phone,
                  member_id=order.member_id, sale_date=sale, period_months=months, active=True)
    if existing is not None:
        before = {"sale_date": existing.sale_date.isoformat(), "period_months": existing.period_months}
        _change_card(session, existing, values)
        card_id, created = existing.id, False
    else:
        card = WarrantyCard(id=uuid7(), imei=imei, registered_org_id=order.org_id, **values)
        session.add(card)
        if _deferring(session):
            _deferred(session).card_imeis.add(imei)
        _flush(session)
        card_id, created, before = card.id, True, {}
    if closing:
        _change_card(session, old, {"active": False})
    order.new_card_id = card_id
    core.record_audit(session, "warranty_card.exchange", entity_type="warranty_card", entity_id=card_id, after={
        "imei": imei, "sale_date": sale.isoformat(), "period_months": months, "order": order.number,
        "closed_card_id": str(old.id) if old else None})
    return {"new_card_id": str(card_id), "new_card_created": created, "new_card_before": before,
            "closed_card_id": str(old.id) if closing else None}


def deposit_held(session: Session, order: ExchangeOrder) -> Decimal:
    """The customer's money held on this order: deposits carried over from the repair it came from
    (repair_deposit_transfer, posted) less what was applied to the fee or paid back."""
    from ..repair.models import RepairDepositTransfer

    if order.from_repair_order_id is None:
        return ZERO  # only a repair's deposit is carried over, to the exchange it converted to
    carried = sum(session.execute(select(RepairDepositTransfer.amount).where(
        RepairDepositTransfer.exchange_order_id == order.id, RepairDepositTransfer.status == "posted")).scalars(), ZERO)
    if _deferring(session):  # carried over earlier in this batch (no autoflush while deferring)
        carried += sum((t.amount for t in session.new if isinstance(t, RepairDepositTransfer)
                        and t.exchange_order_id == order.id and t.status == "posted"), ZERO)
    return carried - order.deposit_applied - order.deposit_returned


def _fee(session: Session, order: ExchangeOrder, data: dict, led: _Ledgers) -> dict:
    """A price difference or fee the customer pays now, as repair bills at pickup: their receivable
    +fee; a deposit carried over is applied first (payable −d, receivable −d), the rest paid now
    (receivable −due, the cash drawer +due); what is left of the deposit is paid back (payable −c,
    the drawer −c), as repair's settlement does."""
    fee = ZERO if data.get("fee") in (None, "", "0", "0.00", 0) else _money(data["fee"], "fee")
    held = deposit_held(session, order)
    if not fee and not held:
        return {"fee": "0"}
    applied = min(held, fee)
    due, back = fee - applied, held - applied
    acc = repair_ops._account(session, order, data.get("account_id")) if due or back else None
    cp = customer_counterparty(session, order)
    memo = f"换机差价 exchange fee {order.number}"
    if fee:
        led.receivable.append(CounterpartyLine(cp, "receivable", fee, memo=memo))
    if applied:
        dmemo = f"结转押金抵扣 carried-over deposit applied {order.number}"
        led.receivable += [CounterpartyLine(cp, "payable", -applied, memo=dmemo),
                           CounterpartyLine(cp, "receivable", -applied, memo=dmemo)]
    if due:
        led.receivable.append(CounterpartyLine(cp, "receivable", -due, memo=memo))
        led.cash.append(CashLine(acc.id, due, memo=memo))
    if back:
        bmemo = f"退还结转押金 carried-over deposit returned {order.number}"
        led.receivable.append(CounterpartyLine(cp, "payable", -back, memo=bmemo))
        led.cash.append(CashLine(acc.id, -back, memo=bmemo))
    order.fee += fee
    order.deposit_applied += applied
    order.deposit_returned += back
    return {"fee": str(fee), **({"deposit_applied": str(applied), "deposit_returned": str(back)} if held else {})}


def _give_replacement(session: Session, order: ExchangeOrder, data: dict, led: _Ledgers, imei: str, item: bd.Item,
                      at: StockLocation) -> dict:
    """The customer gets ``imei`` (from ``at``), signs, pays any fee; their card moves to it."""
    sig = repair_ops.check_signature(data.get("signature"), "signature")
    value = led.move(item.id, at, _customer_place(session, order), imei, field="replacement_imei")
    money = _fee(session, order, data, led)
    order.replacement_imei, order.replacement_item_id = imei, item.id
    order.handed_over_at, order.signature = utcnow(), sig
    cards = _new_card(session, order, imei, led.today)
    return {"replacement_imei": imei, "value": str(value), **money, **cards}


def _take_old_unit(session: Session, order: ExchangeOrder, data: dict, led: _Ledgers, value: Decimal) -> dict:
    """The customer's unit becomes the point's, into defective stock at ``value``."""
    dst = _place(session, order, "defective", data.get("defective_warehouse_id"), "defective_warehouse_id")
    if batch_of(session) is not None:
        _serial_at(session, order.imei, order.item_id)  # to the batch's state (prefetched)
    led.move(order.item_id, _customer_place(session, order), dst, order.imei, unit_cost=value)
    order.unit_at, order.unit_value = "defective", value
    return {"old_unit": "defective", "unit_value": str(value)}


def _at_factory(session: Session, order: ExchangeOrder, led: _Ledgers) -> dict:
    """The manufacturer has the old unit: it leaves transit for its location, and owes its value."""
    transit = _transit_of(session, order)
    value = led.move(order.item_id, transit, _factory_place(session, order), order.imei)
    led.receivable.append(CounterpartyLine(Counterparty.party(order.manufacturer_id), "receivable", value,
                                           memo=f"换机旧机应收厂家 unit owed by the manufacturer {order.number}"))
    order.unit_at = "factory"
    return {"old_unit": "factory", "receivable": str(value)}


def _transit_of(session: Session, order: ExchangeOrder) -> StockLocation:
    _item, at = _serial_at(session, order.imei)
    if at is None or at.kind != "warehouse":
        raise Conflict("the old unit is not in transit in the stock ledger", {"imei": ["not in transit"]})
    return at


def _average_cost(session: Session, order: ExchangeOrder) -> Decimal:
    """The model's average cost at the point: in a posting batch as its ledger state holds it (the
    database's row may be behind it), else the row as it stands now."""
    key = (order.org_id, order.item_id)
    state = _ledger_state(session)
    if state is not None and key in state.costs:
        quantity, value = state.costs[key]
    else:
        row = session.execute(select(StockCost.quantity, StockCost.value).where(
            StockCost.org_id == order.org_id, StockCost.item_id == order.item_id)
            .execution_options(unscoped=True)).first()
        quantity, value = row if row is not None else (ZERO, ZERO)
    if quantity > 0:
        return (value / quantity).quantize(Decimal("0.01"))
    return session.get(bd.Item, order.item_id).standard_cost


def _ledger_state(session: Session) -> LedgerState | None:
    """The posting batch's stock-ledger state (made now if no posting made it yet), None without a batch."""
    batch = batch_of(session)
    return batch.part("stock_ledger", LedgerState) if batch is not None else None


def fire(session: Session, order: ExchangeOrder, event: str, data: dict | None = None, *,
         event_id: str | None = None) -> ExchangeOrder:
    """Move the order by ``event`` (:func:`_fire`). In a posting batch, nothing of this event is
    flushed before its end: the batch wrote every earlier posting before this one, and what this
    event reads (the serials, cards, loaners and money of the order) is nothing it has changed
    yet, so its changes to the order reach the database as one UPDATE, not one per read."""
    if batch_of(session) is None:
        return _fire(session, order, event, data, event_id=event_id)
    if _deferring(session):
        if event not in DEFERRED_EVENTS:
            raise RuntimeError(f"the exchange event {event} is not posted deferred")
        global _ORDER_COLUMNS
        _ORDER_COLUMNS = _ORDER_COLUMNS or tuple(c.key for c in ExchangeOrder.__mapper__.column_attrs)
        _deferred(session).save(order, _ORDER_COLUMNS)
    with session.no_autoflush:
        return _fire(session, order, event, data, event_id=event_id)


def _fire(session: Session, order: ExchangeOrder, event: str, data: dict | None = None, *,
          event_id: str | None = None) -> ExchangeOrder:
    """Move the order by ``event`` if its state, the actor's permission and the guards allow it
    (``TransitionRefused`` says which did not), with the event's stock, money and warranty effects.
    Writes: exchange_order, exchange_step, audit_log, and per event stock_move(_serial), stock_balance,
    stock_cost, stock_serial, counterparty_entry, cash_entry, warranty_card, repair_order."""
    data = dict(data or {})
    p = get_principal(session)
    if not p.may_write_org(order.org_id):
        raise Forbidden("an exchange is worked by the service point that took it in", {"org_id": ["not your order"]})
    before_state = order.state
    target = sm.check(order.state, event, facts_of(order), p.permissions)
    if event in ("hand_over", "convert_to_onsite", "pickup"):
        # 换机备机单: the loaner comes back before the customer gets a unit of their own.
        out = _loaner_out(session, order)
        if out is not None:
            raise InvalidInput("loaner_id", f"the loaner {out.serial} is still out on {out.number}: take it back first")
    before = _snapshot(order)
    step_id = uuid7()
    led = _Ledgers(session, order, event, step_id)
    recorded: dict[str, Any] = {}
    if event in ("hand_over", "convert_to_onsite"):
        imei, item, at = _replacement_from_stock(session, order, data)
        recorded.update(_give_replacement(session, order, data, led, imei, item, at))
        if order.unit_at == "customer":
            recorded.update(_take_old_unit(session, order, data, led, Decimal(recorded["value"])))
        if event == "convert_to_onsite":
            order.mode = "C"
            order.conversion_reason = _text(data, "reason", LIMITS["reason"])
            recorded["reason"] = order.conversion_reason
    elif event == "dispatch":
        if data.get("imei") and normalise_imei(str(data["imei"])) != order.imei:
            raise InvalidInput("imei", "not the device of this exchange order")
        if data.get("manufacturer_id"):
            order.manufacturer_id = _manufacturer(session, data["manufacturer_id"], None)
        _factory_place(session, order)  # a manufacturer is known before the unit leaves
        dst = _place(session, order, "in_transit", data.get("transit_warehouse_id"), "transit_warehouse_id")
        if order.unit_at == "customer":
            order.unit_value = _average_cost(session, order)
            if batch_of(session) is not None:
                _serial_at(session, order.imei, order.item_id)  # to the batch's state (prefetched)
            led.move(order.item_id, _customer_place(session, order), dst, order.imei, unit_cost=order.unit_value)
        else:
            order.unit_value = led.move(order.item_id, _transit_of(session, order), dst, order.imei)
        order.unit_at = "transit"
        order.carrier = _text(data, "carrier", LIMITS["carrier"])
        order.tracking_no = _text(data, "tracking_no", LIMITS["tracking_no"])
        recorded.update(old_unit="transit", unit_value=str(order.unit_value), carrier=order.carrier,
                        tracking_no=order.tracking_no, note=_text(data, "note", LIMITS["event_note"]))
    elif event == "factory_receipt":
        recorded.update(_at_factory(session, order, led), note=_text(data, "note", LIMITS["event_note"]))
    elif event == "receive_replacement":
        imei = normalise_imei(_text(data, "replacement_imei", 40, required=True))
        if imei == order.imei:
            raise InvalidInput("replacement_imei", "this is the customer's own unit")
        tac_model = _tac_model(session, imei) if not imei_problem(imei) else None
        if tac_model is not None and tac_model != order.model_id:
            raise InvalidInput("replacement_imei", "the manufacturer's unit is of another model: the replacement must be the same model")
        _item, at = _serial_at(session, imei, order.item_id)
        if at is not None and at.own:
            raise InvalidInput("replacement_imei", f"{imei} is in stock already")
        if order.unit_at == "transit":
            recorded.update(_at_factory(session, order, led))
        dst = _place(session, order, "good", data.get("warehouse_id"))
        led.move(order.item_id, _factory_place(session, order), dst, imei, unit_cost=order.unit_value,
                 field="replacement_imei")
        led.receivable.append(CounterpartyLine(Counterparty.party(order.manufacturer_id), "receivable", -order.unit_value,
                                               memo=f"厂家换机到货 replacement received {order.number}"))
        order.replacement_received_at = utcnow()
        if order.handed_over:
            order.factory_imei = imei  # A/C: the point's stock gets its unit back
        else:
            order.replacement_imei, order.replacement_item_id = imei, order.item_id  # B: held for the customer
        recorded.update(factory_unit=imei, value=str(order.unit_value), note=_text(data, "note", LIMITS["event_note"]))
    elif event == "credit":
        if order.unit_at == "transit":
            recorded.update(_at_factory(session, order, led))
        recorded["note"] = _text(data, "note", LIMITS["event_note"])
    elif event == "pickup":
        item_id, at = _serial_at(session, order.replacement_imei)
        if at is None or at.org_id != order.org_id or not at.own:
            raise InvalidInput("replacement_imei", f"{order.replacement_imei} is no longer in this service point's stock")
        recorded.update(_give_replacement(session, order, data, led, order.replacement_imei,
                                          session.get(bd.Item, item_id), at))
    elif event == "convert_to_repair":
        reason = _text(data, "reason", LIMITS["reason"], required=True)
        repair = _open_repair(session, order, data, reason)
        order.mode, order.repair_order_id, order.conversion_reason = "D", repair.id, reason
        recorded.update(reason=reason, repair_order=repair.number)
    led.write()
    order.state = target
    _flush(session)
    _record_step(session, order, event, before_state, before, recorded, event_id, step_id)
    return order


def _open_repair(session: Session, order: ExchangeOrder, data: dict, reason: str):
    """Mode D: the device continues as a repair order of the same customer, linked both ways."""
    body: dict[str, Any] = {"imei": order.imei, "model_id": order.model_id, "mode": "A",
                            "symptom_ids": [s["id"] for s in order.symptoms or []],
                            "fault_description": order.fault_description or reason,
                            "promised_date": data.get("promised_date"), "note": f"{order.number} 换机转维修: {reason}"[:2000]}
    if order.customer_kind == "member":
        body["member_phone"] = session.get(bd.Member, order.member_id, execution_options={"exact_key": True}).phone
    else:
        body.update(customer_name=order.customer_name, customer_phone=order.customer_phone)
    if order.sale_date and order.warranty_card_id is None:
        body["purchase_date"] = order.sale_date
    repair = repair_ops.take_in_device(session, body)
    repair.exchange_order_id = order.id
    repair.exchange_ref = order.number or ""
    return repair


def reverse_last_step(session: Session, order: ExchangeOrder, reason: str) -> ExchangeOrder:
    """红冲 the order's last step still in force: its stock moves and money entries get exact
    opposites (source ``exchange_reversal``, the reversal step), the warranty cards it changed are
    put back, and the order's columns and state are what they were before it. Intake reversed
    cancels the order (已作废). A conversion to repair is not reversed (it continues as the repair
    order). Writes: exchange_order, exchange_step, stock and money ledgers, warranty_card, audit_log."""
    from ..basedata.models import WarrantyCard

    p = get_principal(session)
    if "exchange.reverse" not in p.permissions:
        raise Forbidden("reversing a step needs the permission exchange.reverse", {"permission": ["exchange.reverse"]})
    if not p.may_write_org(order.org_id):
        raise Forbidden("an exchange is worked by the service point that took it in", {"org_id": ["not your order"]})
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("reason", "a reversal needs a reason")
    step = session.execute(select(ExchangeStep).where(
        ExchangeStep.order_id == order.id, ExchangeStep.event != "reverse", ExchangeStep.reversed_by_seq.is_(None))
        .order_by(ExchangeStep.seq.desc()).limit(1)).scalar_one_or_none()
    if step is None or order.state == sm.CANCELLED:
        raise TransitionRefused("nothing left to reverse on this order", {"state": [order.state]})
    if step.event == "convert_to_repair":
        raise TransitionRefused("a conversion to repair continues as the repair order; it is not reversed",
                                {"state": [order.state]})
    if step.event == "intake" and order.from_repair_order_id is not None:
        raise TransitionRefused("an exchange converted from a repair is not cancelled here", {"state": [order.state]})
    rev_id = uuid7()
    today = _today(session)
    moves = moves_of(session, step.ledger_type, step.id)
    if moves:
        post_moves(session, reversal_specs(session, moves), org_id=order.org_id, doc_type=REVERSAL_TYPE, doc_id=rev_id,
                   doc_date=today)
    reverse_entries_of(session, step.ledger_type, step.id, Source(REVERSAL_TYPE, rev_id, order.org_id, today,
                                                                  order.number or ""))
    cards = step.data or {}
    if cards.get("new_card_id"):
        values = {"active": False}
        if not cards.get("new_card_created"):
            prior = cards.get("new_card_before") or {}
            values.update(sale_date=dt.date.fromisoformat(prior["sale_date"]), period_months=prior["period_months"])
        session.execute(update(WarrantyCard).where(WarrantyCard.id == uuid.UUID(cards["new_card_id"])).values(**values)
                        .execution_options(synchronize_session="fetch"))
    if cards.get("closed_card_id"):
        session.execute(update(WarrantyCard).where(WarrantyCard.id == uuid.UUID(cards["closed_card_id"]))
                        .values(active=True).execution_options(synchronize_session="fetch"))
    before_state = order.state
    if step.event == "intake":
        order.state = sm.CANCELLED
    else:
        _restore(order, step.before)
        order.state = step.from_state
    session.flush()
    rev = _record_step(session, order, "reverse", before_state, {}, {"reverses": step.seq, "event": step.event,
                                                                     "reason": reason[:300]},
                       None, rev_id, reverses_seq=step.seq)
    step.reversed_by_seq = rev.seq
    session.flush()
    return order


# -- rules as configured (back office) ---------------------------------------------------------------

def save_rule(session: Session, data: dict) -> ExchangeRule:
    """Set a brand's 三包 rules (``brand_id`` absent: the default). Writes: exchange_rule, audit_log."""
    session.info.pop(_LOOKUPS, None)  # the rules read so far in this transaction are stale
    bid = _uuid(data.get("brand_id"), "brand_id")
    if bid is not None and session.get(bd.Brand, bid) is None:
        raise InvalidInput("brand_id", "no such brand")
    row = session.execute(select(ExchangeRule).where(
        ExchangeRule.brand_id == bid if bid else ExchangeRule.brand_id.is_(None))).scalar_one_or_none()
    created = row is None
    if created:
        row = ExchangeRule(brand_id=bid)
        session.add(row)
    if data.get("return_days", 7) > data.get("exchange_days", 15):
        raise InvalidInput("return_days", "at most the exchange days")
    for name in ("return_days", "exchange_days", "repeat_repairs", "accessory_failed_replacements", "new_warranty"):
        if name in data:
            setattr(row, name, data[name])
    if "performance_symptom_ids" in data:
        ids = []
        for i, value in enumerate(data["performance_symptom_ids"] or []):
            sid = _uuid(value, f"performance_symptom_ids.{i}")
            if session.get(bd.FaultSymptom, sid) is None:
                raise InvalidInput(f"performance_symptom_ids.{i}", "no such fault symptom")
            ids.append(str(sid))
        row.performance_symptom_ids = ids
    if "accessory_months" in data:
        months = data["accessory_months"] or {}
        for kind in months:
            if kind not in rules.ACCESSORY_KINDS:
                raise InvalidInput(f"accessory_months.{kind}", "battery, charger or headset")
        row.accessory_months = dict(months)
    if "manufacturer_id" in data:
        row.manufacturer_id = _manufacturer(session, data["manufacturer_id"], None) if data["manufacturer_id"] else None
    session.flush()
    core.record_audit(session, "exchange_rule.create" if created else "exchange_rule.edit", row, after={
        k: (str(v) if isinstance(v, uuid.UUID) else v) for k, v in data.items()})
    return row
