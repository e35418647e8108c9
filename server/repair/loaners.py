"""Loaner slips (维修备机单, spec §1.10): a loaner unit lent to the customer during a repair.

Stock: the unit (a serialized device item in a ``loaner`` warehouse) leaves for the customer at
its book value when lent and comes back at that same value — into the loaner warehouse in good
condition, the defective warehouse when damaged — so lending never changes what the unit is
worth. Money: the deposit is the customer's money we hold (payable +d, cash +d); at the return
it is paid back less a damage charge, which is billed and settled from the deposit.

The same slip is lent against an exchange order (换机备机单, ``exchange_order_id``): a return-to-
factory exchange (mode B) whose customer waits without a phone until the manufacturer's unit
arrives; the exchange refuses to give the customer a unit while its loaner is still out, so the
loaner comes back at pickup (docs/exchange.md).
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..auth.principal import get_principal
from ..basedata import models as bd
from ..core import operations as core
from ..db import utcnow
from ..errors import Conflict, Forbidden, InvalidInput, NotFound, TransitionRefused
from ..finance.operations import (CashLine, CounterpartyLine, Source, post_cash_entries,
                                  post_counterparty_entries)
from ..ids import uuid7
from ..org.scoping import may_see
from ..stock.ledger import MoveSpec, location_for, post_moves
from ..stock.models import StockLocation, StockSerial
from . import statemachine as sm
from .money import customer_counterparty
from .models import RepairLoaner, RepairOrder
from .operations import ZERO, _account, _money, _text, _today, _uuid

RETURN_DOC_TYPE = "repair_loaner_return"
# Exported to devices (rules.desk()): a tablet lending offline checks the same.
OPEN_STATES = (sm.PENDING_ACCEPTANCE, sm.PENDING_REPAIR, sm.PENDING_QC, sm.PENDING_PICKUP)
SERIAL_MAX, NOTE_MAX, RETURN_NOTE_MAX = 40, 500, 300


def _exchange_model():
    from ..exchange.models import ExchangeOrder  # exchange imports repair: imported when used

    return ExchangeOrder


def order_of(session: Session, loaner: RepairLoaner):
    """The repair or exchange order the loaner was lent against."""
    if loaner.exchange_order_id is not None:
        return session.get(_exchange_model(), loaner.exchange_order_id)
    return session.get(RepairOrder, loaner.order_id)


def open_loaner(session: Session, *, order_id: Any = None, exchange_order_id: Any = None) -> RepairLoaner | None:
    """The loaner still out on an order, if any."""
    stmt = select(RepairLoaner).where(RepairLoaner.status == "posted", RepairLoaner.returned_at.is_(None))
    stmt = stmt.where(RepairLoaner.exchange_order_id == exchange_order_id) if exchange_order_id is not None \
        else stmt.where(RepairLoaner.order_id == order_id)
    return session.execute(stmt.limit(1)).scalar_one_or_none()


def _check_exchange_lendable(order) -> None:
    """换机备机单: a mode B exchange whose customer has no replacement yet."""
    from ..exchange import statemachine as xsm

    if order.state not in (xsm.PENDING_EXCHANGE, xsm.PENDING_DISPATCH, xsm.AT_FACTORY, xsm.PENDING_PICKUP):
        raise TransitionRefused("loaners are lent while the exchange is open", {"state": [order.state]})
    if order.mode != "B" or order.handed_over:
        raise TransitionRefused("a loaner is lent while the customer waits for the manufacturer's unit (mode B)",
                                {"mode": [order.mode]})


def get_loaner(session: Session, loaner_id: Any) -> RepairLoaner:
    lid = _uuid(loaner_id, "loaner_id")
    loaner = session.get(RepairLoaner, lid) if lid else None
    if loaner is None or not may_see(get_principal(session), loaner):
        raise NotFound("no such loaner slip")
    return loaner


def _warehouse(session: Session, org_id: uuid.UUID, value: Any, field: str, kind: str) -> bd.Warehouse:
    wid = _uuid(value, field)
    if wid is None:
        wid = session.execute(select(bd.Warehouse.id).where(bd.Warehouse.org_id == org_id, bd.Warehouse.kind == kind,
                                                            bd.Warehouse.active).order_by(bd.Warehouse.code).limit(1)
                              ).scalar_one_or_none()
        if wid is None:
            raise InvalidInput(field, f"this service point has no {kind} warehouse")
    wh = session.get(bd.Warehouse, wid)
    if wh is None or wh.org_id != org_id or not wh.active:
        raise InvalidInput(field, "no such active warehouse at this service point")
    if wh.kind != kind:
        raise InvalidInput(field, f"must be a {kind} warehouse")
    return wh


def _customer_location(session: Session, org_id: uuid.UUID) -> StockLocation:
    return location_for(session, org_id, "customer", name="customer devices")


def lend_loaner(session: Session, order: RepairOrder, data: dict, *, loaner_id: uuid.UUID | None = None) -> RepairLoaner:
    """Lend a loaner unit against an open order: the ``serial`` (IMEI) of a unit in the
    ``warehouse_id`` (default: the point's loaner warehouse; ``item_id`` found from the serial when
    not given), ``due_date``, optional ``deposit``
    with ``account_id``. Posted at once (number ``BJ-…``). Writes: repair_loaner, stock_move(_serial),
    stock_balance, stock_cost, stock_serial, counterparty_entry, cash_entry, document_counter, audit_log."""
    p = get_principal(session)
    if not p.may_write_org(order.org_id):
        raise Forbidden("loaners are lent by the service point that took the device in", {"org_id": ["not your order"]})
    exchange = not isinstance(order, RepairOrder)
    if exchange:
        _check_exchange_lendable(order)
    elif order.state not in OPEN_STATES:
        raise TransitionRefused("loaners are lent while the order is open", {"state": [order.state]})
    serial = _text(data, "serial", SERIAL_MAX, required=True)
    wh = _warehouse(session, order.org_id, data.get("warehouse_id"), "warehouse_id", "loaner")
    loc = location_for(session, order.org_id, "warehouse", warehouse=wh)
    iid = _uuid(data.get("item_id"), "item_id")
    if iid is None:
        # At the desk the unit is scanned: its IMEI names the item it is a unit of.
        iid = session.execute(select(StockSerial.item_id).where(StockSerial.serial == serial, StockSerial.location_id == loc.id)
                              .execution_options(unscoped=True)).scalar_one_or_none()
        if iid is None:
            raise InvalidInput("serial", f"{serial} is not in {wh.code} {wh.name}")
    item = session.get(bd.Item, iid)
    if item is None or not item.active or item.kind != "device" or not item.serialized:
        raise InvalidInput("item_id", "a whole device tracked by IMEI")
    at = session.execute(select(StockSerial.location_id).where(StockSerial.item_id == item.id, StockSerial.serial == serial)
                         .execution_options(unscoped=True)).scalar_one_or_none()
    if at != loc.id:
        raise InvalidInput("serial", f"{serial} is not in {wh.code} {wh.name}")
    busy = session.execute(select(RepairLoaner.number).where(RepairLoaner.serial == serial, RepairLoaner.status == "posted",
                                                             RepairLoaner.returned_at.is_(None))).first()
    if busy is not None:
        raise InvalidInput("serial", f"{serial} is out on {busy.number}")
    today = _today(session)
    due = data.get("due_date")
    if isinstance(due, str):
        try:
            due = dt.date.fromisoformat(due)
        except ValueError:
            raise InvalidInput("due_date", "must be a date (YYYY-MM-DD)") from None
    if not isinstance(due, dt.date):
        raise InvalidInput("due_date", "when the loaner is due back")
    if due < today:
        raise InvalidInput("due_date", "must not be in the past")
    deposit = ZERO
    account_id = None
    if data.get("deposit") not in (None, "", "0", "0.00", 0):
        deposit = _money(data["deposit"], "deposit")
        account_id = _account(session, order, data.get("account_id")).id
    loaner = RepairLoaner(id=loaner_id or uuid7(), org_id=order.org_id, order_id=None if exchange else order.id,
                          exchange_order_id=order.id if exchange else None, item_id=item.id, serial=serial,
                          warehouse_id=wh.id, deposit=deposit, account_id=account_id, due_date=due, doc_date=today,
                          note=_text(data, "note", NOTE_MAX))
    core.create_document(session, loaner)
    core.post_document(session, loaner)
    return loaner


def write_lend_ledgers(session: Session, loaner: RepairLoaner) -> None:
    """At posting: the unit goes to the customer, the deposit comes in."""
    order = order_of(session, loaner)
    wh = session.get(bd.Warehouse, loaner.warehouse_id)
    [move] = post_moves(session, [MoveSpec(loaner.item_id, location_for(session, loaner.org_id, "warehouse", warehouse=wh),
                                           _customer_location(session, loaner.org_id), Decimal(1), line_id=loaner.id,
                                           serials=[loaner.serial])],
                        org_id=loaner.org_id, doc_type=loaner.DOC_TYPE, doc_id=loaner.id, doc_date=loaner.doc_date)
    loaner.value = move.value
    if loaner.deposit:
        src = Source.of(loaner)
        memo = f"备机押金 loaner deposit {loaner.number} {order.number}"
        post_counterparty_entries(session, src, [CounterpartyLine(customer_counterparty(session, order), "payable",
                                                                  loaner.deposit, memo=memo)])
        post_cash_entries(session, src, [CashLine(loaner.account_id, loaner.deposit, memo=memo)])


def return_loaner(session: Session, loaner: RepairLoaner, data: dict) -> RepairLoaner:
    """备机归还: the condition is checked (``good`` → the loaner warehouse, ``damaged`` → the
    defective warehouse, or ``warehouse_id``); the deposit is paid back from ``account_id``
    (default: the one it went into) less ``damage_charge`` (damaged only, at most the deposit).
    Writes: repair_loaner, stock_move(_serial), stock_balance, stock_cost, stock_serial,
    counterparty_entry, cash_entry, audit_log."""
    if loaner.status != "posted":
        raise TransitionRefused("the loaner slip is not posted", {"status": [loaner.status]})
    if loaner.returned_at is not None:
        raise Conflict(f"{loaner.number} was returned already", {"loaner_id": ["already returned"]})
    if not get_principal(session).may_write_org(loaner.org_id):
        raise Forbidden("the loaner comes back to the point that lent it", {"org_id": ["not your loaner"]})
    condition = data.get("condition")
    if condition not in ("good", "damaged"):
        raise InvalidInput("condition", "good or damaged")
    wh = _warehouse(session, loaner.org_id, data.get("warehouse_id"), "warehouse_id",
                    "loaner" if condition == "good" else "defective")
    charge = ZERO
    if data.get("damage_charge") not in (None, "", "0", "0.00", 0):
        if condition != "damaged":
            raise InvalidInput("damage_charge", "only a damaged loaner is charged for")
        charge = _money(data["damage_charge"], "damage_charge")
        if charge > loaner.deposit:
            raise InvalidInput("damage_charge", f"at most the deposit ({loaner.deposit})")
    back = loaner.deposit - charge
    account_id = loaner.account_id
    if back and data.get("account_id"):
        account_id = _account(session, order_of(session, loaner), data["account_id"]).id
    today = _today(session)
    post_moves(session, [MoveSpec(loaner.item_id, _customer_location(session, loaner.org_id),
                                  location_for(session, loaner.org_id, "warehouse", warehouse=wh), Decimal(1),
                                  line_id=loaner.id, value=loaner.value, serials=[loaner.serial])],
               org_id=loaner.org_id, doc_type=RETURN_DOC_TYPE, doc_id=loaner.id, doc_date=today)
    if loaner.deposit:
        order = order_of(session, loaner)
        cp = customer_counterparty(session, order)
        src = Source(RETURN_DOC_TYPE, loaner.id, loaner.org_id, today, loaner.number or "")
        lines, cash = [], []
        if charge:
            memo = f"备机损坏赔偿 loaner damage {loaner.number}"
            lines += [CounterpartyLine(cp, "receivable", charge, memo=memo),
                      CounterpartyLine(cp, "payable", -charge, memo=memo),
                      CounterpartyLine(cp, "receivable", -charge, memo=memo)]
        if back:
            memo = f"退还备机押金 loaner deposit returned {loaner.number}"
            lines.append(CounterpartyLine(cp, "payable", -back, memo=memo))
            cash.append(CashLine(account_id, -back, memo=memo))
        post_counterparty_entries(session, src, lines)
        if cash:
            post_cash_entries(session, src, cash)
    loaner.returned_at, loaner.returned_by_id = utcnow(), get_principal(session).user_id
    loaner.return_condition, loaner.return_warehouse_id, loaner.damage_charge = condition, wh.id, charge
    loaner.return_note = _text(data, "note", RETURN_NOTE_MAX)
    session.flush()
    core.record_audit(session, "repair_loaner.return", loaner, after={
        "condition": condition, "warehouse": wh.code, "damage_charge": str(charge), "deposit_returned": str(back)})
    return loaner


def loaner_actions(loaner: RepairLoaner) -> list[str]:
    return ["return"] if loaner.status == "posted" and loaner.returned_at is None else []


def loaner_row(loaner: RepairLoaner, order_number: str | None) -> dict:
    """A loaner slip as the desk's answers show it (``LoanerOut``): with its order's number and
    what may be done to it now."""
    out = {c.key: getattr(loaner, c.key) for c in loaner.__table__.columns}
    out.update(order_number=order_number, actions=loaner_actions(loaner))
    return out


def loaner_detail(session: Session, loaner: RepairLoaner) -> dict:
    return loaner_row(loaner, order_of(session, loaner).number)


def loaners_query(args: dict, today: dt.date):
    """Loaner slips with their order's number, repair or exchange (``q``: a slip or order number, or
    the unit's IMEI; ``order_id`` either order's id)."""
    from sqlalchemy import func

    ExchangeOrder = _exchange_model()
    stmt = (select(RepairLoaner, func.coalesce(RepairOrder.number, ExchangeOrder.number).label("order_number"))
            .outerjoin(RepairOrder, RepairOrder.id == RepairLoaner.order_id)
            .outerjoin(ExchangeOrder, ExchangeOrder.id == RepairLoaner.exchange_order_id)
            .where(RepairLoaner.status == "posted"))
    if args.get("q"):
        q = args["q"].strip()
        stmt = stmt.where(or_(RepairLoaner.number == q.upper(), RepairOrder.number == q.upper(),
                              ExchangeOrder.number == q.upper(), RepairLoaner.serial == q))
    if args.get("order_id"):
        stmt = stmt.where(or_(RepairLoaner.order_id == args["order_id"], RepairLoaner.exchange_order_id == args["order_id"]))
    if args.get("out"):
        stmt = stmt.where(RepairLoaner.returned_at.is_(None))
    if args.get("overdue"):
        stmt = stmt.where(RepairLoaner.returned_at.is_(None), RepairLoaner.due_date < today)
    return stmt.order_by(RepairLoaner.due_date, RepairLoaner.id)
