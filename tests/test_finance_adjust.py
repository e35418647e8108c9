"""Opening balances (财务初始化), reclassification (调账单), 红冲 of money documents from one list, and
closing / reopening periods (issue 19 §5, §6), on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import Workbook

from .conftest import row_counts
from .finance_factories import D, books  # noqa: F401 - fixture
from .test_finance_api import get
from .test_finance_settlement import _invoice, call, items, opens, receipt

GO_LIVE = D  # 2026-11-20


def _opening(client, net, books, lines=None, user="sz01.finance", on=GO_LIVE, status=201):
    lines = lines if lines is not None else [
        {"party_id": str(books.parties["D-XJ"].id), "direction": "receivable", "amount": "800.00", "memo": "迅捷 期初"},
        {"party_id": str(books.parties["M-HW"].id), "direction": "payable", "amount": "300.00"},
        {"counterparty_org_id": str(net.orgs["HQ"].id), "direction": "payable", "amount": "-50.00"},
        {"account_id": str(books.accounts["SZ01/BANK"].id), "amount": "10000.00"},
        {"account_id": str(books.accounts["SZ01/CASH"].id), "amount": "500.00"},
    ]
    return call(client, net, "POST", "/api/finance/openings", {"doc_date": on.isoformat(), "lines": lines}, user=user,
                status=status)


def _workbook(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["类型", "编码", "方向", "金额", "摘要"])
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _upload(client, net, doc_id, data, user="sz01.finance"):
    return client.post(f"/api/finance/openings/{doc_id}/import", data={"file": (io.BytesIO(data), "opening.xlsx")},
                       headers=net.headers(user), content_type="multipart/form-data")


def test_opening_posts_open_items_and_account_balances_once_and_closes_the_period_before(client, net, books):
    doc = _opening(client, net, books)
    assert doc["status"] == "draft" and doc["line_count"] == 5
    assert (doc["receivable_total"], doc["payable_total"], doc["account_total"]) == ("800.00", "250.00", "10500.00")
    posted = call(client, net, "POST", f"/api/finance/openings/{doc['id']}/post")
    assert posted["status"] == "posted" and posted["number"].startswith("QC-SZ01-")
    # Each counterparty line is an open item of its balance; a receipt is allocated against it.
    assert opens(items(client, net, books)) == [(posted["number"], "800.00")]
    r = receipt(client, net, books, "300.00", on=GO_LIVE + dt.timedelta(days=2))
    assert [(a["charge_number"], a["amount"]) for a in r["allocations"]] == [(posted["number"], "300.00")]
    assert opens(items(client, net, books)) == [(posted["number"], "500.00")]
    # The accounts' balances.
    bank = get(client, net, "/api/finance/cash-entries", account_id=str(books.accounts["SZ01/BANK"].id))
    assert bank["closing_balance"] == "10300.00"
    # The books are closed through the day before go-live, audited with the opening's number.
    rows = {r["org_code"]: r for r in get(client, net, "/api/finance/periods")["items"]}
    assert rows["SZ01"]["closed_through"] == (GO_LIVE - dt.timedelta(days=1)).isoformat()
    history = get(client, net, "/api/finance/periods/history")["items"]
    assert history[0]["action"] == "close" and posted["number"] in history[0]["reason"]
    # A second opening of the same organisation is refused when posted, naming the organisation.
    second = _opening(client, net, books, [{"account_id": str(books.accounts["SZ01/CASH"].id), "amount": "1.00"}])
    before = row_counts(net.app)
    err = call(client, net, "POST", f"/api/finance/openings/{second['id']}/post", status=409)
    assert "org_id" in err["errors"] and posted["number"] in err["message"]
    assert row_counts(net.app) == before


def test_opening_reversal_reopens_what_receipts_settled_and_allows_a_new_opening(client, net, books):
    doc = _opening(client, net, books)
    posted = call(client, net, "POST", f"/api/finance/openings/{doc['id']}/post")
    r = receipt(client, net, books, "300.00", on=GO_LIVE + dt.timedelta(days=2))
    rev = call(client, net, "POST", f"/api/finance/openings/{doc['id']}/reverse",
               {"reason": "录错了", "on": (GO_LIVE + dt.timedelta(days=3)).isoformat()}, status=201)
    assert rev["reverses_id"] == doc["id"] and rev["number"].startswith("QC-")
    # The receipt's 300 is on account again; the opening and its reversal close against each other.
    assert opens(items(client, net, books)) == [(r["number"], "-300.00")]
    assert call(client, net, "GET", f"/api/finance/openings/{doc['id']}")["status"] == "reversed"
    bank = get(client, net, "/api/finance/cash-entries", account_id=str(books.accounts["SZ01/BANK"].id))
    assert bank["closing_balance"] == "300.00"
    # A new opening may be posted now (dated in the open period).
    again = _opening(client, net, books, [{"account_id": str(books.accounts["SZ01/BANK"].id), "amount": "9000.00"}],
                     on=GO_LIVE + dt.timedelta(days=3))
    assert call(client, net, "POST", f"/api/finance/openings/{again['id']}/post")["status"] == "posted"
    assert posted["number"] != again["number"]


def test_opening_bad_lines_are_all_reported_and_nothing_is_saved(client, net, books):
    before = row_counts(net.app)
    bad = [{"party_id": str(books.parties["D-XJ"].id), "direction": "receivable", "amount": "0.00"},
           {"party_id": str(books.parties["D-XJ"].id), "amount": "5.00"},
           {"account_id": str(books.accounts["GZ01/BANK"].id), "amount": "5.00"},
           {"account_id": str(books.accounts["SZ01/OLD"].id), "amount": "5.00"},
           {"counterparty_org_id": str(net.orgs["SZ01"].id), "direction": "payable", "amount": "5.00"},
           {"amount": "5.00"},
           {"party_id": str(books.parties["M-HW"].id), "account_id": str(books.accounts["SZ01/BANK"].id),
            "direction": "payable", "amount": "5.00"}]
    err = _opening(client, net, books, bad, status=422)
    assert set(err["errors"]) == {"lines.0.amount", "lines.1.direction", "lines.2.account_id", "lines.3.account_id",
                                  "lines.4.counterparty_org_id", "lines.5.party_id", "lines.6.party_id"}, err
    dup = [{"party_id": str(books.parties["D-XJ"].id), "direction": "receivable", "amount": "5.00"}] * 2
    assert "lines.1.party_id" in _opening(client, net, books, dup, status=422)["errors"]
    assert "amount" in str(_opening(client, net, books, [{"account_id": str(books.accounts["SZ01/BANK"].id),
                                                          "amount": "1.001"}], status=422)["errors"])
    assert row_counts(net.app) == before
    # An empty draft cannot be posted.
    empty = _opening(client, net, books, [])
    err = call(client, net, "POST", f"/api/finance/openings/{empty['id']}/post", status=422)
    assert "lines" in err["errors"]


def test_opening_import_from_excel_reports_every_bad_row_and_changes_nothing(client, net, books):
    doc = _opening(client, net, books, [])
    before = row_counts(net.app)
    data = _workbook([["往来单位", "D-XJ", "应收", "800", "ok"],
                      ["往来单位", "NOPE", "应收", "10", ""],
                      ["账户", "BANK", "", "12.345", ""],
                      ["机构", "HQ", "应付吗", "10", ""],
                      ["什么", "X", "应收", "10", ""],
                      ["账户", "BANK", "应收", "abc", ""]])
    r = _upload(client, net, doc["id"], data)
    assert r.status_code == 422, r.json
    assert set(r.json["errors"]) == {"rows.3.code", "rows.4.amount", "rows.5.direction", "rows.6.kind",
                                     "rows.7.direction", "rows.7.amount"}, r.json
    assert row_counts(net.app) == before
    assert _upload(client, net, doc["id"], b"not a workbook").json["errors"] == {"file": ["not an Excel workbook (.xlsx)"]}
    # Duplicates are reported by row number too.
    r = _upload(client, net, doc["id"], _workbook([["账户", "BANK", "", "1", ""], ["账户", "BANK", "", "2", ""]]))
    assert r.status_code == 422 and "rows.3.account_id" in r.json["errors"], r.json
    # A good file replaces the draft's lines.
    good = _workbook([["往来单位", "D-XJ", "应收", "800.00", "迅捷"], ["往来单位", "M-HW", "应付", "300", ""],
                      ["机构", "HQ", "payable", "-50", ""], ["账户", "BANK", None, "10000", ""], [None, None, None, None, None]])
    r = _upload(client, net, doc["id"], good)
    assert r.status_code == 200, r.json
    assert [(l["line_kind"], l["code"], l["direction"], l["amount"]) for l in r.json["lines"]] == [
        ("party", "D-XJ", "receivable", "800.00"), ("party", "M-HW", "payable", "300.00"),
        ("organisation", "HQ", "payable", "-50.00"), ("account", "BANK", None, "10000.00")]
    assert call(client, net, "POST", f"/api/finance/openings/{doc['id']}/post")["status"] == "posted"


def test_reclassification_between_counterparties_is_linked_allocated_and_reversed(client, net, books, app):
    inv = _invoice(net, books, "500.00", D, "PF-1", party="D-XJ")
    assert inv
    body = {"kind": "counterparty", "direction": "receivable", "from_party_id": str(books.parties["D-XJ"].id),
            "to_party_id": str(books.parties["M-HW"].id), "amount": "200.00", "reason": "挂错单位",
            "doc_date": (D + dt.timedelta(days=1)).isoformat()}
    doc = call(client, net, "POST", "/api/finance/reclasses", body, status=201)
    posted = call(client, net, "POST", f"/api/finance/reclasses/{doc['id']}/post")
    assert posted["number"].startswith("TZ-SZ01-") and posted["from_name"].startswith("D-XJ")
    # Both sides are rows of the one document, carrying the reason; the first side's credit is
    # allocated against its oldest invoice, the second side is a new charge.
    entries = get(client, net, "/api/finance/counterparty-entries", document_id=doc["id"])["items"]
    assert sorted((e["amount"], e["memo"]) for e in entries) == [("-200.00", "挂错单位"), ("200.00", "挂错单位")]
    assert opens(items(client, net, books)) == [("PF-1", "300.00")]
    assert opens(items(client, net, books, party="M-HW")) == [(posted["number"], "200.00")]
    ledger_before = row_counts(net.app)["counterparty_entry"]
    rev = call(client, net, "POST", f"/api/finance/reclasses/{doc['id']}/reverse", {"reason": "改回"}, status=201)
    assert rev["reverses_id"] == doc["id"]
    assert opens(items(client, net, books)) == [("PF-1", "500.00")]
    assert opens(items(client, net, books, party="M-HW")) == []
    # Nothing was edited: the reversal added its two opposite rows.
    assert row_counts(net.app)["counterparty_entry"] == ledger_before + 2


def test_reclassification_between_accounts_and_its_refusals(client, net, books):
    body = {"kind": "account", "from_account_id": str(books.accounts["SZ01/BANK"].id),
            "to_account_id": str(books.accounts["SZ01/CASH"].id), "amount": "120.00", "reason": "记错账户",
            "doc_date": D.isoformat()}
    doc = call(client, net, "POST", "/api/finance/reclasses", body, status=201)
    call(client, net, "POST", f"/api/finance/reclasses/{doc['id']}/post")
    assert get(client, net, "/api/finance/cash-entries", account_id=str(books.accounts["SZ01/CASH"].id))["closing_balance"] == "120.00"
    assert get(client, net, "/api/finance/cash-entries", account_id=str(books.accounts["SZ01/BANK"].id))["closing_balance"] == "-120.00"
    before = row_counts(net.app)
    for change, field in [({"reason": ""}, "reason"), ({"amount": "0"}, "amount"), ({"amount": "-1.00"}, "amount"),
                          ({"to_account_id": body["from_account_id"]}, "to_account_id"),
                          ({"to_account_id": str(books.accounts["GZ01/BANK"].id)}, "to_account_id"),
                          ({"from_account_id": str(books.accounts["SZ01/OLD"].id)}, "from_account_id"),
                          ({"direction": "receivable"}, "direction"),
                          ({"from_party_id": str(books.parties["D-XJ"].id)}, "from_party_id"),
                          ({"kind": "counterparty", "direction": "receivable", "from_account_id": None, "to_account_id": None,
                            "from_party_id": str(books.parties["D-XJ"].id)}, "to_party_id"),
                          ({"kind": "counterparty", "direction": "payable", "from_account_id": None, "to_account_id": None,
                            "from_party_id": str(books.parties["D-XJ"].id), "to_party_id": str(books.parties["D-XJ"].id)},
                           "to_party_id"),
                          ({"kind": "counterparty", "direction": "payable", "from_account_id": None, "to_account_id": None,
                            "from_party_id": str(books.parties["D-XJ"].id), "to_org_id": str(net.orgs["SZ01"].id)},
                           "to_org_id")]:
        err = call(client, net, "POST", "/api/finance/reclasses", {**body, **change}, status=422)
        assert field in err["errors"], (change, err)
    assert row_counts(net.app) == before
    # Permissions: a clerk may not; a point's manager may read but not reclassify.
    call(client, net, "POST", "/api/finance/reclasses", body, user="sz01.clerk", status=403)
    call(client, net, "POST", "/api/finance/reclasses", body, user="sz01.manager", status=403)
    assert call(client, net, "GET", "/api/finance/reclasses", user="sz01.manager")["total"] == 1


def test_close_and_reopen_periods_by_permission_audited_and_a_receipt_in_a_closed_period_is_refused(client, net, books):
    sz01 = net.orgs["SZ01"].id
    through = (D + dt.timedelta(days=5)).isoformat()
    # Only finance.close may close: not a point's manager, not a clerk.
    call(client, net, "POST", f"/api/finance/periods/{sz01}/close", {"closed_through": through}, user="sz01.manager", status=403)
    call(client, net, "POST", f"/api/finance/periods/{sz01}/close", {"closed_through": through}, user="sz01.clerk", status=403)
    # A point's finance closes its own books, not another point's.
    call(client, net, "POST", f"/api/finance/periods/{net.orgs['GZ01'].id}/close", {"closed_through": through}, status=403)
    closed = call(client, net, "POST", f"/api/finance/periods/{sz01}/close", {"closed_through": through, "reason": "11月结账"})
    assert closed["items"][0]["closed_through"] == through
    # A receipt dated in the closed period: refused naming doc_date, nothing changes.
    draft = receipt(client, net, books, "10.00", on=D + dt.timedelta(days=5), post=False)
    before = row_counts(net.app)
    err = call(client, net, "POST", f"/api/finance/receipts/{draft['id']}/post", status=422)
    assert "doc_date" in err["errors"] and through in err["errors"]["doc_date"][0]
    assert row_counts(net.app) == before
    assert call(client, net, "GET", f"/api/finance/receipts/{draft['id']}")["status"] == "draft"
    # Closing again must go forward; reopening must go back and give a reason.
    err = call(client, net, "POST", f"/api/finance/periods/{sz01}/close", {"closed_through": D.isoformat()}, status=422)
    assert "closed_through" in err["errors"]
    err = call(client, net, "POST", f"/api/finance/periods/{sz01}/reopen", {"closed_through": D.isoformat()}, status=422)
    assert "reason" in err["errors"]
    err = call(client, net, "POST", f"/api/finance/periods/{sz01}/reopen",
               {"closed_through": through, "reason": "x"}, status=422)
    assert "closed_through" in err["errors"]
    reopened = call(client, net, "POST", f"/api/finance/periods/{sz01}/reopen",
                    {"closed_through": D.isoformat(), "reason": "补录收款"})
    assert reopened["items"][0]["closed_through"] == D.isoformat()
    assert call(client, net, "POST", f"/api/finance/receipts/{draft['id']}/post")["status"] == "posted"
    history = get(client, net, "/api/finance/periods/history", org_id=str(sz01))["items"]
    assert [(h["action"], h["before"], h["closed_through"], h["reason"]) for h in history] == [
        ("reopen", through, D.isoformat(), "补录收款"), ("close", None, through, "11月结账")]
    audit = get(client, net, "/api/audit-log", user="admin", action="period.reopen")["items"]
    assert audit and audit[0]["username"] == "sz01.finance"
    # The list: a point sees its own row; headquarters every organisation.
    assert [r["org_code"] for r in get(client, net, "/api/finance/periods", user="sz01.finance")["items"]] == ["SZ01"]
    assert {"HQ", "SZ01", "GZ01"} <= {r["org_code"] for r in get(client, net, "/api/finance/periods", user="hq")["items"]}


def test_money_documents_list_every_type_with_reversal_state(client, net, books):
    _invoice(net, books, "500.00", D, "PF-1", party="D-XJ")
    r = receipt(client, net, books, "100.00")
    call(client, net, "POST", f"/api/finance/receipts/{r['id']}/reverse", {"reason": "错"}, status=201)
    doc = _opening(client, net, books, [{"account_id": str(books.accounts["SZ01/BANK"].id), "amount": "5.00"}],
                   on=D + dt.timedelta(days=13))
    call(client, net, "POST", f"/api/finance/openings/{doc['id']}/post")
    listed = get(client, net, "/api/finance/money-documents")["items"]
    by_type = {}
    for row in listed:
        by_type.setdefault(row["document_type"], []).append(row)
    assert {"wholesale_invoice", "finance_receipt", "finance_opening"} <= set(by_type)
    receipts = {x["document_id"]: x for x in by_type["finance_receipt"]}
    assert receipts[r["id"]]["reversed"] is True and receipts[r["id"]]["receivable"] == "-100.00"
    assert receipts[r["id"]]["amount"] == "100.00"
    assert any(x["is_reversal"] for x in receipts.values())
    assert receipts[r["id"]]["link"] == {"kind": "workspace", "type": "finance_receipt", "id": r["id"]}
    opening = by_type["finance_opening"][0]
    assert opening["cash"] == "5.00" and opening["amount"] == "5.00" and opening["document_label"]["zh-CN"] == "财务初始化"
    assert get(client, net, "/api/finance/money-documents", number="PF-1")["total"] == 1
    # Another point sees none of them.
    assert get(client, net, "/api/finance/money-documents", user="gz01.manager")["total"] == 0


def test_workspace_describes_openings_and_reclassifications(client, net, books):
    meta = call(client, net, "GET", "/api/meta/documents")
    entries = {e["key"]: e for e in meta["documents"]}
    opening, reclass = entries["finance_opening"], entries["finance_reclass"]
    assert opening["number_prefix"] == "QC" and reclass["number_prefix"] == "TZ"
    assert [f["name"] for f in opening["lines"]["fields"]][:3] == ["party_id", "counterparty_org_id", "account_id"]
    assert {a["name"] for a in opening["actions"]} >= {"create", "post", "reverse"}
    assert {k["value"] for k in reclass["kinds"]} == {"counterparty", "account"}
    assert any(p["name"] == "finance-reclass-voucher" for p in reclass["prints"])
    assert any(p["name"] == "finance-opening-sheet" for p in opening["prints"])
    clerk = {e["key"] for e in call(client, net, "GET", "/api/meta/documents", user="sz01.clerk")["documents"]}
    assert "finance_opening" not in clerk
