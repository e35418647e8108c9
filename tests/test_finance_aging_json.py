"""Aging's answer is written straight to JSON (a row per party of a network): it must be exactly what
its documented schema (AgingOut) dumps, names included, and scoped as every read (SQLite and
PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from server.basedata.operations import today_in
from server.finance.settlement_schemas import AgingOut
from server.finance.statement import aging, aging_json
from server.http import system_session

from .finance_factories import D, books  # noqa: F401 - fixture
from .test_finance_api import get
from .test_finance_settlement import _invoice, receipt


def test_the_written_json_is_what_the_schema_dumps(app, client, net, books):
    for n, (party, age) in enumerate((("D-XJ", 0), ("D-XJ", 45), ("D-XJ", 120))):
        _invoice(net, books, f"{n + 1}0.05", D - dt.timedelta(days=age), f"AJ-{n}", party=party)
    _invoice(net, books, "7.10", D - dt.timedelta(days=3), "AJ-P", direction="payable")
    receipt(client, net, books, "0.40", on=D, auto=False)
    answer = get(client, net, "/api/finance/aging", user="sz01.finance")
    s = system_session(app, "test")
    try:
        result = aging(s, None, today=today_in("Asia/Shanghai"))
        assert json.loads(aging_json(result)) == json.loads(json.dumps(AgingOut().dump(result)))
    finally:
        s.close()
    # The API's answer: names filled, amounts as strings of two places, totals per direction.
    rows = {(r["direction"], r["counterparty_code"]): r for r in answer["items"]}
    receivable = rows[("receivable", "D-XJ")]
    assert receivable["counterparty_name"] and receivable["balance"] == "59.75" and receivable["on_account"] == "-0.40"
    assert rows[("payable", "D-XJ")]["balance"] == "7.10"
    totals = {t["direction"]: t for t in answer["totals"]}
    assert sum(Decimal(r["balance"]) for r in answer["items"] if r["direction"] == "receivable") == \
        Decimal(totals["receivable"]["balance"])


def test_a_point_sees_only_its_own_rows(client, net, books):
    _invoice(net, books, "5.00", D, "AJ-SZ02", org="SZ02")
    _invoice(net, books, "3.00", D, "AJ-SZ01")
    mine = get(client, net, "/api/finance/aging", user="sz01.finance")
    assert {r["org_id"] for r in mine["items"]} == {str(net.orgs["SZ01"].id)}
