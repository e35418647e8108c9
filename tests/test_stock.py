"""The stock ledger and every warehouse document of spec §9, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from server.errors import InvalidInput, PeriodClosed
from server.notices.models import Notification
from server.stock.ledger import NegativeStock, SerialProblem, rebuild_check
from server.stock.models import Shortage, StockBalance, StockCost, StockMove

from .conftest import row_counts
from .stock_fixtures import World, imei, issue, receipt, world  # noqa: F401


def on_hand(w: World, item: str, wh: str = "SZ01.GOOD") -> tuple[Decimal, Decimal]:
    s = w.session()
    from server.stock.models import StockLocation

    row = s.execute(select(StockBalance.quantity, StockBalance.value).join(
        StockLocation, StockLocation.id == StockBalance.location_id).where(
        StockLocation.warehouse_id == w.ids[wh], StockBalance.item_id == w.ids[item])).first()
    s.close()
    return (row[0], row[1]) if row else (Decimal(0), Decimal(0))


def consistent(w: World) -> None:
    s = w.session()
    problems = rebuild_check(s)
    s.close()
    assert problems == []


def balances(w: World) -> dict:
    s = w.session()
    out = {(b.location_id, b.item_id): (b.quantity, b.value) for b in s.execute(select(StockBalance)).scalars()}
    out.update({("cost", c.org_id, c.item_id): (c.quantity, c.value) for c in s.execute(select(StockCost)).scalars()})
    s.close()
    return {k: v for k, v in out.items() if v != (0, 0)}


def test_moving_average_valuation(world):
    receipt(world, "screen", 10, "400")
    receipt(world, "screen", 10, "460")
    assert on_hand(world, "screen") == (Decimal("20"), Decimal("8600.00"))
    issue(world, "screen", 3)  # at the average 430
    assert on_hand(world, "screen") == (Decimal("17"), Decimal("7310.00"))
    receipt(world, "screen", 3, "333.33")
    assert on_hand(world, "screen") == (Decimal("20"), Decimal("8309.99"))
    issue(world, "screen", 7)  # 7 × 415.4995 = 2908.4965 → 2908.50
    assert on_hand(world, "screen") == (Decimal("13"), Decimal("5401.49"))
    issue(world, "screen", 13)  # the last units take exactly what is left
    assert on_hand(world, "screen") == (Decimal("0"), Decimal("0.00"))
    consistent(world)


def test_negative_stock_is_refused_naming_item_warehouse_and_shortfall(world, app):
    receipt(world, "battery", 2, "100")
    before = row_counts(app)
    with pytest.raises(NegativeStock) as err:
        issue(world, "battery", 5)
    msg = err.value.message
    assert "BAT" in msg and "SZ01 GOOD" in msg and "3 missing" in msg
    assert err.value.errors == {"lines.0.quantity": ["3 missing at SZ01 GOOD"]}
    assert row_counts(app) == before  # no number, no move, no document


def test_negative_stock_through_the_api(client, net, world):
    receipt(world, "battery", 1, "100")
    h = net.headers("sz01.manager")
    r = client.post("/api/stock/goods-issues", json={"kind": "wholesale", "party_id": str(world.ids["dealer"]),
                                                     "warehouse_id": str(world.ids["SZ01.GOOD"]),
                                                     "lines": [{"item_id": str(world.ids["battery"]), "quantity": "4"}]}, headers=h)
    assert r.status_code == 201 and r.json["status"] == "draft" and r.json["actions"] == ["edit", "delete", "post"]
    posted = client.post(f"/api/stock/goods-issues/{r.json['id']}/post", headers=h)
    assert posted.status_code == 409 and posted.json["code"] == "negative_stock" and posted.json["missing"] == "3"
    doc = client.get(f"/api/stock/goods-issues/{r.json['id']}", headers=h).json
    assert doc["status"] == "draft" and doc["number"] is None


def test_serial_rules(world):
    with pytest.raises(SerialProblem) as err:
        receipt(world, "device", 2, "4000", serials=[imei(1)])
    assert "lines.0.serials" in err.value.errors
    with pytest.raises(SerialProblem):
        receipt(world, "device", 2, "4000", serials=[imei(1), imei(1)])
    with pytest.raises(SerialProblem):
        receipt(world, "screen", 1, "400", serials=["X1"])
    receipt(world, "device", 2, "4000", serials=[imei(1), imei(2)])
    with pytest.raises(SerialProblem, match="already in stock"):
        receipt(world, "device", 1, "4000", serials=[imei(1)], wh="GZ01.GOOD", username="gz01.manager")
    with pytest.raises(SerialProblem, match="is not at"):
        issue(world, "device", 1, serials=[imei(3)])
    issue(world, "device", 1, serials=[imei(2)])
    # Sold, it can come back (a wholesale return) and go out again.
    world.post("goods_receipt", {"kind": "wholesale_return", "party_id": world.ids["dealer"], "warehouse_id": world.ids["SZ01.GOOD"],
                                 "lines": [{"item_id": world.ids["device"], "quantity": Decimal(1), "unit_cost": Decimal("3900"),
                                            "serials": [imei(2)]}]})
    s = world.session()
    from server.stock.queries import serial_whereabouts

    [unit] = serial_whereabouts(s, imei(2))
    s.close()
    assert unit["location_name"] == "SZ01 GOOD" and len(unit["history"]) == 3
    consistent(world)


def test_transfer_requisition_use_and_automatic_defective_return(world, client, net):
    receipt(world, "screen", 5, "400")
    world.post("bin_transfer", {"warehouse_id": world.ids["SZ01.GOOD"], "to_warehouse_id": world.ids["SZ01.GOOD2"],
                                "lines": [{"item_id": world.ids["screen"], "quantity": Decimal(2)}]})
    assert on_hand(world, "screen", "SZ01.GOOD2") == (Decimal(2), Decimal("800.00"))
    with pytest.raises(InvalidInput) as err:
        world.post("engineer_requisition", {"warehouse_id": world.ids["SZ01.DEF"], "engineer_id": world.ids["engineer"],
                                            "lines": [{"item_id": world.ids["screen"], "quantity": Decimal(1)}]}, "sz01.engineer")
    assert "warehouse_id" in err.value.errors
    world.post("engineer_requisition", {"warehouse_id": world.ids["SZ01.GOOD"], "engineer_id": world.ids["engineer"],
                                        "reference": "WX-1", "lines": [{"item_id": world.ids["screen"], "quantity": Decimal(2)}]},
               "sz01.engineer")
    world.post("engineer_return", {"kind": "surplus", "warehouse_id": world.ids["SZ01.GOOD"], "engineer_id": world.ids["engineer"],
                                   "lines": [{"item_id": world.ids["screen"], "quantity": Decimal(1)}]}, "sz01.engineer")
    s = world.session("sz01.engineer")
    from server.db import unit_of_work
    from server.stock.operations import record_part_used

    with unit_of_work(s):
        used, back = record_part_used(s, org_id=net.orgs["SZ01"].id, engineer_id=world.ids["engineer"],
                                      item_id=world.ids["screen"], quantity=Decimal(1),
                                      defective_warehouse_id=world.ids["SZ01.DEF"], reference="WX-1")
    s.close()
    assert used.number.startswith("YL-SZ01-") and back.number.startswith("TL-SZ01-")
    assert on_hand(world, "screen", "SZ01.DEF") == (Decimal(1), Decimal("0.00"))  # a defective part has no book value
    assert on_hand(world, "screen") == (Decimal(2), Decimal("800.00"))
    r = client.get("/api/stock/current?include_engineers=true", headers=net.headers("sz01.manager")).json
    by_loc = {(x["location_kind"], x["location_name"]): x["quantity"] for x in r["items"] if x["item_code"] == "SCR"}
    assert by_loc == {("warehouse", "SZ01 GOOD"): "2.000", ("warehouse", "SZ01 GOOD2"): "2.000",
                      ("warehouse", "SZ01 DEF"): "1.000"}  # the engineer holds none now
    consistent(world)


def test_stocktake_gains_and_losses(world):
    receipt(world, "screen", 10, "400")
    receipt(world, "device", 2, "4000", serials=[imei(1), imei(2)])
    doc = world.post("stock_adjustment", {"kind": "stocktake", "warehouse_id": world.ids["SZ01.GOOD"], "lines": [
        {"item_id": world.ids["screen"], "counted_quantity": Decimal(8)},
        {"item_id": world.ids["device"], "counted_quantity": Decimal(2), "serials": [imei(1), imei(9)]},
    ]})
    assert [l.quantity for l in doc.lines] == [Decimal(-2), Decimal(0)]
    assert on_hand(world, "screen") == (Decimal(8), Decimal("3200.00"))
    s = world.session()
    from server.stock.models import StockSerial, StockLocation

    here = set(s.execute(select(StockSerial.serial).join(StockLocation, StockLocation.id == StockSerial.location_id)
                         .where(StockLocation.warehouse_id == world.ids["SZ01.GOOD"])).scalars())
    s.close()
    assert here == {imei(1), imei(9)}  # imei(2) was missing, imei(9) found
    consistent(world)


def test_scrap_and_return_defective_parts(world):
    world.post("engineer_return", {"kind": "defective", "warehouse_id": world.ids["SZ01.DEF"], "engineer_id": world.ids["engineer"],
                                   "lines": [{"item_id": world.ids["screen"], "quantity": Decimal(3)}]})
    world.post("stock_adjustment", {"kind": "scrap", "warehouse_id": world.ids["SZ01.DEF"],
                                    "lines": [{"item_id": world.ids["screen"], "quantity": Decimal(2)}]})
    world.post("stock_adjustment", {"kind": "return_to_customer", "warehouse_id": world.ids["SZ01.DEF"],
                                    "lines": [{"item_id": world.ids["screen"], "quantity": Decimal(1)}]})
    assert on_hand(world, "screen", "SZ01.DEF") == (Decimal(0), Decimal(0))
    with pytest.raises(InvalidInput) as err:
        world.post("stock_adjustment", {"kind": "scrap", "warehouse_id": world.ids["SZ01.GOOD"],
                                        "lines": [{"item_id": world.ids["screen"], "quantity": Decimal(1)}]})
    assert "warehouse_id" in err.value.errors


def test_opening_stock_and_disassembly_keep_value(world):
    world.post("stock_adjustment", {"kind": "opening", "warehouse_id": world.ids["SZ01.GOOD"], "lines": [
        {"item_id": world.ids["device"], "quantity": Decimal(1), "unit_cost": Decimal("3000"), "serials": [imei(5)]}]})
    world.post("disassembly", {"kind": "disassemble", "warehouse_id": world.ids["SZ01.GOOD"], "lines": [
        {"item_id": world.ids["device"], "quantity": Decimal(1), "serials": [imei(5)]},
        {"item_id": world.ids["board"], "role": "component", "serials": ["MB-0001"]}]})
    # 3000 split by standard cost 1500 : 400 : 100
    assert on_hand(world, "board") == (Decimal(1), Decimal("2250.00"))
    assert on_hand(world, "screen") == (Decimal(1), Decimal("600.00"))
    assert on_hand(world, "battery") == (Decimal(1), Decimal("150.00"))
    assert on_hand(world, "device") == (Decimal(0), Decimal(0))
    world.post("disassembly", {"kind": "assemble", "warehouse_id": world.ids["SZ01.GOOD"], "lines": [
        {"item_id": world.ids["device"], "quantity": Decimal(1), "serials": [imei(6)]},
        {"item_id": world.ids["board"], "role": "component", "serials": ["MB-0001"]}]})
    assert on_hand(world, "device") == (Decimal(1), Decimal("3000.00"))
    consistent(world)


def test_price_adjustment_revalues_and_reversal_restores(world):
    receipt(world, "screen", 4, "400")
    receipt(world, "screen", 2, "400", wh="SZ01.GOOD2")
    before = balances(world)
    doc = world.post("price_adjustment", {"lines": [{"item_id": world.ids["screen"], "unit_cost": Decimal("350")}]})
    assert doc.lines[0].quantity == 6
    assert on_hand(world, "screen") == (Decimal(4), Decimal("1400.00"))
    assert on_hand(world, "screen", "SZ01.GOOD2") == (Decimal(2), Decimal("700.00"))
    issue(world, "screen", 1)
    assert on_hand(world, "screen") == (Decimal(3), Decimal("1050.00"))
    # The reversal posts the exact opposite entries: the 200.00 taken off this
    # warehouse comes back, though one unit left in between at the lower cost.
    world.reverse(doc)
    assert on_hand(world, "screen") == (Decimal(3), Decimal("1250.00"))
    assert on_hand(world, "screen", "SZ01.GOOD2") == (Decimal(2), Decimal("800.00"))
    assert before != balances(world)
    consistent(world)


@pytest.mark.parametrize("kind", ["receipt", "issue", "transfer", "requisition", "stocktake", "disassembly", "price"])
def test_reversal_restores_exactly_what_the_document_changed(world, kind):
    receipt(world, "screen", 7, "401.37")
    receipt(world, "device", 1, "4000", serials=[imei(1)])
    before = balances(world)
    docs = {
        "receipt": lambda: receipt(world, "screen", 3, "399.99"),
        "issue": lambda: issue(world, "screen", 2),
        "transfer": lambda: world.post("bin_transfer", {"warehouse_id": world.ids["SZ01.GOOD"], "to_warehouse_id": world.ids["SZ01.DEF"],
                                                        "lines": [{"item_id": world.ids["screen"], "quantity": Decimal(3)}]}),
        "requisition": lambda: world.post("engineer_requisition", {"warehouse_id": world.ids["SZ01.GOOD"], "engineer_id": world.ids["engineer"],
                                                                   "lines": [{"item_id": world.ids["screen"], "quantity": Decimal(1)}]}),
        "stocktake": lambda: world.post("stock_adjustment", {"kind": "stocktake", "warehouse_id": world.ids["SZ01.GOOD"],
                                                             "lines": [{"item_id": world.ids["screen"], "counted_quantity": Decimal(9)}]}),
        "disassembly": lambda: world.post("disassembly", {"kind": "disassemble", "warehouse_id": world.ids["SZ01.GOOD"], "lines": [
            {"item_id": world.ids["device"], "quantity": Decimal(1), "serials": [imei(1)]},
            {"item_id": world.ids["board"], "role": "component", "serials": ["MB-7"]}]}),
        "price": lambda: world.post("price_adjustment", {"lines": [{"item_id": world.ids["screen"], "unit_cost": Decimal("123.45")}]}),
    }
    doc = docs[kind]()
    assert balances(world) != before
    reversal = world.reverse(doc)
    assert reversal.reverses_id == doc.id and reversal.number.split("-")[0] == doc.number.split("-")[0]
    assert balances(world) == before
    consistent(world)


def test_reversal_that_would_go_negative_is_refused(world):
    doc = receipt(world, "battery", 2, "100")
    issue(world, "battery", 1)
    with pytest.raises(NegativeStock):
        world.reverse(doc)


def test_closed_period_refuses_posting(world, client, net):
    r = client.put(f"/api/periods/{net.orgs['SZ01'].id}", json={"closed_through": "2026-11-30"}, headers=net.headers("admin"))
    assert r.status_code == 200
    with pytest.raises(PeriodClosed):
        receipt(world, "screen", 1, "400")


def test_wrong_organisation(world, client, net):
    with pytest.raises(InvalidInput) as err:
        receipt(world, "screen", 1, "400", wh="GZ01.GOOD")  # SZ01 document, GZ01 warehouse
    assert "warehouse_id" in err.value.errors
    doc = receipt(world, "screen", 1, "400", wh="GZ01.GOOD", username="gz01.manager")
    h = net.headers("sz01.manager")
    assert client.get(f"/api/stock/goods-receipts/{doc.id}", headers=h).status_code == 404
    assert client.post(f"/api/stock/goods-receipts/{doc.id}/reverse", json={"reason": "x"}, headers=h).status_code == 404
    mine = client.get("/api/stock/current", headers=h).json
    assert mine["total"] == 0
    hq = client.get("/api/stock/current", headers=net.headers("hq")).json
    assert hq["total"] == 1 and hq["totals"]["value"] == "400.00"


def test_the_ledger_refuses_update_and_delete(world, app):
    receipt(world, "screen", 1, "400")
    engine = app.extensions["aftercare.db"].engine
    for sql in ("UPDATE stock_move SET quantity = 5", "DELETE FROM stock_move", "DELETE FROM stock_move_serial"):
        with pytest.raises(DBAPIError, match="append-only"):
            with engine.begin() as conn:
                if sql.endswith("serial"):
                    conn.execute(text("INSERT INTO stock_move_serial (move_id, serial) SELECT id, 'S' FROM stock_move"))
                conn.execute(text(sql))
    s = world.session()
    assert s.execute(select(StockMove.quantity)).scalar_one() == 1
    s.close()


def test_two_postings_race_for_the_last_unit(world, app):
    receipt(world, "battery", 1, "100")
    barrier = threading.Barrier(2)
    outcomes: list[object] = []

    def take():
        try:
            barrier.wait(timeout=10)
            outcomes.append(issue(world, "battery", 1).number)
        except NegativeStock as exc:
            outcomes.append(exc)
        except BaseException as exc:  # noqa: BLE001
            outcomes.append(("unexpected", exc))

    threads = [threading.Thread(target=take) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    winners = [o for o in outcomes if isinstance(o, str)]
    losers = [o for o in outcomes if isinstance(o, NegativeStock)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    assert on_hand(world, "battery") == (Decimal(0), Decimal("0.00"))
    s = world.session()
    from server.stock.models import StockDocument

    issues = s.execute(select(StockDocument).where(StockDocument.doc_type == "goods_issue")).scalars().all()
    s.close()
    assert [d.status for d in issues] == ["posted"]  # the loser left no half-written document
    consistent(world)


def test_shortage_becomes_ready_when_stock_arrives(world, client, net):
    h = net.headers("sz01.engineer")
    r = client.post("/api/stock/shortages", json={"item_id": str(world.ids["screen"]), "quantity": "2",
                                                  "engineer_id": str(world.ids["engineer"]), "reference": "WX-SZ01-2611-00007"},
                    headers=h)
    assert r.status_code == 201 and r.json["status"] == "waiting"
    receipt(world, "screen", 1, "400")
    assert client.get(f"/api/stock/shortages?status=ready", headers=h).json["total"] == 0  # one is not enough
    receipt(world, "screen", 1, "400", wh="SZ01.GOOD2")
    ready = client.get("/api/stock/shortages?status=ready", headers=h).json["items"]
    assert [x["reference"] for x in ready] == ["WX-SZ01-2611-00007"]
    s = world.session()
    notes = s.execute(select(Notification)).scalars().all()
    s.close()
    assert len(notes) == 1 and notes[0].user_id == net.users["sz01.engineer"].id and "SCR" in notes[0].title
    done = client.post(f"/api/stock/shortages/{ready[0]['id']}/fulfil", headers=h)
    assert done.status_code == 200 and done.json["status"] == "fulfilled"
    again = client.post(f"/api/stock/shortages/{ready[0]['id']}/cancel", headers=h)
    assert again.status_code == 409


def test_check_endpoint(world, client, net):
    receipt(world, "screen", 2, "400")
    r = client.get("/api/stock/check", headers=net.headers("hq"))
    assert r.status_code == 200 and r.json == {"consistent": True, "problems": []}
    s = world.session()
    s.execute(text("UPDATE stock_balance SET quantity = quantity + 1"))
    s.commit()
    s.close()
    r = client.get("/api/stock/check", headers=net.headers("hq"))
    assert r.json["consistent"] is False and r.json["problems"]


def test_current_stock_values_each_warehouse_at_the_organisation_average(world, client, net):
    receipt(world, "screen", 2, "100")
    receipt(world, "screen", 2, "1000", wh="SZ01.GOOD2")
    issue(world, "screen", 1)  # at the average 550: the cheap warehouse alone would go negative
    r = client.get("/api/stock/current?item_id=" + str(world.ids["screen"]), headers=net.headers("sz01.manager")).json
    rows = {x["location_name"]: (x["quantity"], x["value"], x["unit_cost"]) for x in r["items"]}
    assert rows == {"SZ01 GOOD": ("1.000", "550.00", "550.0000"), "SZ01 GOOD2": ("2.000", "1100.00", "550.0000")}
    assert r["totals"] == {"quantity": "3.000", "value": "1650.00"}
    consistent(world)


def test_an_emptied_warehouse_keeps_no_value(world):
    r1 = receipt(world, "battery", 3, "3.33")
    receipt(world, "battery", 3, "1.00")
    issue(world, "battery", 3)  # at the blended average
    world.reverse(r1)  # takes back exactly 9.99 with the last units
    assert on_hand(world, "battery") == (Decimal(0), Decimal("0.00"))
    consistent(world)
