"""Repair money flows on the money ledger (spec §1.3 deposit, §1.11 refund, pickup settlement).

Only ``write_payment_ledgers`` (called by ``RepairPayment.write_ledgers`` at posting) writes
ledger rows, through ``server.finance.operations``. The customer counterparty is the order's
member, or the walk-in counterparty for anonymous customers (told apart by the source
document). Rows, per kind (C = the customer, A = the cash/bank account):

- deposit x:     C payable +x (we hold their money);            A +x
- refund x:      before settlement: C payable −x;                A −x
                 after settlement:  C payable +x (credit), C payable −x (paid out); A −x
- settlement:    C receivable +T (the bill: parts + labour + check fee)
                 C payable −d, C receivable −d   (deposit d applied to the bill)
                 C receivable −due;              A +due          (paid at pickup)
                 C payable −c;                   A −c            (deposit left over, returned)
                 manufacturer receivable +claim                 (in-warranty labour fee, claimable)
                 with a payers' split (split.py): C receivable +their share only (T above is it);
                 manufacturer / insurer receivable +share each; goodwill nothing
- carry-over x (repair_deposit_transfer, to the exchange order the repair became):
                 C payable −x (off the repair), C payable +x (onto the exchange); no cash moves
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..auth.principal import get_principal
from ..core import operations as core
from ..db import utcnow
from ..errors import InvalidInput, NotFound, TransitionRefused
from ..finance.operations import (CashLine, Counterparty, CounterpartyLine, Source, post_cash_entries,
                                  post_counterparty_entries)
from .models import RepairOrder, RepairPayment

ZERO = Decimal("0")


def customer_counterparty(session: Session, order: RepairOrder) -> Counterparty:
    """Who pays: the distributor of a batch order, else the member, else the walk-in customer."""
    if order.batch_id is not None:
        from .models import RepairBatch

        return Counterparty.party(session.get(RepairBatch, order.batch_id).party_id)
    return Counterparty.member(order.member_id) if order.customer_kind == "member" else Counterparty.walk_in()


def write_payment_ledgers(session: Session, pay: RepairPayment) -> None:
    order = session.get(RepairOrder, pay.order_id)
    cp = customer_counterparty(session, order)
    src = Source.of(pay)
    ref = order.number or ""
    cps: list[CounterpartyLine] = []
    cash: list[CashLine] = []
    if pay.kind == "deposit":
        cps.append(CounterpartyLine(cp, "payable", pay.amount, memo=f"押金 deposit {ref}"))
        cash.append(CashLine(pay.account_id, pay.amount, memo=f"押金 deposit {ref}"))
    elif pay.kind == "refund":
        if pay.after_settlement:
            cps.append(CounterpartyLine(cp, "payable", pay.amount, memo=f"退款核准 refund approved {ref}"))
        cps.append(CounterpartyLine(cp, "payable", -pay.amount, memo=f"退款 refund {ref}"))
        cash.append(CashLine(pay.account_id, -pay.amount, memo=f"退款 refund {ref}"))
    else:
        from .split import shares_of

        shares = shares_of(session, order.id, pay.id)
        # Several payers (split.py): the customer is billed their share; each other payer's share is
        # its own receivable (an open item of that payer); goodwill is nobody's.
        total = sum((s.amount for s in shares if s.payer == "customer"), ZERO) if shares else pay.bill_total
        due = total - pay.deposit_applied
        if total:
            cps.append(CounterpartyLine(cp, "receivable", total, memo=f"维修费 repair bill {ref}"))
        for s in shares:
            if s.payer in ("manufacturer", "insurer") and s.amount:
                word = "厂家承担 manufacturer's share" if s.payer == "manufacturer" else "保险承担 insurer's share"
                cps.append(CounterpartyLine(Counterparty.party(s.party_id), "receivable", s.amount, line_id=s.id,
                                            memo=f"{word} {ref}"))
        if pay.deposit_applied:
            cps.append(CounterpartyLine(cp, "payable", -pay.deposit_applied, memo=f"押金抵扣 deposit applied {ref}"))
            cps.append(CounterpartyLine(cp, "receivable", -pay.deposit_applied, memo=f"押金抵扣 deposit applied {ref}"))
        if due:
            cps.append(CounterpartyLine(cp, "receivable", -due, memo=f"取机收款 paid at pickup {ref}"))
            cash.append(CashLine(pay.account_id, due, memo=f"取机收款 paid at pickup {ref}"))
        if pay.change_returned:
            cps.append(CounterpartyLine(cp, "payable", -pay.change_returned, memo=f"退还押金 deposit returned {ref}"))
            cash.append(CashLine(pay.account_id, -pay.change_returned, memo=f"退还押金 deposit returned {ref}"))
        if pay.claim_amount and pay.manufacturer_id:
            cps.append(CounterpartyLine(Counterparty.party(pay.manufacturer_id), "receivable", pay.claim_amount,
                                        memo=f"保内劳务费应收厂家 labour fee claimable {ref}"))
    if cps:
        post_counterparty_entries(session, src, cps)
    if cash:
        post_cash_entries(session, src, cash)


def write_transfer_ledgers(session: Session, transfer) -> None:
    """押金结转: the customer's held money leaves the repair order and is held on the exchange order;
    both rows have the transfer as their source, which names both orders."""
    from ..exchange.models import ExchangeOrder

    order = session.get(RepairOrder, transfer.order_id)
    exchange = session.get(ExchangeOrder, transfer.exchange_order_id)
    post_counterparty_entries(session, Source.of(transfer), [
        CounterpartyLine(customer_counterparty(session, order), "payable", -transfer.amount,
                         memo=f"押金结转至 deposit carried over to {exchange.number} from {order.number}"),
        CounterpartyLine(customer_counterparty(session, exchange), "payable", transfer.amount,
                         memo=f"押金结转自 deposit carried over from {order.number} to {exchange.number}")])


# -- refund slips at the desk: the approver's queue, refusal ----------------------------------

APPROVALS = ("pending", "approved", "refused")


def approval_of(pay: RepairPayment) -> str:
    """Where a refund slip stands: waiting for the approver, approved (posted: paid out), or refused."""
    if pay.status != "draft":
        return "approved"
    return "refused" if pay.refused_at is not None else "pending"


def refund_actions(pay: RepairPayment) -> list[str]:
    return ["approve", "refuse"] if approval_of(pay) == "pending" else []


def get_refund(session: Session, refund_id) -> RepairPayment:
    pay = session.execute(select(RepairPayment).where(RepairPayment.id == refund_id, RepairPayment.kind == "refund")
                          ).scalar_one_or_none()
    if pay is None:
        raise NotFound("no such refund slip")
    return pay


def refuse_refund(session: Session, pay: RepairPayment, reason: str) -> RepairPayment:
    """The approver refuses a refund slip, saying why: it stays a draft that never posts (nothing
    was paid), and the clerk sees the reason. Writes: repair_payment, audit_log."""
    if approval_of(pay) != "pending":
        raise TransitionRefused(f"this refund slip is {approval_of(pay)} already", {"status": [approval_of(pay)]})
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("reason", "say why the refund is refused")
    pay.refused_at, pay.refused_by_id, pay.refusal_reason = utcnow(), get_principal(session).user_id, reason[:300]
    session.flush()
    core.record_audit(session, "repair_refund.refuse", pay, after={"reason": pay.refusal_reason})
    return pay


def refunds_query(args: dict):
    """Refund slips with their order's number, newest first; ``approval`` pending/approved/refused,
    ``q`` a slip or order number."""
    stmt = (select(RepairPayment, RepairOrder.number.label("order_number"))
            .join(RepairOrder, RepairOrder.id == RepairPayment.order_id).where(RepairPayment.kind == "refund"))
    approval = args.get("approval")
    if approval == "approved":
        stmt = stmt.where(RepairPayment.status != "draft")
    elif approval == "pending":
        stmt = stmt.where(RepairPayment.status == "draft", RepairPayment.refused_at.is_(None))
    elif approval == "refused":
        stmt = stmt.where(RepairPayment.status == "draft", RepairPayment.refused_at.is_not(None))
    if args.get("order_id"):
        stmt = stmt.where(RepairPayment.order_id == args["order_id"])
    if args.get("q"):
        q = args["q"].strip().upper()
        stmt = stmt.where(or_(RepairPayment.number == q, RepairOrder.number == q))
    return stmt.order_by(RepairPayment.created_at.desc(), RepairPayment.id.desc())


def refund_row(pay: RepairPayment, order_number: str | None) -> dict:
    """A refund slip as the desk's answers show it (``RefundOut``)."""
    out = {c.key: getattr(pay, c.key) for c in pay.__table__.columns}
    out.update(order_number=order_number, approval=approval_of(pay), actions=refund_actions(pay))
    return out
