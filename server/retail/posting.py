"""Retail at the counter (spec §7): the sale, the return, the cash-up and the stock exceptions.

The one rule of the counter: **nothing a customer paid for is lost.** A sale made offline posts with
its money whatever the stock says. Each line whose stock is at the counter leaves it at once; a
line whose stock is not there (sold at another tablet, counted short, a device not received yet)
becomes a *retail stock exception*: the sale and its money stand, and the line's stock side posts
when stock arrives at that warehouse (the ledger's arrival hook, as the shortage register's) or
when the warehouse posts it from the list. No move ever makes stock negative.

Money goes through ``server.trade.pricing`` (retail prices include tax) and the money ledger
through ``server.finance.operations.post_cash_entries``; stock through ``post_moves``. A sale
posts deferred in the sync worker's batch (``server.core.batch``): it reads the stock the batch
holds in memory and writes only plain records, so thousands post in a few statements.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import event, func, select, update
from sqlalchemy.orm import Session

from ..auth.principal import get_principal
from ..basedata.models import Item, Member, Warehouse, WarrantyCard
from ..core import operations as core
from ..core.batch import batch_of, pending_rows
from ..db import get_loaded, utcnow
from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..finance.models import MoneyAccount
from ..finance.operations import CashLine, Source, post_cash_entries
from ..ids import uuid7
from ..org.scoping import exact, may_see
from ..stock import ledger
from ..stock.ledger import MoveSpec, location_for, post_moves
from ..stock.models import StockSerial
from ..trade import pricing
from .models import (PlainCard, PlainException, PlainPayment, PlainRetailSale, PlainSaleLine, RetailCashup, RetailCashupLine,
                     RetailPayment, RetailReturn, RetailReturnLine, RetailSale, RetailSaleLine,
                     RetailStockException)

ZERO = Decimal("0.00")


def _settings(session):
    from ..settings import Settings

    return session.info.get("aftercare.settings") or Settings()


def _uuid(value: Any, field: str) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise InvalidInput(field, "is not a valid id") from None


def _money(value: Any, field: str) -> Decimal:
    amount = pricing.check_price(value, field)
    if amount != pricing.cents(amount):
        raise InvalidInput(field, "at most two decimal places")
    return amount


def _counter(session, warehouse_id: Any, field: str = "warehouse_id") -> Warehouse:
    """The counter's warehouse: good stock of the acting user's organisation."""
    wh = get_loaded(session, Warehouse, _uuid(warehouse_id, field))
    p = get_principal(session)
    if wh is None or not may_see(p, wh):
        raise InvalidInput(field, "no such warehouse")
    if not p.may_write_org(wh.org_id):
        raise Forbidden("you may sell from your own organisation's warehouses only", {field: ["not your organisation"]})
    if wh.kind != "good" or not wh.active:
        raise InvalidInput(field, "the counter sells from an active good-stock warehouse")
    return wh


def _account(session, account_id: Any, org_id: uuid.UUID, field: str) -> MoneyAccount:
    account = get_loaded(session, MoneyAccount, _uuid(account_id, field))
    if account is None or account.org_id != org_id:
        raise InvalidInput(field, "no such money account")
    if not account.active:
        raise InvalidInput(field, f"account {account.code} is inactive")
    return account


def _day(session, value: Any, field: str = "doc_date") -> dt.date:
    if value is None:
        from zoneinfo import ZoneInfo

        return dt.datetime.now(ZoneInfo(_settings(session).timezone)).date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput(field, "is not a valid date") from None


# -- the sale --------------------------------------------------------------------------------------

def make_sale(session, data: dict, *, device_id: str = "") -> RetailSale:
    """零售销售单: check, price and post a sale (REST or a counter's ``retail_sale`` event).

    ``data``: warehouse_id, optional member_id / customer_name / customer_phone / doc_date / note,
    ``lines`` [{id?, item_id, quantity, unit_price?, tax_rate?, serials}], ``payments``
    [{account_id, amount}]. Lines are priced at the item's retail price; another price needs
    ``retail.price_override``. Payments must cover the total; only cash gives change.
    Writes: retail_sale (+ lines, payments), document_counter, the stock ledger, retail stock
    exceptions, cash_entry, warranty cards, audit_log. Refused whole, naming the field."""
    p = get_principal(session)
    wh = _counter(session, data.get("warehouse_id"))
    org_id = wh.org_id
    deferred = pending_rows(session) is not None
    sale_cls, line_cls, pay_cls = (PlainRetailSale, PlainSaleLine, PlainPayment) if deferred else \
        (RetailSale, RetailSaleLine, RetailPayment)
    member_id = None
    if data.get("member_id"):
        member_id = _uuid(data["member_id"], "member_id")
        if session.get(Member, member_id, execution_options={"exact_key": True}) is None:
            raise InvalidInput("member_id", "no such member")
    raw_lines = data.get("lines") or []
    if not raw_lines:
        raise InvalidInput("lines", "a sale needs at least one line")
    default_rate = Decimal(str(_settings(session).retail_tax_rate))
    lines, amounts, seen = [], [], set()
    for n, raw in enumerate(raw_lines):
        where = f"lines.{n}"
        item = get_loaded(session, Item, _uuid(raw.get("item_id"), f"{where}.item_id"))
        if item is None or not item.active:
            raise InvalidInput(f"{where}.item_id", "no such item")
        qty = pricing.check_quantity(raw.get("quantity"), f"{where}.quantity")
        price = list_price = item.retail_price.quantize(pricing.PRICE_PLACES)
        if raw.get("unit_price") is not None:
            given = pricing.check_price(raw["unit_price"], f"{where}.unit_price")
            if given != price and not p.can("retail.price_override"):
                raise Forbidden(f"selling {item.code} at another price than {price} needs retail.price_override",
                                {f"{where}.unit_price": ["needs retail.price_override"]})
            price = given
        rate = pricing.check_rate(raw["tax_rate"], f"{where}.tax_rate") if raw.get("tax_rate") is not None \
            else default_rate
        serials = [str(s).strip() for s in raw.get("serials") or []]
        if (problem := ledger.serial_rule(item.code, item.serialized, qty, serials)) is not None:
            raise InvalidInput(f"{where}.serials", problem)
        for s in serials:
            if s in seen:
                raise InvalidInput(f"{where}.serials", f"{s} is sold twice on this sale")
            seen.add(s)
        money = pricing.line_amounts(qty, price, tax_rate=rate, price_includes_tax=True)
        amounts.append(money)
        lines.append(line_cls(id=_uuid(raw["id"], f"{where}.id") if raw.get("id") else uuid7(), sort_order=n,
                              item_id=item.id, quantity=qty, list_price=list_price, unit_price=price,
                              tax_rate=rate, net=money.net, tax=money.tax, gross=money.gross, serials=serials,
                              cost=None))
    totals = pricing.total(amounts)
    payments = _payments(session, data.get("payments") or [], org_id, totals.gross, pay_cls)
    tendered = sum((x.amount for x in payments), ZERO)
    sale = sale_cls(**({"id": _uuid(data["id"], "id")} if data.get("id") else {}), org_id=org_id,
                    doc_date=_day(session, data.get("doc_date")), note=data.get("note") or "", warehouse_id=wh.id,
                    member_id=member_id, customer_name=(data.get("customer_name") or "")[:80],
                    customer_phone=(data.get("customer_phone") or "")[:20], device_id=device_id[:64],
                    net_total=totals.net, tax_total=totals.tax, total=totals.gross, tendered=tendered,
                    change=tendered - totals.gross, stock_state="posted", lines=lines, payments=payments)
    return core.create_and_post(session, sale)


def _payments(session, raw: list, org_id: uuid.UUID, total: Decimal, pay_cls) -> list:
    """The payment split: each account once, every amount positive; together at least the total;
    no change on a non-cash account (what is paid there is never more than the total)."""
    out, accounts = [], set()
    for n, pay in enumerate(raw):
        where = f"payments.{n}"
        account = _account(session, pay.get("account_id"), org_id, f"{where}.account_id")
        if account.id in accounts:
            raise InvalidInput(f"{where}.account_id", "each account once per sale")
        accounts.add(account.id)
        amount = _money(pay.get("amount"), f"{where}.amount")
        if amount <= 0:
            raise InvalidInput(f"{where}.amount", "must be greater than zero")
        out.append((account, amount))
    paid = sum((a for _, a in out), ZERO)
    if paid < total:
        raise InvalidInput("payments", f"the payments ({paid}) do not cover the total ({total})")
    non_cash = sum((a for acc, a in out if acc.kind != "cash"), ZERO)
    if non_cash > total:
        raise InvalidInput("payments", "change is given in cash only: non-cash payments exceed the total")
    change = paid - total
    records = []
    for n, (account, amount) in enumerate(out):
        kept = amount
        if account.kind == "cash" and change:
            back = min(change, amount)
            kept, change = amount - back, change - back
        records.append(pay_cls(id=uuid7(), document_type="retail_sale", sort_order=n, account_id=account.id,
                               amount=amount, kept=kept))
    return records


def _stock_at(session, location, item_ids: set, serial_keys: list) -> tuple[dict, dict]:
    """What the counter holds now, as the next posting will see it (in a batch: with the batch's
    pending postings), each row locked as a posting locks it."""
    state = ledger.ledger_state(session) or ledger.LedgerState()
    state.loc_meta[location.id] = (location.org_id, location.kind)
    state.lock_balances(session, [(location.id, i) for i in item_ids])
    state.load_serials(session, serial_keys)
    return ({i: state.balances[(location.id, i)][0] for i in item_ids},
            {k: state.serials[k][0] for k in serial_keys})


def _foreign_serials(session, item_id: uuid.UUID, serials: list[str]) -> dict[str, uuid.UUID]:
    """Serials the ledger knows as another item's (a serial that is not this item's is refused)."""
    rows = session.execute(select(StockSerial.serial, StockSerial.item_id).where(
        StockSerial.serial.in_(serials), StockSerial.item_id != item_id).execution_options(unscoped=True)).all()
    return {r[0]: r[1] for r in rows}


def write_sale_ledgers(session, sale) -> None:
    """The sale's stock, money and warranty cards (its ``write_ledgers``). Every refusal comes
    before anything is written: stock that is not there is an exception, never a refusal."""
    wh = get_loaded(session, Warehouse, sale.warehouse_id)
    src = location_for(session, sale.org_id, "warehouse", warehouse=wh)
    dst = location_for(session, sale.org_id, "customer")
    keys = [(line.item_id, s) for line in sale.lines for s in line.serials]
    on_hand, serial_at = _stock_at(session, src, {line.item_id for line in sale.lines}, keys)
    for n, line in enumerate(sale.lines):
        unknown = [s for s in line.serials if serial_at[(line.item_id, s)] is None]
        if unknown and (foreign := _foreign_serials(session, line.item_id, unknown)):
            item = get_loaded(session, Item, line.item_id)
            serial = next(iter(foreign))
            raise InvalidInput(f"lines.{n}.serials", f"{serial} is not a serial of {item.code}")
    specs, waiting = [], []
    for line in sale.lines:
        missing = [s for s in line.serials if serial_at[(line.item_id, s)] != src.id]
        if on_hand[line.item_id] >= line.quantity and not missing:
            on_hand[line.item_id] -= line.quantity
            specs.append(MoveSpec(item_id=line.item_id, from_location=src, to_location=dst, quantity=line.quantity,
                                  line_id=line.id, serials=list(line.serials)))
        else:
            item = get_loaded(session, Item, line.item_id)
            reason = (f"{', '.join(missing)} not at {wh.name}" if missing else
                      f"{item.code}: {on_hand[line.item_id].normalize():f} on hand at {wh.name}, "
                      f"{line.quantity.normalize():f} sold")
            waiting.append((line, reason))
    cost: dict[uuid.UUID, Decimal] = {}
    for move in post_moves(session, specs, org_id=sale.org_id, doc_type=sale.DOC_TYPE, doc_id=sale.id,
                           doc_date=sale.doc_date):
        cost[move.line_id] = cost.get(move.line_id, ZERO) + move.value
    for spec in specs:
        next(line for line in sale.lines if line.id == spec.line_id).cost = cost.get(spec.line_id, ZERO)
    pending = pending_rows(session)
    for line, reason in waiting:
        # Inserted after the sale and its line: pending rows go in table dependency order, and an
        # immediate posting has flushed the sale already.
        exc = (PlainException if pending is not None else RetailStockException)(
            id=uuid7(), org_id=sale.org_id, sale_id=sale.id, sale_line_id=line.id, item_id=line.item_id,
            warehouse_id=sale.warehouse_id, quantity=line.quantity, serials=list(line.serials), reason=reason[:300],
            state="open", created_at=utcnow(), resolution="")
        if pending is not None:
            pending.add(exc)
        else:
            session.add(exc)
    if waiting:
        sale.stock_state = "waiting"
    cash = [CashLine(pay.account_id, pay.kept, line_id=pay.id, memo="零售收款") for pay in sale.payments if pay.kept]
    if cash:
        post_cash_entries(session, Source.of(sale), cash)
    _cards(session, sale)


_CARDS = "aftercare.retail_cards"


@event.listens_for(Session, "after_soft_rollback")
def _forget_cards(session, _previous) -> None:
    session.info.pop(_CARDS, None)


@event.listens_for(Session, "after_commit")
def _forget_cards_at_commit(session) -> None:
    session.info.pop(_CARDS, None)


def prefetch_cards(session, imeis: list[str]) -> None:
    """A batch's sold IMEIs' cards (id or None), read in one statement; ``_cards`` keeps it current."""
    known = session.info.setdefault(_CARDS, {})
    found = dict(session.execute(exact(select(WarrantyCard.imei, WarrantyCard.id).where(WarrantyCard.imei.in_(imeis)))).all())
    known.update({imei: found.get(imei) for imei in imeis})


def _cards(session, sale) -> None:
    """A sold device's warranty card: from the sale date for its model's period (the exchange 三包
    rules count from it). A card the IMEI had already (an earlier sale, returned) is taken over."""
    devices = []
    for line in sale.lines:
        item = get_loaded(session, Item, line.item_id)
        if item.kind == "device" and item.model_id is not None:
            devices += [(s, item) for s in line.serials]
    if not devices:
        return
    from ..basedata.models import ProductModel

    known = session.info.get(_CARDS)  # a batch's cards, read by its prefetch and kept up to date
    wanted = [s for s, _ in devices if known is None or s not in known]
    existing = {c.imei: c.id for c in session.execute(exact(select(WarrantyCard).where(
        WarrantyCard.imei.in_(wanted))))} if wanted else {}
    if known is not None:
        existing.update({s: known[s] for s, _ in devices if known.get(s) is not None})
    pending = pending_rows(session)
    for imei, item in devices:
        model = get_loaded(session, ProductModel, item.model_id)
        values = dict(model_id=item.model_id, buyer_name=sale.customer_name, buyer_phone=sale.customer_phone,
                      member_id=sale.member_id, sale_date=sale.doc_date, period_months=model.warranty_months,
                      invoice_number=sale.number or "", active=True)
        card_id = existing.get(imei)
        if card_id is not None:
            # Cards are network-wide personal data, changed by a statement (as the exchange does):
            # the selling point serves the buyer whoever registered the card first.
            session.execute(update(WarrantyCard).where(WarrantyCard.id == card_id).values(**values)
                            .execution_options(synchronize_session=False))
        elif pending is not None:
            card_id = uuid7()
            pending.add(PlainCard(id=card_id, imei=imei, registered_org_id=sale.org_id, **values))
        else:
            card_id = uuid7()
            session.add(WarrantyCard(id=card_id, imei=imei, registered_org_id=sale.org_id, **values))
        if known is not None:
            known[imei] = card_id
    core.record_audit(session, "warranty_card.sale", entity_type="retail_sale", entity_id=sale.id, org_id=sale.org_id,
                      after={"imeis": [s for s, _ in devices], "sale_date": sale.doc_date.isoformat()})


# -- the stock exceptions ----------------------------------------------------------------------------

def _pending_record(session, model, pk):
    batch = batch_of(session)
    rows = batch.parts.get("rows") if batch is not None else None
    return rows.find(model.__table__, pk) if rows is not None else None


def _sale_line(session, line_id: uuid.UUID):
    line = _pending_record(session, RetailSaleLine, line_id)
    return line if line is not None else session.get(RetailSaleLine, line_id)


def _sale(session, sale_id: uuid.UUID):
    sale = _pending_record(session, RetailSale, sale_id)
    return sale if sale is not None else session.get(RetailSale, sale_id)


def post_exception(session, exc, resolution: str = "manual") -> bool:
    """Post a waiting line's stock side now: the counter → the customer, at the average cost of now,
    as the sale's own moves. Answers False (nothing written) when the stock is still not there."""
    wh = get_loaded(session, Warehouse, exc.warehouse_id)
    src = location_for(session, exc.org_id, "warehouse", warehouse=wh)
    dst = location_for(session, exc.org_id, "customer")
    keys = [(exc.item_id, s) for s in exc.serials]
    on_hand, serial_at = _stock_at(session, src, {exc.item_id}, keys)
    if on_hand[exc.item_id] < exc.quantity or any(serial_at[k] != src.id for k in keys):
        return False
    line = _sale_line(session, exc.sale_line_id)
    sale = _sale(session, exc.sale_id)
    moves = post_moves(session, [MoveSpec(item_id=exc.item_id, from_location=src, to_location=dst,
                                          quantity=exc.quantity, line_id=exc.sale_line_id, serials=list(exc.serials))],
                       org_id=exc.org_id, doc_type=RetailSale.DOC_TYPE, doc_id=exc.sale_id, doc_date=sale.doc_date)
    value = sum((m.value for m in moves), ZERO)
    exc.state, exc.resolution, exc.cost = "posted", resolution, value
    exc.resolved_at, exc.resolved_by_id = utcnow(), get_principal(session).user_id
    line.cost = (line.cost or ZERO) + value
    if not _open_exceptions(session, sale.id, besides=exc.id):
        sale.stock_state = "posted"
    core.record_audit(session, f"retail_exception.{resolution}", entity_type="retail_stock_exception",
                      entity_id=exc.id, org_id=exc.org_id,
                      after={"sale": sale.number, "quantity": str(exc.quantity), "cost": str(value)})
    return True


def _open_exceptions(session, sale_id: uuid.UUID, besides: uuid.UUID | None = None) -> list:
    batch = batch_of(session)
    rows = batch.parts.get("rows") if batch is not None else None
    found = [r for r in (rows.records.get(RetailStockException.__table__, ()) if rows else ())
             if r.sale_id == sale_id and r.state == "open" and r.id != besides]
    found += [r for r in session.execute(select(RetailStockException).where(
        RetailStockException.sale_id == sale_id, RetailStockException.state == "open")
        .execution_options(unscoped=True)).scalars() if r.id != besides]
    return found


def resolve_by_hand(session, exc: RetailStockException) -> RetailStockException:
    """From the list (permission ``retail.exceptions``): refused while the stock is still not there."""
    if exc.state != "open":
        raise Conflict(f"the exception is {exc.state} already", {"state": [exc.state]})
    if not get_principal(session).may_write_org(exc.org_id):
        raise Forbidden("another organisation's exception", {"id": ["not your organisation"]})
    if not post_exception(session, exc, "manual"):
        item = get_loaded(session, Item, exc.item_id)
        raise Conflict(f"{item.code} is still not at the counter's warehouse: receive, transfer or count it first",
                       {"quantity": ["not in stock yet"]})
    session.flush()
    return exc


_WAITING = (select(RetailStockException).where(RetailStockException.state == "open")
            .order_by(RetailStockException.created_at, RetailStockException.id))


def on_arrival(session, arrivals: list) -> None:
    """The stock ledger's arrival hook: stock came into a warehouse some offline sale waited for, so
    the oldest waiting lines it covers post (one query finds whether any wait)."""
    keys = {(loc.warehouse_id, item_id) for loc, item_id in arrivals if loc.warehouse_id is not None}
    if not keys:
        return
    batch = batch_of(session)
    rows = batch.parts.get("rows") if batch is not None else None
    waiting = [r for r in (rows.records.get(RetailStockException.__table__, ()) if rows else ())
               if r.state == "open" and (r.warehouse_id, r.item_id) in keys]
    waiting += [r for r in session.execute(_WAITING.where(
        RetailStockException.item_id.in_({k[1] for k in keys}),
        RetailStockException.warehouse_id.in_({k[0] for k in keys})).execution_options(unscoped=True)).scalars()
        if (r.warehouse_id, r.item_id) in keys]
    posted = False
    for exc in waiting:
        posted = post_exception(session, exc, "arrival") or posted
    state = ledger.ledger_state(session)
    if posted and state is not None:
        state.write(session)  # called from the batch's write of the ledger: its moves go now


ledger.ARRIVAL_HOOKS.append(on_arrival)


# -- the return ----------------------------------------------------------------------------------

def returned_so_far(session, sale_id: uuid.UUID) -> dict[uuid.UUID, tuple[Decimal, Decimal, Decimal, list]]:
    """Per sale line: (quantity, gross, cost) returned by posted returns, and the serials."""
    rows = session.execute(select(RetailReturnLine).join(RetailReturn, RetailReturn.id == RetailReturnLine.return_id)
                           .where(RetailReturn.sale_id == sale_id, RetailReturn.status == "posted")).scalars()
    out: dict = {}
    for r in rows:
        q, g, c, s = out.get(r.sale_line_id, (Decimal(0), ZERO, ZERO, []))
        out[r.sale_line_id] = (q + r.quantity, g + r.gross, c + (r.cost or ZERO), s + list(r.serials or []))
    return out


def refunded_so_far(session, sale_id: uuid.UUID) -> dict[uuid.UUID, Decimal]:
    rows = session.execute(select(RetailPayment.account_id, func.sum(RetailPayment.kept))
                           .join(RetailReturn, RetailReturn.id == RetailPayment.document_id)
                           .where(RetailPayment.document_type == "retail_return", RetailReturn.sale_id == sale_id,
                                  RetailReturn.status == "posted").group_by(RetailPayment.account_id)).all()
    return {r[0]: r[1] for r in rows}


def get_sale(session, sale_id: Any, field: str = "sale_id") -> RetailSale:
    sale = session.get(RetailSale, _uuid(sale_id, field))
    if sale is None or not may_see(get_principal(session), sale):
        raise NotFound("no such retail sale", {field: ["no such retail sale"]})
    return sale


def make_return(session, data: dict, *, device_id: str = "") -> RetailReturn:
    """零售退货单 against a sale within ``AFTERCARE_RETAIL_RETURN_DAYS`` of it: never more than was sold
    (less what came back before); refunded to the accounts the sale was paid to; a device's card ends.
    ``data``: sale_id, lines [{sale_line_id, quantity, serials?}], optional refunds [{account_id,
    amount}] (default: the sale's accounts in the order paid), reason, doc_date.
    Writes: retail_return (+ lines, refunds), the stock ledger (customer → the counter, at the cost
    the line left at) or the line's waiting exception, cash_entry, warranty cards, audit_log."""
    sale = get_sale(session, data.get("sale_id"))
    if not get_principal(session).may_write_org(sale.org_id):
        raise Forbidden("another organisation's sale", {"sale_id": ["not your organisation"]})
    on = _day(session, data.get("doc_date"))
    days = _settings(session).retail_return_days
    if (on - sale.doc_date).days > days or on < sale.doc_date:
        raise InvalidInput("sale_id", f"the return window of {days} days after the sale has passed")
    raw_lines = data.get("lines") or []
    if not raw_lines:
        raise InvalidInput("lines", "a return needs at least one line")
    by_id = {line.id: line for line in sale.lines}
    before = returned_so_far(session, sale.id)
    lines, amounts, used = [], [], set()
    for n, raw in enumerate(raw_lines):
        where = f"lines.{n}"
        line = by_id.get(_uuid(raw.get("sale_line_id"), f"{where}.sale_line_id"))
        if line is None:
            raise InvalidInput(f"{where}.sale_line_id", "not a line of this sale")
        if line.id in used:
            raise InvalidInput(f"{where}.sale_line_id", "each sale line once per return")
        used.add(line.id)
        qty = pricing.check_quantity(raw.get("quantity"), f"{where}.quantity")
        done_q, done_g, done_c, done_s = before.get(line.id, (Decimal(0), ZERO, ZERO, []))
        left = line.quantity - done_q
        if qty > left:
            raise InvalidInput(f"{where}.quantity", f"at most {left.normalize():f} can come back "
                                                    f"({line.quantity.normalize():f} sold, {done_q.normalize():f} returned)")
        serials = [str(s).strip() for s in raw.get("serials") or []]
        if line.serials:
            open_serials = [s for s in line.serials if s not in done_s]
            if not serials and qty == len(open_serials):
                serials = open_serials
            bad = [s for s in serials if s not in open_serials]
            if bad:
                raise InvalidInput(f"{where}.serials", f"{bad[0]} was not sold on this line or came back already")
            if len(set(serials)) != qty:
                raise InvalidInput(f"{where}.serials", "give one serial per unit returned")
        elif serials:
            raise InvalidInput(f"{where}.serials", "the item is not tracked by serial")
        if qty == left:  # the last units take what is left, so the cents add up to the sale's
            gross = line.gross - done_g
            net = pricing.cents(gross / (1 + line.tax_rate))
            money = pricing.LineAmounts(net, gross - net, gross)
            cost = (line.cost - done_c) if line.cost is not None else None
        else:
            money = pricing.line_amounts(qty, line.unit_price, tax_rate=line.tax_rate, price_includes_tax=True)
            cost = pricing.cents(line.cost * qty / line.quantity) if line.cost is not None else None
        amounts.append(money)
        lines.append(RetailReturnLine(id=uuid7(), sale_line_id=line.id, sort_order=n, item_id=line.item_id, quantity=qty,
                                      net=money.net, tax=money.tax, gross=money.gross, cost=cost, serials=serials))
    totals = pricing.total(amounts)
    refunds = _refunds(session, sale, data.get("refunds"), totals.gross)
    ret = RetailReturn(**({"id": _uuid(data["id"], "id")} if data.get("id") else {}), org_id=sale.org_id, sale_id=sale.id, warehouse_id=sale.warehouse_id, doc_date=on,
                       reason=(data.get("reason") or "")[:200], note=data.get("note") or "", device_id=device_id[:64],
                       net_total=totals.net, tax_total=totals.tax, total=totals.gross, lines=lines, refunds=refunds)
    return core.create_and_post(session, ret)


def _refunds(session, sale: RetailSale, raw: list | None, total: Decimal) -> list[RetailPayment]:
    """Back to the accounts the sale was paid to, never more to one than it kept there."""
    done = refunded_so_far(session, sale.id)
    room = {p.account_id: p.kept - done.get(p.account_id, ZERO) for p in sale.payments}
    wanted: list[tuple[uuid.UUID, Decimal]] = []
    if raw:
        for n, r in enumerate(raw):
            where = f"refunds.{n}"
            account_id = _uuid(r.get("account_id"), f"{where}.account_id")
            if account_id not in room:
                raise InvalidInput(f"{where}.account_id", "the sale was not paid to this account")
            amount = _money(r.get("amount"), f"{where}.amount")
            if amount > room[account_id]:
                raise InvalidInput(f"{where}.amount", f"at most {room[account_id]} was paid to this account")
            room[account_id] -= amount
            wanted.append((account_id, amount))
        if sum((a for _, a in wanted), ZERO) != total:
            raise InvalidInput("refunds", f"the refunds must add up to the return's total ({total})")
    else:
        left = total
        for p in sale.payments:
            take = min(left, max(room[p.account_id], ZERO))
            if take > 0:
                wanted.append((p.account_id, take))
                left -= take
        if left > 0:
            raise InvalidInput("lines", "more than was paid would be refunded")
    return [RetailPayment(id=uuid7(), document_type="retail_return", sort_order=n, account_id=a, amount=x, kept=x)
            for n, (a, x) in enumerate(wanted) if x > 0]


def write_return_ledgers(session, ret: RetailReturn) -> None:
    sale = session.get(RetailSale, ret.sale_id)
    wh = get_loaded(session, Warehouse, ret.warehouse_id)
    home = location_for(session, ret.org_id, "warehouse", warehouse=wh)
    customer = location_for(session, ret.org_id, "customer")
    specs = []
    for line in ret.lines:
        if line.cost is not None:
            specs.append(MoveSpec(item_id=line.item_id, from_location=customer, to_location=home, quantity=line.quantity,
                                  line_id=line.id, value=line.cost, serials=list(line.serials)))
            continue
        # The line's stock never left (it waits in the exception list): the exception shrinks.
        exc = session.execute(select(RetailStockException).where(
            RetailStockException.sale_line_id == line.sale_line_id)).scalar_one()
        exc.quantity -= line.quantity
        exc.serials = [s for s in exc.serials if s not in line.serials]
        if exc.quantity == 0:
            exc.state, exc.resolution, exc.resolved_at = "returned", "return", utcnow()
            exc.resolved_by_id = get_principal(session).user_id
            if not _open_exceptions(session, sale.id, besides=exc.id):
                sale.stock_state = "posted"
    post_moves(session, specs, org_id=ret.org_id, doc_type=ret.DOC_TYPE, doc_id=ret.id, doc_date=ret.doc_date)
    cash = [CashLine(r.account_id, -r.kept, line_id=r.id, memo=f"零售退款 {sale.number}") for r in ret.refunds]
    if cash:
        post_cash_entries(session, Source.of(ret), cash)
    serials = [s for line in ret.lines for s in line.serials]
    if serials:
        session.execute(update(WarrantyCard).where(WarrantyCard.imei.in_(serials), WarrantyCard.active.is_(True))
                        .values(active=False).execution_options(synchronize_session=False))
        core.record_audit(session, "warranty_card.return", entity_type="retail_return", entity_id=ret.id,
                          org_id=ret.org_id, after={"imeis": serials})


# -- the cash-up ---------------------------------------------------------------------------------

def expected_takings(session, org_id: uuid.UUID, warehouse_id: uuid.UUID, day: dt.date) -> dict[uuid.UUID, tuple]:
    """Per account: (sales kept, refunds paid) of the counter's sales and returns of the day."""
    out: dict = {}
    for model, kind in ((RetailSale, "retail_sale"), (RetailReturn, "retail_return")):
        rows = session.execute(select(RetailPayment.account_id, func.sum(RetailPayment.kept))
                               .join(model, model.id == RetailPayment.document_id)
                               .where(RetailPayment.document_type == kind, model.org_id == org_id,
                                      model.warehouse_id == warehouse_id, model.doc_date == day,
                                      model.status == "posted")
                               .group_by(RetailPayment.account_id).execution_options(unscoped=True)).all()
        for account_id, amount in rows:
            sales, refunds = out.get(account_id, (ZERO, ZERO))
            out[account_id] = (sales + amount, refunds) if kind == "retail_sale" else (sales, refunds + amount)
    return out


def make_cashup(session, data: dict, *, device_id: str = "") -> RetailCashup:
    """日结: the counter's day closed. Per account the takings expected (the day's sales kept less its
    refunds) and the amount counted; a difference is posted to the account as over/short (长短款,
    a cash entry of the cash-up: + over, − short). One cash-up per counter and day.
    ``data``: warehouse_id, business_date (default today), counted [{account_id, amount}]."""
    wh = _counter(session, data.get("warehouse_id"))
    day = _day(session, data.get("business_date"), "business_date")
    exists = session.execute(select(RetailCashup.number).where(
        RetailCashup.org_id == wh.org_id, RetailCashup.warehouse_id == wh.id, RetailCashup.business_date == day)
        .execution_options(unscoped=True)).scalar_one_or_none()
    if exists is not None:
        raise Conflict(f"the counter's day {day.isoformat()} is closed already ({exists})",
                       {"business_date": ["closed already"]})
    expected = expected_takings(session, wh.org_id, wh.id, day)
    counted: dict[uuid.UUID, Decimal] = {}
    for n, c in enumerate(data.get("counted") or []):
        account = _account(session, c.get("account_id"), wh.org_id, f"counted.{n}.account_id")
        if account.id in counted:
            raise InvalidInput(f"counted.{n}.account_id", "each account once per cash-up")
        counted[account.id] = _money(c.get("amount"), f"counted.{n}.amount")
    for account_id, (sales, refunds) in expected.items():
        if account_id not in counted and sales - refunds != 0:
            account = get_loaded(session, MoneyAccount, account_id)
            raise InvalidInput("counted", f"count account {account.code} too: {sales - refunds} expected")
    lines = []
    for n, account_id in enumerate(sorted(set(expected) | set(counted), key=str)):
        sales, refunds = expected.get(account_id, (ZERO, ZERO))
        want = sales - refunds
        got = counted.get(account_id, want)
        lines.append(RetailCashupLine(id=uuid7(), sort_order=n, account_id=account_id, sales=sales, refunds=refunds,
                                      expected=want, counted=got, difference=got - want))
    doc = RetailCashup(**({"id": _uuid(data["id"], "id")} if data.get("id") else {}), org_id=wh.org_id, warehouse_id=wh.id, business_date=day, doc_date=day, device_id=device_id[:64],
                       note=data.get("note") or "", lines=lines,
                       expected_total=sum((x.expected for x in lines), ZERO),
                       counted_total=sum((x.counted for x in lines), ZERO),
                       difference=sum((x.difference for x in lines), ZERO))
    return core.create_and_post(session, doc)


def write_cashup_ledgers(session, doc: RetailCashup) -> None:
    cash = [CashLine(x.account_id, x.difference, line_id=x.id, memo="日结长款" if x.difference > 0 else "日结短款")
            for x in doc.lines if x.difference]
    if cash:
        post_cash_entries(session, Source.of(doc), cash)
