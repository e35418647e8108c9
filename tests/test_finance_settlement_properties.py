"""Property test of allocation (hypothesis, both databases): any sequence of charges (invoices and
their reversals), receipts and payments, allocations by hand and oldest first, undone allocations
and reversed receipts keeps every party's balance equal to the sum of its open items (as of every
day, in the per-party list, in the one-query aging and in the open-item cache the triggers keep); no item is allocated past its amount;
and money is never created or lost: the cash the accounts hold is exactly what the receipts and
payments still standing moved. Each example runs in one transaction, rolled back at the end."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from server.core.operations import create_and_post, reverse_document
from server.errors import DomainError
from server.finance.models import CashEntry
from server.finance.operations import (Counterparty, CounterpartyLine, Source, post_counterparty_entries,
                                       reverse_entries_of)
from server.finance.queries import counterparty_balance
from server.finance.settlement import Balance, allocate, open_items, unallocate
from server.finance.settlement_models import FinanceAllocation, FinancePayment, FinanceReceipt
from server.finance.statement import aging, open_items_check
from server.ids import uuid7

from .finance_factories import D, books  # noqa: F401 - fixture

PARTIES = ("D-XJ", "M-HW")
money = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("900"), places=2, allow_nan=False, allow_infinity=False)
pick = st.integers(0, 1000)
charge = st.tuples(st.just("charge"), st.integers(0, 1), st.sampled_from(("receivable", "payable")), money)
uncharge = st.tuples(st.just("uncharge"), pick)
settle = st.tuples(st.just("settle"), st.integers(0, 1), st.sampled_from(("receivable", "payable")), money, st.booleans())
auto = st.tuples(st.just("auto"), pick)
by_hand = st.tuples(st.just("hand"), pick, pick, money)
undo = st.tuples(st.just("undo"), pick)
reverse = st.tuples(st.just("reverse"), pick)
plans = st.lists(st.one_of(charge, uncharge, settle, auto, by_hand, undo, reverse), min_size=3, max_size=10)


def _check(s, net, books, org_id, account_id, day: dt.date) -> None:
    for code in PARTIES:
        cp = Counterparty.party(books.parties[code].id)
        ledger = counterparty_balance(s, org_id, cp)
        for direction in ("receivable", "payable"):
            bal = Balance(org_id, cp, direction)
            items = open_items(s, bal)
            assert sum((i.open for i in items), Decimal(0)) == getattr(ledger, direction)
            for i in items:  # an item is never allocated past its amount, nor against its sign
                assert (0 <= i.open <= i.amount) if i.amount > 0 else (i.amount <= i.open <= 0), i
            # As of every earlier day too (an allocation is dated on or after both its items).
            for back in (day - dt.timedelta(days=2), day - dt.timedelta(days=1)):
                as_of = counterparty_balance(s, org_id, cp, back)
                assert sum((i.open for i in open_items(s, bal, back)), Decimal(0)) == getattr(as_of, direction)
    rows = aging(s, day, org_id, names=False)["items"]
    # The open-item cache the triggers keep is the ledger's and the allocations' sums, and aging read
    # from it (everything as it stands, aged to the day) is the aging recomputed as of that day.
    assert open_items_check(s) == []
    key = lambda r: (r["org_id"], r["counterparty_id"], r["direction"])  # noqa: E731
    assert sorted(aging(s, None, org_id, names=False, today=day)["items"], key=key) == sorted(rows, key=key)
    for r in rows:
        parts = r["current"] + r["d1_30"] + r["d31_60"] + r["d61_90"] + r["over_90"] + r["on_account"]
        assert parts == r["balance"]
        ledger = counterparty_balance(s, org_id, Counterparty(r["counterparty_kind"], r["counterparty_id"]))
        assert r["balance"] == getattr(ledger, r["direction"])
    # Money is neither created nor lost: the account holds what the standing receipts brought in
    # less what the standing payments paid out (a reversed one and its reversal cancel).
    cash = s.execute(select(func.sum(CashEntry.amount)).where(CashEntry.account_id == account_id)).scalar() or 0
    standing = sum((d.amount for d in s.execute(select(FinanceReceipt).where(FinanceReceipt.status == "posted",
                                                                              FinanceReceipt.reverses_id.is_(None))).scalars()),
                   Decimal(0))
    standing -= sum((d.amount for d in s.execute(select(FinancePayment).where(FinancePayment.status == "posted",
                                                                               FinancePayment.reverses_id.is_(None))).scalars()),
                    Decimal(0))
    assert cash == standing


@settings(max_examples=12, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(plan=plans)
def test_balances_equal_open_items_through_any_sequence(net, books, plan):
    s = net.session()
    org_id = net.orgs["SZ01"].id
    account_id = books.accounts["SZ01/BANK"].id
    charges: list[uuid7] = []
    settlements: list = []
    try:
        for n, step in enumerate(plan):
            day = D + dt.timedelta(days=n)
            kind = step[0]
            try:
                with s.begin_nested():
                    if kind == "charge":
                        src = Source("prop_invoice", uuid7(), org_id, day, f"INV-{n}")
                        post_counterparty_entries(s, src, [CounterpartyLine(
                            Counterparty.party(books.parties[PARTIES[step[1]]].id), step[2], step[3])])
                        charges.append(src.document_id)
                    elif kind == "uncharge" and charges:
                        doc_id = charges.pop(step[1] % len(charges))
                        reverse_entries_of(s, "prop_invoice", doc_id, Source("prop_invoice_reversal", uuid7(), org_id, day))
                    elif kind == "settle":
                        model = FinanceReceipt if step[2] == "receivable" else FinancePayment
                        doc = model(org_id=org_id, doc_date=day, counterparty_kind="party",
                                    party_id=books.parties[PARTIES[step[1]]].id, account_id=account_id, amount=step[3],
                                    auto_allocate=step[4])
                        create_and_post(s, doc)
                        settlements.append(doc)
                    elif kind in ("auto", "hand", "undo", "reverse") and settlements:
                        doc = settlements[step[1] % len(settlements)]
                        if kind == "auto":
                            allocate(s, doc, None, day)
                        elif kind == "hand":
                            bal = Balance(org_id, doc.counterparty(), doc.DIRECTION)
                            open_ = [i for i in open_items(s, bal) if i.open > 0]
                            if open_:
                                target = open_[step[2] % len(open_)]
                                allocate(s, doc, [{"document_id": target.document_id, "amount": step[3]}], day)
                        elif kind == "undo":
                            rows = s.execute(select(FinanceAllocation).where(FinanceAllocation.credit_id == doc.id,
                                                                             FinanceAllocation.amount > 0)).scalars().all()
                            if rows:
                                unallocate(s, doc, rows[step[1] % len(rows)].id, day)
                        else:
                            reverse_document(s, doc, "property", day)
            except DomainError:
                pass  # refused (over the open amount, nothing to allocate, already reversed …): nothing written
            _check(s, net, books, org_id, account_id, day)
    finally:
        s.rollback()
        s.close()
