"""Lists, prefix search (with pinyin), and the counter's lookups: IMEI, phone, warranty."""

from __future__ import annotations

import calendar
import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import and_, bindparam, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from ..org.scoping import exact
from . import models as m
from .kinds import Kind
from .text import imei_problem, normalise_phone, query_words


SEARCH_CAP = 500       # records a search considers (more: "refine your search")
SEARCH_SCAN = 1200     # postings of the leading word read at most


def _prefix(t, word: str, dialect: str):
    """``token`` starts with ``word``, as an index range scan.

    PostgreSQL gets LIKE 'word%' on the "C"-collated column: the same range
    scan, but with a sane row estimate (an explicit range is estimated at one
    row and leads the planner into loops). SQLite's LIKE ignores case and
    would not use the index, so it gets the explicit range.
    """
    if dialect == "postgresql":
        return t.token.startswith(word, autoescape=True)
    return and_(t.token >= word, t.token < word + "\uffff")


def _postings(kind: Kind, word: str, dialect: str, limit: int):
    t = m.SearchToken
    return select(t.record_id).where(t.kind == kind.token_kind, _prefix(t, word, dialect)).limit(limit)


@dataclass
class SearchPlan:
    condition: object
    capped: bool


def plan_search(session: Session, kind: Kind, q: str) -> SearchPlan | None:
    """Every word of ``q`` must prefix one of the record's tokens.

    The candidates are found once, here, and the list query then looks at most
    SEARCH_CAP records up by primary key (and counts them) without repeating
    the token work. One word: its first postings. Several: the rarest word
    leads (postings counted, at most SEARCH_SCAN + 1) and the others are
    checked per candidate through (kind, record_id, token). Cost is bounded
    whatever the table size; a search that could match more than it reads is
    reported as capped.
    """
    words = query_words(q)
    if not words:
        return None
    dialect = session.get_bind().dialect.name
    if len(words) == 1:
        lead, others, lead_size = words[0], [], None
    else:
        sizes = {w: session.execute(select(func.count()).select_from(
            _postings(kind, w, dialect, SEARCH_SCAN + 1).subquery())).scalar_one() for w in words}
        lead = min(words, key=lambda w: (sizes[w], -len(w)))
        others, lead_size = [w for w in words if w != lead], sizes[lead]
    first = _postings(kind, lead, dialect, SEARCH_SCAN).subquery()
    cands = select(first.c.record_id).distinct()
    for word in others:
        other = aliased(m.SearchToken)
        cands = cands.where(exists().where(other.kind == kind.token_kind, other.record_id == first.c.record_id,
                                           _prefix(other, word, dialect)))
    ids = session.execute(cands.limit(SEARCH_CAP)).scalars().all()
    capped = len(ids) >= SEARCH_CAP or (lead_size is not None and lead_size > SEARCH_SCAN)
    return SearchPlan(kind.model.id.in_(ids), capped)


def list_query(session: Session, kind: Kind, args: dict) -> tuple[object, bool]:
    """(statement, capped) for a list with filters, search and sort."""
    model = kind.model
    stmt = select(model)
    capped = False
    if args.get("q") and kind.search is not None:
        plan = plan_search(session, kind, args["q"])
        if plan is not None:
            stmt = stmt.where(plan.condition)
            capped = plan.capped
    if args.get("active") is not None:
        stmt = stmt.where(model.active == args["active"])
    for name in kind.filters:
        value = args.get(name)
        if value is None:
            continue
        if name == "role":
            stmt = stmt.where(model.roles_text.like(f"%,{value},%"))
        elif name == "model_id" and not hasattr(model, "model_id"):
            link = model.models.property.secondary
            col = next(c for c in link.c if c.name != "model_id")
            stmt = stmt.where(or_(
                ~exists().where(col == model.id),
                exists().where(and_(col == model.id, link.c.model_id == value)),
            ))
        else:
            stmt = stmt.where(getattr(model, name) == value)
    if kind.org_owned and args.get("org_id"):
        stmt = stmt.where(model.org_id == args["org_id"])
    sort = args.get("sort") or kind.sort[0]
    col = getattr(model, sort.lstrip("-"))
    stmt = stmt.order_by(col.desc() if sort.startswith("-") else col.asc(), model.id)
    return stmt, capped


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass
class WarrantyVerdict:
    imei: str
    model_id: uuid.UUID | None
    model_source: str
    warranty_card_id: uuid.UUID | None
    sale_date: dt.date | None
    expires_on: dt.date | None
    rule: str
    status_id: uuid.UUID | None
    status_code: str | None
    reason: str


def model_for_imei(session: Session, imei: str) -> uuid.UUID | None:
    return session.execute(select(m.Tac.model_id).where(m.Tac.code == imei[:8])).scalar_one_or_none()


def check_warranty(session: Session, imei: str, on: dt.date, purchase_date: dt.date | None = None) -> WarrantyVerdict:
    """The default warranty status of a device (spec §14.11).

    A warranty card decides: in warranty until sale date + its period. Without a
    card, a purchase date the customer states gives "pending inspection" while
    inside the model's period (the proof of purchase is checked at the counter)
    and "out of warranty" after it. With neither, "pending inspection".
    """
    card = card_by_imei(session, imei, active=True)
    model_id, source = (card.model_id, "warranty_card") if card else (model_for_imei(session, imei), "tac")
    if model_id is None:
        source = "none"
    sale = expires = None
    if card is not None:
        sale, expires = card.sale_date, add_months(card.sale_date, card.period_months)
        rule = "in_warranty" if on <= expires else "out_of_warranty"
        reason = f"warranty card: sold {sale.isoformat()}, {card.period_months} months, until {expires.isoformat()}"
    elif purchase_date is not None:
        months = session.get(m.ProductModel, model_id).warranty_months if model_id else 12
        sale, expires = purchase_date, add_months(purchase_date, months)
        if on <= expires:
            rule, reason = "pending_inspection", f"no warranty card; stated purchase {sale.isoformat()} is within {months} months: check the invoice"
        else:
            rule, reason = "out_of_warranty", f"no warranty card; stated purchase {sale.isoformat()} is past {months} months"
    else:
        rule, reason = "pending_inspection", "no warranty card and no purchase date"
    status = session.execute(
        select(m.WarrantyStatus).where(m.WarrantyStatus.rule == rule, m.WarrantyStatus.active).order_by(m.WarrantyStatus.code)
    ).scalars().first()
    return WarrantyVerdict(imei, model_id, source, card.id if card else None, sale, expires, rule,
                           status.id if status else None, status.code if status else None, reason)


def member_by_phone(session: Session, phone: str) -> m.Member | None:
    """The member with exactly this phone, whichever service point served them (``exact``)."""
    return session.execute(exact(select(m.Member).where(m.Member.phone == normalise_phone(phone)))).scalar_one_or_none()


def card_by_imei(session: Session, imei: str, active: bool = False) -> m.WarrantyCard | None:
    """The warranty card of exactly this IMEI, whichever service point served it (``exact``)."""
    return session.execute(_CARD_BY_IMEI[active], {"imei": imei}).scalar_one_or_none()


# Built once (a posting batch asks for a card per exchange step). ``exact`` lifts the served-records
# criteria of personal data; the organisation criteria the scoping would add apply to OrgOwned
# records, which a card is not: nothing is left to scope (adding them cost most of the lookup).
_CARD_BY_IMEI = {active: exact(select(m.WarrantyCard).where(
    m.WarrantyCard.imei == bindparam("imei"), *((m.WarrantyCard.active,) if active else ())))
    .execution_options(unscoped=True) for active in (False, True)}


def lookup_phone(session: Session, phone: str) -> tuple[m.Member | None, list[m.WarrantyCard]]:
    """Everything base data holds for a calling number (spec §4.3 caller-ID), at any service
    point: the number is an exact key (the API audits what the point had not served)."""
    phone = normalise_phone(phone)
    member = member_by_phone(session, phone)
    cond = m.WarrantyCard.buyer_phone == phone
    if member is not None:
        cond = or_(cond, m.WarrantyCard.member_id == member.id)
    cards = session.execute(exact(select(m.WarrantyCard).where(cond).order_by(m.WarrantyCard.sale_date.desc())
                                  .limit(50))).scalars().all()
    return member, list(cards)


def valid_imei_or_none(imei: str) -> str | None:
    return None if imei_problem(imei) else imei
