"""Receipts and payments, allocation against open items, on-account money, reversal, aging, the
statement of account, refusals and scoping (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import text

from server.core.operations import set_closed_through
from server.finance.operations import Counterparty, CounterpartyLine, post_counterparty_entries
from server.finance.statement import bucket_of

from .conftest import row_counts
from .finance_factories import D, books, run, source  # noqa: F401 - fixture
from .test_finance_api import get


def _invoice(net, books, amount: str, on: dt.date, number: str, party="D-XJ", org="SZ01", direction="receivable"):
    src = source(net, org=org, on=on, doc_type="wholesale_invoice", number=number)
    run(net, "admin", post_counterparty_entries, src,
        [CounterpartyLine(Counterparty.party(books.parties[party].id), direction, Decimal(amount))])
    return src.document_id


@pytest.fixture
def invoices(net, books):
    """Three invoices to the dealer in SZ01's books: 100 (D), 250 (D+5), 400 (D+10)."""
    return [_invoice(net, books, a, D + dt.timedelta(days=d), f"PF-{n}") for n, (a, d) in
            enumerate((("100.00", 0), ("250.00", 5), ("400.00", 10)), 1)]


def call(client, net, method, path, body=None, user="sz01.finance", status=200):
    r = client.open(path, method=method, json=body, headers=net.headers(user))
    assert r.status_code == status, (path, r.status_code, r.json)
    return r.json


def receipt(client, net, books, amount, on=D + dt.timedelta(days=12), user="sz01.finance", auto=True, kind="receipts",
            account="SZ01/BANK", party="D-XJ", post=True):
    body = {"party_id": str(books.parties[party].id), "account_id": str(books.accounts[account].id), "amount": amount,
            "doc_date": on.isoformat(), "auto_allocate": auto, "reference": "BK-1"}
    doc = call(client, net, "POST", f"/api/finance/{kind}", body, user=user, status=201)
    return call(client, net, "POST", f"/api/finance/{kind}/{doc['id']}/post", user=user) if post else doc


def items(client, net, books, user="sz01.finance", direction="receivable", party="D-XJ", **kw):
    return get(client, net, "/api/finance/open-items", user=user, counterparty_id=str(books.parties[party].id),
               direction=direction, org_id=str(net.orgs["SZ01"].id), **kw)


def opens(answer):
    return [(i["document_number"], i["open"]) for i in answer["items"]]


def test_receipt_allocates_oldest_first_and_keeps_the_rest_on_account(client, net, books, invoices):
    r = receipt(client, net, books, "500.00")
    assert r["number"].startswith("SK-SZ01-") and r["status"] == "posted"
    assert (r["allocated"], r["on_account"]) == ("500.00", "0.00")
    assert [(a["charge_number"], a["amount"]) for a in r["allocations"]] == [("PF-1", "100.00"), ("PF-2", "250.00"),
                                                                             ("PF-3", "150.00")]
    # The third invoice partly open; items add up to the balance (750 − 500).
    answer = items(client, net, books)
    assert opens(answer) == [("PF-3", "250.00")] and answer["balance"] == "250.00"
    # A second receipt of 300 pays the rest and leaves 50 on account (预收), its own open item.
    r2 = receipt(client, net, books, "300.00")
    assert (r2["allocated"], r2["on_account"]) == ("250.00", "50.00")
    answer = items(client, net, books)
    assert opens(answer) == [(r2["number"], "-50.00")] and answer["items"][0]["bucket"] == "on_account"
    # The cash went into the bank account; the ledger's balance equals the open items.
    bal = get(client, net, "/api/finance/counterparty-balances", counterparty_id=str(books.parties["D-XJ"].id))
    assert bal["items"][0]["receivable"] == "-50.00"


def test_on_account_money_is_applied_to_a_later_invoice_by_hand_and_undone(client, net, books):
    r = receipt(client, net, books, "300.00", on=D)
    assert r["on_account"] == "300.00" and r["allocations"] == []
    later = _invoice(net, books, "120.00", D + dt.timedelta(days=3), "PF-9")
    path = f"/api/finance/receipts/{r['id']}/allocate"
    # More than the invoice has open: refused naming the line's amount, nothing written.
    before = row_counts(net.app)
    err = call(client, net, "POST", path, {"lines": [{"document_id": str(later), "amount": "120.01"}]}, status=422)
    assert "lines.0.amount" in err["errors"]
    assert row_counts(net.app) == before
    # Dated before the invoice: refused naming the date.
    err = call(client, net, "POST", path, {"lines": [{"document_id": str(later), "amount": "20.00"}],
                                          "on": (D + dt.timedelta(days=1)).isoformat()}, status=422)
    assert "on" in err["errors"]
    done = call(client, net, "POST", path, {"lines": [{"document_id": str(later), "amount": "20.00"}],
                                           "on": (D + dt.timedelta(days=4)).isoformat()})
    assert (done["allocated"], done["on_account"]) == ("20.00", "280.00")
    auto = call(client, net, "POST", path, {"on": (D + dt.timedelta(days=4)).isoformat()})
    assert (auto["allocated"], auto["on_account"]) == ("120.00", "180.00")
    assert opens(items(client, net, books)) == [(r["number"], "-180.00")]
    # Nothing left to allocate against: refused.
    call(client, net, "POST", path, {"on": (D + dt.timedelta(days=4)).isoformat()}, status=422)
    # Undo the first allocation: the invoice is open by 20 again; undoing it twice is refused.
    first = done["allocations"][0]["id"]
    undone = call(client, net, "POST", f"/api/finance/receipts/{r['id']}/allocations/{first}/undo",
                  {"on": (D + dt.timedelta(days=5)).isoformat()})
    assert undone["on_account"] == "200.00"
    assert sorted(opens(items(client, net, books))) == sorted([("PF-9", "20.00"), (r["number"], "-200.00")])
    call(client, net, "POST", f"/api/finance/receipts/{r['id']}/allocations/{first}/undo", {}, status=409)


def test_reversal_undoes_the_receipt_and_its_allocations_without_editing_a_row(client, net, books, invoices, app):
    r = receipt(client, net, books, "500.00")
    bank = str(books.accounts["SZ01/BANK"].id)
    rev = call(client, net, "POST", f"/api/finance/receipts/{r['id']}/reverse", {"reason": "bounced cheque"}, status=201)
    assert rev["reverses_id"] == r["id"] and rev["number"].startswith("SK-")
    again = get(client, net, f"/api/finance/receipts/{r['id']}", user="sz01.finance")
    assert again["status"] == "reversed" and again["reversal_id"] == rev["id"]
    # Its three allocations undone by opposite rows, and the reversal allocated against it.
    live = [a for a in again["allocations"] if not a["undone"] and not a["reverses_id"]]
    assert [(a["charge_id"], a["amount"]) for a in live] == [(rev["id"], "500.00")]
    assert len([a for a in again["allocations"] if a["reverses_id"]]) == 3
    # Every invoice open in full again; the receipt and its reversal closed against each other.
    assert opens(items(client, net, books)) == [("PF-1", "100.00"), ("PF-2", "250.00"), ("PF-3", "400.00")]
    assert get(client, net, "/api/finance/cash-entries", account_id=bank)["closing_balance"] == "0.00"
    # A reversal is not reversed, and nothing in the allocation table can be edited.
    call(client, net, "POST", f"/api/finance/receipts/{rev['id']}/reverse", {"reason": "x"}, status=409)
    db = app.extensions["aftercare.db"]
    with pytest.raises(Exception), db.engine.begin() as conn:
        conn.execute(text("UPDATE finance_allocation SET amount = 1"))
    with pytest.raises(Exception), db.engine.begin() as conn:
        conn.execute(text("DELETE FROM finance_allocation"))


def test_payment_settles_payables(client, net, books):
    bill = _invoice(net, books, "800.00", D, "CG-1", party="S-HQB", direction="payable")
    p = receipt(client, net, books, "300.00", kind="payments", party="S-HQB", on=D + dt.timedelta(days=1))
    assert p["number"].startswith("FK-") and p["allocations"][0]["charge_id"] == str(bill)
    answer = items(client, net, books, direction="payable", party="S-HQB")
    assert opens(answer) == [("CG-1", "500.00")]
    cash = get(client, net, "/api/finance/cash-entries", account_id=str(books.accounts["SZ01/BANK"].id))
    assert cash["items"][-1]["amount"] == "-300.00"


@pytest.mark.parametrize("age,bucket", [(-1, "current"), (0, "current"), (1, "d1_30"), (30, "d1_30"), (31, "d31_60"),
                                        (60, "d31_60"), (61, "d61_90"), (90, "d61_90"), (91, "over_90")])
def test_bucket_boundaries(age, bucket):
    assert bucket_of(age) == bucket


def test_aging_buckets_at_their_day_boundaries(client, net, books):
    as_of = D
    for n, age in enumerate((0, 1, 30, 31, 60, 61, 90, 91)):
        _invoice(net, books, f"{n + 1}.00", as_of - dt.timedelta(days=age), f"A-{age}")
    receipt(client, net, books, "0.50", on=as_of, auto=False)
    answer = get(client, net, "/api/finance/aging", user="sz01.finance", as_of=as_of.isoformat(), direction="receivable")
    [row] = answer["items"]
    assert {k: row[k] for k in ("current", "d1_30", "d31_60", "d61_90", "over_90", "on_account", "balance")} == {
        "current": "1.00", "d1_30": "5.00", "d31_60": "9.00", "d61_90": "13.00", "over_90": "8.00",
        "on_account": "-0.50", "balance": "35.50"}
    assert answer["totals"][0]["balance"] == "35.50"
    # Without a date: the open items as they stand (the trigger-kept cache), aged to today.
    now = get(client, net, "/api/finance/aging", user="sz01.finance", direction="receivable")
    assert now["items"][0]["balance"] == "35.50" and now["items"][0]["on_account"] == "-0.50"
    # Each open item names the same bucket the aging counted it in.
    per_item = items(client, net, books, as_of=as_of.isoformat())
    assert sum(Decimal(i["open"]) for i in per_item["items"] if i["bucket"] == "d61_90") == Decimal("13.00")


def test_statement_adds_up_and_prints(client, net, books, invoices):
    r = receipt(client, net, books, "120.00", on=D + dt.timedelta(days=6))
    args = dict(counterparty_id=str(books.parties["D-XJ"].id), org_id=str(net.orgs["SZ01"].id),
                date_from=(D + dt.timedelta(days=1)).isoformat(), date_to=(D + dt.timedelta(days=30)).isoformat())
    s = get(client, net, "/api/finance/statement", user="sz01.finance", **args)
    assert s["opening_balance"] == "100.00" and s["closing_balance"] == "630.00"
    assert [(x["document_number"], x["increase"], x["decrease"], x["balance"]) for x in s["lines"]] == [
        ("PF-2", "250.00", "0.00", "350.00"), (r["number"], "0.00", "120.00", "230.00"), ("PF-3", "400.00", "0.00", "630.00")]
    assert Decimal(s["opening_balance"]) + Decimal(s["increase"]) - Decimal(s["decrease"]) == Decimal(s["closing_balance"])
    html = client.get("/api/finance/statement/print", query_string={**args, "format": "html"}, headers=net.headers("sz01.finance"))
    assert html.status_code == 200 and "对账单" in html.get_data(as_text=True) and "630.00" in html.get_data(as_text=True)
    pdf = client.get("/api/finance/statement/print", query_string=args, headers=net.headers("sz01.finance"))
    assert pdf.status_code == 200 and pdf.data[:4] == b"%PDF"
    voucher = client.get(f"/api/print/finance-receipt-voucher/{r['id']}", headers=net.headers("sz01.finance"))
    assert voucher.status_code == 200 and voucher.data[:4] == b"%PDF"


def test_refusals_name_the_field_and_change_nothing(client, net, books, invoices):
    before = row_counts(net.app)
    base = {"party_id": str(books.parties["D-XJ"].id), "account_id": str(books.accounts["SZ01/BANK"].id),
            "amount": "10.00", "doc_date": D.isoformat()}
    for change, field in [({"amount": "0"}, "amount"), ({"amount": "-5.00"}, "amount"), ({"amount": "1.001"}, "amount"),
                          ({"account_id": str(books.accounts["GZ01/BANK"].id)}, "account_id"),
                          ({"account_id": str(books.accounts["SZ01/OLD"].id)}, "account_id"),
                          ({"party_id": str(net.orgs["GZ01"].id)}, "party_id")]:
        err = call(client, net, "POST", "/api/finance/receipts", {**base, **change}, status=422)
        assert field in err["errors"], (change, err)
    assert row_counts(net.app) == before
    # A closed period refuses the posting naming the date; the draft stays a draft.
    draft = call(client, net, "POST", "/api/finance/receipts", base, status=201)
    run(net, "admin", set_closed_through, net.orgs["SZ01"].id, D)
    before = row_counts(net.app)
    err = call(client, net, "POST", f"/api/finance/receipts/{draft['id']}/post", status=422)
    assert "doc_date" in err["errors"]
    assert row_counts(net.app) == before


def test_scoping_and_permissions(client, net, books, invoices):
    r = receipt(client, net, books, "50.00")
    # Another point sees neither the receipt nor SZ01's open items; a clerk may not receive money.
    call(client, net, "GET", f"/api/finance/receipts/{r['id']}", user="gz01.manager", status=404)
    assert items(client, net, books, user="gz01.manager")["items"] == []
    call(client, net, "POST", "/api/finance/receipts", {"account_id": str(books.accounts["SZ01/BANK"].id),
                                                        "party_id": str(books.parties["D-XJ"].id), "amount": "1.00"},
         user="sz01.clerk", status=403)
    # A point cannot receive into another organisation's books.
    err = call(client, net, "POST", "/api/finance/receipts", {"org_id": str(net.orgs["GZ01"].id),
                                                              "account_id": str(books.accounts["GZ01/BANK"].id),
                                                              "party_id": str(books.parties["D-XJ"].id), "amount": "1.00"},
               user="sz01.manager", status=422)
    assert "org_id" in err["errors"]
    # Headquarters sees the receipt in the list.
    assert any(i["id"] == r["id"] for i in get(client, net, "/api/finance/receipts", user="hq")["items"])


@pytest.mark.parametrize("value,words", [("0.00", "零元整"), ("120.00", "壹佰贰拾元整"), ("1234.50", "壹仟贰佰叁拾肆元伍角整"),
                                         ("1005.07", "壹仟零伍元零柒分"), ("100000.00", "壹拾万元整"),
                                         ("10203.40", "壹万零贰佰零叁元肆角整"), ("0.05", "伍分")])
def test_amount_in_chinese_words(value, words):
    from server.finance.forms import chinese_amount

    assert chinese_amount(Decimal(value)) == words


def test_workspace_describes_receipts_and_payments(client, net, books):
    docs = {e["key"]: e for e in get(client, net, "/api/meta/documents", user="sz01.finance")["documents"]}
    r = docs["finance_receipt"]
    assert r["path"] == "/api/finance/receipts" and r["number_prefix"] == "SK" and r["family"] == "finance"
    assert {a["name"] for a in r["actions"]} >= {"create", "edit", "delete", "post", "reverse"}
    assert [f["name"] for f in r["fields"] if f.get("required")] == ["party_id", "account_id", "amount"]
    assert next(f for f in r["fields"] if f["name"] == "amount")["link"] == "/finance/allocate/finance_receipt/{id}"
    assert [p["name"] for p in r["prints"]] == ["finance-receipt-voucher"]
    assert {x["key"] for x in r["ledgers"]} == {"counterparty_entries", "cash_entries"}
    assert docs["finance_payment"]["number_prefix"] == "FK"
    # A clerk lists neither.
    clerk = {e["key"] for e in get(client, net, "/api/meta/documents", user="sz01.clerk")["documents"]}
    assert not clerk & {"finance_receipt", "finance_payment"}


def test_the_open_item_cache_is_rebuilt_from_the_ledger(client, net, books, invoices, app):
    """What the migration (and a bulk load with the triggers off) does: fill the cache from the rows
    posted; it is what the triggers kept."""
    from server.finance.settlement_models import open_item_fill_sql
    from server.finance.statement import open_items_check

    r = receipt(client, net, books, "420.00")
    call(client, net, "POST", f"/api/finance/receipts/{r['id']}/reverse", {"reason": "wrong"}, status=201)
    receipt(client, net, books, "120.00", auto=False)
    db = app.extensions["aftercare.db"]
    with db.engine.begin() as conn:
        before = conn.execute(text("SELECT document_id, counterparty_id, direction, amount, open_amount FROM finance_open_item"
                                   " ORDER BY 1, 2, 3")).all()
        conn.execute(text("DELETE FROM finance_open_item"))
        for stmt in open_item_fill_sql(conn.dialect.name):
            conn.execute(text(stmt))
        after = conn.execute(text("SELECT document_id, counterparty_id, direction, amount, open_amount FROM finance_open_item"
                                  " ORDER BY 1, 2, 3")).all()
    assert after == before and len(after) == 6
    s = net.session()
    try:
        assert open_items_check(s) == []
    finally:
        s.close()
