"""Read side of the money ledger (§10.1, 10.2, 10.5, 10.6, 10.8): balances are sums of entries.

There is no cached balance: every figure here is a SUM over the append-only
entries (exact on both backends, see ``server.db.Money``), as of a business
date (``doc_date``). Organisation scoping is applied by the session to every
entry and account read, so headquarters sees every organisation's books and a
service point its own.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable

from sqlalchemy import Select, and_, func, literal, or_, select
from sqlalchemy.orm import Session, aliased

from ..basedata.models import Member, Party
from ..org.models import Organisation
from .models import CashEntry, CounterpartyEntry, MoneyAccount
from . import sources
from .rules import Counterparty

ZERO = Decimal("0.00")
WALK_IN_NAME = "散客"


@dataclass(frozen=True)
class Balance:
    """What a counterparty owes the organisation (receivable) and what it owes them (payable)."""

    receivable: Decimal = ZERO
    payable: Decimal = ZERO

    @property
    def net(self) -> Decimal:
        """Receivable minus payable: positive means the counterparty owes us on balance."""
        return self.receivable - self.payable


def _counterparty_is(model, cp: Counterparty):
    column = {"party": model.party_id, "organisation": model.counterparty_org_id, "member": model.member_id}.get(cp.kind)
    cond = model.counterparty_kind == cp.kind
    return and_(cond, column == cp.id) if column is not None else cond


def _sum_or_zero(value) -> Decimal:
    return value if value is not None else ZERO


def counterparty_balance(session: Session, org_id: uuid.UUID, counterparty: Counterparty,
                         as_of: dt.date | None = None) -> Balance:
    """One counterparty's receivable and payable balance in one organisation's books, as of a date."""
    e = CounterpartyEntry
    stmt = select(
        func.sum(e.amount).filter(e.direction == "receivable"),
        func.sum(e.amount).filter(e.direction == "payable"),
    ).where(e.org_id == org_id, _counterparty_is(e, counterparty))
    if as_of is not None:
        stmt = stmt.where(e.doc_date <= as_of)
    receivable, payable = session.execute(stmt).one()
    return Balance(_sum_or_zero(receivable), _sum_or_zero(payable))


def account_balance(session: Session, account_id: uuid.UUID, as_of: dt.date | None = None) -> Decimal:
    """A bank account's or cash drawer's balance, as of a date."""
    stmt = select(func.sum(CashEntry.amount)).where(CashEntry.account_id == account_id)
    if as_of is not None:
        stmt = stmt.where(CashEntry.doc_date <= as_of)
    return _sum_or_zero(session.execute(stmt).scalar())


# -- lists for the API ---------------------------------------------------------

_COUNTERPARTY_KEY = (CounterpartyEntry.org_id, CounterpartyEntry.counterparty_kind, CounterpartyEntry.party_id,
                     CounterpartyEntry.counterparty_org_id, CounterpartyEntry.member_id)


def _counterparty_filters(model, args: dict) -> list:
    conds = []
    if args.get("org_id"):
        conds.append(model.org_id == args["org_id"])
    if args.get("counterparty_kind"):
        conds.append(model.counterparty_kind == args["counterparty_kind"])
    if args.get("counterparty_id"):
        cid = args["counterparty_id"]
        conds.append(or_(model.party_id == cid, model.counterparty_org_id == cid, model.member_id == cid))
    return conds


def counterparty_balances_query(args: dict) -> Select:
    """Receivable and payable per organisation and counterparty (§10.1, §10.2), with names for display."""
    e = CounterpartyEntry
    receivable = func.coalesce(func.sum(e.amount).filter(e.direction == "receivable"), ZERO)
    payable = func.coalesce(func.sum(e.amount).filter(e.direction == "payable"), ZERO)
    agg = select(*_COUNTERPARTY_KEY, receivable.label("receivable"), payable.label("payable"),
                 func.count().label("entries")).where(*_counterparty_filters(e, args))
    if args.get("as_of"):
        agg = agg.where(e.doc_date <= args["as_of"])
    direction = args.get("direction")
    if args.get("nonzero"):
        agg = agg.having(receivable != 0 if direction == "receivable" else
                         payable != 0 if direction == "payable" else or_(receivable != 0, payable != 0))
    elif direction:
        agg = agg.having(func.count().filter(e.direction == direction) > 0)
    sub = agg.group_by(*_COUNTERPARTY_KEY).subquery()
    other = aliased(Organisation)
    code = func.coalesce(Party.code, other.code, Member.phone, literal(""))
    name = func.coalesce(Party.name, other.name, Member.name, literal(WALK_IN_NAME))
    return (
        select(sub.c.org_id, sub.c.counterparty_kind,
               func.coalesce(sub.c.party_id, sub.c.counterparty_org_id, sub.c.member_id).label("counterparty_id"),
               code.label("counterparty_code"), name.label("counterparty_name"),
               sub.c.receivable, sub.c.payable, sub.c.entries)
        .outerjoin(Party, Party.id == sub.c.party_id)
        .outerjoin(other, other.id == sub.c.counterparty_org_id)
        .outerjoin(Member, Member.id == sub.c.member_id)
        .order_by(sub.c.org_id, sub.c.counterparty_kind, code, name)
    )


def _document_filters(model, args: dict) -> list:
    conds = []
    if args.get("date_from"):
        conds.append(model.doc_date >= args["date_from"])
    if args.get("document_type"):
        conds.append(model.document_type == args["document_type"])
    if args.get("document_id"):
        conds.append(model.document_id == args["document_id"])
    return conds


def counterparty_entries_query(args: dict) -> Select:
    """The entries behind a balance (§10.5, §10.6): each with its source and the running balance after it.

    The running balance is per organisation, counterparty and direction, in
    business-date order, over all earlier entries — also those before
    ``date_from`` or of other documents, so it always matches the balance.
    """
    e = CounterpartyEntry
    running = func.sum(e.amount).over(partition_by=(*_COUNTERPARTY_KEY, e.direction),
                                      order_by=(e.doc_date, e.posted_at, e.id))
    inner = select(e, running.label("balance_after")).where(*_counterparty_filters(e, args))
    if args.get("direction"):
        inner = inner.where(e.direction == args["direction"])
    if args.get("date_to"):
        inner = inner.where(e.doc_date <= args["date_to"])
    sub = inner.subquery()
    row = aliased(CounterpartyEntry, sub)
    return (select(row, sub.c.balance_after).where(*_document_filters(row, args))
            .order_by(row.doc_date, row.posted_at, row.id))


def account_balances_query(args: dict) -> Select:
    """Every money account with its balance as of a date (§10.8)."""
    e = CashEntry
    sums = select(e.account_id, func.sum(e.amount).label("balance"), func.count().label("entries"))
    if args.get("as_of"):
        sums = sums.where(e.doc_date <= args["as_of"])
    sub = sums.group_by(e.account_id).subquery()
    a = MoneyAccount
    stmt = (select(a, func.coalesce(sub.c.balance, ZERO).label("balance"), func.coalesce(sub.c.entries, 0).label("entries"))
            .outerjoin(sub, sub.c.account_id == a.id)
            .order_by(a.org_id, a.code))
    if args.get("org_id"):
        stmt = stmt.where(a.org_id == args["org_id"])
    if args.get("kind"):
        stmt = stmt.where(a.kind == args["kind"])
    if args.get("active") is not None:
        stmt = stmt.where(a.active == args["active"])
    return stmt


def cash_entries_query(args: dict) -> Select:
    """The entries of bank accounts and cash drawers, each with the account's running balance after it."""
    e = CashEntry
    running = func.sum(e.amount).over(partition_by=e.account_id, order_by=(e.doc_date, e.posted_at, e.id))
    inner = select(e, running.label("balance_after"))
    if args.get("account_id"):
        inner = inner.where(e.account_id == args["account_id"])
    if args.get("org_id"):
        inner = inner.where(e.org_id == args["org_id"])
    if args.get("date_to"):
        inner = inner.where(e.doc_date <= args["date_to"])
    sub = inner.subquery()
    row = aliased(CashEntry, sub)
    return (select(row, sub.c.balance_after).where(*_document_filters(row, args))
            .order_by(row.doc_date, row.posted_at, row.id))


def counterparty_documents_query(args: dict) -> Select:
    """One counterparty's balance broken into the documents that make it (§10.1, §10.2 drill-down):
    per organisation and source document, what it added to the receivable and to the payable."""
    e = CounterpartyEntry
    receivable = func.coalesce(func.sum(e.amount).filter(e.direction == "receivable"), ZERO)
    payable = func.coalesce(func.sum(e.amount).filter(e.direction == "payable"), ZERO)
    stmt = select(e.org_id, e.document_type, e.document_id, func.max(e.document_number).label("document_number"),
                  func.min(e.doc_date).label("doc_date"), receivable.label("receivable"), payable.label("payable"),
                  func.count().label("entries")).where(*_counterparty_filters(e, args), *_document_filters(e, args))
    if args.get("direction"):
        stmt = stmt.where(e.direction == args["direction"])
    if args.get("date_to"):
        stmt = stmt.where(e.doc_date <= args["date_to"])
    return (stmt.group_by(e.org_id, e.document_type, e.document_id)
            .order_by(func.min(e.doc_date), func.min(e.posted_at), e.document_id))


def _sum_before(session: Session, model, conds: list, day: dt.date, inclusive: bool) -> Decimal:
    cut = model.doc_date <= day if inclusive else model.doc_date < day
    return _sum_or_zero(session.execute(select(func.sum(model.amount)).where(*conds, cut)).scalar())


def ledger_span(session: Session, model, args: dict) -> dict:
    """Opening and closing balance of a ledger detail: the same balance the running balances count
    (organisation, counterparty and direction, or account; never a document filter), before
    ``date_from`` and at the end of ``date_to``. Without ``date_from`` the opening is zero; without
    ``date_to`` the closing counts everything."""
    if model is CounterpartyEntry:
        conds = _counterparty_filters(model, args)
        if args.get("direction"):
            conds.append(model.direction == args["direction"])
    else:
        conds = [model.account_id == args["account_id"]] if args.get("account_id") else []
        if args.get("org_id"):
            conds.append(model.org_id == args["org_id"])
    opening = _sum_before(session, model, conds, args["date_from"], False) if args.get("date_from") else ZERO
    if args.get("date_to"):
        closing = _sum_before(session, model, conds, args["date_to"], True)
    else:
        closing = _sum_or_zero(session.execute(select(func.sum(model.amount)).where(*conds)).scalar())
    return {"opening_balance": opening, "closing_balance": closing}


def paginate_rows(session: Session, stmt: Select, args: dict, convert: Callable[[Any], dict],
                  finish: Callable[[Session, list[dict]], None] | None = None) -> dict:
    """Like ``server.http.paginate`` for statements that select several columns; ``finish`` adds
    to the page's rows what takes a query of its own (document links), once per page."""
    page, size = args.get("page", 1), args.get("page_size", 50)
    total = session.execute(select(func.count()).select_from(stmt.order_by(None).subquery())).scalar_one()
    rows = session.execute(stmt.limit(size).offset((page - 1) * size)).all()
    items = [convert(r) for r in rows]
    if finish is not None:
        finish(session, items)
    return {"items": items, "total": total, "page": page, "page_size": size, "capped": False}


def add_sources(session: Session, items: list[dict], *, per_line: bool = True) -> None:
    """Each row's source document as people see it: ``document_label`` and ``link`` (see ``sources``)."""
    keys = [(i["document_type"], i["document_id"], i.get("line_id") if per_line else None) for i in items]
    links = sources.links_of(session, keys, per_line=per_line)
    for item, key in zip(items, keys):
        item["document_label"] = sources.label_of(item["document_type"])
        item["link"] = links[key]


def add_document_sources(session: Session, items: list[dict]) -> None:
    add_sources(session, items, per_line=False)


def document_row(row) -> dict:
    out = dict(row._mapping)
    out["net"] = out["receivable"] - out["payable"]
    return out


def entry_row(row) -> dict:
    """An entry and its running balance as one flat dict for the output schema."""
    entry, balance_after = row[0], row[1]
    out = {c.key: getattr(entry, c.key) for c in entry.__table__.columns}
    if isinstance(entry, CounterpartyEntry):
        out["counterparty_id"] = entry.counterparty_id
    out["balance_after"] = balance_after
    return out


def balance_row(row) -> dict:
    out = dict(row._mapping)
    # In Python: SQL arithmetic on the money type would lose it on SQLite (cents).
    out["net"] = out["receivable"] - out["payable"]
    return out


def account_row(row) -> dict:
    account, balance, entries = row
    out = {c.key: getattr(account, c.key) for c in account.__table__.columns}
    out.update(balance=balance, entries=entries)
    return out
