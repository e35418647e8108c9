"""Property-based tests of the money ledger on both databases (hypothesis).

Random sequences of postings and reversals, each example in one transaction
that is rolled back at the end (the ledger refuses DELETE, so nothing else
could empty it). After every step each balance the queries derive — per
counterparty, per account, the lists, the running balances, as of any date —
equals the sum of the entries in a plain Python model; and a reversal changes
exactly the balances its document changed, back by exactly that much.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.finance.operations import (CashLine, Counterparty, CounterpartyLine, Source, post_cash_entries,
                                       post_counterparty_entries, reverse_entries_of)
from server.finance.queries import (account_balance, account_balances_query, cash_entries_query, counterparty_balance,
                                    counterparty_balances_query, counterparty_entries_query)
from server.ids import uuid7

from .finance_factories import D, books  # noqa: F401 - fixture

ORGS = ("SZ01", "GZ01")
DAYS = 6
PROPERTY_SETTINGS = settings(max_examples=30, deadline=None, derandomize=True,
                             suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

amounts = st.decimals(min_value=Decimal("-50000"), max_value=Decimal("50000"), places=2,
                      allow_nan=False, allow_infinity=False).filter(lambda d: d != 0)
days = st.integers(0, DAYS - 1)
org_index = st.integers(0, len(ORGS) - 1)
post_cp = st.tuples(st.just("cp"), org_index, days,
                    st.lists(st.tuples(st.integers(0, 4), st.sampled_from(("receivable", "payable")), amounts),
                             min_size=1, max_size=3))
post_cash = st.tuples(st.just("cash"), org_index, days, st.lists(st.tuples(st.integers(0, 1), amounts), min_size=1, max_size=3))
reverse = st.tuples(st.just("reverse"), st.integers(0, 10_000), days)
steps = st.lists(st.one_of(post_cp, post_cash, reverse), min_size=1, max_size=10)


@dataclass
class Model:
    """The ledger as plain Python: (key, day, amount) per document."""

    docs: dict = field(default_factory=dict)  # document id -> list of (key, day, amount)
    order: list = field(default_factory=list)  # reversible document ids in posting order
    reversed: set = field(default_factory=set)

    def balances(self, as_of: int | None = None) -> dict:
        out: dict = defaultdict(Decimal)
        for rows in self.docs.values():
            for key, day, amount in rows:
                out[key] += amount if as_of is None or day <= as_of else Decimal(0)
        return out


def _counterparties(net, books) -> list[Counterparty]:
    return [Counterparty.party(books.parties["M-HW"].id), Counterparty.party(books.parties["D-XJ"].id),
            Counterparty.member(books.members["zhang"].id), Counterparty.walk_in(),
            Counterparty.organisation(net.orgs["HQ"].id)]


def _derived(s, as_of: dt.date | None = None) -> dict:
    """Every non-zero balance as the list queries derive it, keyed like the model."""
    out: dict = {}
    args = {"as_of": as_of} if as_of else {}
    for row in s.execute(counterparty_balances_query(args)):
        for direction in ("receivable", "payable"):
            value = getattr(row, direction)
            if value != 0:
                out[("cp", row.org_id, row.counterparty_kind, row.counterparty_id, direction)] = value
    for account, balance, _entries in s.execute(account_balances_query(args)):
        if balance != 0:
            out[("cash", account.org_id, account.id)] = balance
    return out


def _nonzero(balances: dict) -> dict:
    return {k: v for k, v in balances.items() if v != 0}


def _check_everything(s, net, books, model: Model, cps, as_of_day: int) -> None:
    assert _derived(s) == _nonzero(model.balances())
    as_of = D + dt.timedelta(days=as_of_day)
    assert _derived(s, as_of) == _nonzero(model.balances(as_of_day))
    expected = model.balances()
    for org in ORGS:
        org_id = net.orgs[org].id
        for cp in cps:
            got = counterparty_balance(s, org_id, cp)
            assert got.receivable == expected.get(("cp", org_id, cp.kind, cp.id, "receivable"), 0)
            assert got.payable == expected.get(("cp", org_id, cp.kind, cp.id, "payable"), 0)
        for kind in ("BANK", "CASH"):
            acc = books.accounts[f"{org}/{kind}"]
            assert account_balance(s, acc.id) == expected.get(("cash", org_id, acc.id), 0)
    # The last running balance of every partition is its balance.
    last: dict = {}
    for entry, after in s.execute(counterparty_entries_query({})):
        last[("cp", entry.org_id, entry.counterparty_kind, entry.counterparty_id, entry.direction)] = after
    for entry, after in s.execute(cash_entries_query({})):
        last[("cash", entry.org_id, entry.account_id)] = after
    assert _nonzero(last) == _nonzero(expected)


@PROPERTY_SETTINGS
@given(plan=steps, as_of_day=days)
def test_balances_are_sums_and_reversals_restore_exactly(net, books, plan, as_of_day):
    cps = _counterparties(net, books)
    model = Model()
    s = net.session()
    try:
        for step in plan:
            kind = step[0]
            if kind == "reverse":
                candidates = [d for d in model.order if d not in model.reversed]
                if not candidates:
                    continue
                doc_id = candidates[step[1] % len(candidates)]
                org_id = model.docs[doc_id][0][0][1]
                # Reversal dated on or after the original (as a user would), any open day.
                first_day = min(day for _k, day, _a in model.docs[doc_id])
                day = max(first_day, step[2])
                before = _derived(s)
                by = Source("prop_reversal", uuid7(), org_id, D + dt.timedelta(days=day), "R")
                result = reverse_entries_of(s, "prop", doc_id, by)
                assert result.count == len(model.docs[doc_id])
                changed: dict = defaultdict(Decimal)
                for key, _day, amount in model.docs[doc_id]:
                    changed[key] -= amount
                model.docs[by.document_id] = [(key, day, -amount) for key, _day, amount in model.docs[doc_id]]
                model.reversed.add(doc_id)
                after = _derived(s)
                # Exactly the balances the document changed moved, each back by exactly its contribution.
                for key in set(before) | set(after):
                    assert after.get(key, 0) == before.get(key, 0) + changed.get(key, 0), key
                for key, delta in changed.items():
                    assert after.get(key, 0) - before.get(key, 0) == delta
                continue
            _, org_i, day, lines = step
            org_id = net.orgs[ORGS[org_i]].id
            src = Source("prop", uuid7(), org_id, D + dt.timedelta(days=day), "P")
            rows = []
            if kind == "cp":
                post_counterparty_entries(s, src, [CounterpartyLine(cps[c], direction, amount) for c, direction, amount in lines])
                rows = [(("cp", org_id, cps[c].kind, cps[c].id, direction), day, amount) for c, direction, amount in lines]
            else:
                accs = [books.accounts[f"{ORGS[org_i]}/{k}"] for k in ("BANK", "CASH")]
                post_cash_entries(s, src, [CashLine(accs[a].id, amount) for a, amount in lines])
                rows = [(("cash", org_id, accs[a].id), day, amount) for a, amount in lines]
            model.docs[src.document_id] = rows
            model.order.append(src.document_id)
            assert _derived(s) == _nonzero(model.balances())
        _check_everything(s, net, books, model, cps, as_of_day)
    finally:
        s.rollback()
        s.close()


@PROPERTY_SETTINGS
@given(plan=st.lists(st.one_of(post_cp, post_cash), min_size=1, max_size=6))
def test_reversing_everything_returns_every_balance_to_zero(net, books, plan):
    cps = _counterparties(net, books)
    model = Model()
    s = net.session()
    try:
        posted = []
        for kind, org_i, day, lines in plan:
            org_id = net.orgs[ORGS[org_i]].id
            src = Source("prop", uuid7(), org_id, D + dt.timedelta(days=day), "P")
            if kind == "cp":
                post_counterparty_entries(s, src, [CounterpartyLine(cps[c], d, a) for c, d, a in lines])
                model.docs[src.document_id] = [(("cp", org_id, cps[c].kind, cps[c].id, d), day, a) for c, d, a in lines]
            else:
                accs = [books.accounts[f"{ORGS[org_i]}/{k}"] for k in ("BANK", "CASH")]
                post_cash_entries(s, src, [CashLine(accs[a].id, amount) for a, amount in lines])
                model.docs[src.document_id] = [(("cash", org_id, accs[a].id), day, amount) for a, amount in lines]
            posted.append(src)
        for src in reversed(posted):
            reverse_entries_of(s, "prop", src.document_id,
                               Source("prop_reversal", uuid7(), src.org_id, D + dt.timedelta(days=DAYS), "R"))
        assert _derived(s) == {}
        # As of the day before the reversals, the originals still stand.
        assert _derived(s, D + dt.timedelta(days=DAYS - 1)) == _nonzero(model.balances())
    finally:
        s.rollback()
        s.close()
