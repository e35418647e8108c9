"""Bank (issue 19 §4): transfers between money accounts, bank statements imported from CSV/Excel,
matched to the account's cash entries automatically and by hand (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook

from server.finance.operations import CashLine, post_cash_entries

from .conftest import row_counts
from .finance_factories import D, books, run, source  # noqa: F401 - fixture
from .test_finance_api import get
from .test_finance_settlement import call


def _day(n: int) -> str:
    return (D + dt.timedelta(days=n)).isoformat()


def transfer(client, net, books, amount="1000.00", frm="SZ01/BANK", to="SZ01/CASH", on=0, user="sz01.finance",
             post=True, status=201):
    body = {"from_account_id": str(books.accounts[frm].id), "to_account_id": str(books.accounts[to].id),
            "amount": amount, "doc_date": _day(on), "reference": "ZZ-REF-1"}
    doc = call(client, net, "POST", "/api/finance/transfers", body, user=user, status=status)
    if status != 201 or not post:
        return doc
    return call(client, net, "POST", f"/api/finance/transfers/{doc['id']}/post", user=user)


def balance(client, net, books, key):
    rows = get(client, net, "/api/finance/account-balances", user="sz01.finance")["items"]
    return next(r["balance"] for r in rows if r["id"] == str(books.accounts[key].id))


def test_transfer_posts_two_entries_and_its_reversal_moves_the_money_back(client, net, books, app):
    t = transfer(client, net, books, "1000.00")
    assert t["number"].startswith("ZZ-SZ01-") and t["status"] == "posted" and "reverse" in t["actions"]
    entries = get(client, net, "/api/finance/cash-entries", user="sz01.finance", document_id=t["id"])["items"]
    assert sorted((e["account_id"], e["amount"]) for e in entries) == sorted(
        [(str(books.accounts["SZ01/BANK"].id), "-1000.00"), (str(books.accounts["SZ01/CASH"].id), "1000.00")])
    assert (balance(client, net, books, "SZ01/BANK"), balance(client, net, books, "SZ01/CASH")) == ("-1000.00", "1000.00")
    # A posted transfer is not edited or deleted: it is reversed.
    call(client, net, "PATCH", f"/api/finance/transfers/{t['id']}", {"amount": "5.00"}, status=409)
    call(client, net, "DELETE", f"/api/finance/transfers/{t['id']}", status=409)
    rev = call(client, net, "POST", f"/api/finance/transfers/{t['id']}/reverse", {"reason": "wrong account"}, status=201)
    assert rev["reverses_id"] == t["id"] and rev["number"].startswith("ZZ-")
    again = get(client, net, f"/api/finance/transfers/{t['id']}", user="sz01.finance")
    assert again["status"] == "reversed" and again["reversal_id"] == rev["id"] and again["amount"] == "1000.00"
    assert (balance(client, net, books, "SZ01/BANK"), balance(client, net, books, "SZ01/CASH")) == ("0.00", "0.00")
    # The original rows stand as written; the reversal's rows point at them.
    rows = get(client, net, "/api/finance/cash-entries", user="sz01.finance", document_id=rev["id"])["items"]
    assert sorted(r["amount"] for r in rows) == ["-1000.00", "1000.00"]
    call(client, net, "POST", f"/api/finance/transfers/{t['id']}/reverse", {"reason": "twice"}, status=409)
    listed = get(client, net, "/api/finance/transfers", user="sz01.finance", account_id=str(books.accounts["SZ01/CASH"].id))
    assert {d["id"] for d in listed["items"]} == {t["id"], rev["id"]}


def test_transfer_draft_is_edited_and_deleted_and_posting_needs_the_permission(client, net, books):
    d = transfer(client, net, books, "10.00", post=False)
    assert d["status"] == "draft" and d["number"] is None
    d = call(client, net, "PATCH", f"/api/finance/transfers/{d['id']}", {"amount": "12.50"})
    assert d["amount"] == "12.50"
    # A clerk reads nothing of finance and posts nothing.
    call(client, net, "POST", f"/api/finance/transfers/{d['id']}/post", user="sz01.clerk", status=403)
    assert client.delete(f"/api/finance/transfers/{d['id']}", headers=net.headers("sz01.finance")).status_code == 204
    call(client, net, "GET", f"/api/finance/transfers/{d['id']}", status=404)


@pytest.mark.parametrize("change, field", [
    ({"to": "SZ01/BANK"}, "to_account_id"),        # the same account
    ({"to": "GZ01/BANK"}, "to_account_id"),        # another organisation's
    ({"frm": "SZ01/OLD"}, "from_account_id"),      # inactive
    ({"amount": "0.00"}, "amount"),
    ({"amount": "-5.00"}, "amount"),
    ({"amount": "1.005"}, "amount"),
])
def test_a_bad_transfer_is_refused_naming_the_field_and_changes_nothing(client, net, books, change, field):
    before = row_counts(net.app)
    err = transfer(client, net, books, change.get("amount", "10.00"), frm=change.get("frm", "SZ01/BANK"),
                   to=change.get("to", "SZ01/CASH"), status=422)
    assert field in err["errors"], err
    assert row_counts(net.app) == before


def test_a_draft_whose_account_was_closed_is_refused_at_posting(client, net, books, app):
    d = transfer(client, net, books, "10.00", post=False)
    call(client, net, "PATCH", f"/api/money-accounts/{books.accounts['SZ01/CASH'].id}", {"active": False}, user="admin")
    before = row_counts(net.app)
    err = call(client, net, "POST", f"/api/finance/transfers/{d['id']}/post", status=422)
    assert "to_account_id" in err["errors"]
    assert row_counts(net.app) == before


# -- statements ------------------------------------------------------------------------------

CSV = ("日期,金额,对方户名,对方账号,摘要\n"
       f"{_day(1)},500.00,深圳迅捷通讯,6222 0001,SK-REF-A\n"
       f"{_day(2)},-200.00,深圳华强北配件行,6222 0002,付货款\n"
       f"{_day(3)},300.00,深圳迅捷通讯,6222 0001,\n"
       f"{_day(4)},80.00,某客户,6222 0003,\n"
       f"{_day(5)},-19.90,招商银行,,手续费\n")


def _post_cash(net, books, amount: str, day: int, number: str, memo: str = "", key: str = "SZ01/BANK"):
    src = source(net, org="SZ01", on=D + dt.timedelta(days=day), doc_type="test_receipt", number=number)
    [row] = run(net, "admin", post_cash_entries, src, [CashLine(books.accounts[key].id, Decimal(amount), memo=memo)])
    return str(row.id)


def upload(client, net, books, data: bytes, name="statement.csv", key="SZ01/BANK", user="sz01.finance", status=201):
    r = client.post("/api/finance/bank-statements", query_string={"account_id": str(books.accounts[key].id)},
                    data={"file": (io.BytesIO(data), name)}, headers=net.headers(user), content_type="multipart/form-data")
    assert r.status_code == status, r.json
    return r.json


@pytest.fixture
def entries(net, books):
    """SZ01/BANK's book side: what should match, an ambiguous pair, and one the bank never saw."""
    return {
        "a": _post_cash(net, books, "500.00", 1, "SK-SZ01-A", memo="SK-REF-A"),
        "b": _post_cash(net, books, "-200.00", 3, "FK-SZ01-B"),     # two days after the bank's date
        "c1": _post_cash(net, books, "300.00", 2, "SK-SZ01-C1"),     # 300 twice, a day either side: ambiguous
        "c2": _post_cash(net, books, "300.00", 4, "SK-SZ01-C2"),
        "d": _post_cash(net, books, "79.00", 4, "SK-SZ01-D"),        # the bank says 80.00
        "late": _post_cash(net, books, "45.00", 9, "SK-SZ01-LATE"),  # after the statement's period
        "other": _post_cash(net, books, "80.00", 4, "SK-SZ01-CASH", key="SZ01/CASH"),  # another account
    }


def test_statement_is_imported_matched_automatically_and_by_hand_and_the_rest_listed(client, net, books, entries):
    s = upload(client, net, books, CSV.encode("utf-8-sig"))
    assert (s["line_count"], s["total_in"], s["total_out"], s["matched_count"]) == (5, "880.00", "219.90", 0)
    assert (s["date_from"], s["date_to"]) == (_day(1), _day(5))
    assert [l["row_no"] for l in s["lines"]] == [2, 3, 4, 5, 6]
    assert s["lines"][0]["counterparty_account"] == "6222 0001" and s["lines"][1]["reference"] == "付货款"
    # Before matching every entry of the account in the period is unmatched (not the later one, not the cash drawer's).
    assert {e["id"] for e in s["unmatched_entries"]} == {entries[k] for k in ("a", "b", "c1", "c2", "d")}
    s = call(client, net, "POST", f"/api/finance/bank-statements/{s['id']}/auto-match", {})
    by_row = {l["row_no"]: l for l in s["lines"]}
    assert by_row[2]["entry"]["id"] == entries["a"] and by_row[2]["match_kind"] == "auto"
    assert by_row[3]["entry"]["id"] == entries["b"]
    assert not by_row[4]["matched"] and not by_row[5]["matched"] and not by_row[6]["matched"]
    assert s["matched_count"] == 2
    assert {e["id"] for e in s["unmatched_entries"]} == {entries["c1"], entries["c2"], entries["d"]}
    assert (s["unmatched_lines_total"], s["unmatched_entries_total"]) == ("360.10", "679.00")
    # By hand: the ambiguous 300 to the first; a different amount, a matched entry, another account are refused.
    line = by_row[4]["id"]
    path = f"/api/finance/bank-statements/{s['id']}/lines/{line}/match"
    before = row_counts(net.app)
    assert "cash_entry_id" in call(client, net, "POST", path, {"cash_entry_id": entries["d"]}, status=422)["errors"]
    assert "cash_entry_id" in call(client, net, "POST", path, {"cash_entry_id": entries["other"]}, status=422)["errors"]
    assert "cash_entry_id" in call(client, net, "POST", path, {"cash_entry_id": entries["a"]}, status=422)["errors"]
    assert row_counts(net.app) == before
    s = call(client, net, "POST", path, {"cash_entry_id": entries["c1"]})
    by_row = {l["row_no"]: l for l in s["lines"]}
    assert by_row[4]["match_kind"] == "manual" and by_row[4]["entry"]["document_number"] == "SK-SZ01-C1"
    call(client, net, "POST", path, {"cash_entry_id": entries["c2"]}, status=409)  # the line is matched already
    assert [l["row_no"] for l in s["unmatched_lines"]] == [5, 6]
    assert {e["id"] for e in s["unmatched_entries"]} == {entries["c2"], entries["d"]}
    # Unmatch an automatic match: both sides are open again; auto-match a second time finds it again.
    s = call(client, net, "POST", f"/api/finance/bank-statements/{s['id']}/lines/{by_row[2]['id']}/unmatch")
    assert entries["a"] in {e["id"] for e in s["unmatched_entries"]}
    call(client, net, "POST", f"/api/finance/bank-statements/{s['id']}/lines/{by_row[2]['id']}/unmatch", status=409)
    s = call(client, net, "POST", f"/api/finance/bank-statements/{s['id']}/auto-match", {})
    assert s["matched_count"] == 3
    listed = get(client, net, "/api/finance/bank-statements", user="sz01.finance")
    assert [(x["id"], x["matched_count"], x["account_code"]) for x in listed["items"]] == [(s["id"], 3, "BANK")]
    # Another organisation's people see nothing of it; a clerk may not import.
    get(client, net, f"/api/finance/bank-statements/{s['id']}", user="gz01.manager", status=404)
    assert get(client, net, "/api/finance/bank-statements", user="gz01.manager")["items"] == []
    call(client, net, "POST", f"/api/finance/bank-statements/{s['id']}/auto-match", {}, user="gz01.manager", status=404)
    upload(client, net, books, CSV.encode(), user="sz01.clerk", status=403)


def test_a_reference_decides_between_two_entries_of_the_same_amount(client, net, books):
    _post_cash(net, books, "300.00", 1, "SK-SZ01-X1")
    want = _post_cash(net, books, "300.00", 1, "SK-SZ01-X2")
    s = upload(client, net, books, f"date,amount,reference\n{_day(1)},300.00,货款 SK-SZ01-X2\n".encode())
    s = call(client, net, "POST", f"/api/finance/bank-statements/{s['id']}/auto-match", {"window_days": 0})
    assert s["lines"][0]["entry"]["id"] == want


def test_a_reversed_entry_is_not_offered_for_matching(client, net, books):
    t = transfer(client, net, books, "70.00", on=1)
    call(client, net, "POST", f"/api/finance/transfers/{t['id']}/reverse", {"reason": "typo"}, status=201)
    s = upload(client, net, books, f"date,amount\n{_day(1)},-70.00\n".encode())
    assert s["unmatched_entries"] == []
    s = call(client, net, "POST", f"/api/finance/bank-statements/{s['id']}/auto-match", {})
    assert s["matched_count"] == 0


def test_an_excel_statement_is_read_with_dates_and_numbers_as_cells(client, net, books):
    wb = Workbook()
    ws = wb.active
    ws.append(["Date", "Amount", "Counterparty name", "Counterparty account", "Reference"])
    ws.append([D + dt.timedelta(days=1), 500, "深圳迅捷通讯", 62220001, "SK-REF-A"])
    ws.append([_day(2), -19.9, "招商银行", None, "手续费"])
    buf = io.BytesIO()
    wb.save(buf)
    s = upload(client, net, books, buf.getvalue(), name="statement.xlsx")
    assert [(l["value_date"], l["amount"], l["counterparty_account"]) for l in s["lines"]] == [
        (_day(1), "500.00", "62220001"), (_day(2), "-19.90", "")]


def test_every_bad_row_is_reported_with_its_row_and_field_and_nothing_is_stored(client, net, books):
    bad = ("date,amount,counterparty name,counterparty account,reference\n"
           f"{_day(1)},500.00,A,1,ok\n"
           "2026-13-01,12.00,B,2,bad date\n"
           f"{_day(2)},abc,C,3,bad amount\n"
           f"{_day(2)},0,D,4,zero\n"
           f"{_day(2)},1.234,E,5,three places\n"
           ",5.00,F,6,no date\n"
           f"{_day(3)},7.00,{'N' * 121},7,long name\n"
           f"{_day(3)},1e999999,G,8,huge\n"
           f"{_day(3)},NaN,H,9,not a number\n")
    before = row_counts(net.app)
    err = upload(client, net, books, bad.encode(), status=422)
    assert set(err["errors"]) == {"rows.3.date", "rows.4.amount", "rows.5.amount", "rows.6.amount", "rows.7.date",
                                  "rows.8.counterparty_name", "rows.9.amount", "rows.10.amount"}
    assert row_counts(net.app) == before


@pytest.mark.parametrize("data, name", [
    (b"", "empty.csv"),
    (b"\x00\x01\x02\x03garbage", "x.csv"),
    (b"PK\x03\x04not really a workbook", "x.xlsx"),
    (b"payee,sum\nA,1\n", "x.csv"),                 # no date/amount columns
    (b"date,amount\n", "x.csv"),                    # a header and nothing under it
])
def test_a_malformed_file_is_refused_and_nothing_stored(client, net, books, data, name):
    before = row_counts(net.app)
    err = upload(client, net, books, data, name=name, status=422)
    assert "file" in err["errors"], err
    assert row_counts(net.app) == before


def test_import_needs_an_account_of_ones_own(client, net, books):
    before = row_counts(net.app)
    err = upload(client, net, books, CSV.encode(), key="GZ01/BANK", status=422)
    assert "account_id" in err["errors"]
    assert row_counts(net.app) == before


def test_transfer_voucher_prints(client, net, books):
    t = transfer(client, net, books, "1234.50")
    r = client.get(f"/api/print/finance-transfer-voucher/{t['id']}", query_string={"format": "html"},
                   headers=net.headers("sz01.finance"))
    assert r.status_code == 200, r.data[:300]
    html = r.get_data(as_text=True)
    assert "资金调拨单" in html and t["number"] in html and "壹仟贰佰叁拾肆元伍角整" in html
