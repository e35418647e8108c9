"""The workspace's metadata (GET /api/meta/documents) against the registries and routes it is read
from, per user; and the document API pieces the workspace uses (sort, totals, named moves, the
reversal link both ways). Both databases."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest

from server.basedata.kinds import KINDS
from server.printing import forms as print_forms
from server.stock.documents import DOC_TYPES
from server.stock.schemas import DocumentIn, DocumentListArgs, DocumentOut, StockLineIn, StockLineOut

from .stock_fixtures import world  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent


def meta(client, net, username: str) -> dict:
    r = client.get("/api/meta/documents", headers=net.headers(username))
    assert r.status_code == 200, r.json
    return r.json


def by_key(entries: list[dict]) -> dict[str, dict]:
    return {e["key"]: e for e in entries}


def actions(entry: dict) -> dict[str, dict]:
    return {a["name"]: a for a in entry["actions"]}


def test_needs_a_login(client, net):
    assert client.get("/api/meta/documents").status_code == 401


def test_every_document_type_and_kind_is_exported_from_its_registry(client, net):
    m = meta(client, net, "admin")
    # Other families' describers (server/meta/family_*.py) add their entries after these.
    docs = by_key(e for e in m["documents"] if e["key"] in DOC_TYPES)
    assert list(docs) == list(DOC_TYPES)
    header_fields, line_fields = set(DocumentIn().fields), set(StockLineIn().fields)
    list_args, out_fields = set(DocumentListArgs().fields), set(DocumentOut().fields)
    for name, t in DOC_TYPES.items():
        e = docs[name]
        assert e["label"] == t.label and e["number_prefix"] == t.prefix
        assert e["path"] == f"/api/stock/{name.replace('_', '-')}s"
        assert [k["value"] for k in e["kinds"]] == [k for k in t.kinds if k]
        assert all(k["label"]["zh-CN"] and k["label"]["en"] for k in e["kinds"])
        # Every field is one the API takes or answers, and has both labels.
        assert {f["name"] for f in e["fields"]} <= header_fields, name
        # Entered line fields are what the API takes; a filled one (a stocktake's book quantity) what it answers.
        assert {f["name"] for f in e["lines"]["fields"] if not f.get("filled")} <= line_fields, name
        assert {f["name"] for f in e["lines"]["fields"] if f.get("filled")} <= set(StockLineOut().fields), name
        assert {f["name"] for f in e["list"]["filters"]} <= list_args, name
        assert {c["name"] for c in e["list"]["columns"]} <= out_fields, name
        for f in e["fields"] + e["lines"]["fields"] + e["list"]["columns"] + e["list"]["filters"]:
            assert f["label"]["zh-CN"] and f["label"]["en"], (name, f["name"])
        # The header is the type's declaration (beyond kind, date, organisation, reference, note).
        declared = [(u.name, list(u.kinds), u.required) for u in t.header]
        assert [(f["name"], f["kinds"], f["required"]) for f in e["fields"]
                if f["name"] not in ("kind", "doc_date", "org_id", "reference", "note")] == declared
        assert [f["name"] for f in e["lines"]["fields"]] == [u.name for u in t.lines]
    receipt = docs["goods_receipt"]
    fields = {(f["name"], tuple(f.get("kinds", []))): f for f in receipt["fields"]}
    assert fields[("warehouse_id", ())]["lookup"]["path"] == "/api/warehouses"
    assert fields[("party_id", ("purchase",))]["lookup"] == {
        "kind": "parties", "path": "/api/parties", "search": "q", "display": ["name", "code"], "only": {"roles": ["supplier"]}}
    assert fields[("doc_date", ())]["type"] == "date"
    requisition = {f["name"]: f for f in docs["engineer_requisition"]["fields"]}
    assert requisition["warehouse_id"]["lookup"]["only"] == {"kind": ["good"]}
    assert requisition["engineer_id"]["lookup"]["kind"] == "engineers"
    lines = {f["name"]: f for f in receipt["lines"]["fields"]}
    assert lines["item_id"]["lookup"]["kind"] == "items" and lines["item_id"]["type"] == "ref"
    assert lines["quantity"]["type"] == "decimal" and lines["quantity"]["places"] == 3
    # A stocktake sheet takes counted quantities; the difference is posting's to write.
    stocktake = {f["name"]: f for f in docs["stock_adjustment"]["lines"]["fields"] if "stocktake" in f["kinds"] or not f["kinds"]}
    assert not stocktake["counted_quantity"]["filled"] and stocktake["counted_quantity"]["required"]
    assert stocktake["quantity"]["filled"] and stocktake["quantity"]["label"]["zh-CN"] == "盘盈(+)/盘亏(−)"
    assert {s["value"] for s in m["statuses"]} == {"draft", "posted", "audited", "reversed"}
    # Base data: every kind, its fields in the registry's order, labelled.
    kinds = by_key(m["kinds"])
    assert list(kinds) == list(KINDS)
    for name, kind in KINDS.items():
        # Headquarters (the administrator) says whose a point's own record is: the organisation comes first.
        assert [f["name"] for f in kinds[name]["fields"]] == ["org_id"] * kind.org_owned + [f.name for f in kind.fields]
        imp = next(a for a in kinds[name]["actions"] if a["name"] == "import")
        assert {c["field"] for c in imp["columns"]} <= {f["name"] for f in kinds[name]["fields"]}, name
        assert all(f["label"]["zh-CN"] != f["name"] for f in kinds[name]["fields"]), name
        for f in kinds[name]["fields"]:
            for c in f.get("choices") or []:
                assert c["label"]["zh-CN"] and c["label"]["en"], (name, f["name"], c)
    assert kinds["disassembly-formulas"]["lines"]["fields"][0]["lookup"]["kind"] == "items"
    assert kinds["items"]["list"]["export"]["path"] == "/api/items/export"


@dataclass
class Expect:
    username: str
    roles: list[str]
    receipt: set[str]  # actions on goods receipts
    requisition: set[str]  # actions on engineer requisitions


ROLES = [
    Expect("sz01.manager", ["sp_manager"], {"create", "edit", "delete", "post", "reverse"},
           {"create", "edit", "delete", "post", "reverse"}),
    # stock.view only: sees the documents, may do nothing to them.
    Expect("sz01.clerk", ["clerk"], set(), set()),
    # stock.requisition: the engineer documents, not the warehouse's.
    Expect("sz01.engineer", ["engineer"], set(), {"create", "edit", "delete", "post", "reverse"}),
]


@pytest.mark.parametrize("expect", ROLES, ids=lambda e: e.username)
def test_actions_follow_the_permissions_the_routes_require(client, net, expect):
    if expect.username not in net.users:
        net.add_user(expect.username, "SZ01", expect.roles)
    docs = by_key(e for e in meta(client, net, expect.username)["documents"] if e["key"] in DOC_TYPES)
    assert set(docs) == set(DOC_TYPES)
    assert set(actions(docs["goods_receipt"])) == expect.receipt
    assert set(actions(docs["engineer_requisition"])) == expect.requisition
    if "post" in expect.receipt:
        a = actions(docs["goods_receipt"])
        assert a["post"]["states"] == ["draft"] and a["post"]["path"] == "/api/stock/goods-receipts/{id}/post"
        assert a["reverse"]["states"] == ["posted"]
        assert {f["name"]: f["required"] for f in a["reverse"]["input"]} == {"reason": True, "on": False}
        assert a["edit"]["states"] == a["delete"]["states"] == ["draft"]
        assert "audit" not in a and "unaudit" not in a  # stock documents are not audited
        assert a["post"]["label"] == {"zh-CN": "过账", "en": "Post"}


def test_a_user_without_stock_view_gets_no_documents(client, net):
    net.add_user("sz01.qc", "SZ01", ["qc"])
    m = meta(client, net, "sz01.qc")
    assert [e for e in m["documents"] if e["family"] == "stock"] == []
    assert "members" not in by_key(m["kinds"])  # customer.view: not a qc's
    assert "warehouses" in by_key(m["kinds"])


def test_headquarters_chooses_the_organisation_and_lookups_follow_it(client, net):
    docs = by_key(meta(client, net, "hq")["documents"])
    fields = {f["name"]: f for f in docs["goods_receipt"]["fields"]}
    assert fields["org_id"]["lookup"]["path"] == "/api/organisations"
    assert fields["warehouse_id"]["lookup"]["scope"] == "org_id"
    assert actions(docs["goods_receipt"]) == {}  # hq_manager: stock.view, no stock.manage
    point = {f["name"] for f in by_key(meta(client, net, "sz01.manager")["documents"])["goods_receipt"]["fields"]}
    assert "org_id" not in point


def test_print_forms_are_those_that_name_the_type(client, net, monkeypatch):
    """FORMS is read at each request: a form that names a document type (``document_type``) is that
    type's, offered to a user who may read what it prints; a form naming none belongs to no type."""
    forms = {
        "goods-receipt-a": SimpleNamespace(name="goods-receipt-a", papers=("a4", "a5"), permission="stock.view",
                                           document_type="goods_receipt"),
        "untagged": SimpleNamespace(name="untagged", papers=("a4",), permission="stock.view"),
        "needs-more": SimpleNamespace(name="needs-more", papers=("a4",), permission="stock.check",
                                      document_type="goods_issue"),
    }
    monkeypatch.setattr(print_forms, "FORMS", forms)
    docs = by_key(meta(client, net, "sz01.manager")["documents"])
    assert docs["goods_receipt"]["prints"] == [{"name": "goods-receipt-a", "label": DOC_TYPES["goods_receipt"].label,
                                                "papers": ["a4", "a5"], "path": "/api/print/goods-receipt-a/{id}"}]
    assert all(e["prints"] == [] for k, e in docs.items() if k != "goods_receipt")
    assert by_key(meta(client, net, "admin")["documents"])["goods_issue"]["prints"][0]["name"] == "needs-more"
    # The forms the print module declares today, each under its type.
    monkeypatch.undo()
    docs = by_key(meta(client, net, "sz01.manager")["documents"])
    for form in print_forms.FORMS.values():
        if getattr(form, "document_type", None) in docs:
            assert form.name in [f["name"] for f in docs[form.document_type]["prints"]]


def _fill(path: str, doc_id: str) -> str:
    return path.replace("{id}", doc_id)


def test_the_paths_it_names_answer_and_a_receipt_goes_through_them(client, net, world):
    h = net.headers("sz01.manager")
    m = meta(client, net, "sz01.manager")
    docs = by_key(m["documents"])
    for e in m["documents"] + m["kinds"]:
        assert client.get(e["path"], headers=h).status_code == 200, e["path"]
        for f in e["fields"] + (e["lines"] or {}).get("fields", []) + e["list"]["filters"]:
            if f.get("lookup"):
                assert client.get(f["lookup"]["path"], query_string={"page_size": 1}, headers=h).status_code == 200
        if e["list"]["sort"]:
            for o in e["list"]["sort"]["options"]:
                r = client.get(e["path"], query_string={"sort": "-" + o["value"]}, headers=h)
                assert r.status_code == 200, (e["path"], o)
        if e["audit"]:
            assert client.get(e["audit"]["path"], query_string=e["audit"]["params"], headers=h).status_code == 200
        if e["list"]["export"]:
            assert client.get(e["list"]["export"]["path"], headers=h).status_code == 200
    # A goods receipt through the exported paths: create, post, its moves, reverse, both links.
    e = docs["goods_receipt"]
    a = actions(e)
    body = {"kind": "purchase", "warehouse_id": str(world.ids["SZ01.GOOD"]), "party_id": str(world.ids["supplier"]),
            "lines": [{"item_id": str(world.ids["screen"]), "quantity": "3", "unit_cost": "400"}]}
    r = client.post(a["create"]["path"], json=body, headers=h)
    assert r.status_code == 201, r.json
    doc_id = r.json["id"]
    assert r.json["actions"] == ["edit", "delete", "post"]
    r = client.post(_fill(a["post"]["path"], doc_id), headers=h)
    assert r.status_code == 200 and r.json["number"].startswith("RK-")
    ledger = e["ledgers"][0]
    moves = client.get(ledger["path"], query_string={ledger["param"]: doc_id}, headers=h).json["items"]
    assert len(moves) == 1
    assert moves[0]["item_name"] == "Mate 60 屏幕总成" and moves[0]["quantity"] == "3.000"
    assert (moves[0]["from_location_kind"], moves[0]["from_location_name"]) == ("supplier", "配件供应商")
    assert (moves[0]["to_location_kind"], moves[0]["to_location_name"]) == ("warehouse", "SZ01 GOOD")
    assert {c["name"] for c in ledger["columns"]} <= set(moves[0])
    r = client.post(_fill(a["reverse"]["path"], doc_id), json={"reason": "供应商送错货"}, headers=h)
    assert r.status_code == 201, r.json
    reversal = r.json
    assert reversal["reverses_id"] == doc_id and reversal["reversal_id"] is None
    original = client.get(_fill(e["read"], doc_id), headers=h).json
    assert original["status"] == "reversed" and original["reversal_id"] == reversal["id"]
    assert original["reversal_reason"] == "供应商送错货"
    back = client.get(ledger["path"], query_string={ledger["param"]: reversal["id"]}, headers=h).json["items"]
    assert (back[0]["from_location_kind"], back[0]["to_location_kind"]) == ("warehouse", "supplier")
    trail = client.get(e["audit"]["path"], query_string={**e["audit"]["params"], e["audit"]["id_param"]: doc_id}, headers=h).json
    assert [row["action"] for row in trail["items"]][::-1] == ["goods_receipt.create", "goods_receipt.post", "goods_receipt.reverse"]
    # The list: totals of what is listed, sorted as asked.
    r = client.post(a["create"]["path"], json={**body, "lines": [{**body["lines"][0], "quantity": "2"}]}, headers=h)
    assert client.post(_fill(a["post"]["path"], r.json["id"]), headers=h).status_code == 200
    listed = client.get(e["path"], query_string={"sort": "number"}, headers=h).json
    # A reversed receipt and its reversal add up to nothing.
    assert listed["total"] == 3 and listed["totals"] == {"quantity": "2.000"}
    assert [d["number"] for d in listed["items"]] == sorted(d["number"] for d in listed["items"])
    assert client.get(e["path"], query_string={"sort": "warehouse_id"}, headers=h).status_code == 422
    # A stocktake's loss goes to the adjustment counterpart: named by its kind alone.
    count = world.post("stock_adjustment", {"kind": "stocktake", "warehouse_id": world.ids["SZ01.GOOD"],
                                            "lines": [{"item_id": world.ids["screen"], "counted_quantity": 1}]})
    moves = client.get(ledger["path"], query_string={ledger["param"]: str(count.id)}, headers=h).json["items"]
    assert [(m["from_location_name"], m["to_location_kind"], m["to_location_name"], m["quantity"]) for m in moves] == [
        ("SZ01 GOOD", "adjustment", "", "1.000")]


def _valid_header(world, t, kind: str) -> dict:
    """A value for every header field the type declares for ``kind``, of the sort its ``only`` allows."""
    warehouses = {"good": "SZ01.GOOD", "defective": "SZ01.DEF", "scrap": "SZ01.SCRAP"}
    out = {}
    for u in t.header:
        if not u.applies(kind) or u.name == "formula_id":
            continue
        only = dict(u.only)
        if u.name == "warehouse_id":
            out[u.name] = str(world.ids[warehouses[(only.get("kind") or ("good",))[0]]])
        elif u.name == "to_warehouse_id":
            out[u.name] = str(world.ids["SZ01.GOOD2"])
        elif u.name == "party_id":
            out[u.name] = str(world.ids["supplier" if "supplier" in only["roles"] else "dealer"])
        elif u.name == "engineer_id":
            out[u.name] = str(world.ids["engineer"])
    return out


def test_what_the_export_calls_required_posting_refuses_without(client, net, world):
    """The declaration the form is built from is the one posting applies: leave out any required
    header field and posting refuses, naming it; name a record its ``only`` excludes and it refuses too."""
    h = net.headers("sz01.manager")
    for name, t in DOC_TYPES.items():
        for kind in t.kinds:
            full = _valid_header(world, t, kind)
            line = {"item_id": str(world.ids["screen"]), "quantity": "1", "counted_quantity": "1", "unit_cost": "1"}
            for u in t.header:
                if not (u.applies(kind) and u.required):
                    continue
                body = {**{k: v for k, v in full.items() if k != u.name}, "lines": [line], **({"kind": kind} if kind else {})}
                path = f"/api/stock/{name.replace('_', '-')}s"
                doc = client.post(path, json=body, headers=h)
                assert doc.status_code == 201, (name, kind, doc.json)
                r = client.post(f"{path}/{doc.json['id']}/post", headers=h)
                assert r.status_code == 422 and u.name in r.json["errors"], (name, kind, u.name, r.json)
                if dict(u.only).get("kind"):
                    wrong = "SZ01.SCRAP" if "scrap" not in dict(u.only)["kind"] else "SZ01.GOOD"
                    client.patch(f"{path}/{doc.json['id']}", json={u.name: str(world.ids[wrong])}, headers=h)
                    r = client.post(f"{path}/{doc.json['id']}/post", headers=h)
                    assert r.status_code == 422 and u.name in r.json["errors"], (name, kind, u.name, r.json)


def test_the_shortage_register_is_a_workspace_type(client, net, world):
    """缺料单 through the paths the export names: register, read, list by status, fulfil; closed, it offers nothing."""
    m = meta(client, net, "sz01.engineer")
    e = by_key(m["documents"])["shortages"]
    a = actions(e)
    assert set(a) == {"create", "fulfil", "cancel"} and a["fulfil"]["states"] == ["waiting", "ready"]
    assert {s["value"] for s in e["states"]} == {"waiting", "ready", "fulfilled", "cancelled"}
    assert [f["name"] for f in e["fields"]] == ["item_id", "quantity", "engineer_id", "reference", "note"]
    assert e["fields"][0]["lookup"]["kind"] == "items" and e["fields"][2]["lookup"]["scope"] == "org_id"
    h = net.headers("sz01.engineer")
    r = client.post(a["create"]["path"], json={"item_id": str(world.ids["screen"]), "quantity": "2", "reference": "WX-9"}, headers=h)
    assert r.status_code == 201, r.json
    sid = r.json["id"]
    got = client.get(_fill(e["read"], sid), headers=h).json
    assert got["status"] == "waiting" and got["actions"] == ["fulfil", "cancel"]
    assert client.get(e["path"], query_string={"status": "waiting", "reference": "WX"}, headers=h).json["total"] == 1
    r = client.post(_fill(a["fulfil"]["path"], sid), headers=h)
    assert r.status_code == 200 and r.json["status"] == "fulfilled" and r.json["actions"] == []
    # Its audit trail's actions (shortage.register, .fulfilled) have words in the export.
    assert {"register", "fulfilled", "cancelled"} <= set(m["action_labels"])
    # Another point's register is not this point's.
    assert client.get(_fill(e["read"], sid), headers=net.headers("gz01.manager")).status_code == 404
    assert by_key(meta(client, net, "sz01.clerk")["documents"]).get("shortages", {}).get("actions", []) == []


def test_serials_are_checked_when_a_draft_is_saved(client, net, world):
    """The export says which line field counts a line's serials; a draft is refused by posting's rule."""
    m = meta(client, net, "sz01.manager")
    e = by_key(m["documents"])["stock_adjustment"]
    serial = next(f for f in e["lines"]["fields"] if f["name"] == "serials")
    assert serial["serial"] == {"attr": "serialized", "count": {"opening": "quantity", "stocktake": "counted_quantity",
                                                                 "scrap": "quantity", "return_to_customer": "quantity"}}
    h = net.headers("sz01.manager")
    path = by_key(m["documents"])["goods_receipt"]["path"]
    base = {"kind": "other", "warehouse_id": str(world.ids["SZ01.GOOD"])}

    def draft(lines):
        return client.post(path, json={**base, "lines": lines}, headers=h)

    device, screen = str(world.ids["device"]), str(world.ids["screen"])
    imeis = ["860000000000001", "860000000000002"]
    r = draft([{"item_id": device, "quantity": "2", "serials": imeis[:1]}])
    assert r.status_code == 422 and "lines.0.serials" in r.json["errors"], r.json
    r = draft([{"item_id": device, "quantity": "2", "serials": [imeis[0], imeis[0]]}])
    assert r.status_code == 422 and "lines.0.serials" in r.json["errors"]
    r = draft([{"item_id": screen, "quantity": "1", "serials": ["X1"]}])
    assert r.status_code == 422 and "not tracked by serial" in str(r.json["errors"]["lines.0.serials"])
    # Not scanned yet: the draft waits (posting refuses it); scanned in full, it posts.
    r = draft([{"item_id": device, "quantity": "2"}])
    assert r.status_code == 201
    assert client.post(f"{path}/{r.json['id']}/post", headers=h).status_code == 422
    r = client.patch(f"{path}/{r.json['id']}", json={"lines": [{"item_id": device, "quantity": "2", "serials": imeis}]}, headers=h)
    assert r.status_code == 200, r.json
    assert client.post(f"{path}/{r.json['id']}/post", headers=h).status_code == 200


def test_a_stocktake_sheet_shows_book_quantities(client, net, world):
    """Book next to counted: a draft's is what the warehouse holds now, a posted one's what it held."""
    m = meta(client, net, "sz01.manager")
    e = by_key(m["documents"])["stock_adjustment"]
    book = next(f for f in e["lines"]["fields"] if f["name"] == "book_quantity")
    assert book["filled"] and book["kinds"] == ["stocktake"] and book["type"] == "decimal"
    h = net.headers("sz01.manager")
    receipt_path = by_key(m["documents"])["goods_receipt"]["path"]
    r = client.post(receipt_path, json={"kind": "other", "warehouse_id": str(world.ids["SZ01.GOOD"]),
                                        "lines": [{"item_id": str(world.ids["screen"]), "quantity": "5", "unit_cost": "400"}]}, headers=h)
    client.post(f"{receipt_path}/{r.json['id']}/post", headers=h)
    r = client.post(e["path"], json={"kind": "stocktake", "warehouse_id": str(world.ids["SZ01.GOOD"]),
                                     "lines": [{"item_id": str(world.ids["screen"]), "counted_quantity": "3"}]}, headers=h)
    assert r.status_code == 201 and r.json["lines"][0]["book_quantity"] == "5.000", r.json
    r = client.post(f"{e['path']}/{r.json['id']}/post", headers=h)
    line = r.json["lines"][0]
    assert (line["book_quantity"], line["counted_quantity"], line["quantity"]) == ("5.000", "3.000", "-2.000")


def test_each_entry_is_placed_in_its_familys_menu_section(client, net):
    """The drawer's section: the entry's own (menu.section), else its family's; admin lists stay out."""
    from server.meta.documents import FAMILY_SECTIONS

    m = meta(client, net, "admin")
    for e in m["documents"]:
        if e.get("menu") is False:
            assert e["family"] == "admin"
            continue
        assert e["menu"]["section"] == FAMILY_SECTIONS[e["family"]] or e["key"] == "repair-orders", e["key"]
    docs = by_key(m["documents"])
    assert docs["goods_receipt"]["menu"]["section"] == "warehouse" and docs["shortages"]["menu"]["section"] == "warehouse"
    assert docs["repair_refund"]["menu"]["section"] == "counter"
    # An entry naming its own section keeps it (headquarters' online order list).
    assert docs["repair-orders"]["menu"] == {"section": "backOffice", "point_db": False}


def test_a_field_may_link_to_another_page(client, net):
    """A desk document's order number opens its order (online, or the counter's page on a device with
    the point's database); a batch's line its order; the route templates name the record's fields."""
    from server.repair.schemas import BatchOrderOut, LoanerOut, RefundOut

    docs = by_key(meta(client, net, "sz01.clerk")["documents"])
    for key, out in (("repair_loaner", LoanerOut), ("repair_refund", RefundOut)):
        e = docs[key]
        for f in (next(f for f in e["fields"] if f["name"] == "order_number"),
                  next(c for c in e["list"]["columns"] if c["name"] == "order_number")):
            assert f["link"] == {"to": "/hq/orders/{order_id}", "point_db": "/repair/orders/{order_id}"}
        assert "order_id" in out().fields
    line = next(f for f in docs["repair_batch"]["lines"]["fields"] if f["name"] == "number")
    assert line["link"]["to"] == "/hq/orders/{id}" and "id" in BatchOrderOut().fields


def test_every_serial_opens_its_imei_timeline(client, net):
    """A warehouse line's serials and its stock moves' serials each link to the unit's history; the
    route the template names exists in the PWA (/imei/:imei?)."""
    docs = [e for e in meta(client, net, "sz01.manager")["documents"] if e["key"] in DOC_TYPES]
    assert len(docs) == len(DOC_TYPES)
    for e in docs:
        serials = [f for f in e["lines"]["fields"] if f["name"] == "serials"]
        # Every type moving goods has serial lines (a price adjustment moves value only).
        assert serials or e["key"] == "price_adjustment", e["key"]
        assert all(f["link_each"] == "/imei/{value}" for f in serials), e["key"]
        moves = next(l for l in e["ledgers"] if l["key"] == "stock_moves")
        assert next(c for c in moves["columns"] if c["name"] == "serials")["link_each"] == "/imei/{value}", e["key"]
    hq_routes = (ROOT / "pwa" / "src" / "router" / "hq.js").read_text()
    assert "path: 'imei/:imei?'" in hq_routes


def test_a_record_is_named_in_the_singular(client, net):
    """A list's label is plural ("Brands"); one record's ("New brand", a record page) comes from `one`."""
    m = meta(client, net, "admin")
    for e in m["kinds"]:
        kind = KINDS[e["key"]]
        assert e["one"] == kind.one and e["one"]["zh-CN"] == e["label"]["zh-CN"], e["key"]
        assert e["one"]["en"] != e["label"]["en"], e["key"]
    assert by_key(m["kinds"])["brands"]["one"] == {"zh-CN": "品牌", "en": "Brand"}
    assert by_key(m["documents"])["repair_loaner"]["one"]["en"] == "Loaner slip"


def test_a_stocktake_form_reads_book_quantities_before_its_first_save(client, net, world):
    """The preview the export names is current stock's total for the warehouse and the item: the
    book quantity a saved draft then shows."""
    e = by_key(meta(client, net, "sz01.manager")["documents"])["stock_adjustment"]
    preview = next(f for f in e["lines"]["fields"] if f["name"] == "book_quantity")["preview"]
    h = net.headers("sz01.manager")
    client.post("/api/stock/goods-receipts", json={"kind": "other", "warehouse_id": str(world.ids["SZ01.GOOD"]), "lines": [
        {"item_id": str(world.ids["screen"]), "quantity": "4", "unit_cost": "400"}]}, headers=h)
    receipt = client.get("/api/stock/goods-receipts", headers=h).json["items"][0]
    client.post(f"/api/stock/goods-receipts/{receipt['id']}/post", headers=h)
    query = {param: str(world.ids["SZ01.GOOD"]) for param in preview["header"]}
    query.update({param: str(world.ids["screen"]) for param in preview["line"]})
    r = client.get(preview["path"], query_string=query, headers=h)
    assert r.status_code == 200, r.json
    value = r.json
    for part in preview["value"].split("."):
        value = value[part]
    draft = client.post(e["path"], json={"kind": "stocktake", "warehouse_id": str(world.ids["SZ01.GOOD"]),
                                         "lines": [{"item_id": str(world.ids["screen"]), "counted_quantity": "3"}]}, headers=h)
    assert value == draft.json["lines"][0]["book_quantity"] == "4.000"
