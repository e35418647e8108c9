"""The source document of a money entry, said for people (server/finance/sources.py): every document
type that posts money has its zh-CN/en name, and a trade or claims document opens on its workspace page."""

from __future__ import annotations

import uuid

from server.basedata.operations import today_in
from server.finance import sources

from .stock_fixtures import world  # noqa: F401

D = today_in("Asia/Shanghai").isoformat()

# Every document type that posts a money entry, with the workspace page it opens on (None: named only).
POSTING = {
    "purchase_receipt": "purchase_receipt", "purchase_return": "purchase_return",
    "sales_delivery": "sales_delivery", "sales_return": "sales_return",
    "transfer_order": "transfer_order", "transfer_receipt": "transfer_receipt",
    "labour_claim": "labour_claim", "labour_claim_answer": "labour_claim",
    "retail_sale": None, "retail_return": None, "retail_cashup": None,
}


def test_every_trade_and_claims_type_is_named_and_opens_a_workspace_page(client, net):
    r = client.get("/api/meta/documents", headers=net.headers("hq"))
    assert r.status_code == 200
    workspace = {e["key"] for e in r.json["documents"]}
    doc_id = uuid.uuid4()
    keys = [(t, doc_id, None) for t in POSTING]
    with net.session() as s:
        links = sources.links_of(s, keys)
    for t, page in POSTING.items():
        label = sources.label_of(t)
        assert set(label) == {"zh-CN", "en"} and t not in label.values(), t
        assert label["zh-CN"] != label["en"], t
        link = links[(t, doc_id, None)]
        if page is None:
            assert link is None, t
        else:
            assert link == {"kind": "workspace", "type": page, "id": doc_id}, t
            assert page in workspace, f"{t}: no workspace page {page}"


def test_a_purchase_receipt_payable_names_and_links_its_receipt(client, world):
    h = world.net.headers("sz01.manager")
    body = {"party_id": str(world.ids["supplier"]), "warehouse_id": str(world.ids["SZ01.GOOD"]), "doc_date": D,
            "lines": [{"item_id": str(world.ids["screen"]), "quantity": "2", "unit_price": "100.00"}]}
    order = client.post("/api/purchase/orders", json=body, headers=h).get_json()
    assert client.post(f"/api/purchase/orders/{order['id']}/approve", json={}, headers=h).status_code == 200
    rec = client.post("/api/purchase/receipts", json={"order_id": order["id"], "doc_date": D, "lines": [
        {"item_id": str(world.ids["screen"]), "quantity": "2"}]}, headers=h).get_json()
    assert client.post(f"/api/purchase/receipts/{rec['id']}/post", headers=h).status_code == 200
    r = client.get("/api/finance/counterparty-entries", query_string={"document_id": rec["id"]},
                   headers=world.net.headers("sz01.finance"))
    assert r.status_code == 200, r.json
    [entry] = r.json["items"]
    assert entry["document_type"] == "purchase_receipt" and entry["amount"] == "200.00"
    assert entry["document_label"] == {"zh-CN": "采购入库单", "en": "Purchase receipt"}
    assert entry["link"] == {"kind": "workspace", "type": "purchase_receipt", "id": rec["id"]}
