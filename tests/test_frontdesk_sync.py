"""The repair desk offline (issue 16, Build §4): loaner lend/return, refund request and a
distributor batch (open, scan, close, signed pickup) sent as the PWA's desk events
(pwa/src/repair/desk.js) through the sync proxy, the way PouchDB pushes them (first revisions,
``new_edits: false``), sent again as after a lost answer, posted by the worker with the REST API's
operations: each posted once, the ledgers adding up, refusals coming back with their reason.
Both databases."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from decimal import Decimal

from sqlalchemy import func, select, update

from server.basedata.operations import today_in
from server.db import unit_of_work
from server.repair.models import RepairBatch, RepairLoaner, RepairOrder, RepairPayment
from server.stock.models import StockLocation, StockMove, StockSerial
from sync.models import SyncCheckpoint

from .conftest import row_counts
from .repair_fixtures import SIG, money, rw  # noqa: F401
from .stock_fixtures import imei, world  # noqa: F401
from .sync_support import couch, event, make_worker, publish_all  # noqa: F401
from .test_repair_logistics import _loaner_stock
from .test_repair_sync import intake_event, status_docs, step


def push(client, net, docs, username="sz01.clerk"):
    """As PouchDB pushes: each event at its first revision, ``new_edits: false``."""
    docs = [d if "_rev" in d else {**d, "_rev": f"1-{secrets.token_hex(16)}"} for d in docs]
    r = client.post("/sync/sp_sz01/_bulk_docs", json={"docs": docs, "new_edits": False}, headers=net.headers(username))
    assert r.status_code in (200, 201), r.json
    assert [x for x in r.json if x.get("error")] == [], r.json
    return docs


def drain_twice(app, net, client, couch, docs):
    """Post, then resend the same revisions (a push whose answer was lost) and replay the feed
    from the start: nothing more may be written."""
    worker = make_worker(app, couch)
    first = worker.drain()
    publish_all(app, couch)
    # Feeds' checkpoints are bookkeeping (an idle feed gets its first one on a later pass).
    rows = lambda: {k: v for k, v in row_counts(app).items() if k != "sync_checkpoint"}  # noqa: E731
    before, statuses = rows(), status_docs(couch)
    push(client, net, docs)
    s = net.session()
    with unit_of_work(s):
        s.execute(update(SyncCheckpoint).values(seq=None))
    s.close()
    again = worker.drain()
    assert again["posted"] == 0 and again["rejected"] == 0, again
    publish_all(app, couch)
    assert rows() == before and status_docs(couch) == statuses
    return first


def count(rw, model, *where) -> int:
    with rw.open() as s:
        return s.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def test_loaner_lent_by_scan_returned_damaged_and_a_refund_requested_offline(app, client, net, rw, couch):
    _loaner_stock(net, rw)
    intake = intake_event(net, rw)  # a 50.00 deposit into SZ01.CASH
    due = (today_in("Asia/Shanghai") + dt.timedelta(days=5)).isoformat()
    cash = str(rw.ids["SZ01.CASH"])
    # What desk.js builds: the unit scanned (no item), the default loaner warehouse.
    lend = event(net, "sz01.clerk", "repair_loaner_lend", order_id=intake["_id"], serial=imei(50), due_date=due,
                 deposit="300.00", account_id=cash, note="外观完好")
    give_back = event(net, "sz01.clerk", "repair_loaner_return", order_id=intake["_id"], loaner_id=lend["_id"],
                      condition="damaged", damage_charge="120.00", note="屏幕划伤")
    refund = event(net, "sz01.clerk", "repair_refund", order_id=intake["_id"], amount="30.00", account_id=cash,
                   reason="押金多收")
    docs = push(client, net, [intake, lend, give_back, refund])
    push(client, net, docs)  # the same revisions again: answered as written, stored once
    totals = drain_twice(app, net, client, couch, docs)
    assert totals["posted"] == 4 and totals["rejected"] == 0, totals
    st = status_docs(couch)
    assert st[lend["_id"]]["numbers"]["repair_loaner"].startswith("BJ-SZ01-")
    assert st[give_back["_id"]]["numbers"]["condition"] == "damaged"
    assert st[refund["_id"]]["state"] == "posted"
    with rw.open() as s:
        loaner = s.get(RepairLoaner, uuid.UUID(lend["_id"]))
        assert loaner.item_id == rw.ids["device"] and loaner.return_warehouse_id == rw.ids["SZ01.DEF"]
        at = s.execute(select(StockSerial.location_id).where(StockSerial.serial == imei(50))).scalar_one()
        assert s.get(StockLocation, at).warehouse_id == rw.ids["SZ01.DEF"]
        moves = s.execute(select(StockMove.doc_type).where(StockMove.doc_id == loaner.id)
                          .order_by(StockMove.doc_type)).scalars().all()
        assert moves == ["repair_loaner", "repair_loaner_return"]
        slip = s.get(RepairPayment, uuid.UUID(refund["_id"]))
        assert (slip.kind, slip.status, slip.amount) == ("refund", "draft", Decimal("30.00"))
    assert count(rw, RepairLoaner) == 1 and count(rw, RepairPayment, RepairPayment.kind == "refund") == 1
    # The ledgers: deposit in, deposit back less the charge, which was billed and settled.
    lent, back = money(rw, "repair_loaner"), money(rw, "repair_loaner_return")
    assert lent == {("member", "payable"): Decimal("300.00"), "cash": Decimal("300.00")}
    assert back[("member", "payable")] == Decimal("-300.00") and back[("member", "receivable")] == Decimal("0")
    assert back["cash"] == Decimal("-180.00")
    assert money(rw)["cash"] == Decimal("50.00") + Decimal("300.00") - Decimal("180.00")  # the refund waits for approval


def test_refused_desk_events_come_back_with_their_reason_and_a_correction_posts(app, client, net, rw, couch):
    _loaner_stock(net, rw)
    intake = intake_event(net, rw)
    due = (today_in("Asia/Shanghai") + dt.timedelta(days=5)).isoformat()
    wrong_unit = event(net, "sz01.clerk", "repair_loaner_lend", order_id=intake["_id"], serial=imei(51), due_date=due)
    too_much = event(net, "sz01.clerk", "repair_refund", order_id=intake["_id"], amount="80.00",
                     account_id=str(rw.ids["SZ01.CASH"]), reason="超额")
    push(client, net, [intake, wrong_unit, too_much])
    worker = make_worker(app, couch)
    assert worker.drain()["rejected"] == 2
    publish_all(app, couch)
    st = status_docs(couch)
    reason = st[wrong_unit["_id"]]["reasons"][0]
    assert reason["field"] == "serial" and reason["zh-CN"] and imei(51) in reason["en"]
    assert st[too_much["_id"]]["reasons"][0]["field"] == "amount"
    # The clerk corrects it on the tablet: a new event (new id), the right unit.
    fixed = event(net, "sz01.clerk", "repair_loaner_lend", order_id=intake["_id"], serial=imei(50), due_date=due)
    push(client, net, [fixed])
    assert worker.drain()["posted"] == 1
    assert count(rw, RepairLoaner) == 1


def test_a_distributor_batch_taken_in_closed_and_picked_up_offline(app, client, net, rw, couch):
    batch = event(net, "sz01.clerk", "repair_batch", party_id=str(rw.ids["dealer"]), contact_name="张经理",
                  contact_phone="13912345678", mode="A")
    batch["order_id"] = batch["_id"]
    devices = [event(net, "sz01.clerk", "repair_batch_device", order_id=batch["_id"], imei=imei(n),
                     fault_description="批量不开机") for n in (31, 32)]
    twice = event(net, "sz01.clerk", "repair_batch_device", order_id=batch["_id"], imei=imei(31), fault_description="x")
    close = event(net, "sz01.clerk", "repair_batch_close", order_id=batch["_id"])
    # The workshop's events on each device (their order ids are the scan events' ids).
    work = [step(net, "sz01.clerk", d, name, **kw) for d in devices
            for name, kw in (("accept", {}), ("return_unrepaired", {"reason": "经销商取回"}))]
    pickup = event(net, "sz01.clerk", "repair_batch_pickup", order_id=batch["_id"], signature=SIG)
    again = event(net, "sz01.clerk", "repair_batch_pickup", order_id=batch["_id"], signature=SIG)
    docs = push(client, net, [batch, *devices, twice, close, *work, pickup, again])
    totals = drain_twice(app, net, client, couch, docs)
    assert totals["posted"] == 9 and totals["rejected"] == 2, totals
    st = status_docs(couch)
    assert "line 1" in st[twice["_id"]]["reasons"][0]["en"] and st[twice["_id"]]["reasons"][0]["field"] == "imei"
    number = st[close["_id"]]["numbers"]["repair_batch"]
    assert number.startswith("PL-SZ01-") and st[pickup["_id"]]["numbers"]["repair_batch"] == number
    assert st[again["_id"]]["state"] == "rejected" and st[again["_id"]]["reasons"][0]["field"] == "batch_id"
    assert [st[d["_id"]]["numbers"]["repair_order"].startswith("WX-SZ01-") for d in devices] == [True, True]
    with rw.open() as s:
        b = s.get(RepairBatch, uuid.UUID(batch["_id"]))
        assert (b.number, b.device_count, b.status, b.signature) == (number, 2, "posted", SIG)
        assert b.picked_up_at is not None
        states = s.execute(select(RepairOrder.id, RepairOrder.state).where(RepairOrder.batch_id == b.id)).all()
        assert {str(i): st_ for i, st_ in states} == {d["_id"]: "completed" for d in devices}
        bill = b.bill_total
    assert count(rw, RepairBatch) == 1 and count(rw, RepairOrder, RepairOrder.batch_id.is_not(None)) == 2
    # One bill on the distributor's account, nothing through the till.
    posted = money(rw, "repair_batch")
    assert posted.get(("party", "receivable"), Decimal("0")) == bill and posted["cash"] == Decimal("0")
