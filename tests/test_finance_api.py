"""Finance API: money accounts (base-data kind), balances and entries, scoping, permissions, bad input."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from server.finance.operations import (CashLine, Counterparty, CounterpartyLine, post_cash_entries,
                                       post_counterparty_entries, reverse_entries_of)

from .conftest import row_counts
from .finance_factories import D, books, run, source  # noqa: F401 - fixture


def get(client, net, path, user="admin", status=200, **params):
    r = client.get(path, query_string=params, headers=net.headers(user))
    assert r.status_code == status, (path, r.status_code, r.json)
    return r.json


@pytest.fixture
def posted(net, books):
    """Some business in SZ01 and GZ01 books, one document reversed."""
    hw = Counterparty.party(books.parties["M-HW"].id)
    dealer = Counterparty.party(books.parties["D-XJ"].id)
    zhang = Counterparty.member(books.members["zhang"].id)
    hq = Counterparty.organisation(net.orgs["HQ"].id)
    docs = {}
    docs["claim"] = source(net, on=D, number="LF-SZ01-2611-00001")
    run(net, "admin", post_counterparty_entries, docs["claim"], [CounterpartyLine(hw, "receivable", Decimal("500.00"))])
    docs["wholesale"] = source(net, on=D, number="PF-SZ01-2611-00001")
    run(net, "admin", post_counterparty_entries, docs["wholesale"], [CounterpartyLine(dealer, "receivable", Decimal("1200.00"))])
    docs["receipt"] = source(net, on=D + dt.timedelta(days=1), number="SK-SZ01-2611-00001")
    run(net, "admin", post_counterparty_entries, docs["receipt"], [CounterpartyLine(dealer, "receivable", Decimal("-700.00"))])
    run(net, "admin", post_cash_entries, docs["receipt"], [CashLine(books.accounts["SZ01/BANK"].id, Decimal("700.00"))])
    docs["deposit"] = source(net, on=D + dt.timedelta(days=2), number="YJ-SZ01-2611-00001")
    run(net, "admin", post_counterparty_entries, docs["deposit"], [CounterpartyLine(zhang, "payable", Decimal("100.00"))])
    run(net, "admin", post_cash_entries, docs["deposit"], [CashLine(books.accounts["SZ01/CASH"].id, Decimal("100.00"))])
    docs["parts"] = source(net, on=D, number="CG-SZ01-2611-00001")
    run(net, "admin", post_counterparty_entries, docs["parts"], [CounterpartyLine(hq, "payable", Decimal("300.00"))])
    docs["wrong"] = source(net, on=D, number="SK-SZ01-2611-00002")
    run(net, "admin", post_cash_entries, docs["wrong"], [CashLine(books.accounts["SZ01/BANK"].id, Decimal("55.55"))])
    docs["wrong_reversal"] = source(net, on=D + dt.timedelta(days=3), number="SK-SZ01-2611-00003")
    run(net, "admin", reverse_entries_of, docs["wrong"].document_type, docs["wrong"].document_id, docs["wrong_reversal"])
    docs["gz"] = source(net, org="GZ01", on=D, number="PF-GZ01-2611-00001")
    run(net, "admin", post_counterparty_entries, docs["gz"], [CounterpartyLine(dealer, "receivable", Decimal("999.00"))])
    run(net, "admin", post_cash_entries, docs["gz"], [CashLine(books.accounts["GZ01/BANK"].id, Decimal("999.00"))])
    return docs


def by_name(items):
    return {(i["counterparty_name"], i["org_id"]): i for i in items}


def test_counterparty_balances(client, net, books, posted):
    sz, gz = str(net.orgs["SZ01"].id), str(net.orgs["GZ01"].id)
    page = get(client, net, "/api/finance/counterparty-balances")
    rows = by_name(page["items"])
    assert page["total"] == 5
    dealer = rows[("深圳迅捷通讯", sz)]
    assert (dealer["receivable"], dealer["payable"], dealer["net"], dealer["entries"]) == ("500.00", "0.00", "500.00", 2)
    assert dealer["counterparty_kind"] == "party" and dealer["counterparty_code"] == "D-XJ"
    assert dealer["counterparty_id"] == str(books.parties["D-XJ"].id)
    assert rows[("深圳迅捷通讯", gz)]["receivable"] == "999.00"
    member = rows[("张伟", sz)]
    assert (member["counterparty_kind"], member["counterparty_code"], member["payable"], member["net"]) == \
        ("member", "13800138000", "100.00", "-100.00")
    hq = rows[(net.orgs["HQ"].name, sz)]
    assert (hq["counterparty_kind"], hq["counterparty_code"], hq["payable"]) == ("organisation", "HQ", "300.00")
    # As of a date, per direction, per counterparty, per organisation.
    asof = by_name(get(client, net, "/api/finance/counterparty-balances", as_of=D.isoformat())["items"])
    assert asof[("深圳迅捷通讯", sz)]["receivable"] == "1200.00" and ("张伟", sz) not in asof
    payables = get(client, net, "/api/finance/counterparty-balances", direction="payable")["items"]
    assert {i["counterparty_name"] for i in payables} == {"张伟", net.orgs["HQ"].name}
    one = get(client, net, "/api/finance/counterparty-balances", counterparty_id=str(books.parties["D-XJ"].id), org_id=gz)
    assert [i["receivable"] for i in one["items"]] == ["999.00"]
    members = get(client, net, "/api/finance/counterparty-balances", counterparty_kind="member")["items"]
    assert [i["counterparty_name"] for i in members] == ["张伟"]


def test_nonzero_hides_settled_balances(client, net, books, posted):
    dealer = Counterparty.party(books.parties["D-XJ"].id)
    run(net, "admin", post_counterparty_entries, source(net), [CounterpartyLine(dealer, "receivable", Decimal("-500.00"))])
    sz = str(net.orgs["SZ01"].id)
    everything = by_name(get(client, net, "/api/finance/counterparty-balances", org_id=sz)["items"])
    assert everything[("深圳迅捷通讯", sz)]["receivable"] == "0.00"
    nonzero = by_name(get(client, net, "/api/finance/counterparty-balances", org_id=sz, nonzero="true")["items"])
    assert ("深圳迅捷通讯", sz) not in nonzero and ("张伟", sz) in nonzero
    receivable = get(client, net, "/api/finance/counterparty-balances", org_id=sz, nonzero="true", direction="receivable")
    assert [i["counterparty_name"] for i in receivable["items"]] == ["华为终端有限公司"]


def test_drill_down_from_balance_to_documents(client, net, books, posted):
    sz = str(net.orgs["SZ01"].id)
    page = get(client, net, "/api/finance/counterparty-entries", org_id=sz, counterparty_id=str(books.parties["D-XJ"].id),
               direction="receivable")
    assert [(e["document_number"], e["amount"], e["balance_after"]) for e in page["items"]] == [
        ("PF-SZ01-2611-00001", "1200.00", "1200.00"), ("SK-SZ01-2611-00001", "-700.00", "500.00")]
    entry = page["items"][1]
    assert entry["document_type"] == "test_receipt" and entry["document_id"] == str(posted["receipt"].document_id)
    assert entry["doc_date"] == (D + dt.timedelta(days=1)).isoformat() and entry["counterparty_kind"] == "party"
    # A date window keeps the running balance true (it counts what came before).
    later = get(client, net, "/api/finance/counterparty-entries", org_id=sz, counterparty_id=str(books.parties["D-XJ"].id),
                date_from=(D + dt.timedelta(days=1)).isoformat())
    assert [(e["amount"], e["balance_after"]) for e in later["items"]] == [("-700.00", "500.00")]
    # Everything one document wrote, across counterparties.
    doc = get(client, net, "/api/finance/counterparty-entries", document_id=str(posted["deposit"].document_id))
    assert [(e["counterparty_id"], e["direction"], e["amount"]) for e in doc["items"]] == [
        (str(books.members["zhang"].id), "payable", "100.00")]
    paged = get(client, net, "/api/finance/counterparty-entries", page_size=2, page=2)
    assert paged["total"] == 6 and len(paged["items"]) == 2


def test_account_balances_and_entries(client, net, books, posted):
    accounts = {a["name"]: a for a in get(client, net, "/api/finance/account-balances", page_size=200)["items"]}
    assert accounts["SZ01/BANK"]["balance"] == "700.00" and accounts["SZ01/BANK"]["entries"] == 3
    assert accounts["SZ01/CASH"]["balance"] == "100.00"
    assert accounts["GZ01/BANK"]["balance"] == "999.00"
    assert accounts["HQ/CASH"]["balance"] == "0.00" and accounts["HQ/CASH"]["entries"] == 0
    assert accounts["SZ01/BANK"]["bank_name"] == "招商银行" and accounts["SZ01/BANK"]["kind"] == "bank"
    asof = {a["name"]: a["balance"] for a in get(client, net, "/api/finance/account-balances", as_of=D.isoformat(),
                                                   kind="bank", org_id=str(net.orgs["SZ01"].id))["items"]}
    assert asof == {"SZ01/BANK": "55.55", "SZ01/OLD": "0.00"}
    active = get(client, net, "/api/finance/account-balances", active="false")["items"]
    assert [a["name"] for a in active] == ["SZ01/OLD"]
    entries = get(client, net, "/api/finance/cash-entries", account_id=str(books.accounts["SZ01/BANK"].id))["items"]
    assert [(e["document_number"], e["amount"], e["balance_after"]) for e in entries] == [
        ("SK-SZ01-2611-00002", "55.55", "55.55"), ("SK-SZ01-2611-00001", "700.00", "755.55"),
        ("SK-SZ01-2611-00003", "-55.55", "700.00")]
    assert entries[2]["reverses_id"] == entries[0]["id"]


def test_service_points_see_their_own_books_only(client, net, books, posted):
    sz, gz = str(net.orgs["SZ01"].id), str(net.orgs["GZ01"].id)
    for user, org in (("sz01.finance", sz), ("gz01.manager", gz)):
        balances = get(client, net, "/api/finance/counterparty-balances", user=user)
        assert balances["total"] >= 1 and {i["org_id"] for i in balances["items"]} == {org}, user
        entries = get(client, net, "/api/finance/counterparty-entries", user=user, page_size=200)
        assert {i["org_id"] for i in entries["items"]} == {org}
        accounts = get(client, net, "/api/finance/account-balances", user=user)
        assert {i["org_id"] for i in accounts["items"]} == {org}
        cash = get(client, net, "/api/finance/cash-entries", user=user, page_size=200)
        assert {i["org_id"] for i in cash["items"]} == {org}
    # Asking for another organisation's books returns nothing, not an error.
    assert get(client, net, "/api/finance/counterparty-balances", user="sz01.finance", org_id=gz)["total"] == 0
    assert get(client, net, "/api/finance/cash-entries", user="sz01.finance",
               account_id=str(books.accounts["GZ01/BANK"].id))["total"] == 0
    assert get(client, net, "/api/finance/account-balances", user="sz01.finance", org_id=gz)["total"] == 0
    # Headquarters sees every organisation.
    assert {i["org_id"] for i in get(client, net, "/api/finance/counterparty-balances", user="hq")["items"]} == {sz, gz}


def test_finance_permissions(client, net, books):
    for user in ("sz01.clerk", "gz01.clerk"):
        r = client.get("/api/finance/counterparty-balances", headers=net.headers(user))
        assert r.status_code == 403 and r.json["errors"] == {"permission": ["finance.view"]}
    # Managers see the books but do not open accounts; finance staff do.
    assert client.get("/api/finance/account-balances", headers=net.headers("sz01.manager")).status_code == 200
    r = client.post("/api/money-accounts", json={"code": "C2", "name": "二号收银台", "kind": "cash"},
                    headers=net.headers("sz01.manager"))
    assert r.status_code == 403 and r.json["errors"] == {"permission": ["finance.manage_accounts"]}


def test_bad_query_input_names_the_field(client, net, books, app):
    before = row_counts(app)
    for path, params, field in [
        ("/api/finance/counterparty-balances", {"direction": "owed"}, "direction"),
        ("/api/finance/counterparty-balances", {"counterparty_kind": "supplier"}, "counterparty_kind"),
        ("/api/finance/counterparty-balances", {"as_of": "2026-13-01"}, "as_of"),
        ("/api/finance/counterparty-entries", {"date_from": "2026-11-30", "date_to": "2026-11-01"}, "date_from"),
        ("/api/finance/cash-entries", {"account_id": "not-a-uuid"}, "account_id"),
        ("/api/finance/account-balances", {"kind": "gold"}, "kind"),
    ]:
        r = client.get(path, query_string=params, headers=net.headers("admin"))
        assert r.status_code == 422 and field in r.json["errors"], (path, params, r.json)
    assert row_counts(app) == before


# -- money accounts (base-data kind) --------------------------------------------------------------

def test_money_accounts_are_managed_per_organisation(client, net, books, app):
    h = net.headers("sz01.finance")
    r = client.post("/api/money-accounts", json={"code": "bank-ws", "name": "批发收款账户", "kind": "bank",
                                                 "bank_name": "招商银行深圳分行", "account_number": "6214 8307 0000 9999",
                                                 "business_line": "批发"}, headers=h)
    assert r.status_code == 201, r.json
    acc = r.json
    assert (acc["code"], acc["org_id"], acc["currency"], acc["active"]) == ("BANK-WS", str(net.orgs["SZ01"].id), "CNY", True)
    before = row_counts(app)
    for body, field in [
        ({"code": "B2", "name": "x", "kind": "bank", "account_number": "1"}, "bank_name"),
        ({"code": "B2", "name": "x", "kind": "bank", "bank_name": "工行"}, "account_number"),
        ({"code": "B2", "name": "x", "kind": "cash", "currency": "USD"}, "currency"),
        ({"code": "BANK-WS", "name": "dup", "kind": "cash"}, "code"),
    ]:
        r = client.post("/api/money-accounts", json=body, headers=h)
        assert r.status_code == 422 and field in r.json["errors"], (body, r.json)
    r = client.post("/api/money-accounts", json={"code": "X", "name": "x", "kind": "cash", "org_id": str(net.orgs["GZ01"].id)},
                    headers=h)
    assert r.status_code == 403
    assert row_counts(app) == before
    # Scoped like every organisation-owned record.
    listed = client.get("/api/money-accounts?page_size=200", headers=h).json["items"]
    assert {a["org_id"] for a in listed} == {str(net.orgs["SZ01"].id)}
    gz = books.accounts["GZ01/BANK"].id
    assert client.get(f"/api/money-accounts/{gz}", headers=h).status_code == 404
    found = client.get("/api/money-accounts?q=批发", headers=h).json["items"]
    assert [a["code"] for a in found] == ["BANK-WS"]
    # Unused: may be deleted.
    assert client.delete(f"/api/money-accounts/{acc['id']}", headers=h).status_code == 204


def test_a_used_account_is_deactivated_not_deleted_and_only_at_zero(client, net, books, app):
    h = net.headers("sz01.finance")
    cash = books.accounts["SZ01/CASH"]
    run(net, "sz01.finance", post_cash_entries, source(net), [CashLine(cash.id, Decimal("66.00"))])
    r = client.delete(f"/api/money-accounts/{cash.id}", headers=h)
    assert r.status_code == 409 and "id" in r.json["errors"]
    r = client.patch(f"/api/money-accounts/{cash.id}", json={"kind": "bank", "bank_name": "工行", "account_number": "1"},
                     headers=h)
    assert r.status_code == 422 and "kind" in r.json["errors"], r.json
    r = client.patch(f"/api/money-accounts/{cash.id}", json={"active": False}, headers=h)
    assert r.status_code == 422 and "66.00" in r.json["errors"]["active"][0]
    run(net, "sz01.finance", post_cash_entries, source(net), [CashLine(cash.id, Decimal("-66.00"), memo="交存银行")])
    r = client.patch(f"/api/money-accounts/{cash.id}", json={"active": False, "name": "旧收银台"}, headers=h)
    assert r.status_code == 200 and r.json["active"] is False
    # Renaming is fine while used; an inactive account takes no postings.
    from server.errors import InvalidInput

    with pytest.raises(InvalidInput):
        run(net, "sz01.finance", post_cash_entries, source(net), [CashLine(cash.id, Decimal("1.00"))])
    balances = {a["code"]: a for a in get(client, net, "/api/finance/account-balances", user="sz01.finance")["items"]}
    assert balances["CASH"]["active"] is False and balances["CASH"]["balance"] == "0.00"
