"""Errors in the reader's language, on SQLite and PostgreSQL: the REST answer follows Accept-Language
(message and each field's messages, marshmallow's and the operations' own), English without it;
a sync refusal reason carries both languages from the same catalogue."""

from __future__ import annotations

from server.errors import InvalidInput, TransitionRefused
from sync import reasons

from .repair_fixtures import SIG, intake_body, rw  # noqa: F401
from .stock_fixtures import world  # noqa: F401

ZH = {"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"}


def test_rest_errors_follow_accept_language(client, net, rw):
    headers = net.headers("sz01.clerk")
    body = intake_body(rw, colour="x" * 500)
    en = client.post("/api/repair/orders", json=body, headers=headers)
    zh = client.post("/api/repair/orders", json=body, headers={**headers, **ZH})
    assert en.status_code == zh.status_code == 422
    assert en.json["errors"]["colour"][0].startswith("Longer than maximum length")
    assert zh.json["errors"]["colour"][0].startswith("最多") and zh.json["message"].startswith("输入有误")
    # a domain error (404) and a refusal of the machine (409): the sentence translated, the code kept
    missing = client.get("/api/repair/orders/01900000-0000-7000-8000-000000000000", headers={**headers, **ZH})
    assert missing.status_code == 404 and missing.json["message"] == "没有这张维修工单"
    order = client.post("/api/repair/orders", json=intake_body(rw), headers=headers).json["order"]
    refused = client.post(f"/api/repair/orders/{order['id']}/pickup", json={"signature": SIG}, headers={**headers, **ZH})
    assert refused.status_code == 409 and refused.json["code"] == "transition_refused", refused.json
    assert refused.json["message"] == "取机结算：工单待受理时不允许", refused.json
    assert refused.json["errors"] == {"state": ["pending_acceptance: pickup not allowed"]}


def test_a_sync_refusal_reason_has_both_languages_from_the_catalogue():
    [r] = reasons.from_error(InvalidInput("amount", "more than the deposit held (50.00)"))
    assert r["field"] == "amount" and r["detail"] == {"en": "more than the deposit held (50.00)", "zh-CN": "超过已收押金（50.00）"}
    assert r["en"].endswith("amount: more than the deposit held (50.00)") and r["zh-CN"].endswith("超过已收押金（50.00）")
    [m] = reasons.from_error(TransitionRefused("the device is at another service point", {"state": ["device_here"]}))
    assert m["field"] == "state" and m["zh-CN"] == "单据当前状态不允许此操作：机器在其他网点"
