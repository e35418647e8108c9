"""Repair through the sync path: a counter takes a device in offline, the worker posts it with
the same operations as the API; refusals come back as `rejected` status documents."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from server.basedata.operations import today_in
from server.repair.models import RepairOrder, RepairPayment, RepairTransition

from .repair_fixtures import SIG, rw  # noqa: F401
from .stock_fixtures import imei, world  # noqa: F401
from .sync_support import couch, event, make_worker, publish_all  # noqa: F401


def status_docs(couch, db="sp_sz01") -> dict[str, dict]:
    return {r["id"][7:]: r["doc"] for r in couch.all_docs(db, include_docs=True) if r["id"].startswith("status:")}


def intake_event(net, w, username="sz01.clerk", **kw) -> dict:
    body = dict(member_phone="13800138000", imei=imei(1), passcode="1234",
                symptom_ids=[str(w.ids["nopower"])], accessories_received=[str(w.ids["charger"])],
                deposit={"amount": "50.00", "account_id": str(w.ids["SZ01.CASH"])}, provisional_code="K7QD5-0001")
    body.update(kw)
    doc = event(net, username, "repair_intake", **{k: v for k, v in body.items() if v is not None})
    doc["order_id"] = doc["_id"]
    return doc


def step(net, username, order_doc, name, **kw) -> dict:
    return event(net, username, "repair_event", order_id=order_doc["_id"], event=name, **kw)


def test_offline_intake_posts_with_its_number_and_guards_reject_over_sync(app, net, rw, couch):
    intake = intake_event(net, rw, signature=SIG)
    accept = step(net, "sz01.clerk", intake, "accept")
    early_pickup = step(net, "sz01.clerk", intake, "pickup", signature=SIG)
    couch.bulk_docs("sp_sz01", [accept, intake, early_pickup])  # the accept arrives before the intake
    worker = make_worker(app, couch)
    totals = worker.drain()
    assert totals["rejected"] == 1, totals  # the accept waited for its order, then posted
    publish_all(app, couch)
    st = status_docs(couch)
    assert st[intake["_id"]]["state"] == "posted"
    number = st[intake["_id"]]["numbers"]["repair_order"]
    assert number.startswith("WX-SZ01-")
    assert st[accept["_id"]]["state"] == "posted"
    rejected = st[early_pickup["_id"]]
    assert rejected["state"] == "rejected" and rejected["reasons"][0]["field"] == "state"
    with rw.open() as s:
        order = s.get(RepairOrder, uuid.UUID(intake["_id"]))
        assert (order.number, order.state, order.device_id, order.provisional_code) == (
            number, "pending_repair", "tab-sz01.clerk", "K7QD5-0001")
        assert order.passcode_cipher and "1234" not in order.passcode_cipher
        assert order.intake_signature == SIG  # signed on the tablet, kept with the order
        assert s.execute(select(RepairPayment.kind).where(RepairPayment.order_id == order.id)).scalars().all() == ["deposit"]
        sources = s.execute(select(RepairTransition.source).where(RepairTransition.order_id == order.id)).scalars().all()
        assert sources == ["sync", "sync"]
    # The order's answer names the events it reflects (the PWA's projection goes by these ids).
    detail = app.test_client().get(f"/api/repair/orders/{intake['_id']}", headers=net.headers("sz01.clerk")).json
    assert [t["event_id"] for t in detail["transitions"]] == [intake["_id"], accept["_id"]]


def test_two_devices_record_pickup_offline_one_posts_one_is_rejected(app, net, rw, couch, caplog):
    intake = intake_event(net, rw)
    docs = [intake, step(net, "sz01.clerk", intake, "return_unrepaired", reason="客户取回")]
    couch.bulk_docs("sp_sz01", docs)
    worker = make_worker(app, couch)
    worker.drain()
    first = step(net, "sz01.clerk", intake, "pickup", signature=SIG, account_id=str(rw.ids["SZ01.CASH"]))
    second = step(net, "sz01.clerk2", intake, "pickup", signature=SIG, account_id=str(rw.ids["SZ01.CASH"]))
    couch.bulk_docs("sp_sz01", [first, second])
    with caplog.at_level("WARNING", logger="aftercare.sync.worker"):
        totals = worker.drain()
    assert totals["posted"] == 1 and totals["rejected"] == 1, totals
    # Posted together without savepoints, the refusal sent the batch through again one event at a time.
    assert any("event by event" in r.getMessage() for r in caplog.records), caplog.text
    publish_all(app, couch)
    st = status_docs(couch)
    assert st[first["_id"]]["state"] == "posted"
    assert st[second["_id"]]["state"] == "rejected" and "completed" in st[second["_id"]]["reasons"][0]["en"].lower()
    with rw.open() as s:
        n = s.execute(select(func.count()).select_from(RepairPayment).where(
            RepairPayment.order_id == uuid.UUID(intake["_id"]), RepairPayment.kind == "settlement")).scalar_one()
        assert n == 1  # nothing doubled
        order = s.get(RepairOrder, uuid.UUID(intake["_id"]))
        assert order.state == "completed" and order.passcode_cipher is None


def test_handover_and_deposit_events(app, net, rw, couch):
    intake = intake_event(net, rw)
    handover = event(net, "sz01.clerk", "repair_handover", order_id=intake["_id"],
                     to_user_id=str(net.users["sz01.engineer"].id), signature=SIG, place="维修间")
    deposit = event(net, "sz01.clerk", "repair_deposit", order_id=intake["_id"], amount="20.00",
                    account_id=str(rw.ids["SZ01.CASH"]))
    couch.bulk_docs("sp_sz01", [intake, handover, deposit])
    assert make_worker(app, couch).drain()["posted"] == 3
    with rw.open() as s:
        order = s.get(RepairOrder, uuid.UUID(intake["_id"]))
        assert order.current_holder_id == net.users["sz01.engineer"].id
        kinds = s.execute(select(RepairPayment.amount).where(RepairPayment.order_id == order.id)
                          .order_by(RepairPayment.created_at)).scalars().all()
        assert [str(k) for k in kinds] == ["50.00", "20.00"]


def test_quotation_part_and_refund_events_post_through_the_same_operations(app, net, rw, couch):
    from decimal import Decimal

    from server.repair.models import RepairPart, RepairQuotation

    from .repair_fixtures import stock_engineer

    stock_engineer(rw)
    intake = intake_event(net, rw, imei=imei(7), member_phone=None, customer_name="李雷", customer_phone="13900000000")
    quote = event(net, "sz01.clerk", "repair_quotation", order_id=intake["_id"],
                  lines=[{"kind": "part", "item_id": str(rw.ids["screen"])},
                         {"kind": "labour", "repair_level_id": str(rw.ids["level"])}])
    decide = event(net, "sz01.clerk", "repair_quotation_decision", order_id=intake["_id"], quotation_id=quote["_id"],
                   accepted=True, signature=SIG)
    docs = [intake, quote, decide, step(net, "sz01.clerk", intake, "accept"),
            step(net, "sz01.engineer", intake, "start_repair", engineer_id=str(rw.ids["engineer"]))]
    part = event(net, "sz01.engineer", "repair_part", order_id=intake["_id"], item_id=str(rw.ids["screen"]))
    refund = event(net, "sz01.clerk", "repair_refund", order_id=intake["_id"], amount="20.00",
                   account_id=str(rw.ids["SZ01.CASH"]), reason="押金多收")
    too_much = event(net, "sz01.clerk", "repair_refund", order_id=intake["_id"], amount="80.00",
                     account_id=str(rw.ids["SZ01.CASH"]), reason="超额")
    clerk_approves = event(net, "sz01.clerk", "repair_refund_approval", order_id=intake["_id"], refund_id=refund["_id"])
    approve = event(net, "sz01.finance", "repair_refund_approval", order_id=intake["_id"], refund_id=refund["_id"])
    couch.bulk_docs("sp_sz01", docs + [part, refund, too_much, clerk_approves, approve])
    totals = make_worker(app, couch).drain()
    assert totals["posted"] == 8 and totals["rejected"] == 2, totals
    publish_all(app, couch)
    st = status_docs(couch)
    assert st[part["_id"]]["numbers"]["engineer_use"].startswith("YL-SZ01-")
    assert st[too_much["_id"]]["reasons"][0]["field"] == "amount"
    assert st[clerk_approves["_id"]]["reasons"][0]["field"] == "user_id"  # lacks repair.approve_refund
    assert st[approve["_id"]]["numbers"]["repair_refund"].startswith("TK-SZ01-")
    with rw.open() as s:
        q = s.get(RepairQuotation, uuid.UUID(quote["_id"]))
        assert q.status == "accepted" and q.total == Decimal("680.00")
        assert s.execute(select(RepairPart.item_id).where(RepairPart.order_id == q.order_id)).scalars().all() == [rw.ids["screen"]]
        refunds = s.execute(select(RepairPayment.status).where(RepairPayment.kind == "refund")).scalars().all()
        assert refunds == ["posted"]


def test_packing_list_loaner_and_batch_events(app, net, rw, couch):
    import datetime as dt

    from server.repair.models import RepairBatch, RepairLoaner, RepairPackingList

    from .test_repair_logistics import _loaner_stock

    _loaner_stock(net, rw)
    intake = intake_event(net, rw, mode="C")
    accept = step(net, "sz01.clerk", intake, "accept")
    box = event(net, "sz01.courier", "repair_packing_list", purpose="factory", manufacturer_id=str(rw.ids["maker"]),
                order_ids=[intake["_id"]])
    scan = event(net, "sz01.clerk", "repair_packing_receive", order_id=box["_id"], imei=imei(1), signature=SIG)
    stranger = event(net, "sz01.clerk", "repair_packing_receive", order_id=box["_id"], imei=imei(8))
    close = event(net, "sz01.clerk", "repair_packing_close", order_id=box["_id"])
    lend = event(net, "sz01.clerk", "repair_loaner_lend", order_id=intake["_id"], item_id=str(rw.ids["device"]),
                 serial=imei(50), due_date=(today_in("Asia/Shanghai") + dt.timedelta(days=5)).isoformat(), deposit="300.00",
                 account_id=str(rw.ids["SZ01.CASH"]))
    give_back = event(net, "sz01.clerk", "repair_loaner_return", order_id=intake["_id"], loaner_id=lend["_id"],
                      condition="good")
    batch = event(net, "sz01.clerk", "repair_batch", party_id=str(rw.ids["dealer"]), contact_phone="13912345678")
    devices = [event(net, "sz01.clerk", "repair_batch_device", order_id=batch["_id"], imei=imei(n),
                     symptom_ids=[str(rw.ids["nopower"])]) for n in (21, 22, 21)]
    shut = event(net, "sz01.clerk", "repair_batch_close", order_id=batch["_id"])
    accept_all = event(net, "sz01.clerk", "repair_batch_event", order_id=batch["_id"], event="accept")
    one_device = step(net, "sz01.clerk", devices[0], "return_unrepaired", reason="经销商取回")
    couch.bulk_docs("sp_sz01", [intake, accept, box, scan, stranger, close, lend, give_back, batch, *devices, shut,
                                accept_all, one_device])
    totals = make_worker(app, couch).drain()
    assert totals["rejected"] == 1 and totals["posted"] == 14, totals
    publish_all(app, couch)
    st = status_docs(couch)
    assert st[box["_id"]]["numbers"]["repair_packing_list"].startswith("ZX-SZ01-")
    assert st[stranger["_id"]]["numbers"]["state"] == "unexpected"
    assert st[devices[2]["_id"]]["state"] == "rejected" and "line 1" in st[devices[2]["_id"]]["reasons"][0]["en"]
    assert st[shut["_id"]]["numbers"]["repair_batch"].startswith("PL-SZ01-")
    assert st[give_back["_id"]]["numbers"]["condition"] == "good"
    with rw.open() as s:
        pl = s.get(RepairPackingList, uuid.UUID(box["_id"]))
        assert pl.closed_at is not None and [l.state for l in pl.lines] == ["received", "unexpected"]
        assert s.get(RepairOrder, uuid.UUID(intake["_id"])).forwarded_out is False
        loaner = s.get(RepairLoaner, uuid.UUID(lend["_id"]))
        assert loaner.number.startswith("BJ-") and loaner.return_condition == "good"
        b = s.get(RepairBatch, uuid.UUID(batch["_id"]))
        states = s.execute(select(RepairOrder.state).where(RepairOrder.batch_id == b.id)
                           .order_by(RepairOrder.created_at)).scalars().all()
        assert b.device_count == 2 and states == ["pending_pickup", "pending_repair"]
