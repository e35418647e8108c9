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
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.orm import Session

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
        total = pay.bill_total
        due = total - pay.deposit_applied
        if total:
            cps.append(CounterpartyLine(cp, "receivable", total, memo=f"维修费 repair bill {ref}"))
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
