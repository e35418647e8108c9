"""Input at the edge (issue 15, findings 6 and 11): what used to answer 500 answers a 4xx naming the
field and changes nothing. Deep JSON, control characters, unknown references in stock documents,
a code already in use, filters a kind lacks, integers past any column, decimals past the column's
places, document dates outside the window, and the database's own refusals as a last net."""

from __future__ import annotations

import datetime as dt
import types
import uuid
from decimal import Decimal

import pytest
from sqlalchemy import insert

from server.basedata.models import Brand
from server.core import operations as core
from server.db import unit_of_work
from server.errors import InvalidInput
from server.http import _database_refusal
from server.ids import uuid7
from server.inputs import MAX_JSON_DEPTH, load_json
from server.settings import Settings
from server.stock.documents import DOC_TYPES
from sync.schemas import validate_event

from .conftest import row_counts
from .openapi_walk import operations, sample_value
from .sample_docs import SampleVoucher
from .stock_fixtures import world  # noqa: F401
from .sync_support import couch  # noqa: F401

JSON = {"Content-Type": "application/json"}


def _assert_error(r, status, field):
    assert r.status_code == status, (r.status_code, r.json)
    assert set(r.json) >= {"code", "message", "errors", "request_id"}, r.json
    assert field in r.json["errors"], (field, r.json)


def deep(levels: int) -> str:
    return "[" * levels + "]" * levels


def slug(doc_type: str) -> str:
    return doc_type.replace("_", "-") + "s"


# -- deep JSON ---------------------------------------------------------------------------------

def test_load_json_bounds_nesting_without_recursing():
    assert load_json(b'{"a": [1, {"b": 2}]}') == {"a": [1, {"b": 2}]}
    assert load_json(deep(MAX_JSON_DEPTH)) is not None
    for levels in (MAX_JSON_DEPTH + 1, 500, 1000, 100_000):
        with pytest.raises(InvalidInput) as err:
            load_json(deep(levels))
        assert "body" in err.value.errors
    with pytest.raises(ValueError):
        load_json(b"{not json")


def test_deep_json_is_a_422_on_every_body_endpoint_login_and_bulk_docs(client, net, app):
    before = row_counts(app)
    h = {**net.headers("admin"), **JSON}
    spec = client.get("/api/openapi.json").json
    ops = [op for op in operations(spec) if op.body_schema is not None]
    assert len(ops) > 50
    for body in (deep(1000), '{"a": ' + deep(100) + "}"):
        for op in ops:
            r = client.open(op.path, method=op.method, data=body, headers=h)
            _assert_error(r, 422, "body")
        # Anonymous (login parses before any account is known) and the sync proxy's own parser.
        _assert_error(client.post("/api/auth/login", data=body, headers=JSON), 422, "body")
        r = client.post("/sync/sp_sz01/_bulk_docs", data=body, headers={**net.headers("sz01.clerk"), **JSON})
        _assert_error(r, 422, "body")
    assert row_counts(app) == before


def test_the_sync_proxy_never_forwards_deep_json_to_the_store(client, net, couch):
    """A body nested 5,000 deep, forwarded to `_local`, took pouchdb-server down for everyone."""
    h = {**net.headers("sz01.clerk"), **JSON}
    for method, path in (("PUT", "_local/cp"), ("POST", "_revs_diff"), ("POST", "_bulk_get"), ("POST", "_all_docs"),
                         ("POST", "_changes"), ("POST", "_bulk_docs")):
        for body in (deep(1000), '{"a": ' + deep(5000) + "}", '{"a": ' + deep(MAX_JSON_DEPTH) + "}"):
            _assert_error(client.open(f"/sync/sp_sz01/{path}", method=method, data=body, headers=h), 422, "body")
        _assert_error(client.open(f"/sync/sp_sz01/{path}", method=method, data="{not json", headers=h), 422, "body")
    r = client.put("/sync/sp_sz01/_local/cp", json={"last_seq": "1", "nested": {"a": [{"b": 1}]}}, headers=h)
    assert r.status_code == 201, r.data  # the store is still there
    assert client.get("/sync/sp_sz01/_local/cp", headers=h).json["nested"] == {"a": [{"b": 1}]}


# -- control characters --------------------------------------------------------------------------

def test_control_characters_are_refused_naming_the_field(client, net, app, world):
    h = net.headers("admin")
    before = row_counts(app)
    for bad in ("a\x00b", "\x1b[31m", "x\x7f"):
        _assert_error(client.post("/api/brands", json={"code": "B1", "name": bad}, headers=h), 422, "name")
    # A lone surrogate (JSON's escape for half a character): no encoding can store it.
    r = client.post("/api/brands", data='{"code": "B1", "name": "x\\ud800"}', headers={**h, **JSON})
    _assert_error(r, 422, "name")
    # Nested: the path names the line.
    r = client.post("/api/stock/goods-receipts", json={
        "kind": "purchase", "warehouse_id": str(world.ids["SZ01.GOOD"]), "party_id": str(world.ids["supplier"]),
        "lines": [{"item_id": str(world.ids["screen"]), "quantity": "1", "note": "ok"},
                  {"item_id": str(world.ids["screen"]), "quantity": "1", "note": "nul\x00here"}]}, headers=h)
    _assert_error(r, 422, "lines.1.note")
    # An unknown key carrying one, query parameters, path parameters, and anonymous login.
    _assert_error(client.post("/api/brands", json={"code": "B1", "name": "n", "x\x00": 1}, headers=h), 422, "x\x00")
    _assert_error(client.get("/api/brands", query_string={"q": "a\x00"}, headers=h), 422, "q")
    _assert_error(client.get("/api/stock/goods-receipts", query_string={"reference": "\x00"}, headers=h), 422, "reference")
    _assert_error(client.get("/api/audit-log", query_string={"entity_type": "\x00"}, headers=h), 422, "entity_type")
    _assert_error(client.get("/api/lookup/phone/138%00", headers=h), 422, "phone")
    _assert_error(client.post("/api/auth/login", json={"username": "ad\x00min", "password": "x"}), 422, "username")
    assert row_counts(app) == before
    # Tab and line breaks stay allowed: multi-line text.
    r = client.post("/api/parties", json={"code": "P1", "name": "供应商", "roles": ["supplier"],
                                          "note": "第一行\r\n第二行\t缩进"}, headers=h)
    assert r.status_code == 201, r.json
    assert r.json["note"] == "第一行\r\n第二行\t缩进"


def test_sync_events_with_control_characters_are_refused_naming_the_field():
    event = {"_id": str(uuid7()), "type": "note", "org": str(uuid.uuid4()), "device_id": "dev-1",
             "user_id": str(uuid.uuid4()), "created_at": "2026-12-01T10:00:00+08:00", "order_id": str(uuid.uuid4()),
             "text": "fine\nmulti-line"}
    assert validate_event(event) == []
    problems = validate_event({**event, "text": "bad\x00text"})
    assert [(p.field, p.message) for p in problems] == [("text", "must not contain control characters")]


# -- unknown references in stock documents ---------------------------------------------------------

@pytest.mark.parametrize("doc_type", sorted(DOC_TYPES))
def test_unknown_ids_in_stock_documents_name_the_field(client, net, app, world, doc_type):
    h = net.headers("sz01.manager")
    url = f"/api/stock/{slug(doc_type)}"
    before = row_counts(app)
    nobody = str(uuid.uuid4())
    r = client.post(url, json={"lines": [{"item_id": str(world.ids["screen"]), "quantity": "1"},
                                         {"item_id": nobody, "quantity": "1"}]}, headers=h)
    _assert_error(r, 422, "lines.1.item_id")
    for field in ("warehouse_id", "to_warehouse_id", "party_id", "engineer_id", "formula_id"):
        _assert_error(client.post(url, json={field: nobody}, headers=h), 422, field)
    # Another point's warehouse reads as missing to a service point.
    _assert_error(client.post(url, json={"warehouse_id": str(world.ids["GZ01.GOOD"])}, headers=h), 422, "warehouse_id")
    assert row_counts(app) == before
    draft = client.post(url, json={"lines": [{"item_id": str(world.ids["screen"]), "quantity": "1"}]}, headers=h)
    assert draft.status_code == 201, draft.json
    before = row_counts(app)
    r = client.patch(f"{url}/{draft.json['id']}", json={"lines": [{"item_id": nobody, "quantity": "1"}]}, headers=h)
    _assert_error(r, 422, "lines.0.item_id")
    _assert_error(client.patch(f"{url}/{draft.json['id']}", json={"party_id": nobody}, headers=h), 422, "party_id")
    assert row_counts(app) == before


# -- base data: a code in use, unique fields, filters, integers --------------------------------------

def test_a_code_or_unique_value_already_in_use_is_a_422_on_patch_as_on_post(client, net, app):
    h = net.headers("admin")
    a = client.post("/api/brands", json={"code": "AAA", "name": "A"}, headers=h).json
    client.post("/api/brands", json={"code": "BBB", "name": "B"}, headers=h)
    before = row_counts(app)
    _assert_error(client.post("/api/brands", json={"code": "bbb", "name": "again"}, headers=h), 422, "code")
    _assert_error(client.patch(f"/api/brands/{a['id']}", json={"code": "bbb"}, headers=h), 422, "code")
    i1 = client.post("/api/items", json={"code": "I1", "name": "i1", "kind": "part", "barcode": "690001"}, headers=h).json
    client.post("/api/items", json={"code": "I2", "name": "i2", "kind": "part", "barcode": "690002"}, headers=h)
    before = row_counts(app)
    _assert_error(client.post("/api/items", json={"code": "I3", "name": "i3", "kind": "part", "barcode": "690002"},
                              headers=h), 422, "barcode")
    _assert_error(client.patch(f"/api/items/{i1['id']}", json={"barcode": "690002"}, headers=h), 422, "barcode")
    _assert_error(client.patch(f"/api/items/{i1['id']}", json={"code": "I2"}, headers=h), 422, "code")
    assert row_counts(app) == before
    assert client.patch(f"/api/items/{i1['id']}", json={"code": "I1", "name": "renamed"}, headers=h).status_code == 200


def test_a_filter_the_kind_lacks_is_refused_and_the_ones_it_has_work(client, net):
    h = net.headers("admin")
    _assert_error(client.get("/api/tacs", query_string={"active": "true"}, headers=h), 422, "active")
    spec = client.get("/api/openapi.json").json
    for op in operations(spec):
        if op.method == "GET" and op.query_params and "{" not in op.template:
            for p in op.query_params:
                r = client.get(op.path, query_string={p["name"]: sample_value(p.get("schema", {}))}, headers=h)
                assert r.status_code < 500, (op.template, p["name"], r.json)


def test_integers_past_any_column_are_refused_in_every_query_parameter(client, net, app):
    h = net.headers("admin")
    before = row_counts(app)
    spec = client.get("/api/openapi.json").json
    seen = 0
    for op in operations(spec):
        if op.method != "GET":
            continue
        for p in op.query_params:
            if p.get("schema", {}).get("type") == "integer":
                seen += 1
                for value in (2**70, -(2**70), 2**40):
                    _assert_error(client.get(op.path, query_string={p["name"]: str(value)}, headers=h), 422, p["name"])
    assert seen >= 3
    assert row_counts(app) == before


# -- decimals past the column's places --------------------------------------------------------------

def test_amounts_below_the_columns_precision_are_refused_not_rounded(client, net, app, world):
    h = net.headers("admin")
    before = row_counts(app)
    for cost in ("0.001", "0.004", "12.345", 0.001, "1e-9"):
        _assert_error(client.post("/api/items", json={"code": "P1", "name": "p", "kind": "part", "standard_cost": cost},
                                  headers=h), 422, "standard_cost")
    line = {"item_id": str(world.ids["screen"]), "quantity": "1.0001"}
    r = client.post("/api/stock/goods-receipts", json={"lines": [line]}, headers=net.headers("sz01.manager"))
    _assert_error(r, 422, "lines.0.quantity")
    r = client.post("/api/stock/goods-receipts", json={"lines": [{**line, "quantity": "1", "unit_cost": "0.00001"}]},
                    headers=net.headers("sz01.manager"))
    _assert_error(r, 422, "lines.0.unit_cost")
    assert row_counts(app) == before
    # As many places as the column holds (trailing zeros are no extra precision) pass.
    r = client.post("/api/items", json={"code": "P1", "name": "p", "kind": "part", "standard_cost": "0.010",
                                        "retail_price": "12.5"}, headers=h)
    assert r.status_code == 201 and (r.json["standard_cost"], r.json["retail_price"]) == ("0.01", "12.50")


# -- document dates ----------------------------------------------------------------------------------

def test_document_dates_outside_the_window_are_refused_naming_doc_date(client, net, app, world):
    h = net.headers("sz01.manager")
    url = "/api/stock/goods-receipts"
    body = {"kind": "purchase", "warehouse_id": str(world.ids["SZ01.GOOD"]), "party_id": str(world.ids["supplier"]),
            "lines": [{"item_id": str(world.ids["screen"]), "quantity": "1", "unit_cost": "10"}]}
    now = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date()
    before = row_counts(app)
    for when in ("9999-12-31", (now + dt.timedelta(days=40)).isoformat(), "0001-01-01",
                 (now - dt.timedelta(days=3660)).isoformat()):
        _assert_error(client.post(url, json={**body, "doc_date": when}, headers=h), 422, "doc_date")
    assert row_counts(app) == before
    ok = client.post(url, json={**body, "doc_date": (now - dt.timedelta(days=1)).isoformat()}, headers=h)
    assert ok.status_code == 201, ok.json
    _assert_error(client.patch(f"{url}/{ok.json['id']}", json={"doc_date": "9999-12-31"}, headers=h), 422, "doc_date")
    posted = client.post(f"{url}/{ok.json['id']}/post", headers=h)
    assert posted.status_code == 200, posted.json
    r = client.post(f"{url}/{ok.json['id']}/reverse", json={"reason": "错", "on": "9999-12-31"}, headers=h)
    _assert_error(r, 422, "on")


def test_document_date_window_follows_the_settings_and_guards_create_and_post(net):
    on = lambda settings, when: core.check_doc_date(types.SimpleNamespace(info={"aftercare.settings": settings}), when)  # noqa: E731
    now = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date()
    tight = Settings(doc_date_past_days=2, doc_date_future_days=0, jwt_secret="x" * 40)
    on(tight, now)
    on(tight, now - dt.timedelta(days=2))
    for when in (now + dt.timedelta(days=2), now - dt.timedelta(days=4)):
        with pytest.raises(InvalidInput) as err:
            on(tight, when)
        assert list(err.value.errors) == ["doc_date"]
    with pytest.raises(InvalidInput):
        on(Settings(jwt_secret="x" * 40), dt.date(9999, 12, 31))
    # Every document type goes through core: a device's event (create and post at once) too.
    s = net.session()
    try:
        with pytest.raises(InvalidInput) as err:
            with unit_of_work(s):
                core.create_and_post(s, SampleVoucher(org_id=net.orgs["SZ01"].id, doc_date=dt.date(9999, 12, 31),
                                                      amount=Decimal("1.00")))
        assert "doc_date" in err.value.errors
    finally:
        s.close()


# -- the database's refusal, as a last net -----------------------------------------------------------

def test_constraint_errors_that_escape_become_409_naming_the_column(app, clean):
    db = app.extensions["aftercare.db"]
    with db.engine.begin() as conn:
        conn.execute(insert(Brand.__table__).values(id=uuid.uuid4(), code="DUP", name="x", name_en="", active=True,
                                                    created_at=dt.datetime.now(dt.timezone.utc),
                                                    updated_at=dt.datetime.now(dt.timezone.utc)))
    from sqlalchemy.exc import IntegrityError

    s = db.new_session()
    try:
        with pytest.raises(IntegrityError) as err:
            s.execute(insert(Brand.__table__).values(id=uuid.uuid4(), code="DUP", name="y", name_en="", active=True,
                                                     created_at=dt.datetime.now(dt.timezone.utc),
                                                     updated_at=dt.datetime.now(dt.timezone.utc)))
    finally:
        s.rollback()
        s.close()
    status, code, _message, errors = _database_refusal(err.value)
    assert (status, code, list(errors)) == (409, "conflict", ["code"])
    assert _database_refusal(RuntimeError("x")) is None
