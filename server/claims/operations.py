"""The labour-fee claim's operations: build, add and remove lines, submit, answer (by hand or from the
manufacturer's workbook), settle. Operations flush and never commit. See docs/claims.md.

Money on the manufacturer's receivable (the organisation's books, counterparty the manufacturer):

- repair's pickup settlement already posted ``receivable +labour_fee`` per claimable order;
- submitting posts, per line, ``amount − booked``: the parts the manufacturer pays, and the whole
  line again when it is a re-claim of a line rejected before (the rejection took the labour off);
- the answer posts, per line, ``−(amount − accepted)`` for a cut and ``−amount`` for a rejection,
  so the receivable of every claimed order is what the manufacturer accepted;
- the settlement links the manufacturer's posted receipt (收款单, server/finance), which took the
  money off the receivable; without one the accepted amount stays an open receivable.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from ..auth.principal import get_principal
from ..basedata import models as bd
from ..basedata.operations import today_in
from ..bulk import BulkInsert
from ..core import operations as core
from ..core.machine import acting_permissions
from ..db import utcnow
from ..errors import Conflict, InvalidInput, NotFound
from ..finance.operations import Counterparty, CounterpartyLine, Source, post_counterparty_entries
from ..org.models import Organisation
from ..repair.models import RepairOrder, RepairPart, RepairPayment
from . import machine
from .models import RESULTS, LabourClaim, LabourClaimLine

ZERO = Decimal("0")
CENT = Decimal("0.01")


def _today(session: Session) -> dt.date:
    from ..repair.operations import repair_settings

    return today_in(repair_settings(session).timezone)


def _uuid(value: Any, field: str) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        raise InvalidInput(field, "not a valid id") from None


def get_claim(session: Session, claim_id) -> LabourClaim:
    claim = session.get(LabourClaim, _uuid(claim_id, "claim_id"))
    if claim is None:
        raise NotFound("no such labour-fee claim")
    return claim


def facts_of(claim: LabourClaim) -> dict:
    """What the machine's guards read, counted in the database (a claim may hold thousands of lines)."""
    from sqlalchemy.orm import object_session

    session = object_session(claim)
    session.flush()
    t = LabourClaimLine.__table__
    lines, unanswered = session.execute(select(func.count(), func.count().filter(t.c.result.is_(None)))
                                        .where(t.c.claim_id == claim.id)).one()
    return {"lines": lines, "unanswered": unanswered}


def _check(session: Session, claim: LabourClaim, event: str) -> str:
    # A user's permissions are the machine's check; the system (demo, command line) may take any step.
    return machine.check(claim.stage, event, facts_of(claim), acting_permissions(get_principal(session)))


def claim_actions(session: Session, claim: LabourClaim) -> list[str]:
    return machine.actions(claim.stage, facts_of(claim), get_principal(session).permissions)


# -- eligibility: one set-based query ----------------------------------------------------------

def eligible_query(org_id: uuid.UUID, manufacturer_id: uuid.UUID, date_from: dt.date | None, date_to: dt.date | None,
                   order_id: uuid.UUID | None = None):
    """Every claimable order not on a live claim line: the posted (not reversed) pickup settlement
    that put the labour fee on this manufacturer's receivable in ``org_id``'s books, its order, model,
    level, parts at cost and whether an earlier (rejected) line took the receivable off."""
    pay, order = RepairPayment, RepairOrder
    earlier = aliased(LabourClaimLine)
    stmt = (select(pay.id.label("settlement_id"), pay.claim_amount, pay.doc_date.label("completed"),
                   order.id.label("order_id"), order.number, order.imei, order.doc_date.label("taken_in"),
                   order.symptoms, order.fault_description, order.repair_method_ids,
                   bd.ProductModel.name.label("model_name"), bd.RepairLevel.name.label("level_name"),
                   exists().where(earlier.order_id == order.id).label("claimed_before"))
            .join(order, order.id == pay.order_id)
            .outerjoin(bd.ProductModel, bd.ProductModel.id == order.model_id)
            .outerjoin(bd.RepairLevel, bd.RepairLevel.id == order.repair_level_id)
            .where(pay.kind == "settlement", pay.status == "posted", pay.reverses_id.is_(None),
                   pay.org_id == org_id, pay.manufacturer_id == manufacturer_id, pay.claim_amount > 0,
                   order.claimable.is_(True),
                   ~exists().where(LabourClaimLine.order_id == order.id, LabourClaimLine.live.is_(True))))
    if date_from is not None:
        stmt = stmt.where(pay.doc_date >= date_from)
    if date_to is not None:
        stmt = stmt.where(pay.doc_date <= date_to)
    if order_id is not None:
        stmt = stmt.where(order.id == order_id)
    return stmt.order_by(pay.doc_date, order.number)


def _text_of(symptoms, description: str) -> str:
    names = [s.get("name", "") if isinstance(s, dict) else str(s) for s in (symptoms or [])]
    return "；".join([n for n in names if n] + ([description.strip()] if description and description.strip() else []))[:300]


def parts_at_cost(session: Session, order_ids: list) -> dict:
    """The parts fitted on each order at the item's standard cost (quantity × cost, summed per order
    in Python: the exact-decimal columns are scaled integers on SQLite, so SQL does not multiply them)."""
    out: dict = {}
    for k in range(0, len(order_ids), 2000):
        chunk = order_ids[k:k + 2000]
        for oid, qty, cost in session.execute(
                select(RepairPart.order_id, RepairPart.quantity, bd.Item.standard_cost)
                .join(bd.Item, bd.Item.id == RepairPart.item_id).where(RepairPart.order_id.in_(chunk))):
            out[oid] = out.get(oid, ZERO) + qty * cost
    return {oid: v.quantize(CENT, ROUND_HALF_UP) for oid, v in out.items()}


def _line_rows(session: Session, claim: LabourClaim, rows, start: int) -> list[dict]:
    methods = dict(session.execute(select(bd.RepairMethod.id, bd.RepairMethod.name)).all())
    part_values = parts_at_cost(session, [r.order_id for r in rows])
    out = []
    for i, r in enumerate(rows, start=start):
        labour = r.claim_amount
        parts = part_values.get(r.order_id, ZERO)
        out.append({
            "id": uuid.uuid4(), "claim_id": claim.id, "sort_order": i, "source_kind": "repair",
            "order_id": r.order_id, "settlement_id": r.settlement_id, "order_number": r.number or "",
            "imei": r.imei, "model_name": r.model_name or "", "fault": _text_of(r.symptoms, r.fault_description),
            "methods": "、".join(methods.get(_maybe_uuid(m), "") for m in (r.repair_method_ids or []))[:300],
            "level_name": r.level_name or "", "taken_in": r.taken_in, "completed": r.completed,
            "labour_fee": labour, "parts_amount": parts, "amount": labour + parts,
            # A rejection before took this order's receivable off: a re-claim books it whole again.
            "booked": ZERO if r.claimed_before else labour, "live": True, "reason": "", "note": ""})
    return out


def _maybe_uuid(value):
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None


_LINES = BulkInsert(LabourClaimLine.__table__)


def _insert_lines(session: Session, claim: LabourClaim, rows: list[dict]) -> None:
    if rows:
        try:
            with session.begin_nested():
                # The table, not the ORM entity, as one array per column (server.bulk): a 5,000-line claim
                # sent as multi-row VALUES cost psycopg more to parse than PostgreSQL to insert.
                _LINES.execute(session.connection(), rows)
        except IntegrityError:
            # Another claim took one of these orders between the query and the insert.
            raise Conflict("an order is on another claim already", {"order_id": ["already claimed"]}) from None
    if "lines" in claim.__dict__:
        session.expire(claim, ["lines"])
    # Totals from the rows just written (a 5,000-line build does not load them back as objects).
    claim.line_count = (claim.line_count or 0) + len(rows)
    claim.claimed_total = (claim.claimed_total or ZERO) + sum((r["amount"] for r in rows), ZERO)


def _totals(claim: LabourClaim) -> None:
    claim.line_count = len(claim.lines)
    claim.claimed_total = sum((l.amount for l in claim.lines), ZERO)
    claim.accepted_total = sum((_accepted(l) for l in claim.lines), ZERO)


def _accepted(line: LabourClaimLine) -> Decimal:
    if line.result == "accepted":
        return line.amount
    if line.result == "cut":
        return line.accepted_amount or ZERO
    return ZERO


# -- build, add, remove, delete -----------------------------------------------------------------

def _date(value, field: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput(field, "not a date (YYYY-MM-DD)") from None


def build_claim(session: Session, data: dict) -> LabourClaim:
    """A draft claim for one manufacturer and organisation over a period, with every eligible line:
    each claimable order settled in the period and not on a live line yet (rejected ones again).
    Writes: labour_claim, labour_claim_line, audit_log."""
    p = get_principal(session)
    org_id = _uuid(data.get("org_id") or p.org_id, "org_id")
    if session.get(Organisation, org_id) is None:
        raise InvalidInput("org_id", "no such organisation")
    if not p.may_write_org(org_id):
        raise InvalidInput("org_id", "you may claim for your own organisation only")
    mid = _uuid(data.get("manufacturer_id"), "manufacturer_id")
    maker = session.get(bd.Party, mid)
    if maker is None or ",manufacturer," not in (maker.roles_text or ""):
        raise InvalidInput("manufacturer_id", "no such manufacturer")
    d_from, d_to = _date(data.get("period_from"), "period_from"), _date(data.get("period_to"), "period_to")
    if d_from is None:
        raise InvalidInput("period_from", "required")
    if d_to is None:
        raise InvalidInput("period_to", "required")
    if d_to < d_from:
        raise InvalidInput("period_to", "before the start of the period")
    claim = LabourClaim(org_id=org_id, manufacturer_id=mid, period_from=d_from, period_to=d_to,
                        doc_date=_date(data.get("doc_date"), "doc_date") or _today(session),
                        note=str(data.get("note") or "")[:500])
    core.create_document(session, claim)
    rows = session.execute(eligible_query(org_id, mid, d_from, d_to)).all()
    _insert_lines(session, claim, _line_rows(session, claim, rows, 0))
    session.flush()
    core.record_audit(session, "labour_claim.build", claim, after={"lines": claim.line_count,
                                                                    "claimed_total": str(claim.claimed_total)})
    return claim


def add_line(session: Session, claim: LabourClaim, order_id) -> LabourClaim:
    """Put one order on a draft claim (a rejected line, fixed; an order settled outside the period).
    Refused naming ``order_id`` when the order is not claimable from this manufacturer here."""
    _check(session, claim, "edit")
    oid = _uuid(order_id, "order_id")
    order = session.get(RepairOrder, oid)
    if order is None:
        raise InvalidInput("order_id", "no such repair order")
    if not order.claimable:
        raise InvalidInput("order_id", "the repair is out of warranty: nothing to claim from the manufacturer")
    if session.execute(select(exists().where(LabourClaimLine.order_id == oid, LabourClaimLine.live.is_(True)))).scalar():
        raise InvalidInput("order_id", "the order is on a claim already")
    rows = session.execute(eligible_query(claim.org_id, claim.manufacturer_id, None, None, oid)).all()
    if not rows:
        raise InvalidInput("order_id", "the order has no settled labour fee claimable from this manufacturer here")
    start = max((l.sort_order for l in claim.lines), default=-1) + 1
    _insert_lines(session, claim, _line_rows(session, claim, rows, start))
    core.record_audit(session, "labour_claim.add_line", claim, after={"order_id": str(oid)})
    return claim


def remove_line(session: Session, claim: LabourClaim, line_id) -> LabourClaim:
    _check(session, claim, "edit")
    line = _line(claim, line_id, "line_id")
    claim.lines.remove(line)
    session.flush()
    _totals(claim)
    core.record_audit(session, "labour_claim.remove_line", claim, before={"order_id": str(line.order_id)})
    return claim


def delete_claim(session: Session, claim: LabourClaim) -> None:
    _check(session, claim, "delete")
    core.delete_draft(session, claim)


def _line(claim: LabourClaim, line_id, field: str) -> LabourClaimLine:
    lid = _uuid(line_id, field)
    for line in claim.lines:
        if line.id == lid:
            return line
    raise InvalidInput(field, "no such line on this claim")


# -- submit --------------------------------------------------------------------------------------

def submit_claim(session: Session, claim: LabourClaim) -> LabourClaim:
    """申报: the claim is posted (numbered LW…, dated today) and the parts, and re-claimed lines
    whole, go onto the manufacturer's receivable. Writes: labour_claim, counterparty_entry,
    document_counter, audit_log."""
    target = _check(session, claim, "submit")
    claim.doc_date = _today(session)
    core.post_document(session, claim)
    claim.stage, claim.submitted_at = target, utcnow()
    session.flush()
    return claim


def write_submission_ledgers(session: Session, claim: LabourClaim) -> None:
    maker = Counterparty.party(claim.manufacturer_id)
    lines = [CounterpartyLine(maker, "receivable", l.amount - l.booked, line_id=l.id,
                              memo=f"劳务费申报 labour-fee claim {l.order_number}")
             for l in claim.lines if l.amount != l.booked]
    if lines:
        post_counterparty_entries(session, Source.of(claim), lines)


# -- answer --------------------------------------------------------------------------------------

RESULT_WORDS = {"accepted": "accepted", "accept": "accepted", "通过": "accepted", "接受": "accepted", "同意": "accepted",
                "cut": "cut", "核减": "cut", "部分通过": "cut", "rejected": "rejected", "reject": "rejected",
                "拒绝": "rejected", "驳回": "rejected"}


def _parse_answer(line: LabourClaimLine, result: Any, amount: Any, reason: Any) -> tuple[dict[str, str], dict]:
    """One answer checked against its line: (errors by column, the values)."""
    errs: dict[str, str] = {}
    key = RESULT_WORDS.get(str(result or "").strip().lower())
    if key is None:
        errs["result"] = "one of accepted, cut, rejected (通过, 核减, 拒绝)"
        return errs, {}
    if line.result is not None:
        errs["result"] = "the line is answered already"
    reason = str(reason or "").strip()
    value = None
    if key == "cut":
        try:
            value = Decimal(str(amount).strip()) if amount not in (None, "") else None
        except ArithmeticError:
            value = None
        if value is None or not value.is_finite():
            errs["accepted_amount"] = "a cut needs the amount accepted"
        elif value != value.quantize(CENT) or value < 0:
            errs["accepted_amount"] = "an amount of yuan, at most two decimals, not negative"
        elif value >= line.amount:
            errs["accepted_amount"] = "a cut must be less than the line's amount"
    if key == "rejected" and not reason:
        errs["reason"] = "a rejection needs the manufacturer's reason"
    return errs, {"result": key, "accepted_amount": value, "reason": reason[:300]}


def answer_lines(session: Session, claim: LabourClaim, answers: list[dict]) -> LabourClaim:
    """The manufacturer's answer, line by line (``line_id``, ``result``, ``accepted_amount`` for a
    cut, ``reason``). All are checked first; any bad one refuses them all (``answers.<i>.<field>``).
    When every line is answered the claim is answered and its cuts and rejections posted.
    Writes: labour_claim_line, labour_claim, counterparty_entry, audit_log."""
    _check(session, claim, "answer")
    if not isinstance(answers, list) or not answers:
        raise InvalidInput("answers", "at least one answer")
    errors: dict[str, list[str]] = {}
    parsed, seen = [], set()
    for i, a in enumerate(answers):
        try:
            line = _line(claim, (a or {}).get("line_id"), f"answers.{i}.line_id")
        except InvalidInput as e:
            errors.update(e.errors)
            continue
        if line.id in seen:
            errors[f"answers.{i}.line_id"] = ["the line is answered twice"]
            continue
        seen.add(line.id)
        errs, value = _parse_answer(line, a.get("result"), a.get("accepted_amount"), a.get("reason"))
        for k, v in errs.items():
            errors[f"answers.{i}.{k}"] = [v]
        parsed.append((line, value))
    if errors:
        raise AnswerRefused("the answer is refused: nothing was changed", errors)
    _apply(session, claim, parsed)
    return claim


class AnswerRefused(InvalidInput):
    """Every bad answer or row at once: ``errors`` names each (``answers.<i>.<field>`` or
    ``rows.<n>.<column>``)."""

    def __init__(self, message: str, errors: dict[str, list[str]]):
        super().__init__("answers", message)
        self.message, self.errors = message, errors


def _apply(session: Session, claim: LabourClaim, parsed: list[tuple[LabourClaimLine, dict]]) -> None:
    uid, now = get_principal(session).user_id, utcnow()
    for line, v in parsed:
        line.result, line.reason, line.answered_at, line.answered_by_id = v["result"], v["reason"], now, uid
        line.accepted_amount = (line.amount if v["result"] == "accepted" else v["accepted_amount"] if v["result"] == "cut"
                                else ZERO)
        # A rejected line leaves the order free for a later claim (the partial unique index).
        line.live = v["result"] != "rejected"
    session.flush()
    _totals(claim)
    core.record_audit(session, "labour_claim.answer", claim, after={
        "lines": [{"line_id": str(l.id), "result": v["result"], "accepted_amount": str(l.accepted_amount)} for l, v in parsed]})
    if facts_of(claim)["unanswered"] == 0:
        _finish(session, claim)


def _finish(session: Session, claim: LabourClaim) -> None:
    target = _check(session, claim, "finish")
    when = _today(session)
    core.check_period_open(session, claim.org_id, when)
    maker = Counterparty.party(claim.manufacturer_id)
    lines = [CounterpartyLine(maker, "receivable", -(l.amount - l.accepted_amount), line_id=l.id,
                              memo=f"厂家{'核减' if l.result == 'cut' else '拒绝'} claim {l.result} {l.order_number}")
             for l in claim.lines if l.result in ("cut", "rejected") and l.amount != l.accepted_amount]
    if lines:
        post_counterparty_entries(session, Source(LabourClaim.ANSWER_TYPE, claim.id, claim.org_id, when, claim.number or ""),
                                  lines)
    claim.stage, claim.answered_at, claim.answered_by_id = target, utcnow(), get_principal(session).user_id
    session.flush()
    core.record_audit(session, "labour_claim.answered", claim, after={"accepted_total": str(claim.accepted_total)})


# -- settle --------------------------------------------------------------------------------------

def settle_claim(session: Session, claim: LabourClaim, receipt_id=None, note: str = "") -> LabourClaim:
    """结算: the claim is closed. With ``receipt_id``, the manufacturer's posted receipt (收款单) in
    this organisation's books is recorded as its payment (the receipt itself took the money off the
    receivable); without, the accepted amount stays the open receivable. Writes: labour_claim, audit_log."""
    target = _check(session, claim, "settle")
    if receipt_id not in (None, ""):
        from ..finance.settlement_models import FinanceReceipt

        rec = session.get(FinanceReceipt, _uuid(receipt_id, "receipt_id"))
        if rec is None or rec.status != "posted" or rec.reverses_id is not None:
            raise InvalidInput("receipt_id", "no such posted receipt")
        if rec.org_id != claim.org_id or rec.party_id != claim.manufacturer_id:
            raise InvalidInput("receipt_id", "the receipt is not from this manufacturer to this organisation")
        taken = session.execute(select(exists().where(LabourClaim.receipt_id == rec.id, LabourClaim.id != claim.id))).scalar()
        if taken:
            raise InvalidInput("receipt_id", "the receipt settles another claim already")
        claim.receipt_id = rec.id
    claim.stage, claim.settled_at, claim.settled_by_id = target, utcnow(), get_principal(session).user_id
    claim.settle_note = str(note or "")[:300]
    session.flush()
    core.record_audit(session, "labour_claim.settle", claim, after={
        "receipt_id": str(claim.receipt_id) if claim.receipt_id else None, "note": claim.settle_note})
    return claim


# -- lists ---------------------------------------------------------------------------------------

def claims_query(args: dict):
    stmt = select(LabourClaim)
    for key in ("org_id", "manufacturer_id", "stage"):
        if args.get(key):
            stmt = stmt.where(getattr(LabourClaim, key) == args[key])
    if args.get("q"):
        stmt = stmt.where(LabourClaim.number == args["q"].strip().upper())
    return stmt.order_by(LabourClaim.created_at.desc(), LabourClaim.id.desc())


def claim_row(session: Session, claim: LabourClaim, with_lines: bool = True) -> dict:
    out = {c.key: getattr(claim, c.key) for c in claim.__table__.columns}
    maker = session.get(bd.Party, claim.manufacturer_id)
    org = session.get(Organisation, claim.org_id)
    out.update(status=claim.stage, lifecycle_status=claim.status,
               manufacturer_name=maker.name if maker else "", org_name=org.name if org else "",
               stage_label=machine.STAGES[claim.stage], actions=claim_actions(session, claim))
    if with_lines:
        # Plain rows, not objects: a claim may hold thousands of lines.
        t = LabourClaimLine.__table__
        out["lines"] = [dict(r) for r in session.execute(
            select(t).where(t.c.claim_id == claim.id).order_by(t.c.sort_order)).mappings()]
    return out


def balance_on(session: Session, org_id: uuid.UUID, manufacturer_id: uuid.UUID) -> Decimal:
    from ..finance.queries import counterparty_balance

    return counterparty_balance(session, org_id, Counterparty.party(manufacturer_id)).receivable


__all__ = ["build_claim", "add_line", "remove_line", "delete_claim", "submit_claim", "answer_lines", "settle_claim",
           "get_claim", "claims_query", "claim_row", "eligible_query", "RESULTS"]
