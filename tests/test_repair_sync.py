"""Repair through the sync path: a counter takes a device in offline, the worker posts it with
the same operations as the API; refusals come back as `rejected` status documents."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from server.repair.models import RepairOrder, RepairPayment, RepairTransition

from .repair_fixtures import SIG, rw  # noqa: F401
from .stock_fixtures import imei, world  # noqa: F401
from .sync_support import couch, event, make_worker, publish_all  # noqa: F401


def status_docs(couch, db="sp_sz01") -> dict[str, dict]:
    return {r["id"][7:]: r["doc"] for r in couch.all_docs(db, include_docs=True) if r["id"].startswith("status:")}


def intake_event(net, w, username="sz01.clerk", **kw) -> dict:
    doc = event(net, username, "repair_intake", member_phone="13800138000", imei=imei(1), passcode="1234",
                symptom_ids=[str(w.ids["nopower"])], accessories_received=[str(w.ids["charger"])],
                deposit={"amount": "50.00", "account_id": str(w.ids["SZ01.CASH"])}, provisional_code="K7QD5-0001", **kw)
    doc["order_id"] = doc["_id"]
    return doc


def step(net, username, order_doc, name, **kw) -> dict:
    return event(net, username, "repair_event", order_id=order_doc["_id"], event=name, **kw)


def test_offline_intake_posts_with_its_number_and_guards_reject_over_sync(app, net, rw, couch):
    intake = intake_event(net, rw)
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
        assert s.execute(select(RepairPayment.kind).where(RepairPayment.order_id == order.id)).scalars().all() == ["deposit"]
        sources = s.execute(select(RepairTransition.source).where(RepairTransition.order_id == order.id)).scalars().all()
        assert sources == ["sync", "sync"]


def test_two_devices_record_pickup_offline_one_posts_one_is_rejected(app, net, rw, couch):
    intake = intake_event(net, rw)
    docs = [intake, step(net, "sz01.clerk", intake, "return_unrepaired", reason="客户取回")]
    couch.bulk_docs("sp_sz01", docs)
    worker = make_worker(app, couch)
    worker.drain()
    first = step(net, "sz01.clerk", intake, "pickup", signature=SIG, account_id=str(rw.ids["SZ01.CASH"]))
    second = step(net, "sz01.clerk2", intake, "pickup", signature=SIG, account_id=str(rw.ids["SZ01.CASH"]))
    couch.bulk_docs("sp_sz01", [first, second])
    totals = worker.drain()
    assert totals["posted"] == 1 and totals["rejected"] == 1, totals
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
