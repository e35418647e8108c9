"""Technician commissions (提成, issue 19 §8): which rule decides each line of a job, what the
engineer earns at the settlement, what a refund takes back, and the monthly statement.

- **Lines of a job**: each part fitted (base: the part line's amount, what it was sold for) and one
  labour line (base: the labour charged to the customer plus the in-warranty labour fee claimable
  from the manufacturer — labour revenue from every payer).
- **The rule of a line** (``rule_for``): the active rules are looked up in precedence order —
  the part's item, then its category (``item.kind``), then the engineer's grade; the labour line has
  no item, so only grade rules apply to it. Within a scope a rule for the order's repair level beats
  one for any level; among equals the lowest code decides, so the answer never depends on row order.
  No rule: no commission for that line.
- **Amount** = base × rate % (rounded half up to the cent, ``server.trade.pricing.cents``) + fixed.
- **Earned** at the pickup settlement (the job completed and paid: ``earn_commission``, called by
  ``repair.operations.pick_up``), on the order's engineer, dated the settlement's business date.
- **Reversed** by an approved refund after the settlement (``reverse_commission``, called by
  ``repair.operations.approve_refund``): in proportion to the money given back of what the customer
  paid, and all that is left when the refunds reach what was paid. One negative row per refund.
- Rows are written once and never edited (``commission_entry``); the statement is their sum.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..basedata import models as bd
from ..errors import InvalidInput, NotFound
from ..trade.pricing import cents
from .models import PRECEDENCE, CommissionEntry, CommissionRule

ZERO = Decimal("0")


@dataclass(frozen=True)
class Line:
    """One line of a job with the rule that decides it and what it earns."""

    line_kind: str
    item_id: uuid.UUID | None
    base: Decimal
    rule: CommissionRule | None
    amount: Decimal

    @property
    def scope(self) -> str:
        return self.rule.scope if self.rule is not None else ""


def _active_rules(session: Session) -> list[CommissionRule]:
    return list(session.execute(select(CommissionRule).where(CommissionRule.active.is_(True))
                                .order_by(CommissionRule.code)).scalars())


def rule_for(rules: list[CommissionRule], *, item: bd.Item | None, grade: int | None,
             level_id: uuid.UUID | None) -> CommissionRule | None:
    """The rule deciding one line: item > category > engineer grade; the order's level before any level."""
    for scope in PRECEDENCE:
        if scope == "item":
            matches = [r for r in rules if r.scope == "item" and item is not None and r.item_id == item.id]
        elif scope == "category":
            matches = [r for r in rules if r.scope == "category" and item is not None and r.item_kind == item.kind]
        else:
            matches = [r for r in rules if r.scope == "grade" and grade is not None and r.grade == grade]
        matches = [r for r in matches if r.repair_level_id in (None, level_id)]
        if matches:
            return sorted(matches, key=lambda r: (r.repair_level_id is None, r.code))[0]
    return None


def commission_of(rule: CommissionRule | None, base: Decimal) -> Decimal:
    if rule is None:
        return ZERO
    return cents(base * rule.rate_percent / Decimal(100)) + rule.fixed_amount


def _labour_base(session: Session, order) -> Decimal:
    from ..repair.models import RepairPayment
    from ..repair.operations import bill_of

    pay = session.execute(select(RepairPayment).where(
        RepairPayment.order_id == order.id, RepairPayment.kind == "settlement", RepairPayment.status == "posted")
    ).scalars().first()
    if pay is not None:
        return pay.labour_total + pay.claim_amount
    bill = bill_of(session, order)
    return bill["labour_total"] + bill["claim_amount"]


def lines_for_order(session: Session, order) -> list[Line]:
    """The job's commission lines by the rules as they stand (what settling it now would earn)."""
    from ..repair.models import RepairPart

    if order.engineer_id is None:
        return []
    engineer = session.get(bd.Engineer, order.engineer_id)
    rules = _active_rules(session)
    grade = engineer.grade if engineer is not None else None
    out: list[Line] = []
    parts = list(session.execute(select(RepairPart).where(RepairPart.order_id == order.id)
                                 .order_by(RepairPart.created_at, RepairPart.id)).scalars())
    items = {i.id: i for i in session.execute(select(bd.Item).where(bd.Item.id.in_({p.item_id for p in parts}))).scalars()} if parts else {}
    for part in parts:
        item = items.get(part.item_id)
        rule = rule_for(rules, item=item, grade=grade, level_id=order.repair_level_id)
        out.append(Line("part", part.item_id, part.amount, rule, commission_of(rule, part.amount)))
    labour = _labour_base(session, order)
    if labour or order.repair_level_id:
        rule = rule_for(rules, item=None, grade=grade, level_id=order.repair_level_id)
        out.append(Line("labour", None, labour, rule, commission_of(rule, labour)))
    return out


def earn_commission(session: Session, order, settlement) -> list[CommissionEntry]:
    """At the pickup settlement: one row per line that a rule pays for. Writes: commission_entry."""
    lines = [ln for ln in lines_for_order(session, order) if ln.rule is not None and ln.amount]
    rows = [CommissionEntry(org_id=order.org_id, engineer_id=order.engineer_id, order_id=order.id,
                            source_type="repair_settlement", source_id=settlement.id,
                            source_number=settlement.number or "", line_no=n, line_kind=ln.line_kind,
                            item_id=ln.item_id, rule_id=ln.rule.id, scope=ln.rule.scope, base=ln.base,
                            rate_percent=ln.rule.rate_percent, fixed_amount=ln.rule.fixed_amount, amount=ln.amount,
                            earned_on=settlement.doc_date)
            for n, ln in enumerate(lines, start=1)]
    session.add_all(rows)
    session.flush()
    return rows


def earned_on_order(session: Session, order_id) -> Decimal:
    """The order's commission, net of what refunds took back."""
    return session.execute(select(func.coalesce(func.sum(CommissionEntry.amount), 0))
                           .where(CommissionEntry.order_id == order_id)).scalar_one() or ZERO


def _paid_for(session: Session, order_id) -> tuple[Decimal, Decimal]:
    """(what the customer paid at the settlement, what refunds after it gave back) — posted only."""
    from ..repair.models import RepairPayment

    paid = refunded = ZERO
    for p in session.execute(select(RepairPayment).where(RepairPayment.order_id == order_id,
                                                         RepairPayment.status == "posted")).scalars():
        if p.kind == "settlement":
            paid += p.amount + p.deposit_applied
        elif p.kind == "refund" and p.after_settlement:
            refunded += p.amount
    return paid, refunded


def reverse_commission(session: Session, order, refund) -> CommissionEntry | None:
    """An approved refund after the settlement takes back the job's commission in proportion to the
    money given back (all that is left once everything paid is refunded). Writes: commission_entry."""
    earned = session.execute(select(func.coalesce(func.sum(CommissionEntry.amount), 0)).where(
        CommissionEntry.order_id == order.id, CommissionEntry.line_kind != "refund")).scalar_one() or ZERO
    left = earned_on_order(session, order.id)
    if earned <= 0 or left <= 0:
        return None
    paid, refunded = _paid_for(session, order.id)  # the refund is posted: it is counted in ``refunded``
    if paid <= 0 or refunded >= paid:
        back = left
    else:
        back = min(left, cents(earned * refund.amount / paid))
    if back <= 0:
        return None
    first = session.execute(select(CommissionEntry).where(CommissionEntry.order_id == order.id,
                                                          CommissionEntry.line_kind != "refund")
                            .order_by(CommissionEntry.line_no)).scalars().first()
    row = CommissionEntry(org_id=order.org_id, engineer_id=first.engineer_id, order_id=order.id,
                          source_type="repair_refund", source_id=refund.id, source_number=refund.number or "",
                          line_no=1, line_kind="refund", base=refund.amount, amount=-back, earned_on=refund.doc_date)
    session.add(row)
    session.flush()
    return row


# -- the monthly statement ---------------------------------------------------------------------

def month_range(month: str) -> tuple[dt.date, dt.date]:
    """``YYYY-MM`` → its first and last day."""
    try:
        first = dt.datetime.strptime(month or "", "%Y-%m").date()
    except ValueError:
        raise InvalidInput("month", "a month as YYYY-MM") from None
    nxt = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return first, nxt - dt.timedelta(days=1)


def statement(session: Session, engineer_id, month: str) -> dict:
    """One engineer's commission for a month: every row earned or taken back, by date, and the totals."""
    from ..repair.models import RepairOrder

    first, last = month_range(month)
    engineer = session.get(bd.Engineer, engineer_id)
    if engineer is None:
        raise NotFound("no such engineer", {"engineer_id": ["no such engineer"]})
    q = (select(CommissionEntry, RepairOrder.number, bd.Item.name, CommissionRule.code, CommissionRule.name)
         .join(RepairOrder, RepairOrder.id == CommissionEntry.order_id)
         .outerjoin(bd.Item, bd.Item.id == CommissionEntry.item_id)
         .outerjoin(CommissionRule, CommissionRule.id == CommissionEntry.rule_id)
         .where(CommissionEntry.engineer_id == engineer.id, CommissionEntry.earned_on >= first,
                CommissionEntry.earned_on <= last)
         .order_by(CommissionEntry.earned_on, CommissionEntry.created_at, CommissionEntry.source_number,
                   CommissionEntry.line_no))
    lines = []
    for e, order_number, item_name, rule_code, rule_name in session.execute(q):
        lines.append({"earned_on": e.earned_on, "order_id": e.order_id, "order_number": order_number or "",
                      "source_type": e.source_type, "source_number": e.source_number, "line_kind": e.line_kind,
                      "item_name": item_name or "", "rule_code": rule_code or "", "rule_name": rule_name or "",
                      "scope": e.scope, "base": e.base, "rate_percent": e.rate_percent,
                      "fixed_amount": e.fixed_amount, "amount": e.amount})
    earned = sum((ln["amount"] for ln in lines if ln["amount"] > 0), ZERO)
    reversed_ = sum((ln["amount"] for ln in lines if ln["amount"] < 0), ZERO)
    return {"engineer_id": engineer.id, "engineer_code": engineer.code, "engineer_name": engineer.name,
            "grade": engineer.grade, "org_id": engineer.org_id, "month": first.strftime("%Y-%m"),
            "date_from": first, "date_to": last, "lines": lines, "jobs": len({ln["order_id"] for ln in lines}),
            "earned": earned, "reversed": reversed_, "total": earned + reversed_}


def summary(session: Session, month: str, org_id=None) -> list[dict]:
    """Every engineer with commission in the month (the session's scope): earned, reversed, total."""
    first, last = month_range(month)
    q = (select(bd.Engineer.id, bd.Engineer.code, bd.Engineer.name, bd.Engineer.grade, bd.Engineer.org_id,
                CommissionEntry.amount)
         .join(bd.Engineer, bd.Engineer.id == CommissionEntry.engineer_id)
         .where(CommissionEntry.earned_on >= first, CommissionEntry.earned_on <= last))
    if org_id is not None:
        q = q.where(CommissionEntry.org_id == org_id)
    out: dict = {}
    for eid, code, name, grade, eorg, amount in session.execute(q):
        r = out.setdefault(eid, {"engineer_id": eid, "engineer_code": code, "engineer_name": name, "grade": grade,
                                 "org_id": eorg, "earned": ZERO, "reversed": ZERO, "total": ZERO})
        r["earned" if amount > 0 else "reversed"] += amount
        r["total"] += amount
    return sorted(out.values(), key=lambda r: r["engineer_code"])


def check_rule(session: Session, rule: CommissionRule) -> None:
    """A rule names exactly its scope's target; rate and fixed amount are not negative (the rate at
    most 100 %). The base-data kind ``commission-rules`` calls this before saving."""
    if rule.scope == "item":
        if rule.item_id is None:
            raise InvalidInput("item_id", "an item rule names its item")
        rule.item_kind, rule.grade = "", None
    elif rule.scope == "category":
        if not rule.item_kind:
            raise InvalidInput("item_kind", "a category rule names its category")
        rule.item_id, rule.grade = None, None
    elif rule.scope == "grade":
        if rule.grade is None:
            raise InvalidInput("grade", "an engineer-grade rule names its grade")
        rule.item_id, rule.item_kind = None, ""
    rate = rule.rate_percent if rule.rate_percent is not None else ZERO
    fixed = rule.fixed_amount if rule.fixed_amount is not None else ZERO
    if rate < 0:
        raise InvalidInput("rate_percent", "must not be negative")
    if rate > 100:
        raise InvalidInput("rate_percent", "at most 100 (per cent)")
    if rate != rate.quantize(Decimal("0.01")):
        raise InvalidInput("rate_percent", "at most two decimal places")
    if fixed < 0:
        raise InvalidInput("fixed_amount", "must not be negative")
    if fixed != fixed.quantize(Decimal("0.01")):
        raise InvalidInput("fixed_amount", "at most two decimal places")
    rule.rate_percent, rule.fixed_amount = rate, fixed
