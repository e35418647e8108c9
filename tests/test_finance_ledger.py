"""The money ledger on a real database: posting, refused postings, reversal, the append-only guard."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from server.core import operations as core
from server.db import unit_of_work
from server.errors import Conflict, Forbidden, InvalidInput, PeriodClosed
from server.finance.models import CashEntry, CounterpartyEntry
from server.finance.operations import (CashLine, Counterparty, CounterpartyLine, post_cash_entries,
                                       post_counterparty_entries, reverse_entries_of)
from server.finance.queries import Balance, account_balance, counterparty_balance
from server.ids import uuid7

from .conftest import row_counts
from .finance_factories import D, books, ledger_rows, run, source, user_session  # noqa: F401 - fixture
from .sample_docs import SampleReceipt


def cp_line(books, code="M-HW", direction="receivable", amount="100.00", **kw) -> CounterpartyLine:
    return CounterpartyLine(Counterparty.party(books.parties[code].id), direction, Decimal(amount), **kw)


def balance(net, org, cp, as_of=None) -> Balance:
    s = user_session(net)
    try:
        return counterparty_balance(s, net.orgs[org].id, cp, as_of)
    finally:
        s.close()


def acc_balance(net, books, key, as_of=None) -> Decimal:
    s = user_session(net)
    try:
        return account_balance(s, books.accounts[key].id, as_of)
    finally:
        s.close()


def test_counterparty_posting_writes_signed_rows_with_their_source(net, books):
    hw = Counterparty.party(books.parties["M-HW"].id)
    src = source(net, number="LF-SZ01-2611-00001")
    line_a, line_b = uuid7(), uuid7()
    rows = run(net, "sz01.finance", post_counterparty_entries, src, [
        CounterpartyLine(hw, "receivable", Decimal("350.00"), line_id=line_a, memo="劳务费 11 月"),
        CounterpartyLine(hw, "payable", Decimal("120.5"), line_id=line_b),
    ])
    assert [r.amount for r in rows] == [Decimal("350.00"), Decimal("120.50")]
    s = user_session(net)
    got = s.execute(select(CounterpartyEntry).order_by(CounterpartyEntry.amount.desc())).scalars().all()
    s.close()
    assert [(r.document_type, r.document_id, r.line_id, r.document_number) for r in got] == [
        ("test_receipt", src.document_id, line_a, "LF-SZ01-2611-00001"),
        ("test_receipt", src.document_id, line_b, "LF-SZ01-2611-00001")]
    first = got[0]
    assert first.org_id == net.orgs["SZ01"].id and first.party_id == books.parties["M-HW"].id
    assert first.counterparty_kind == "party" and first.member_id is None and first.counterparty_org_id is None
    assert first.doc_date == D and first.posted_at.tzinfo is not None and first.memo == "劳务费 11 月"
    assert first.posted_by_id == net.users["sz01.finance"].id and first.reverses_id is None
    assert balance(net, "SZ01", hw) == Balance(Decimal("350.00"), Decimal("120.50"))
    assert balance(net, "SZ01", hw).net == Decimal("229.50")
    assert balance(net, "GZ01", hw) == Balance()  # per organisation
    # A receipt reduces the receivable: negative amount in that direction.
    run(net, "sz01.finance", post_counterparty_entries, source(net, on=D + dt.timedelta(days=3)),
        [CounterpartyLine(hw, "receivable", Decimal("-300.00"))])
    assert balance(net, "SZ01", hw).receivable == Decimal("50.00")
    assert balance(net, "SZ01", hw, as_of=D).receivable == Decimal("350.00")
    assert balance(net, "SZ01", hw, as_of=D - dt.timedelta(days=1)) == Balance()


def test_every_kind_of_counterparty(net, books):
    cps = [Counterparty.party(books.parties["S-HQB"].id), Counterparty.organisation(net.orgs["SZ01"].id),
           Counterparty.member(books.members["zhang"].id), Counterparty.walk_in()]
    lines = [CounterpartyLine(cp, "payable", Decimal(f"{n}0.00")) for n, cp in enumerate(cps, 1)]
    run(net, "admin", post_counterparty_entries, source(net, org="HQ"), lines)
    for n, cp in enumerate(cps, 1):
        assert balance(net, "HQ", cp) == Balance(Decimal("0.00"), Decimal(f"{n}0.00")), cp
    # Headquarters is a counterparty of the service point too (the other side of the same business).
    run(net, "sz01.finance", post_counterparty_entries, source(net),
        [CounterpartyLine(Counterparty.organisation(net.orgs["HQ"].id), "receivable", Decimal("20.00"))])
    assert balance(net, "SZ01", Counterparty.organisation(net.orgs["HQ"].id)).receivable == Decimal("20.00")


def test_cash_posting_and_balances(net, books):
    bank, cash = books.accounts["SZ01/BANK"], books.accounts["SZ01/CASH"]
    run(net, "sz01.finance", post_cash_entries, source(net), [
        CashLine(bank.id, Decimal("1000.00")), CashLine(cash.id, Decimal("88.80"), memo="押金")])
    run(net, "sz01.finance", post_cash_entries, source(net, on=D + dt.timedelta(days=1)), [
        CashLine(bank.id, Decimal("-250.25"))])
    assert acc_balance(net, books, "SZ01/BANK") == Decimal("749.75")
    assert acc_balance(net, books, "SZ01/BANK", as_of=D) == Decimal("1000.00")
    assert acc_balance(net, books, "SZ01/CASH") == Decimal("88.80")
    assert acc_balance(net, books, "GZ01/BANK") == Decimal("0.00")


def test_sums_are_exact_on_both_databases(net, books):
    # 0.1 + 0.2 is not 0.3 in floating point; the ledger must not care.
    bank = books.accounts["SZ01/BANK"].id
    for amount in ["0.10", "0.20", "999999999.99", "-999999999.99", "0.01"] + ["0.07"] * 30:
        run(net, "sz01.finance", post_cash_entries, source(net), [CashLine(bank, Decimal(amount))])
    assert acc_balance(net, books, "SZ01/BANK") == Decimal("2.41")
    assert str(acc_balance(net, books, "SZ01/BANK")) == "2.41"


REFUSED = [
    ("zero", lambda b, n: cp_line(b, amount="0"), InvalidInput, "lines.0.amount", "must not be zero"),
    ("float", lambda b, n: CounterpartyLine(Counterparty.party(b.parties["M-HW"].id), "receivable", 10.5),
     InvalidInput, "lines.0.amount", "not float"),
    ("int", lambda b, n: CounterpartyLine(Counterparty.party(b.parties["M-HW"].id), "receivable", 10),
     InvalidInput, "lines.0.amount", "not int"),
    ("three places", lambda b, n: cp_line(b, amount="10.005"), InvalidInput, "lines.0.amount", "two decimal places"),
    ("nan", lambda b, n: cp_line(b, amount="NaN"), InvalidInput, "lines.0.amount", "finite"),
    ("too large", lambda b, n: cp_line(b, amount="1000000000000.00"), InvalidInput, "lines.0.amount", "at most"),
    ("direction", lambda b, n: cp_line(b, direction="owed"), InvalidInput, "lines.0.direction", "receivable or payable"),
    ("unknown party", lambda b, n: CounterpartyLine(Counterparty.party(uuid7()), "receivable", Decimal(1)),
     InvalidInput, "lines.0.counterparty", "no such party"),
    ("unknown member", lambda b, n: CounterpartyLine(Counterparty.member(uuid7()), "receivable", Decimal(1)),
     InvalidInput, "lines.0.counterparty", "no such member"),
    ("unknown organisation", lambda b, n: CounterpartyLine(Counterparty.organisation(uuid7()), "receivable", Decimal(1)),
     InvalidInput, "lines.0.counterparty", "no such organisation"),
    ("itself", lambda b, n: CounterpartyLine(Counterparty.organisation(n.orgs["SZ01"].id), "receivable", Decimal(1)),
     InvalidInput, "lines.0.counterparty", "not its own counterparty"),
    ("walk-in with id", lambda b, n: CounterpartyLine(Counterparty("walk_in", uuid7()), "receivable", Decimal(1)),
     InvalidInput, "lines.0.counterparty", "no id"),
    ("kind", lambda b, n: CounterpartyLine(Counterparty("supplier", uuid7()), "receivable", Decimal(1)),
     InvalidInput, "lines.0.counterparty", "kind must be"),
    ("memo", lambda b, n: cp_line(b, memo="x" * 301), InvalidInput, "lines.0.memo", "at most 300"),
]


@pytest.mark.parametrize("case", REFUSED, ids=[c[0] for c in REFUSED])
def test_refused_counterparty_postings_name_the_field_and_write_nothing(net, books, app, case):
    _name, make, error, field, message = case
    before = row_counts(app)
    with pytest.raises(error) as err:
        run(net, "sz01.finance", post_counterparty_entries, source(net), [make(books, net)])
    assert field in err.value.errors, err.value.errors
    assert message in err.value.errors[field][0]
    assert row_counts(app) == before


def test_a_bad_line_refuses_the_whole_posting(net, books, app):
    with pytest.raises(InvalidInput) as err:
        run(net, "sz01.finance", post_counterparty_entries, source(net), [cp_line(books), cp_line(books, amount="0.001")])
    assert "lines.1.amount" in err.value.errors
    with pytest.raises(InvalidInput) as err:
        run(net, "sz01.finance", post_counterparty_entries, source(net), [])
    assert "lines" in err.value.errors
    assert ledger_rows(app) == {"counterparty_entry": 0, "cash_entry": 0}


def test_refused_cash_postings(net, books, app):
    before = row_counts(app)
    acc = books.accounts
    cases = [
        (CashLine(acc["SZ01/BANK"].id, Decimal("0.00")), "lines.0.amount", "must not be zero"),
        (CashLine(acc["SZ01/BANK"].id, 12.3), "lines.0.amount", "not float"),
        (CashLine(acc["SZ01/BANK"].id, Decimal("1.234")), "lines.0.amount", "two decimal places"),
        (CashLine(uuid7(), Decimal("1.00")), "lines.0.account_id", "no such money account"),
        (CashLine(acc["GZ01/BANK"].id, Decimal("1.00")), "lines.0.account_id", "no such money account"),  # invisible
        (CashLine(acc["SZ01/OLD"].id, Decimal("1.00")), "lines.0.account_id", "inactive"),
    ]
    for line, field, message in cases:
        with pytest.raises(InvalidInput) as err:
            run(net, "sz01.finance", post_cash_entries, source(net), [line])
        assert message in err.value.errors[field][0], (line, err.value.errors)
    # The system sees every account: another organisation's is named as such.
    with pytest.raises(InvalidInput) as err:
        run(net, None, post_cash_entries, source(net), [CashLine(acc["GZ01/BANK"].id, Decimal("1.00"))])
    assert "another organisation" in err.value.errors["lines.0.account_id"][0]
    assert row_counts(app) == before


def test_other_organisations_books_are_refused(net, books, app):
    before = row_counts(app)
    with pytest.raises(Forbidden):
        run(net, "sz01.finance", post_counterparty_entries, source(net, org="GZ01"), [cp_line(books)])
    with pytest.raises(Forbidden):
        run(net, "sz01.finance", post_cash_entries, source(net, org="GZ01"),
            [CashLine(books.accounts["GZ01/BANK"].id, Decimal("1.00"))])
    assert row_counts(app) == before


def test_closed_period_is_refused(net, books, client, app):
    r = client.put(f"/api/periods/{net.orgs['SZ01'].id}", json={"closed_through": "2026-10-31"},
                   headers=net.headers("sz01.finance"))
    assert r.status_code == 200
    before = row_counts(app)
    old = source(net, on=dt.date(2026, 10, 31))
    with pytest.raises(PeriodClosed) as err:
        run(net, "sz01.finance", post_counterparty_entries, old, [cp_line(books)])
    assert "doc_date" in err.value.errors
    with pytest.raises(PeriodClosed):
        run(net, "sz01.finance", post_cash_entries, old, [CashLine(books.accounts["SZ01/BANK"].id, Decimal("1.00"))])
    assert row_counts(app) == before
    run(net, "sz01.finance", post_cash_entries, source(net, on=dt.date(2026, 11, 1)),
        [CashLine(books.accounts["SZ01/BANK"].id, Decimal("1.00"))])


def test_a_document_posts_to_a_ledger_once(net, books):
    src = source(net)
    run(net, "sz01.finance", post_counterparty_entries, src, [cp_line(books)])
    with pytest.raises(Conflict) as err:
        run(net, "sz01.finance", post_counterparty_entries, src, [cp_line(books)])
    assert "document_id" in err.value.errors
    # The other ledger is separate.
    run(net, "sz01.finance", post_cash_entries, src, [CashLine(books.accounts["SZ01/BANK"].id, Decimal("100.00"))])


# -- reversal ------------------------------------------------------------------------------------

def test_reversal_restores_balances_with_linked_opposite_rows(net, books):
    hw = Counterparty.party(books.parties["M-HW"].id)
    dealer = Counterparty.party(books.parties["D-XJ"].id)
    bank = books.accounts["SZ01/BANK"]
    run(net, "sz01.finance", post_counterparty_entries, source(net), [cp_line(books, code="D-XJ", amount="500.00")])
    doc = source(net, number="SK-SZ01-2611-00007")
    run(net, "sz01.finance", post_counterparty_entries, doc, [cp_line(books, amount="-80.00"), cp_line(books, code="D-XJ", amount="-20.00")])
    run(net, "sz01.finance", post_cash_entries, doc, [CashLine(bank.id, Decimal("100.00"))])
    assert balance(net, "SZ01", dealer).receivable == Decimal("480.00")
    by = source(net, doc_type="test_receipt_reversal", on=D + dt.timedelta(days=2), number="SK-SZ01-2611-00008")
    result = run(net, "sz01.finance", reverse_entries_of, doc.document_type, doc.document_id, by)
    assert result.count == 3
    assert balance(net, "SZ01", hw) == Balance()
    assert balance(net, "SZ01", dealer).receivable == Decimal("500.00")
    assert acc_balance(net, books, "SZ01/BANK") == Decimal("0.00")
    # As of a date before the reversal, the original still shows.
    assert acc_balance(net, books, "SZ01/BANK", as_of=D + dt.timedelta(days=1)) == Decimal("100.00")
    s = user_session(net)
    originals = {r.id: r for r in s.execute(select(CounterpartyEntry).where(CounterpartyEntry.document_id == doc.document_id)).scalars()}
    opposite = s.execute(select(CounterpartyEntry).where(CounterpartyEntry.document_id == by.document_id)).scalars().all()
    s.close()
    assert len(opposite) == 2
    for row in opposite:
        orig = originals[row.reverses_id]
        assert row.amount == -orig.amount and row.direction == orig.direction and row.party_id == orig.party_id
        assert row.document_type == "test_receipt_reversal" and row.document_number == "SK-SZ01-2611-00008"
        assert row.doc_date == by.doc_date and "SK-SZ01-2611-00007" in row.memo
    with pytest.raises(Conflict, match="already reversed"):
        run(net, "sz01.finance", reverse_entries_of, doc.document_type, doc.document_id, source(net))
    with pytest.raises(Conflict, match="themselves a reversal"):
        run(net, "sz01.finance", reverse_entries_of, by.document_type, by.document_id, source(net))


def test_reversal_refusals(net, books, client, app):
    doc = source(net)
    run(net, "sz01.finance", post_cash_entries, doc, [CashLine(books.accounts["SZ01/CASH"].id, Decimal("10.00"))])
    before = row_counts(app)
    with pytest.raises(InvalidInput, match="itself"):
        run(net, "sz01.finance", reverse_entries_of, doc.document_type, doc.document_id, doc)
    with pytest.raises(InvalidInput) as err:
        run(net, "admin", reverse_entries_of, doc.document_type, doc.document_id, source(net, org="GZ01"))
    assert "org_id" in err.value.errors
    with pytest.raises(Forbidden):
        run(net, "gz01.manager", reverse_entries_of, doc.document_type, doc.document_id, source(net))
    r = client.put(f"/api/periods/{net.orgs['SZ01'].id}", json={"closed_through": "2026-11-25"},
                   headers=net.headers("sz01.finance"))
    assert r.status_code == 200
    before = row_counts(app)
    with pytest.raises(PeriodClosed):
        run(net, "sz01.finance", reverse_entries_of, doc.document_type, doc.document_id, source(net, on=dt.date(2026, 11, 25)))
    assert row_counts(app) == before
    # Nothing to reverse is not an error: a document may write no money rows.
    assert run(net, "sz01.finance", reverse_entries_of, "nothing", uuid7(), source(net, on=dt.date(2026, 11, 26))).count == 0


def test_reversal_onto_an_inactive_account_is_refused(net, books, app):
    doc = source(net)
    run(net, "sz01.finance", post_cash_entries, doc, [CashLine(books.accounts["SZ01/CASH"].id, Decimal("10.00"))])
    s = net.session()
    with unit_of_work(s):
        s.get(type(books.accounts["SZ01/CASH"]), books.accounts["SZ01/CASH"].id).active = False
    s.close()
    with pytest.raises(InvalidInput) as err:
        run(net, "sz01.finance", reverse_entries_of, doc.document_type, doc.document_id, source(net))
    assert "inactive" in err.value.errors["account_id"][0]


def test_racing_reversals_one_wins(net, books):
    # PostgreSQL: both find nothing reversed, the unique reverses_id stops the
    # second. SQLite: the write lock queues the second, which then sees the first.
    doc = source(net)
    run(net, "sz01.finance", post_cash_entries, doc, [CashLine(books.accounts["SZ01/BANK"].id, Decimal("10.00"))])
    barrier = threading.Barrier(2)
    outcomes: list = []

    def reverse():
        s = user_session(net, "sz01.finance")
        s.rollback()  # loading the principal began a transaction (SQLite: the write lock)
        try:
            barrier.wait(timeout=10)
            reverse_entries_of(s, doc.document_type, doc.document_id, source(net))
            s.commit()
            outcomes.append("ok")
        except Conflict:
            s.rollback()
            outcomes.append("conflict")
        except BaseException as exc:  # noqa: BLE001
            s.rollback()
            outcomes.append(exc)
        finally:
            s.close()

    threads = [threading.Thread(target=reverse) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(map(str, outcomes)) == ["conflict", "ok"], outcomes
    assert acc_balance(net, books, "SZ01/BANK") == Decimal("0.00")


# -- through the document lifecycle ------------------------------------------------------------

def test_a_document_posts_and_reverses_through_the_lifecycle(net, books):
    s = user_session(net, "sz01.finance")
    with unit_of_work(s):
        doc = core.create_document(s, SampleReceipt(org_id=net.orgs["SZ01"].id, doc_date=D, amount=Decimal("300.00"),
                                                    party_id=books.parties["D-XJ"].id,
                                                    account_id=books.accounts["SZ01/BANK"].id, note="收货款"))
        core.post_document(s, doc)
    s.close()
    dealer = Counterparty.party(books.parties["D-XJ"].id)
    assert balance(net, "SZ01", dealer).receivable == Decimal("-300.00")  # received before invoiced: a credit
    assert acc_balance(net, books, "SZ01/BANK") == Decimal("300.00")
    s = user_session(net, "sz01.finance")
    with unit_of_work(s):
        reversal = core.reverse_document(s, s.get(SampleReceipt, doc.id), "金额录错")
    s.close()
    assert balance(net, "SZ01", dealer) == Balance()
    assert acc_balance(net, books, "SZ01/BANK") == Decimal("0.00")
    s = user_session(net)
    rows = s.execute(select(CashEntry).order_by(CashEntry.doc_date, CashEntry.posted_at)).scalars().all()
    s.close()
    assert [(r.document_number, r.amount) for r in rows] == [
        ("SR-SZ01-2611-00001", Decimal("300.00")), (reversal.number, Decimal("-300.00"))]
    assert rows[1].reverses_id == rows[0].id and rows[1].document_id == reversal.id


# -- the append-only guard -----------------------------------------------------------------------

def test_the_database_refuses_update_and_delete_of_ledger_rows(net, books, app):
    run(net, "sz01.finance", post_counterparty_entries, source(net), [cp_line(books)])
    run(net, "sz01.finance", post_cash_entries, source(net), [CashLine(books.accounts["SZ01/BANK"].id, Decimal("5.00"))])
    engine = app.extensions["aftercare.db"].engine
    dialect = engine.dialect.name
    money = "500" if dialect == "sqlite" else "5.00"  # SQLite stores cents
    for table in ("counterparty_entry", "cash_entry"):
        for stmt in (f"UPDATE {table} SET amount = {money}", f"UPDATE {table} SET memo = 'edited'", f"DELETE FROM {table}"):
            with pytest.raises(DBAPIError, match="append-only"):
                with engine.begin() as conn:
                    conn.execute(text(stmt))
    # Through the ORM too.
    s = user_session(net)
    row = s.execute(select(CashEntry)).scalar_one()
    row.memo = "quietly changed"
    with pytest.raises(DBAPIError, match="append-only"):
        s.commit()
    s.rollback()
    s.delete(s.execute(select(CounterpartyEntry)).scalar_one())
    with pytest.raises(DBAPIError, match="append-only"):
        s.commit()
    s.rollback()
    s.close()
    assert ledger_rows(app) == {"counterparty_entry": 1, "cash_entry": 1}
    assert acc_balance(net, books, "SZ01/BANK") == Decimal("5.00")


def test_check_constraints_back_the_rules(net, books, app):
    """Even a raw INSERT cannot write a zero amount or a counterparty of the wrong shape."""
    engine = app.extensions["aftercare.db"].engine
    org, party = net.orgs["SZ01"].id, books.parties["M-HW"].id
    uid = (lambda u: u.hex) if engine.dialect.name == "sqlite" else str
    base = dict(id=uid(uuid7()), org=uid(org), doc=uid(uuid7()), party=uid(party))

    def insert(kind, pid, amount):
        with engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO counterparty_entry (id, org_id, counterparty_kind, party_id, direction, amount, "
                "document_type, document_id, document_number, doc_date, posted_at, memo) VALUES "
                f"('{uid(uuid7())}', '{base['org']}', {kind}, {pid}, 'receivable', {amount}, 't', '{base['doc']}', '', "
                "'2026-11-20', '2026-11-20 10:00:00', '')"))

    party_id = f"'{base['party']}'"
    insert("'party'", party_id, 100)  # the statement itself is sound
    for kind, pid, amount, constraint in [("'party'", "NULL", 100, "counterparty"), ("'walk_in'", party_id, 100, "counterparty"),
                                          ("'party'", party_id, 0, "amount_not_zero"),
                                          ("'supplier'", party_id, 100, "counterparty")]:
        with pytest.raises(DBAPIError, match=constraint):
            insert(kind, pid, amount)
