"""The repair desk on screens (issue 16, Build §4): loaner slips, refund slips and distributor
batches through the REST routes the PWA calls — lend by scanning the unit, the slip's own answer
with its actions, return; a refund requested, the approver's queue, approved or refused with a
reason (and a refused slip never pays); a batch's flat answer — and their workspace entries in
GET /api/meta/documents, read from those routes. Both databases."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from server.basedata.operations import today_in
from server.meta.family_repairdesk import LABELS
from server.printing.forms import FORMS

from .conftest import row_counts
from .repair_fixtures import SIG, money, rw  # noqa: F401
from .stock_fixtures import imei, receipt, world  # noqa: F401
from .test_repair import fire, take_in
from .test_repair_logistics import _loaner_stock, post


def _get(client, net, path, username="sz01.clerk", expect=200):
    r = client.get(f"/api/repair{path}", headers=net.headers(username))
    assert r.status_code == expect, (path, r.status_code, r.json)
    return r.json


def _meta(client, net, username):
    r = client.get("/api/meta/documents", headers=net.headers(username))
    assert r.status_code == 200, r.json
    return {e["key"]: e for e in r.json["documents"]}


# -- loaners ---------------------------------------------------------------------------------------

def test_a_loaner_is_lent_by_scanning_the_unit_and_returned_from_its_slip(client, net, rw, app):
    _loaner_stock(net, rw)
    order = take_in(client, net, rw)["order"]
    due = (today_in("Asia/Shanghai") + dt.timedelta(days=5)).isoformat()
    before = row_counts(app)
    # Scanned at the desk: no item given, the serial must be a unit in the loaner warehouse.
    bad = post(client, net, f"/orders/{order['id']}/loaners", "sz01.clerk", 422, serial=imei(59), due_date=due)
    assert list(bad["errors"]) == ["serial"]
    assert row_counts(app) == before
    lent = post(client, net, f"/orders/{order['id']}/loaners", "sz01.clerk", 201, serial=imei(50), due_date=due,
                deposit="300.00", account_id=str(rw.ids["SZ01.CASH"]))
    assert lent["item_id"] == str(rw.ids["device"]) and lent["order_number"] == order["number"]
    assert lent["actions"] == ["return"] and lent["number"].startswith("BJ-")
    slip = _get(client, net, f"/loaners/{lent['id']}")
    assert slip["order_number"] == order["number"] and slip["actions"] == ["return"]
    listed = _get(client, net, f"/loaners?q={imei(50)}")
    assert [i["number"] for i in listed["items"]] == [lent["number"]] and listed["items"][0]["order_number"] == order["number"]
    assert _get(client, net, f"/loaners?q={order['number']}")["total"] == 1
    assert _get(client, net, "/loaners?q=BJ-NONE")["total"] == 0
    # Another point does not see it.
    _get(client, net, f"/loaners/{lent['id']}", "gz01.clerk", 404)
    back = post(client, net, f"/loaners/{lent['id']}/return", "sz01.clerk", condition="good")
    assert back["actions"] == [] and back["return_condition"] == "good" and back["returned_at"]
    assert money(rw, "repair_loaner_return")["cash"] == Decimal("-300.00")


# -- refunds ---------------------------------------------------------------------------------------

def _order_with_deposit(client, net, rw, amount="200.00"):
    order = take_in(client, net, rw)["order"]
    post(client, net, f"/orders/{order['id']}/deposits", "sz01.clerk", 201, amount=amount, account_id=str(rw.ids["SZ01.CASH"]))
    return order


def test_a_refund_is_requested_waits_for_the_approver_and_is_approved(client, net, rw):
    order = _order_with_deposit(client, net, rw)
    slip = post(client, net, f"/orders/{order['id']}/refunds", "sz01.clerk", 201, amount="150.00",
                account_id=str(rw.ids["SZ01.CASH"]), reason="客户取消维修")
    read = _get(client, net, f"/refunds/{slip['id']}")
    assert read["approval"] == "pending" and read["actions"] == ["approve", "refuse"]
    assert read["order_number"] == order["number"] and read["status"] == "draft" and read["number"] is None
    queue = _get(client, net, "/refunds?approval=pending", "sz01.manager")
    assert [i["id"] for i in queue["items"]] == [slip["id"]]
    assert _get(client, net, "/refunds?approval=approved", "sz01.manager")["total"] == 0
    assert _get(client, net, f"/refunds?q={order['number']}")["total"] == 1
    # The clerk asks; only someone with repair.approve_refund approves.
    post(client, net, f"/refunds/{slip['id']}/approve", "sz01.clerk", 403)
    done = post(client, net, f"/refunds/{slip['id']}/approve", "sz01.manager")
    assert done["approval"] == "approved" and done["number"].startswith("TK-") and done["actions"] == []
    assert money(rw, "repair_refund")["cash"] == Decimal("-150.00")
    assert _get(client, net, "/refunds?approval=pending", "sz01.manager")["total"] == 0
    # Approved: it cannot be refused any more.
    assert post(client, net, f"/refunds/{slip['id']}/refuse", "sz01.manager", 409, reason="晚了")["errors"] == {
        "status": ["approved"]}


def test_a_refused_refund_says_why_and_never_pays(client, net, rw, app):
    order = _order_with_deposit(client, net, rw)
    slip = post(client, net, f"/orders/{order['id']}/refunds", "sz01.clerk", 201, amount="50.00",
                account_id=str(rw.ids["SZ01.CASH"]), reason="多收")
    before = row_counts(app)
    assert "reason" in post(client, net, f"/refunds/{slip['id']}/refuse", "sz01.manager", 422, reason="   ")["errors"]
    assert "reason" in post(client, net, f"/refunds/{slip['id']}/refuse", "sz01.manager", 422)["errors"]
    post(client, net, f"/refunds/{slip['id']}/refuse", "sz01.clerk", 403, reason="不行")
    assert row_counts(app) == before
    refused = post(client, net, f"/refunds/{slip['id']}/refuse", "sz01.manager", reason="押金已抵扣维修费")
    assert refused["approval"] == "refused" and refused["refusal_reason"] == "押金已抵扣维修费" and refused["refused_at"]
    assert refused["actions"] == [] and refused["status"] == "draft"
    assert _get(client, net, "/refunds?approval=refused")["total"] == 1
    before = row_counts(app)
    assert post(client, net, f"/refunds/{slip['id']}/approve", "sz01.manager", 409)["errors"] == {"refused_at": ["refused"]}
    assert post(client, net, f"/refunds/{slip['id']}/refuse", "sz01.manager", 409, reason="again")
    assert row_counts(app) == before
    assert "repair_refund" not in {k for k in money(rw, "repair_refund") if k != "cash"} and \
        money(rw, "repair_refund")["cash"] == Decimal("0")
    audit = client.get(f"/api/audit-log?entity_type=repair_payment&entity_id={slip['id']}",
                       headers=net.headers("admin")).json["items"]
    assert any(a["action"] == "repair_refund.refuse" and a["after"]["reason"] == "押金已抵扣维修费" for a in audit)
    _get(client, net, f"/refunds/{slip['id']}", "gz01.clerk", 404)


# -- batches ---------------------------------------------------------------------------------------

def test_a_batch_answers_flat_with_its_lines_and_actions(client, net, rw):
    made = post(client, net, "/batches", "sz01.clerk", 201, party_id=str(rw.ids["dealer"]), contact_phone="13912345678")
    bid = made["id"]
    assert made["status"] == "draft" and made["actions"] == ["add_device"] and made["batch"]["id"] == bid
    added = post(client, net, f"/batches/{bid}/devices", "sz01.clerk", 201, imei=imei(21), symptom_ids=[str(rw.ids["nopower"])])
    assert added["actions"] == ["add_device", "close"] and [line["imei"] for line in added["lines"]] == [imei(21)]
    assert added["lines"] == added["orders"] and added["device_count"] == 1
    closed = post(client, net, f"/batches/{bid}/close", "sz01.clerk")
    assert closed["number"].startswith("PL-") and closed["actions"] == ["pickup"]
    assert _get(client, net, "/batches?status=draft")["total"] == 0
    assert [b["id"] for b in _get(client, net, f"/batches?q={closed['number']}")["items"]] == [bid]
    assert _get(client, net, f"/batches?party_id={rw.ids['dealer']}&open=true")["total"] == 1
    assert _get(client, net, "/batches?q=13912345678")["total"] == 1
    assert "signature" not in _get(client, net, f"/batches/{bid}")


# -- the workspace entries -------------------------------------------------------------------------

def test_the_desk_documents_are_described_from_their_routes(client, net, rw):
    clerk = _meta(client, net, "sz01.clerk")
    for key, path, read, form in (("repair_loaner", "/api/repair/loaners", "/api/repair/loaners/{id}", "loaner-slip"),
                                  ("repair_refund", "/api/repair/refunds", "/api/repair/refunds/{id}", "refund-receipt"),
                                  ("repair_batch", "/api/repair/batches", "/api/repair/batches/{id}", "batch-acceptance")):
        e = clerk[key]
        assert e["family"] == "repair" and e["path"] == path and e["read"] == read
        assert e["list"]["search"] == "q"
        assert [p["name"] for p in e["prints"]] == [form] and FORMS[form].document_type == key
        for f in e["fields"] + e["list"]["columns"] + e["list"]["filters"] + (e["lines"] or {"fields": []})["fields"]:
            assert f["label"]["zh-CN"] and f["label"]["en"], (key, f["name"])
        for a in e["actions"]:
            assert a["label"]["zh-CN"] and a["label"]["en"]
            for f in a.get("input", []):
                assert f["label"]["zh-CN"] and f["label"]["en"], (key, a["name"], f["name"])
    # The clerk returns loaners and closes batches, but only an approver acts on refunds.
    assert [a["name"] for a in clerk["repair_loaner"]["actions"]] == ["return"]
    ret = {f["name"]: f for f in clerk["repair_loaner"]["actions"][0]["input"]}
    assert ret["condition"]["required"] and [c["value"] for c in ret["condition"]["choices"]] == ["good", "damaged"]
    # The clerk may not search the money-account register: the lookup is the counter's own accounts
    # (a whole list), as at intake; left empty, the deposit goes back to the account it came into.
    assert ret["warehouse_id"]["lookup"]["kind"] == "warehouses" and not ret["account_id"]["required"]
    assert ret["account_id"]["lookup"] == {"kind": "money-accounts", "path": "/api/repair/counter-accounts",
                                           "search": None, "display": ["name", "code"], "whole": True}
    manager = _meta(client, net, "sz01.manager")
    assert {f["name"] for f in manager["repair_loaner"]["actions"][0]["input"]} == {
        "condition", "warehouse_id", "damage_charge", "account_id", "note"}
    assert [a["name"] for a in clerk["repair_batch"]["actions"]] == ["close"]
    assert clerk["repair_refund"]["actions"] == []
    acts = {a["name"]: a for a in manager["repair_refund"]["actions"]}
    assert list(acts) == ["approve", "refuse"] and acts["approve"]["path"] == "/api/repair/refunds/{id}/approve"
    assert [f["name"] for f in acts["refuse"]["input"]] == ["reason"] and acts["refuse"]["input"][0]["required"]
    approval = next(f for f in manager["repair_refund"]["list"]["filters"] if f["name"] == "approval")
    assert [c["value"] for c in approval["choices"]] == ["pending", "approved", "refused"]
    # Ledgers follow the reader's permissions: the manager sees money entries, the clerk does not.
    assert {l["key"] for l in manager["repair_loaner"]["ledgers"]} == {"stock_moves", "counterparty_entries", "cash_entries"}
    assert {l["key"] for l in clerk["repair_loaner"]["ledgers"]} == {"stock_moves"}
    # Every label the desk names is in both languages.
    assert all(v["zh-CN"] and v["en"] for v in LABELS.values())


def test_the_workspace_reads_what_the_routes_answer(client, net, rw):
    """Each entry's detail fields and list columns are keys of the read and list answers."""
    _loaner_stock(net, rw)
    order = _order_with_deposit(client, net, rw)
    post(client, net, f"/orders/{order['id']}/loaners", "sz01.clerk", 201, serial=imei(50),
         due_date=(today_in("Asia/Shanghai") + dt.timedelta(days=3)).isoformat())
    post(client, net, f"/orders/{order['id']}/refunds", "sz01.clerk", 201, amount="10.00",
         account_id=str(rw.ids["SZ01.CASH"]), reason="x")
    b = post(client, net, "/batches", "sz01.clerk", 201, party_id=str(rw.ids["dealer"]), contact_phone="13912345678")
    post(client, net, f"/batches/{b['id']}/devices", "sz01.clerk", 201, imei=imei(31), symptom_ids=[str(rw.ids["nopower"])])
    docs = _meta(client, net, "sz01.manager")
    for key in ("repair_loaner", "repair_refund", "repair_batch"):
        e = docs[key]
        page = client.get(e["path"], headers=net.headers("sz01.manager")).json
        assert page["total"] >= 1, key
        row = page["items"][0]
        assert {c["name"] for c in e["list"]["columns"]} <= set(row), (key, set(row))
        doc = client.get(e["read"].replace("{id}", row["id"]), headers=net.headers("sz01.manager")).json
        assert {f["name"] for f in e["fields"]} <= set(doc) and "actions" in doc, key
        if e["lines"]:
            assert {f["name"] for f in e["lines"]["fields"]} <= set(doc["lines"][0]), key
        for ledger in e["ledgers"]:
            r = client.get(ledger["path"], query_string={ledger["param"]: row["id"]}, headers=net.headers("sz01.manager"))
            assert r.status_code == 200, (key, ledger["key"], r.json)
