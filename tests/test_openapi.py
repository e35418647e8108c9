"""The OpenAPI document is valid OpenAPI 3 and true to what is served (issue 15, finding 12).

tests/test_fuzz.py checks every operation's answers against it; these pin the faults found.
"""

from __future__ import annotations

import re

import pytest
from openapi_spec_validator import validate

from server.app import create_app

from .conftest import make_settings
from .test_blobs import JPEG, upload

BOUNDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "x-minimum", "x-maximum", "multipleOf")


@pytest.fixture(scope="module")
def spec(tmp_path_factory):
    """The served document (building it touches no database)."""
    path = tmp_path_factory.mktemp("openapi")
    app = create_app(make_settings(f"sqlite:///{path / 'unused.db'}", path))
    resp = app.test_client().get("/api/openapi.json")
    assert resp.status_code == 200
    return resp.get_json()


def _schemas(node, where=""):
    """Every schema-like dict in the document, with where it is."""
    if isinstance(node, dict):
        yield where, node
        for key, value in node.items():
            yield from _schemas(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _schemas(value, f"{where}/{i}")


def _component(spec, name):
    return spec["components"]["schemas"][name]


def test_the_document_validates_as_openapi_3(spec):
    assert spec["openapi"].startswith("3.")
    validate(spec)


def test_every_numeric_bound_is_a_number(spec):
    # apispec wrote Decimal bounds as strings ("10000000.00"): invalid, and generators refused 30 operations.
    written_as_text = [f"{where}/{key}" for where, node in _schemas(spec) for key in BOUNDS
                       if key in node and not isinstance(node[key], (int, float))]
    assert written_as_text == []


def test_decimals_are_documented_as_the_strings_they_travel_as(spec):
    decimals = [(where, node) for where, node in _schemas(spec) if node.get("format") == "decimal"]
    assert len(decimals) > 40
    assert all(node["type"] == "string" and node.get("pattern") for _, node in decimals)
    price = _component(spec, "ItemsCreate")["properties"]["retail_price"]
    assert price["x-minimum"] == 0 and price["x-maximum"] == 10_000_000
    pattern = re.compile(price["pattern"])
    assert pattern.match("1234.50") and pattern.match("0") and not pattern.match("-1") and not pattern.match("1.234")
    quantity = _component(spec, "FormulaLineIn")["properties"]["quantity"]
    assert quantity["x-exclusiveMinimum"] is True and re.match(quantity["pattern"], "0.125")


def test_served_decimals_match_their_documented_pattern(client, net, spec):
    created = client.post("/api/items", json={"code": "SCR-1", "name": "屏幕", "kind": "part", "retail_price": "1234.5"},
                          headers=net.headers("admin"))
    assert created.status_code == 201, created.json
    served = client.get(f"/api/items/{created.json['id']}", headers=net.headers("admin")).json
    documented = _component(spec, "ItemsOut")["properties"]
    for name in ("retail_price", "wholesale_price", "standard_cost", "repair_price"):
        assert documented[name]["type"] == "string"
        assert isinstance(served[name], str) and re.match(documented[name]["pattern"], served[name]), (name, served[name])
    assert served["retail_price"] == "1234.50"


def test_a_reupload_answers_200_as_documented(client, net, spec):
    responses = spec["paths"]["/api/blobs"]["post"]["responses"]
    assert {"200", "201"} <= set(responses)
    assert responses["200"]["content"]["application/json"]["schema"] == responses["201"]["content"]["application/json"]["schema"]
    assert upload(client, net, "sz01.clerk", JPEG).status_code == 201
    assert upload(client, net, "sz01.clerk", JPEG).status_code == 200


def test_a_422_lists_the_first_50_fields_and_counts_the_rest(client, net, spec):
    lines = [{"item_id": "not-a-uuid"}] * 5000
    r = client.post("/api/stock/goods-receipts", json={"lines": lines}, headers=net.headers("admin"))
    assert r.status_code == 422
    body = r.json
    assert len(body["errors"]) == 50
    assert body["errors"]["lines.0.item_id"] == ["Not a valid UUID."]
    assert body["errors_omitted"] >= 4950 and body["message"].endswith(f"and {body['errors_omitted']} more")
    assert len(r.data) < 8_000  # was 100 kB
    assert "errors_omitted" in _component(spec, "Error")["properties"]
    small = client.post("/api/stock/goods-receipts", json={"lines": lines[:3]}, headers=net.headers("admin")).json
    assert "errors_omitted" not in small and "lines.2.item_id" in small["errors"]
