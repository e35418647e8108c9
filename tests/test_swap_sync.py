"""Accessory intake and return offline at the counter (issue 17 §6): the PWA's events
(pwa/src/swap/events.js: ids made on the tablet, the intake's lines' too) pushed through the sync
proxy as PouchDB pushes them, pushed again and replayed: each posted once by the worker through
the REST API's operations, the custody ledger adding up; a refused return comes back with its
reason naming the field. Both databases."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import func, select

from server.basedata.operations import today_in
from server.ids import uuid7
from server.stock.ledger import rebuild_check
from server.stock.models import StockMove
from server.swap.models import SwapDocument

from .swap_fixtures import sw, world  # noqa: F401
from .sync_support import couch, event, make_worker, publish_all  # noqa: F401
from .test_frontdesk_sync import drain_twice, push
from .test_repair_sync import status_docs


def test_intake_and_return_made_offline_post_once_and_a_refusal_names_its_field(app, client, net, sw, couch):
    line_id = str(uuid7())
    sold = (today_in("Asia/Shanghai") - dt.timedelta(days=10)).isoformat()
    intake = event(net, "sz01.clerk", "swap_intake", party_id=str(sw.ids["dealer"]), contact_name="李经理", lines=[
        {"id": line_id, "item_id": str(sw.ids["headset"]), "quantity": 2, "serials": ["H1", "H2"], "condition": "faulty",
         "fault": "单边无声", "sale_date": sold}])
    intake["order_id"] = intake["_id"]
    # The distributor takes one back at once (it works after all), named by the line made on the tablet.
    give_back = event(net, "sz01.clerk", "swap_return", order_id=intake["_id"], party_id=str(sw.ids["dealer"]),
                      lines=[{"intake_line_id": line_id, "quantity": 1, "serials": ["H2"]}])
    too_many = event(net, "sz01.clerk", "swap_return", order_id=intake["_id"], party_id=str(sw.ids["dealer"]),
                     lines=[{"intake_line_id": line_id, "quantity": 2}])
    docs = push(client, net, [intake, give_back, too_many])
    totals = drain_twice(app, net, client, couch, docs)
    assert totals["posted"] == 2 and totals["rejected"] == 1, totals
    st = status_docs(couch)
    assert st[intake["_id"]]["numbers"]["swap_intake"].startswith("FJ-SZ01-")
    assert st[give_back["_id"]]["numbers"]["swap_return"].startswith("GH-SZ01-")
    refused = st[too_many["_id"]]
    assert refused["state"] == "rejected" and "lines.0.quantity" in str(refused["reasons"]), refused
    with sw.open() as s:
        doc = s.get(SwapDocument, uuid.UUID(intake["_id"]))
        assert doc.device_id == "tab-sz01.clerk" and str(doc.lines[0].id) == line_id and doc.lines[0].verdict == "replace"
        moves = s.execute(select(StockMove.doc_type, func.sum(StockMove.quantity), func.sum(StockMove.value))
                          .where(StockMove.item_id == sw.ids["headset"]).group_by(StockMove.doc_type)).all()
        assert sorted((t, q, v) for t, q, v in moves) == [("swap_intake", Decimal(2), Decimal(0)),
                                                          ("swap_return", Decimal(1), Decimal(0))]
        assert rebuild_check(s) == []
    # Read back through the REST API as the tablet does once online.
    r = client.get("/api/swap/history?serial=H1", headers=net.headers("sz01.clerk"))
    assert r.json["items"][0]["returned"] == "1" and r.json["items"][0]["at_point"] == "1"
