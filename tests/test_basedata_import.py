"""Import/export of base data: real .xlsx files, all-or-nothing, reruns, round trips, the CLI."""

from __future__ import annotations

import csv
import io

import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

from server.commissions.demo import load_commissions_demo
from server.basedata.demo import load_basedata_demo, make_imei
from server.basedata.importexport import columns
from server.basedata.kinds import KINDS
from server.db import unit_of_work

from .conftest import row_counts


def xlsx(rows: list[list]) -> bytes:
    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def upload(client, net, kind, data: bytes, name="file.xlsx", dry_run=False, user="admin"):
    return client.post(f"/api/{kind}/import", query_string={"dry_run": str(dry_run).lower()},
                       data={"file": (io.BytesIO(data), name)}, headers=net.headers(user),
                       content_type="multipart/form-data")


HEADER = ["code", "name", "kind", "brand_code", "model_code", "unit", "barcode", "serialized", "standard_cost",
          "retail_price", "wholesale_price", "repair_price", "active"]


@pytest.fixture
def brand(client, net):
    r = client.post("/api/brands", json={"code": "XIAOMI", "name": "小米"}, headers=net.headers("admin"))
    client.post("/api/models", json={"code": "MI-14", "name": "小米 14", "brand_id": r.json["id"]}, headers=net.headers("admin"))
    return r.json


def test_good_file_imports_every_row(client, net, brand):
    data = xlsx([HEADER,
                 ["MI-14-SCR", "小米 14 屏幕总成", "part", "", "MI-14", "个", "", "false", 300, 0, 0, 599, "true"],
                 ["MI-14-BAT", "小米 14 电池", "part", "", "MI-14", "块", "6900000000001", "no", "55.5", 0, 0, 129, ""],
                 ["MI-CHG", "小米充电器", "accessory", "xiaomi", "", "", "", "", 30, 79, 60, 79, "是"]])
    r = upload(client, net, "items", data)
    assert r.status_code == 200, r.json
    assert (r.json["rows"], r.json["created"], r.json["updated"], r.json["errors"]) == (3, 3, 0, [])
    items = {i["code"]: i for i in client.get("/api/items", headers=net.headers("admin")).json["items"]}
    assert items["MI-14-BAT"]["standard_cost"] == "55.50" and items["MI-14-BAT"]["unit"] == "块"
    assert items["MI-14-BAT"]["barcode"] == "6900000000001"
    assert items["MI-CHG"]["brand_id"] == brand["id"] and items["MI-14-SCR"]["brand_id"] == brand["id"]


def test_bad_rows_are_all_reported_and_nothing_is_written(client, net, brand, app):
    before = row_counts(app)
    data = xlsx([HEADER,
                 ["MI-14-SCR", "屏幕", "part", "", "MI-14", "", "", "", 1, 0, 0, 1, ""],          # good
                 ["MI-14-X", "", "gadget", "", "NOPE", "", "", "maybe", "-3", 0, 0, 1, ""],       # 5 problems
                 [None, None, None, None, None, None, None, None, None, None, None, None, None],  # blank: skipped
                 ["MI-14-SCR", "again", "part", "", "", "", "", "", 1, 0, 0, 1, ""],             # duplicate code
                 ["MI-14-Y", "y", "part", "", "", "", "", "true", "abc", 0, 0, 1, ""]])           # 2 problems
    r = upload(client, net, "items", data)
    assert r.status_code == 200
    got = {(e["row"], e["column"]) for e in r.json["errors"]}
    assert got == {(3, "name"), (3, "kind"), (3, "model_code"), (3, "serialized"), (3, "standard_cost"),
                   (5, "code"), (6, "standard_cost")}, r.json["errors"]
    assert all(e["message"] for e in r.json["errors"])
    assert row_counts(app) == before


def test_rule_violations_found_while_upserting_also_abort_the_import(client, net, brand, app):
    before = row_counts(app)
    data = xlsx([HEADER,
                 ["MI-14-SCR", "屏幕", "part", "", "MI-14", "", "", "", 1, 0, 0, 1, ""],
                 ["MI-14-Z", "z", "part", "", "MI-14", "", "", "true", 1, 0, 0, 1, ""]])  # a serialized part
    r = upload(client, net, "items", data)
    assert r.json["errors"] == [{"row": 3, "column": "serialized", "message": "only whole devices and mainboards are tracked by IMEI/serial"}]
    assert row_counts(app) == before


def test_rerun_upserts_without_duplicates_and_dry_run_writes_nothing(client, net, brand, app):
    rows = [HEADER, ["MI-14-SCR", "屏幕", "part", "", "MI-14", "", "", "", 1, 0, 0, 1, ""]]
    dry = upload(client, net, "items", xlsx(rows), dry_run=True)
    assert (dry.json["dry_run"], dry.json["created"]) == (True, 1)
    assert client.get("/api/items", headers=net.headers("admin")).json["total"] == 0
    assert upload(client, net, "items", xlsx(rows)).json["created"] == 1
    again = upload(client, net, "items", xlsx(rows)).json
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 1)
    rows[1][1] = "屏幕总成"
    changed = upload(client, net, "items", xlsx(rows)).json
    assert (changed["created"], changed["updated"]) == (0, 1)
    assert client.get("/api/items", headers=net.headers("admin")).json["total"] == 1


def test_file_problems_are_reported(client, net, brand):
    r = upload(client, net, "items", b"garbage", name="items.xlsx")
    assert r.status_code == 422 and "file" in r.json["errors"]
    r = upload(client, net, "items", b"a,b\n1,2\n", name="items.txt")
    assert r.status_code == 422 and "file" in r.json["errors"]
    r = upload(client, net, "items", "code,name,colour\nA,B,red\n".encode(), name="items.csv")
    assert r.json["errors"][0]["column"] == "colour" and "unknown column" in r.json["errors"][0]["message"]
    assert upload(client, net, "items", b"x", user="sz01.clerk").status_code == 403


def test_service_point_imports_only_its_own_warehouses(client, net):
    data = "org_code,code,name,kind,active\nSZ01,GOOD,良品仓,good,true\nGZ01,GOOD,良品仓,good,true\n,DEF,坏件仓,defective,\n"
    r = upload(client, net, "warehouses", data.encode(), name="w.csv", user="sz01.manager")
    assert r.json["errors"] == [{"row": 3, "column": "org_code", "message": "not your organisation"}]
    data = "org_code,code,name,kind,active\nSZ01,GOOD,良品仓,good,true\n,DEF,坏件仓,defective,\n"
    r = upload(client, net, "warehouses", data.encode(), name="w.csv", user="sz01.manager")
    assert r.json["created"] == 2
    listed = client.get("/api/warehouses", headers=net.headers("sz01.manager")).json["items"]
    assert {w["org_id"] for w in listed} == {str(net.orgs["SZ01"].id)}


def _read(data: bytes, fmt: str) -> list[list[str]]:
    if fmt == "csv":
        return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    wb = load_workbook(io.BytesIO(data), read_only=True)
    return [["" if v is None else str(v) for v in row] for row in wb.worksheets[0].iter_rows(values_only=True)]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_then_import_changes_nothing_for_every_kind(client, net, app, fmt):
    net.add_user("sz01.engineer", "SZ01", ["engineer"])
    s = net.session()
    with unit_of_work(s):
        load_basedata_demo(s, members=20, cards=20)
        load_commissions_demo(s)  # base data kinds an area adds (commission rules) need their rows too
    s.close()
    h = net.headers("admin")
    before = row_counts(app)
    for kind in KINDS:
        exported = client.get(f"/api/{kind}/export?format={fmt}", headers=h)
        assert exported.status_code == 200, kind
        table = _read(exported.data, fmt)
        assert table[0] == columns(KINDS[kind])
        assert len(table) > 1, kind
        r = upload(client, net, kind, exported.data, name=f"{kind}.{fmt}")
        assert r.json["errors"] == [], (kind, r.json["errors"][:3])
        assert r.json["created"] == 0 and r.json["updated"] == 0, (kind, r.json)
        again = _read(client.get(f"/api/{kind}/export?format={fmt}", headers=h).data, fmt)
        assert again == table, kind
    after = row_counts(app)
    # Only the record of each personal-data export (two of members, two of warranty cards) is new.
    assert after.pop("audit_log") == before.pop("audit_log") + 4
    assert after == before


def test_cli_import_export_with_dry_run(tmp_path):
    from server.cli import main

    env = {"AFTERCARE_VAR_DIR": str(tmp_path), "AFTERCARE_JWT_SECRET": "x" * 40, "AFTERCARE_PASSWORD_HASH_COST": "fast"}
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"], env=env).exit_code == 0
    brands = tmp_path / "brands.csv"
    brands.write_text("code,name,name_en,active\nHUAWEI,华为,Huawei,true\nHONOR,荣耀,Honor,true\n", encoding="utf-8")
    r = runner.invoke(main, ["import", "brands", str(brands), "--dry-run"], env=env)
    assert r.exit_code == 0 and "dry run, nothing written: 2 rows: 2 created" in r.output, r.output
    r = runner.invoke(main, ["import", "brands", str(brands)], env=env)
    assert r.exit_code == 0 and "imported 2 rows: 2 created" in r.output, r.output
    models = tmp_path / "models.xlsx"
    models.write_bytes(xlsx([["code", "name", "brand_code", "warranty_months", "active"],
                             ["HW-P60", "华为 P60", "HUAWEI", 12, "true"], ["X", "x", "NOKIA", "twelve", "true"]]))
    r = runner.invoke(main, ["import", "models", str(models)], env=env)
    assert r.exit_code != 0
    assert "row 3, column brand_code: no brands with code NOKIA" in r.output
    assert "row 3, column warranty_months: not a whole number" in r.output
    assert "nothing imported" in r.output
    out = tmp_path / "out.csv"
    r = runner.invoke(main, ["export", "brands", str(out)], env=env)
    assert r.exit_code == 0
    assert out.read_text(encoding="utf-8-sig").splitlines()[1:] == ["HONOR,荣耀,Honor,true", "HUAWEI,华为,Huawei,true"]
    # Organisation-owned kinds need the organisation when run as the system.
    wh = tmp_path / "wh.csv"
    wh.write_text("org_code,code,name,kind,active\n,GOOD,良品仓,good,true\n", encoding="utf-8")
    r = runner.invoke(main, ["import", "warehouses", str(wh)], env=env)
    assert "row 2, column org_code: required" in r.output


def test_warranty_cards_import_checks_imei(client, net, brand):
    client.post("/api/tacs", json={"code": "86000001", "model_id": client.get("/api/models", headers=net.headers("admin")).json["items"][0]["id"]},
                headers=net.headers("admin"))
    good = make_imei("86000001", 42)
    data = (f"imei,model_code,buyer_name,buyer_phone,sale_date,dealer_code,period_months,invoice_number,active\n"
            f"{good},,张三,13800000000,2026-05-01,,12,,true\n"
            f"{good[:-1]}{(int(good[-1]) + 1) % 10},,李四,,2026-05-01,,12,,true\n").encode()
    r = upload(client, net, "warranty-cards", data, name="cards.csv")
    assert r.json["errors"] == [{"row": 3, "column": "imei", "message": "check digit is wrong (Luhn)"}]
