"""Several payers per job (issue 19 §7) and technician commissions (§8), through the REST API on
SQLite and PostgreSQL: the payers' split of a repair bill and its ledger rows (each payer's share an
open item, received like any charge), the job's margin; commission rules (base data) with their
precedence, earned at the settlement, taken back by refunds, the monthly statement and its print;
bad input refused naming the field and changing nothing."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import select

from server.basedata.operations import today_in
from server.commissions.models import CommissionEntry
from server.finance.models import CounterpartyEntry

from .conftest import row_counts
from .repair_fixtures import SIG, intake_body, rw, stock_engineer  # noqa: F401
from .stock_fixtures import imei, world  # noqa: F401

MONTH = today_in("Asia/Shanghai").strftime("%Y-%m")


def call(client, net, method, path, body=None, user="sz01.clerk", status=200, **query):
    r = client.open(path, method=method, json=body, query_string=query or None, headers=net.headers(user))
    assert r.status_code == status, (method, path, r.status_code, r.json)
    return r.json


def fire(client, net, oid, event, user, status=200, **body):
    return call(client, net, "POST", f"/api/repair/orders/{oid}/{event.replace('_', '-')}", body, user=user, status=status)


def repaired(client, net, w, n: int, parts=("battery",), deposit: str | None = None) -> str:
    """An out-of-warranty order of the world's engineer, quoted, repaired with ``parts`` and QC-passed."""
    body = intake_body(w, imei=imei(n), purchase_date="2020-01-01")
    if deposit:
        body["deposit"] = {"amount": deposit, "account_id": str(w.ids["SZ01.CASH"])}
    oid = call(client, net, "POST", "/api/repair/orders", body, status=201)["order"]["id"]
    fire(client, net, oid, "accept", "sz01.engineer", engineer_id=str(w.ids["engineer"]))
    lines = [{"kind": "part", "item_id": str(w.ids[p])} for p in parts] + [
        {"kind": "labour", "repair_level_id": str(w.ids["level"])}]
    q = call(client, net, "POST", f"/api/repair/orders/{oid}/quotations", {"lines": lines}, user="sz01.engineer", status=201)
    call(client, net, "POST", f"/api/repair/orders/{oid}/quotations/{q['id']}/decision", {"accepted": True, "signature": SIG},
         user="sz01.engineer")
    fire(client, net, oid, "start_repair", "sz01.engineer")
    for p in parts:
        call(client, net, "POST", f"/api/repair/orders/{oid}/parts", {"item_id": str(w.ids[p])}, user="sz01.engineer", status=201)
    fire(client, net, oid, "finish_repair", "sz01.engineer", repair_level_id=str(w.ids["level"]))
    fire(client, net, oid, "qc_pass", "sz01.qc")
    return oid


def pick_up(client, net, w, oid, status=200):
    return fire(client, net, oid, "pickup", "sz01.clerk", status=status, signature=SIG, account_id=str(w.ids["SZ01.CASH"]))


def insurer(client, net, code="INS1") -> str:
    return call(client, net, "POST", "/api/parties", {"code": code, "name": "平安财险", "roles": ["insurer"]},
                user="admin", status=201)["id"]


def rule(client, net, status=201, user="hq", **body):
    return call(client, net, "POST", "/api/commission-rules", body, user=user, status=status)


# -- several payers per job --------------------------------------------------------------------

def test_a_bill_split_between_customer_insurer_and_goodwill_posts_each_share_as_an_open_item(client, net, rw, app):
    stock_engineer(rw, "battery", 1)
    ins = insurer(client, net)
    oid = repaired(client, net, rw, 21, deposit="50.00")
    bill = call(client, net, "GET", f"/api/repair/orders/{oid}")["bill"]
    assert bill["bill_total"] == "230.00" and bill["customer_share"] == "230.00"  # battery 150 + labour 80
    split = [{"payer": "customer", "amount": "100.00"}, {"payer": "insurer", "party_id": ins, "amount": "100.00"},
             {"payer": "goodwill", "amount": "30.00", "note": "老客户"}]
    planned = call(client, net, "PUT", f"/api/repair/orders/{oid}/payers", {"split": split})
    assert planned["split_planned"] and not planned["settled"]
    assert [(p["payer"], p["bill_share"], p["open"]) for p in planned["payers"]] == [
        ("customer", "100.00", None), ("insurer", "100.00", None), ("goodwill", "30.00", None)]
    bill = call(client, net, "GET", f"/api/repair/orders/{oid}")["bill"]
    assert (bill["customer_share"], bill["deposit_applied"], bill["amount_due"]) == ("100.00", "50.00", "50.00")
    done = pick_up(client, net, rw, oid)
    [settlement] = [p for p in done["payments"] if p["kind"] == "settlement"]
    assert settlement["amount"] == "50.00"
    with rw.open() as s:
        rows = s.execute(select(CounterpartyEntry).where(CounterpartyEntry.document_id == uuid.UUID(settlement["id"]))).scalars().all()
        by = {}
        for e in rows:
            key = (e.counterparty_kind, e.direction, e.party_id)
            by[key] = by.get(key, Decimal(0)) + e.amount
    assert by[("party", "receivable", uuid.UUID(ins))] == Decimal("100.00")
    assert by[("member", "receivable", None)] == 0  # billed 100: 50 from the deposit, 50 paid
    # The insurer's share is an open item of the insurer, received like any charge.
    items = call(client, net, "GET", "/api/finance/open-items", user="sz01.finance", counterparty_kind="party",
                 counterparty_id=ins, direction="receivable", org_id=str(net.orgs["SZ01"].id))
    assert [(i["document_number"], i["open"]) for i in items["items"]] == [(settlement["number"], "100.00")]
    view = call(client, net, "GET", f"/api/repair/orders/{oid}/payers")
    assert view["settled"] and view["settlement_number"] == settlement["number"]
    assert [(p["payer"], p["total"], p["open"]) for p in view["payers"]] == [
        ("customer", "100.00", "0.00"), ("insurer", "100.00", "100.00"), ("goodwill", "30.00", None)]
    assert view["payers"][1]["party_name"] == "平安财险"
    m = view["margin"]
    # Revenue from the payers (goodwill is the point's own), parts at what stock gave them, no rule: no commission.
    assert (m["revenue"], m["goodwill"], m["parts_cost"], m["commission"]) == ("200.00", "30.00", "400.00", "0.00")
    assert m["margin"] == "-200.00" and not m["commission_estimated"]
    # Frozen: the settled bill's split is not changed.
    before = row_counts(app)
    refused = call(client, net, "PUT", f"/api/repair/orders/{oid}/payers", {"split": []}, status=409)
    assert "split" in refused["message"] and row_counts(app) == before


def test_the_manufacturer_pays_a_share_and_its_in_warranty_labour_fee_shows_on_its_row(client, net, rw):
    stock_engineer(rw, "battery", 1)
    oid = repaired(client, net, rw, 22)
    # The manufacturer defaults to the repair level's.
    view = call(client, net, "PUT", f"/api/repair/orders/{oid}/payers", {"split": [
        {"payer": "manufacturer", "amount": "150.00"}, {"payer": "customer", "amount": "80.00"}]})
    assert [(p["payer"], p["party_id"]) for p in view["payers"]] == [("customer", None), ("manufacturer", str(rw.ids["maker"]))]
    pick_up(client, net, rw, oid)
    items = call(client, net, "GET", "/api/finance/open-items", user="sz01.finance", counterparty_kind="party",
                 counterparty_id=str(rw.ids["maker"]), direction="receivable", org_id=str(net.orgs["SZ01"].id))
    assert [i["open"] for i in items["items"]] == ["150.00"]
    # An in-warranty job: no bill; the manufacturer's row carries the labour fee and the parts it is claimed for.
    w_oid = call(client, net, "POST", "/api/repair/orders", intake_body(rw, imei=imei(1)), status=201)["order"]["id"]
    fire(client, net, w_oid, "accept", "sz01.engineer", engineer_id=str(rw.ids["engineer"]))
    fire(client, net, w_oid, "start_repair", "sz01.engineer")
    stock_engineer(rw, "battery", 1)
    call(client, net, "POST", f"/api/repair/orders/{w_oid}/parts", {"item_id": str(rw.ids["battery"])}, user="sz01.engineer", status=201)
    fire(client, net, w_oid, "finish_repair", "sz01.engineer", repair_level_id=str(rw.ids["level"]))
    fire(client, net, w_oid, "qc_pass", "sz01.qc")
    refused = call(client, net, "PUT", f"/api/repair/orders/{w_oid}/payers", {"split": [{"payer": "customer", "amount": "0.00"}]},
                   status=422)
    assert "split" in refused["errors"]
    fire(client, net, w_oid, "pickup", "sz01.clerk", signature=SIG)
    view = call(client, net, "GET", f"/api/repair/orders/{w_oid}/payers")
    [maker] = view["payers"]
    assert (maker["payer"], maker["bill_share"], maker["labour_fee"], maker["parts_claimed"], maker["total"], maker["open"]) == (
        "manufacturer", "0.00", "50.00", "100.00", "150.00", "50.00")  # the parts are booked by the claim, later
    assert view["margin"]["revenue"] == "150.00"


def test_bad_splits_are_refused_naming_the_field_and_change_nothing(client, net, rw, app):
    stock_engineer(rw, "battery", 1)
    ins = insurer(client, net)
    oid = repaired(client, net, rw, 23)
    dealer = str(rw.ids["dealer"])
    cases = [
        ([{"payer": "customer", "amount": "100.00"}, {"payer": "goodwill", "amount": "100.00"}], "split"),  # 200 ≠ 230
        ([{"payer": "customer", "amount": "-10.00"}, {"payer": "goodwill", "amount": "240.00"}], "split.0.amount"),
        ([{"payer": "cousin", "amount": "230.00"}], "split.0.payer"),
        ([{"payer": "customer", "amount": "200.00"}, {"payer": "insurer", "amount": "30.00"}], "split.1.party_id"),
        ([{"payer": "customer", "amount": "200.00"}, {"payer": "insurer", "party_id": dealer, "amount": "30.00"}], "split.1.party_id"),
        ([{"payer": "customer", "amount": "200.00"}, {"payer": "customer", "amount": "30.00"}], "split.1.payer"),
        ([{"payer": "customer", "amount": "229.999"}], "split.0.amount"),
        ([{"payer": "goodwill", "party_id": ins, "amount": "230.00"}], "split.0.party_id"),
    ]
    before = row_counts(app)
    for split, field in cases:
        r = call(client, net, "PUT", f"/api/repair/orders/{oid}/payers", {"split": split}, status=422)
        assert field in r["errors"], (split, r)
    assert row_counts(app) == before
    # Only the counter that settles plans the split.
    call(client, net, "PUT", f"/api/repair/orders/{oid}/payers", {"split": []}, user="sz01.engineer", status=403)
    # A split that no longer adds up when the bill changed stops the pickup, naming it.
    call(client, net, "PUT", f"/api/repair/orders/{oid}/payers", {"split": [
        {"payer": "customer", "amount": "200.00"}, {"payer": "insurer", "party_id": ins, "amount": "30.00"}]})
    with rw.open() as s:
        from server.basedata.models import RepairLevel

        s.get(RepairLevel, rw.ids["level"]).labour_charge = Decimal("90")
        s.commit()
    before = row_counts(app)
    r = pick_up(client, net, rw, oid, status=422)
    assert "split" in r["errors"] and row_counts(app) == before
    call(client, net, "PUT", f"/api/repair/orders/{oid}/payers", {"split": []})
    assert call(client, net, "GET", f"/api/repair/orders/{oid}")["bill"]["customer_share"] == "240.00"
    pick_up(client, net, rw, oid)


# -- commissions ------------------------------------------------------------------------------

def test_rules_are_base_data_a_manager_edits_and_bad_rules_are_refused(client, net, rw, app):
    level = str(rw.ids["level"])
    r = rule(client, net, code="G1", name="一级工程师", scope="grade", grade=1, rate_percent="5.00")
    assert (r["scope"], r["grade"], r["rate_percent"], r["item_id"]) == ("grade", 1, "5.00", None)
    # The scope keeps only its own target.
    r2 = rule(client, net, code="C1", name="配件", scope="category", item_kind="part", grade=3, rate_percent="8.00",
              repair_level_id=level)
    assert (r2["item_kind"], r2["grade"], r2["repair_level_id"]) == ("part", None, level)
    before = row_counts(app)
    for body, field in (({"scope": "grade", "grade": 1, "rate_percent": "-1.00"}, "rate_percent"),
                        ({"scope": "grade", "grade": 1, "rate_percent": "101.00"}, "rate_percent"),
                        ({"scope": "grade", "grade": 1, "fixed_amount": "-5.00"}, "fixed_amount"),
                        ({"scope": "item"}, "item_id"), ({"scope": "category"}, "item_kind"),
                        ({"scope": "grade"}, "grade"), ({"scope": "everyone", "grade": 1}, "scope")):
        bad = rule(client, net, status=422, code="BAD", name="坏规则", **body)
        assert field in bad["errors"], (body, bad)
    assert row_counts(app) == before
    # A point's manager and finance read the rules; only headquarters' managers change them.
    assert [x["code"] for x in call(client, net, "GET", "/api/commission-rules", user="sz01.manager")["items"]] == ["C1", "G1"]
    rule(client, net, status=403, user="sz01.manager", code="X", name="x", scope="grade", grade=2)
    call(client, net, "PATCH", f"/api/commission-rules/{r['id']}", {"rate_percent": "6.00"}, user="hq")


def test_precedence_item_over_category_over_engineer_and_the_level_first(client, net, rw):
    level = str(rw.ids["level"])
    rule(client, net, code="G-ANY", name="一级", scope="grade", grade=1, rate_percent="5.00")
    rule(client, net, code="G-L2", name="一级 换件", scope="grade", grade=1, repair_level_id=level, fixed_amount="15.00")
    rule(client, net, code="G-2", name="二级", scope="grade", grade=2, rate_percent="50.00")
    rule(client, net, code="C-PART", name="配件", scope="category", item_kind="part", rate_percent="10.00")
    rule(client, net, code="I-BAT", name="电池", scope="item", item_id=str(rw.ids["battery"]), rate_percent="20.00", fixed_amount="1.00")
    rule(client, net, code="I-OFF", name="停用", scope="item", item_id=str(rw.ids["screen"]), rate_percent="90.00", active=False)
    stock_engineer(rw, "battery", 1)
    stock_engineer(rw, "screen", 1)
    a = repaired(client, net, rw, 31, parts=("battery",))
    b = repaired(client, net, rw, 32, parts=("screen",))
    # Before the settlement the margin counts the commission the rules would give.
    est = call(client, net, "GET", f"/api/repair/orders/{a}/payers")["margin"]
    assert est["commission_estimated"] and est["commission"] == "46.00"
    pick_up(client, net, rw, a)
    pick_up(client, net, rw, b)
    st = call(client, net, "GET", "/api/commissions/statement", user="sz01.manager", engineer_id=str(rw.ids["engineer"]), month=MONTH)
    got = [(ln["order_number"][:2], ln["line_kind"], ln["rule_code"], ln["scope"], ln["base"], ln["amount"]) for ln in st["lines"]]
    assert got == [
        ("WX", "part", "I-BAT", "item", "150.00", "31.00"),       # the item's rule: 20 % of 150 + 1
        ("WX", "labour", "G-L2", "grade", "80.00", "15.00"),      # the grade's rule for this level beats any level
        ("WX", "part", "C-PART", "category", "600.00", "60.00"),  # no active item rule: the category's
        ("WX", "labour", "G-L2", "grade", "80.00", "15.00")]
    assert (st["earned"], st["reversed"], st["total"], st["jobs"], st["engineer_name"]) == ("121.00", "0.00", "121.00", 2, "张磊")
    assert call(client, net, "GET", f"/api/repair/orders/{a}/payers")["margin"]["commission"] == "46.00"


def test_earned_when_completed_and_paid_and_taken_back_by_refunds(client, net, rw, app):
    rule(client, net, code="G1", name="一级", scope="grade", grade=1, rate_percent="10.00")
    stock_engineer(rw, "battery", 1)
    oid = repaired(client, net, rw, 41)
    # Not settled: nothing earned.
    with rw.open() as s:
        assert s.execute(select(CommissionEntry)).first() is None
    pick_up(client, net, rw, oid)  # 230 paid; 10 % of the battery's 150 and the labour's 80
    eng = str(rw.ids["engineer"])

    def statement():
        return call(client, net, "GET", "/api/commissions/statement", user="sz01.finance", engineer_id=eng, month=MONTH)

    assert (statement()["earned"], statement()["total"]) == ("23.00", "23.00")

    def refund(amount):
        r = call(client, net, "POST", f"/api/repair/orders/{oid}/refunds",
                 {"amount": amount, "account_id": str(rw.ids["SZ01.CASH"]), "reason": "返修不满意"}, status=201)
        return call(client, net, "POST", f"/api/repair/refunds/{r['id']}/approve", user="sz01.finance")

    # A draft refund slip takes nothing back; an approved one, in proportion to the money given back.
    call(client, net, "POST", f"/api/repair/orders/{oid}/refunds",
         {"amount": "230.00", "account_id": str(rw.ids["SZ01.CASH"]), "reason": "未审批"}, status=201)
    assert statement()["total"] == "23.00"
    first = refund("115.00")
    st = statement()
    assert (st["earned"], st["reversed"], st["total"]) == ("23.00", "-11.50", "11.50")
    assert st["lines"][-1]["line_kind"] == "refund" and st["lines"][-1]["source_number"] == first["number"]
    refund("115.00")  # all paid is given back: all that is left goes back
    st = statement()
    assert (st["reversed"], st["total"]) == ("-23.00", "0.00")
    summary = call(client, net, "GET", "/api/commissions/summary", user="sz01.manager", month=MONTH)
    assert [(r["engineer_code"], r["earned"], r["reversed"], r["total"]) for r in summary["rows"]] == [("E1", "23.00", "-23.00", "0.00")]
    # Another month is empty; a bad month is refused naming it.
    other = (dt.date.fromisoformat(MONTH + "-01") - dt.timedelta(days=1)).strftime("%Y-%m")
    assert call(client, net, "GET", "/api/commissions/statement", user="sz01.finance", engineer_id=eng, month=other)["lines"] == []
    bad = call(client, net, "GET", "/api/commissions/statement", user="sz01.finance", engineer_id=eng, month="2026-13", status=422)
    assert "month" in bad["errors"]


def test_the_statement_prints_on_a4_and_is_scoped(client, net, rw):
    rule(client, net, code="G1", name="一级", scope="grade", grade=1, fixed_amount="20.00")
    stock_engineer(rw, "battery", 1)
    oid = repaired(client, net, rw, 51)
    pick_up(client, net, rw, oid)
    eng = str(rw.ids["engineer"])
    q = {"engineer_id": eng, "month": MONTH}
    pdf = client.get("/api/commissions/statement/print", query_string=q, headers=net.headers("sz01.manager"))
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data[:4] == b"%PDF"
    html = client.get("/api/commissions/statement/print", query_string={**q, "format": "html"}, headers=net.headers("sz01.manager"))
    text = html.get_data(as_text=True)
    assert html.status_code == 200 and "工程师提成结算单" in text and "张磊" in text and "¥40.00" in text
    en = client.get("/api/commissions/statement/print", query_string={**q, "format": "html", "lang": "en"},
                    headers=net.headers("sz01.manager")).get_data(as_text=True)
    assert "Engineer commission statement" in en
    # Another point's manager does not see this engineer; a clerk has no commissions at all.
    call(client, net, "GET", "/api/commissions/statement", user="gz01.manager", status=404, **q)
    call(client, net, "GET", "/api/commissions/statement", user="sz01.clerk", status=403, **q)
    assert call(client, net, "GET", "/api/commissions/summary", user="gz01.manager", month=MONTH)["rows"] == []
