"""Finance read side on screens: ledger detail paged with a true running balance, opening and closing
balances, the documents a balance is made of (with where each opens), Excel export, scoping, bad input."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from openpyxl import load_workbook
from sqlalchemy import select

from server.core.models import AuditLog
from server.finance.operations import (CashLine, Counterparty, CounterpartyLine, post_cash_entries,
                                       post_counterparty_entries)

from .conftest import row_counts
from .finance_factories import D, books, run, source  # noqa: F401 - fixture
from .repair_fixtures import intake_body, rw  # noqa: F401 - fixture
from .stock_fixtures import imei, world  # noqa: F401 - fixture
from .test_finance_api import get, posted  # noqa: F401 - fixture

AMOUNTS = ["100.00", "-30.00", "250.50", "-0.50", "75.00", "-120.00", "10.00"]


def _dealer_history(net, books, org="SZ01"):
    """Seven receivable entries of one dealer, one a day from D, and one of another dealer between."""
    dealer = Counterparty.party(books.parties["D-XJ"].id)
    for n, amount in enumerate(AMOUNTS):
        run(net, "admin", post_counterparty_entries, source(net, org=org, on=D + dt.timedelta(days=n), number=f"T-{n}"),
            [CounterpartyLine(dealer, "receivable", Decimal(amount), memo=f"line {n}")])
        if n == 3:
            other = Counterparty.party(books.parties["M-HW"].id)
            run(net, "admin", post_counterparty_entries, source(net, org=org, on=D + dt.timedelta(days=n)),
                [CounterpartyLine(other, "receivable", Decimal("999.00"))])


def test_running_balance_is_right_on_every_page_of_a_date_range(client, net, books):
    _dealer_history(net, books)
    sz, dealer_id = str(net.orgs["SZ01"].id), str(books.parties["D-XJ"].id)
    window = dict(org_id=sz, counterparty_kind="party", counterparty_id=dealer_id, direction="receivable",
                  date_from=(D + dt.timedelta(days=2)).isoformat(), date_to=(D + dt.timedelta(days=5)).isoformat())
    rows, opening, closing = [], None, None
    for page in (1, 2, 3):
        answer = get(client, net, "/api/finance/counterparty-entries", page=page, page_size=2, **window)
        assert answer["total"] == 4
        rows += answer["items"]
        opening, closing = answer["opening_balance"], answer["closing_balance"]
    # Opening: days 0 and 1 (100 − 30); closing: up to day 5; each row = the one before + its amount.
    assert opening == "70.00" and closing == "275.00"
    balance = Decimal(opening)
    for row, amount in zip(rows, AMOUNTS[2:6]):
        balance += Decimal(amount)
        assert (row["amount"], row["balance_after"]) == (amount, f"{balance:.2f}")
    assert f"{balance:.2f}" == closing
    # No range: opening 0, closing everything; the other dealer never enters this balance.
    whole = get(client, net, "/api/finance/counterparty-entries", page_size=200,
                **{k: v for k, v in window.items() if not k.startswith("date")})
    assert whole["opening_balance"] == "0.00" and whole["closing_balance"] == "285.00" == whole["items"][-1]["balance_after"]


def test_account_detail_has_opening_and_closing_balances(client, net, books, posted):
    bank = str(books.accounts["SZ01/BANK"].id)
    later = get(client, net, "/api/finance/cash-entries", account_id=bank, date_from=(D + dt.timedelta(days=1)).isoformat())
    assert later["opening_balance"] == "55.55" and later["closing_balance"] == "700.00"
    assert [(e["amount"], e["balance_after"]) for e in later["items"]] == [("700.00", "755.55"), ("-55.55", "700.00")]
    upto = get(client, net, "/api/finance/cash-entries", account_id=bank, date_to=D.isoformat())
    assert (upto["opening_balance"], upto["closing_balance"], upto["total"]) == ("0.00", "55.55", 1)


def test_a_balance_breaks_into_its_documents(client, net, books, posted):
    sz = str(net.orgs["SZ01"].id)
    dealer = dict(org_id=sz, counterparty_kind="party", counterparty_id=str(books.parties["D-XJ"].id))
    docs = get(client, net, "/api/finance/counterparty-documents", **dealer)
    assert [(d["document_number"], d["receivable"], d["payable"], d["net"], d["entries"]) for d in docs["items"]] == [
        ("PF-SZ01-2611-00001", "1200.00", "0.00", "1200.00", 1), ("SK-SZ01-2611-00001", "-700.00", "0.00", "-700.00", 1)]
    # The documents add up to the balance the receivables list shows.
    balance = get(client, net, "/api/finance/counterparty-balances", **dealer)["items"][0]
    assert sum(Decimal(d["receivable"]) for d in docs["items"]) == Decimal(balance["receivable"])
    first = docs["items"][0]
    assert first["document_id"] == str(posted["wholesale"].document_id) and first["doc_date"] == D.isoformat()
    # A document type no screen shows: its name is its type, and nothing to open.
    assert first["document_label"] == {"zh-CN": "test_receipt", "en": "test_receipt"} and first["link"] is None
    # Walk-in customers are one counterparty, no id needed.
    assert get(client, net, "/api/finance/counterparty-documents", counterparty_kind="walk_in")["total"] == 0


def test_repair_money_opens_its_order(client, net, rw):
    r = client.post("/api/repair/orders", headers=net.headers("sz01.clerk"),
                    json=intake_body(rw, imei=imei(2), purchase_date="2020-01-01",
                                     deposit={"amount": "100.00", "account_id": str(rw.ids["SZ01.CASH"])}))
    assert r.status_code == 201, r.json
    order = r.json["order"]
    member = dict(counterparty_kind="member", counterparty_id=str(rw.ids["member"]))
    [doc] = get(client, net, "/api/finance/counterparty-documents", user="sz01.finance", **member)["items"]
    assert doc["document_type"] == "repair_deposit" and doc["payable"] == "100.00"
    assert doc["document_label"] == {"zh-CN": "押金单", "en": "Deposit"}
    assert doc["link"] == {"kind": "repair_order", "id": order["id"], "number": order["number"]}
    [entry] = get(client, net, "/api/finance/counterparty-entries", user="sz01.finance", document_id=doc["document_id"])["items"]
    assert entry["link"] == doc["link"] and entry["memo"].startswith("押金")
    # A refund slip is a workspace document of its own: it opens there.
    r = client.post(f"/api/repair/orders/{order['id']}/refunds", headers=net.headers("sz01.clerk"),
                    json={"amount": "30.00", "account_id": str(rw.ids["SZ01.CASH"]), "reason": "客户取消部分维修"})
    assert r.status_code == 201, r.json
    refund_id = r.json["id"]
    assert client.post(f"/api/repair/refunds/{refund_id}/approve", headers=net.headers("sz01.finance")).status_code == 200
    cash = get(client, net, "/api/finance/cash-entries", user="hq", account_id=str(rw.ids["SZ01.CASH"]))["items"]
    assert [(c["document_label"]["en"], c["amount"], c["balance_after"]) for c in cash] == [
        ("Deposit", "100.00", "100.00"), ("Refund slip", "-30.00", "70.00")]
    assert cash[0]["link"]["id"] == order["id"]
    assert cash[1]["link"] == {"kind": "workspace", "type": "repair_refund", "id": refund_id}


def test_ledger_detail_exports_to_excel_with_its_balances(client, net, books, app):
    _dealer_history(net, books)
    dealer = Counterparty.party(books.parties["D-XJ"].id)
    run(net, "admin", post_counterparty_entries, source(net, on=D + dt.timedelta(days=9), number="=HYPERLINK(1)"),
        [CounterpartyLine(dealer, "receivable", Decimal("1.00"), memo="=1+1")])
    params = dict(org_id=str(net.orgs["SZ01"].id), counterparty_kind="party", counterparty_id=str(books.parties["D-XJ"].id),
                  direction="receivable", date_from=(D + dt.timedelta(days=2)).isoformat(), lang="en")
    r = client.get("/api/finance/counterparty-entries/export", query_string=params, headers=net.headers("hq"))
    assert r.status_code == 200 and r.mimetype.endswith("spreadsheetml.sheet")
    assert "counterparty-ledger" in r.headers["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(r.data)).active.iter_rows(values_only=True))
    assert rows[0] == ("Date", "Document", "Number", "Direction", "Amount", "Balance", "Memo")
    assert rows[1][0] == "Opening balance" and Decimal(str(rows[1][5])) == Decimal("70.00")
    body = rows[2:-1]
    assert [Decimal(str(x[4])) for x in body] == [Decimal(a) for a in AMOUNTS[2:]] + [Decimal("1.00")]
    assert Decimal(str(body[-1][5])) == Decimal("286.00") and body[0][3] == "Receivable"
    assert body[-1][2] == "'=HYPERLINK(1)" and body[-1][6] == "'=1+1"  # text, never a formula
    assert rows[-1][0] == "Closing balance" and Decimal(str(rows[-1][5])) == Decimal("286.00")
    # Chinese headings by default; the export is on the record.
    zh = client.get("/api/finance/counterparty-entries/export", query_string={**params, "lang": "zh-CN"},
                    headers=net.headers("hq"))
    assert next(load_workbook(io.BytesIO(zh.data)).active.iter_rows(values_only=True))[:3] == ("日期", "单据", "单号")
    s = net.session()
    audits = s.execute(select(AuditLog).where(AuditLog.action == "finance.export")).scalars().all()
    assert len(audits) == 2 and audits[0].after["rows"] == 6 and audits[0].after["direction"] == "receivable"
    s.close()


def test_account_export_is_scoped(client, net, books, posted):
    gz = str(books.accounts["GZ01/BANK"].id)
    for user, entries in (("hq", 1), ("sz01.finance", 0)):
        r = client.get("/api/finance/cash-entries/export", query_string={"account_id": gz}, headers=net.headers(user))
        assert r.status_code == 200
        rows = list(load_workbook(io.BytesIO(r.data)).active.iter_rows(values_only=True))
        assert rows[0][:2] == ("日期", "单据") and len(rows) == 3 + entries, user
        assert Decimal(str(rows[-1][4])) == (Decimal("999.00") if entries else 0)


def test_documents_are_scoped(client, net, books, posted):
    dealer = dict(counterparty_kind="party", counterparty_id=str(books.parties["D-XJ"].id))
    hq = get(client, net, "/api/finance/counterparty-documents", user="hq", **dealer)["items"]
    assert {d["org_id"] for d in hq} == {str(net.orgs["SZ01"].id), str(net.orgs["GZ01"].id)}
    own = get(client, net, "/api/finance/counterparty-documents", user="sz01.finance", **dealer)["items"]
    assert {d["org_id"] for d in own} == {str(net.orgs["SZ01"].id)}
    assert get(client, net, "/api/finance/counterparty-documents", user="sz01.finance", org_id=str(net.orgs["GZ01"].id),
               **dealer)["total"] == 0
    r = client.get("/api/finance/counterparty-documents", query_string=dealer, headers=net.headers("sz01.clerk"))
    assert r.status_code == 403


def test_bad_input_names_the_field_and_changes_nothing(client, net, books, app):
    before = row_counts(app)
    for path, params, field in [
        ("/api/finance/counterparty-documents", {}, "counterparty_kind"),
        ("/api/finance/counterparty-documents", {"counterparty_kind": "party"}, "counterparty_id"),
        ("/api/finance/counterparty-documents", {"counterparty_kind": "walk_in", "direction": "x"}, "direction"),
        ("/api/finance/counterparty-entries/export", {"lang": "fr"}, "lang"),
        ("/api/finance/counterparty-entries/export", {"date_from": "2026-11-30", "date_to": "2026-11-01"}, "date_from"),
        ("/api/finance/counterparty-entries/export", {"page": "2"}, "page"),
        ("/api/finance/cash-entries/export", {"account_id": "nope"}, "account_id"),
    ]:
        r = client.get(path, query_string=params, headers=net.headers("admin"))
        assert r.status_code == 422 and field in r.json["errors"], (path, params, r.json)
    assert row_counts(app) == before
