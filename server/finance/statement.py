"""Receivables and payables read side: open items per party, aging, the statement of account (对账单).

All sums of the append-only ledger and allocation rows (no cached figure), scoped by the session.
Aging buckets count days from a charge's business date to ``as_of``: current (0 days or dated
later), 1–30, 31–60, 61–90, over 90; unallocated credits (money on account, 预收/预付) are a
column of their own. So the buckets plus on-account add up to the balance.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import ARRAY, any_, bindparam, case, func, select, type_coerce, union_all
from sqlalchemy.orm import Session

from ..basedata.models import Member, Party
from ..db import Money
from ..org.models import Organisation
from .models import CounterpartyEntry
from .rules import CENT, Counterparty
from .settlement import Balance, entry_column, open_items
from .settlement_models import WALK_IN_ID, FinanceAllocation, FinanceOpenItem

ZERO = Decimal("0.00")
BUCKETS = ("current", "d1_30", "d31_60", "d61_90", "over_90")
BUCKET_LABELS = {"current": {"zh-CN": "未到期", "en": "Current"}, "d1_30": {"zh-CN": "1–30天", "en": "1–30 days"},
                 "d31_60": {"zh-CN": "31–60天", "en": "31–60 days"}, "d61_90": {"zh-CN": "61–90天", "en": "61–90 days"},
                 "over_90": {"zh-CN": "90天以上", "en": "Over 90 days"}, "on_account": {"zh-CN": "预收/预付", "en": "On account"}}


def bucket_of(age: int) -> str:
    """The aging bucket of a charge ``age`` days old."""
    if age <= 0:
        return "current"
    if age <= 30:
        return "d1_30"
    if age <= 60:
        return "d31_60"
    if age <= 90:
        return "d61_90"
    return "over_90"


def open_item_rows(session: Session, bal: Balance, as_of: dt.date, include_closed: bool = False) -> list[dict]:
    """Open items of one balance with their age and bucket (credits: on account)."""
    out = []
    for i in open_items(session, bal, as_of):
        if i.open == 0 and not include_closed:
            continue
        age = (as_of - i.doc_date).days
        out.append({"document_type": i.document_type, "document_id": i.document_id, "document_number": i.document_number,
                    "doc_date": i.doc_date, "amount": i.amount, "allocated": i.allocated, "open": i.open, "age_days": age,
                    "bucket": bucket_of(age) if i.open > 0 else "on_account"})
    return out


# -- aging over every party: one query --------------------------------------------------------

def aging_query(as_of: dt.date, org_id: uuid.UUID | None = None, direction: str | None = None,
                counterparty: Counterparty | None = None):
    """Per organisation, counterparty and direction: the open charges in the five buckets, the money
    on account and the balance, as of a date. Items are summed per document, allocations per item,
    then bucketed by the item's date: one statement, grouped twice."""
    e, a = CounterpartyEntry, FinanceAllocation
    cp_id = func.coalesce(e.party_id, e.counterparty_org_id, e.member_id)
    conds = [e.doc_date <= as_of]
    aconds = [a.alloc_date <= as_of]
    if org_id is not None:
        conds.append(e.org_id == org_id)
        aconds.append(a.org_id == org_id)
    if direction is not None:
        conds.append(e.direction == direction)
        aconds.append(a.direction == direction)
    if counterparty is not None:
        conds += [e.counterparty_kind == counterparty.kind, entry_column(counterparty.kind) == counterparty.id]
        aconds += [a.counterparty_kind == counterparty.kind, a.counterparty_id == counterparty.id]
    items = (select(e.org_id, e.counterparty_kind.label("kind"), cp_id.label("cp"), e.direction, e.document_id,
                    func.min(e.doc_date).label("day"), func.sum(e.amount).label("amount"))
             .where(*conds).group_by(e.org_id, e.counterparty_kind, cp_id, e.direction, e.document_id).subquery())
    moves = union_all(
        select(a.org_id, a.counterparty_kind.label("kind"), a.counterparty_id.label("cp"), a.direction,
               a.charge_id.label("document_id"), (-a.amount).label("delta")).where(*aconds),
        select(a.org_id, a.counterparty_kind, a.counterparty_id, a.direction, a.credit_id, a.amount).where(*aconds),
    ).subquery()
    allocated = (select(moves.c.org_id, moves.c.kind, moves.c.cp, moves.c.direction, moves.c.document_id,
                        func.sum(moves.c.delta).label("delta"))
                 .group_by(moves.c.org_id, moves.c.kind, moves.c.cp, moves.c.direction, moves.c.document_id).subquery())
    open_ = (items.c.amount + func.coalesce(allocated.c.delta, 0))
    joined = (select(items.c.org_id, items.c.kind, items.c.cp, items.c.direction, items.c.day, open_.label("open"))
              .outerjoin(allocated, (allocated.c.document_id == items.c.document_id) & (allocated.c.org_id == items.c.org_id)
                         & (allocated.c.kind == items.c.kind) & (allocated.c.cp == items.c.cp)
                         & (allocated.c.direction == items.c.direction))).subquery()
    j = joined.c
    cols = _bucket_columns(j.day, j.open, as_of)
    return (select(j.org_id, j.kind.label("counterparty_kind"), j.cp.label("counterparty_id"), j.direction, *cols)
            .where(j.open != 0).group_by(j.org_id, j.kind, j.cp, j.direction))


def _bucket_columns(day, amount, as_of: dt.date) -> list:
    cuts = [as_of, as_of - dt.timedelta(days=30), as_of - dt.timedelta(days=60), as_of - dt.timedelta(days=90)]

    def money(expr, name):
        return type_coerce(func.coalesce(func.sum(expr), 0), Money()).label(name)

    charge = amount > 0
    return [
        money(case((charge & (day >= cuts[0]), amount)), "current"),
        money(case((charge & (day < cuts[0]) & (day >= cuts[1]), amount)), "d1_30"),
        money(case((charge & (day < cuts[1]) & (day >= cuts[2]), amount)), "d31_60"),
        money(case((charge & (day < cuts[2]) & (day >= cuts[3]), amount)), "d61_90"),
        money(case((charge & (day < cuts[3]), amount)), "over_90"),
        money(case((amount < 0, amount)), "on_account"),
        money(amount, "balance"),
    ]


def aging_now_query(today: dt.date, org_id: uuid.UUID | None = None, direction: str | None = None,
                    counterparty: Counterparty | None = None):
    """Aging of the open items as they stand (everything posted), ages counted to ``today``: read from
    the open-item cache, only its open rows (a partial index), so it does not grow with the history."""
    o = FinanceOpenItem
    conds = [o.open_amount != 0]
    if org_id is not None:
        conds.append(o.org_id == org_id)
    if direction is not None:
        conds.append(o.direction == direction)
    if counterparty is not None:
        conds += [o.counterparty_kind == counterparty.kind, o.counterparty_id == (counterparty.id or WALK_IN_ID)]
    return (select(o.org_id, o.counterparty_kind, o.counterparty_id, o.direction,
                   *_bucket_columns(o.doc_date, o.open_amount, today))
            .where(*conds).group_by(o.org_id, o.counterparty_kind, o.counterparty_id, o.direction))


def aging(session: Session, as_of: dt.date | None, org_id=None, direction=None, counterparty=None, names: bool = True,
          today: dt.date | None = None) -> dict:
    """Aging rows (with counterparty names) and the totals per direction. Without ``as_of``: the
    open items as they stand, aged to ``today`` (the cache); with it: recomputed from the ledger and
    the allocations as of that date."""
    if as_of is None:
        day = today or dt.date.today()
        stmt = aging_now_query(day, org_id, direction, counterparty)
    else:
        day = as_of
        stmt = aging_query(as_of, org_id, direction, counterparty)
    rows = [dict(r._mapping) for r in session.execute(stmt).all()]
    if names:
        _add_names(session, rows)
        rows.sort(key=lambda r: (str(r["org_id"]), r["direction"], r["counterparty_code"], r["counterparty_name"]))
    totals = {}
    for r in rows:
        t = totals.setdefault(r["direction"], {k: ZERO for k in (*BUCKETS, "on_account", "balance")})
        for k in t:
            t[k] += r[k]
    return {"as_of": day, "items": rows, "totals": [{"direction": d, **v} for d, v in sorted(totals.items())]}


def open_items_check(session: Session) -> list[dict]:
    """The open-item cache against the ledger and the allocations it is kept from: every item whose
    amount or open amount differs (empty when consistent). Rebuilding is recomputing these sums."""
    e, a, o = CounterpartyEntry, FinanceAllocation, FinanceOpenItem
    cp = func.coalesce(e.party_id, e.counterparty_org_id, e.member_id)
    items = {(doc, c or WALK_IN_ID, d): [amount, amount] for doc, c, d, amount in session.execute(
        select(e.document_id, cp, e.direction, func.sum(e.amount)).group_by(e.document_id, cp, e.direction)
        .execution_options(unscoped=True)).all()}
    for col, sign in ((a.charge_id, -1), (a.credit_id, 1)):
        for doc, c, d, total in session.execute(select(col, a.counterparty_id, a.direction, func.sum(a.amount))
                                                .group_by(col, a.counterparty_id, a.direction)
                                                .execution_options(unscoped=True)).all():
            if (doc, c, d) in items:
                items[(doc, c, d)][1] += sign * total
    cached = {(r.document_id, r.counterparty_id, r.direction): [r.amount, r.open_amount]
              for r in session.execute(select(o).execution_options(unscoped=True)).scalars()}
    return [{"key": [str(k[0]), str(k[1]), k[2]], "ledger": items.get(k), "cached": cached.get(k)}
            for k in set(items) | set(cached) if items.get(k) != cached.get(k)]


_AGING_MONEY = (*BUCKETS, "on_account", "balance")


def aging_json(result: dict) -> str:
    """``aging``'s answer as the JSON ``AgingOut`` dumps (amounts as strings with two places, ids as
    text), written directly: a row per party of a whole network."""
    def money(row: dict) -> dict:
        return {k: str(row[k].quantize(CENT)) for k in _AGING_MONEY}

    items = [{**money(r), "org_id": str(r["org_id"]), "counterparty_kind": r["counterparty_kind"],
              "counterparty_id": str(r["counterparty_id"]), "counterparty_code": r.get("counterparty_code"),
              "counterparty_name": r.get("counterparty_name"), "direction": r["direction"]} for r in result["items"]]
    totals = [{**money(t), "direction": t["direction"]} for t in result["totals"]]
    return json.dumps({"as_of": result["as_of"].isoformat(), "items": items, "totals": totals}, ensure_ascii=False,
                      separators=(",", ":"))


def _ids_in(session: Session, column, ids: list) -> list:
    """``column IN ids`` as conditions: one array parameter on PostgreSQL (thousands of bound
    parameters cost more to send than the lookup), chunks of a list elsewhere."""
    if session.get_bind().dialect.name == "postgresql":
        return [column == any_(bindparam("ids", ids, type_=ARRAY(column.type)))]
    return [column.in_(chunk) for chunk in _chunks(ids)]


def _add_names(session: Session, rows: list[dict]) -> None:
    ids = list({r["counterparty_id"] for r in rows})
    names: dict[uuid.UUID, tuple[str, str]] = {}
    if ids:
        for model, code, name in ((Party, Party.code, Party.name), (Organisation, Organisation.code, Organisation.name),
                                  (Member, Member.phone, Member.name)):
            for cond in _ids_in(session, model.id, ids):
                names.update({i: (c, n) for i, c, n in session.execute(
                    select(model.id, code, name).where(cond).execution_options(unscoped=True)).all()})
    for r in rows:
        r["counterparty_code"], r["counterparty_name"] = names.get(r["counterparty_id"], ("", ""))


def _chunks(values: list, size: int = 5000):
    for i in range(0, len(values), size):
        yield values[i:i + size]


# -- statement of account ---------------------------------------------------------------------

@dataclass
class StatementLine:
    doc_date: dt.date
    document_type: str
    document_id: uuid.UUID
    document_number: str
    memo: str
    increase: Decimal
    decrease: Decimal
    balance: Decimal


@dataclass
class Statement:
    org_id: uuid.UUID
    counterparty: Counterparty
    direction: str
    date_from: dt.date
    date_to: dt.date
    opening: Decimal
    lines: list[StatementLine] = field(default_factory=list)

    @property
    def increase(self) -> Decimal:
        return sum((line.increase for line in self.lines), ZERO)

    @property
    def decrease(self) -> Decimal:
        return sum((line.decrease for line in self.lines), ZERO)

    @property
    def closing(self) -> Decimal:
        return self.opening + self.increase - self.decrease


def statement(session: Session, bal: Balance, date_from: dt.date, date_to: dt.date) -> Statement:
    """对账单: the balance before ``date_from``, every document of the period (what it added and
    took off, in business-date order) with the running balance, and the balance at the end."""
    e = CounterpartyEntry
    key = [e.org_id == bal.org_id, e.counterparty_kind == bal.counterparty.kind,
           entry_column(bal.counterparty.kind) == bal.counterparty.id, e.direction == bal.direction]
    opening = session.execute(select(func.sum(e.amount)).where(*key, e.doc_date < date_from)).scalar() or ZERO
    inc = type_coerce(func.coalesce(func.sum(case((e.amount > 0, e.amount))), 0), Money())
    dec = type_coerce(func.coalesce(func.sum(case((e.amount < 0, -e.amount))), 0), Money())
    rows = session.execute(
        select(func.min(e.doc_date), e.document_type, e.document_id, func.max(e.document_number), func.max(e.memo), inc, dec)
        .where(*key, e.doc_date >= date_from, e.doc_date <= date_to)
        .group_by(e.document_type, e.document_id)
        .order_by(func.min(e.doc_date), func.min(e.posted_at), e.document_id)).all()
    out = Statement(bal.org_id, bal.counterparty, bal.direction, date_from, date_to, opening)
    running = opening
    for day, t, doc_id, number, memo, up, down in rows:
        running += up - down
        out.lines.append(StatementLine(day, t, doc_id, number or "", memo or "", up, down, running))
    return out


def counterparty_name(session: Session, cp: Counterparty) -> tuple[str, str]:
    model = {"party": Party, "organisation": Organisation, "member": Member}.get(cp.kind)
    obj = session.get(model, cp.id, execution_options={"exact_key": True}) if model and cp.id else None
    if obj is None:
        return "", ""
    return (getattr(obj, "code", None) or getattr(obj, "phone", "") or ""), obj.name or ""

