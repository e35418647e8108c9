"""The four repair modes end to end through the sync path, as the counters would live them.

Every person works on their own tablet (a real PouchDB in Node): they record their steps while
offline; the tablet comes online, replicates through the server's proxy with its user's token,
and the worker posts. Each mode walks its way through the seven states (待受理 → 待维修 → 待质检
→ 待取机 → 已完成 → 已回访 → 已审计; an exchange goes from 待维修 straight to 已完成), then the
stock moves, money entries, handovers and the IMEI history are checked. The REST side of the
same flows is in test_repair.py and test_repair_logistics.py.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from sqlalchemy import select

from server.auth.models import User
from server.repair.models import RepairHandover, RepairOrder, RepairTransition
from server.stock.models import StockDocument

from .repair_fixtures import SIG, money, rw, stock_engineer  # noqa: F401
from .stock_fixtures import imei, world  # noqa: F401
from .sync_support import couch, drive, event, live, make_worker, publish_all  # noqa: F401
from .test_repair_logistics import _sz02
from .test_repair_sync import status_docs

AUDITED = ["follow_up", "audit"]


class Tablet:
    """One person's tablet: events are written to its local database, offline, until it syncs."""

    def __init__(self, net, tmp_path, username: str):
        self.net, self.username = net, username
        self.dir = str(tmp_path / f"tablet-{username}")
        self.db = f"sp_{username.split('.')[0]}"
        self.written: list[dict] = []
        self.unsaved: list[dict] = []

    def write(self, event_type: str, *, opens_order: bool = False, **payload) -> dict:
        doc = event(self.net, self.username, event_type, **payload)
        if opens_order:
            doc["order_id"] = doc["_id"]
        self.unsaved.append(doc)
        self.written.append(doc)
        return doc

    def save_local(self) -> None:
        """What was recorded goes into the tablet's own database (one driver run for all of it)."""
        if self.unsaved:
            put = drive(cmd="put", dir=self.dir, docs=self.unsaved)
            assert len(put["results"]) == len(self.unsaved) and all(r.get("ok") for r in put["results"]), put
            self.unsaved = []

    def push(self, live) -> None:
        self.save_local()
        pushed = drive(cmd="push", dir=self.dir, url=f"{live.url}/sync/{self.db}", token=self.net.token(self.username))
        assert pushed["ok"] and not pushed.get("denied"), pushed

    def step(self, order: dict, name: str, **payload) -> dict:
        return self.write("repair_event", order_id=order["_id"], event=name, **payload)

    def hand_to(self, order: dict, username: str) -> dict:
        return self.write("repair_handover", order_id=order["_id"], to_user_id=str(self.net.users[username].id),
                          signature=SIG, place="柜台 counter")

    def sync(self, app, live, couch) -> None:
        """Online again: push through the proxy, the worker posts, the statuses come back; every
        event this tablet made so far must have posted."""
        self.push(live)
        worker(app, couch).drain()
        publish_all(app, couch)
        st = status_docs(couch, self.db)
        bad = {f"{d['type']}:{d.get('event', '')}": st.get(d["_id"]) for d in self.written
               if st.get(d["_id"], {}).get("state") != "posted"}
        assert not bad, bad


def worker(app, couch):
    """The one posting worker of the test (it keeps the feeds' leases between drains)."""
    known = app.extensions.setdefault("test.workers", {})
    if id(couch) not in known or known[id(couch)][0] is not couch:
        known[id(couch)] = (couch, make_worker(app, couch))
    return known[id(couch)][1]


def order_row(rw, intake) -> RepairOrder:
    with rw.open() as s:
        order = s.get(RepairOrder, uuid.UUID(intake["_id"]))
        s.expunge(order)
        return order


def transitions(rw, intake) -> list[str]:
    with rw.open() as s:
        return list(s.execute(select(RepairTransition.to_state).where(RepairTransition.order_id == uuid.UUID(intake["_id"]))
                              .order_by(RepairTransition.seq)).scalars())


def handovers(rw, intake) -> list[tuple[str | None, str]]:
    with rw.open() as s:
        names = {u.id: u.username for u in s.execute(select(User).execution_options(unscoped=True)).scalars()}
        rows = s.execute(select(RepairHandover).where(RepairHandover.order_id == uuid.UUID(intake["_id"]))
                         .order_by(RepairHandover.seq)).scalars().all()
        return [(names.get(h.from_user_id), names[h.to_user_id]) for h in rows]


def history(client, net, username: str, serial: str) -> list[str]:
    r = client.get(f"/api/repair/imei/{serial}/history", headers=net.headers(username))
    assert r.status_code == 200, r.json
    return [e["kind"] for e in r.json["entries"]]


def intake_of(tablet: Tablet, rw, **kw) -> dict:
    body = dict(member_phone="13800138000", imei=imei(1), symptom_ids=[str(rw.ids["nopower"])],
                accessories_received=[str(rw.ids["charger"])])
    body.update(kw)
    return tablet.write("repair_intake", opens_order=True, **body)


def test_mode_a_self_repair_offline_through_all_seven_states(app, net, rw, couch, live, tmp_path, client):
    stock_engineer(rw)  # the engineer holds two screens
    clerk, engineer, qc, cs, manager = (Tablet(net, tmp_path, n) for n in (
        "sz01.clerk", "sz01.engineer", "sz01.qc", "sz01.cs", "sz01.manager"))
    order = intake_of(clerk, rw, provisional_code="A0001")
    clerk.step(order, "accept", engineer_id=str(rw.ids["engineer"]))
    clerk.hand_to(order, "sz01.engineer")
    # The engineer's tablet syncs first: its events wait for the order, then post when it arrives.
    engineer.step(order, "start_repair")
    engineer.write("repair_part", order_id=order["_id"], item_id=str(rw.ids["screen"]))
    engineer.step(order, "finish_repair", repair_level_id=str(rw.ids["level"]))
    engineer.hand_to(order, "sz01.qc")
    engineer.push(live)
    assert worker(app, couch).drain()["waiting"] == 4
    clerk.sync(app, live, couch)
    engineer.sync(app, live, couch)
    qc.step(order, "qc_pass")
    qc.hand_to(order, "sz01.clerk")
    qc.sync(app, live, couch)
    clerk.step(order, "pickup", signature=SIG)
    clerk.sync(app, live, couch)
    cs.step(order, "follow_up", satisfaction=5, note="满意")
    cs.sync(app, live, couch)
    manager.step(order, "audit")
    manager.sync(app, live, couch)

    done = order_row(rw, order)
    assert done.state == "audited" and done.number.startswith("WX-SZ01-") and done.mode == "A"
    assert transitions(rw, order) == ["pending_acceptance", "pending_repair", "pending_repair", "pending_qc",
                                      "pending_pickup", "completed", "followed_up", "audited"]
    assert handovers(rw, order) == [("sz01.clerk", "sz01.engineer"), ("sz01.engineer", "sz01.qc"),
                                    ("sz01.qc", "sz01.clerk")]
    with rw.open() as s:
        docs = s.execute(select(StockDocument.doc_type, StockDocument.kind).where(StockDocument.reference == done.number)
                         .execution_options(unscoped=True)).all()
    # The screen went into the device; the replaced one came back to the defective warehouse.
    assert sorted(docs) == [("engineer_return", "defective"), ("engineer_use", "")]
    # In warranty: nothing from the customer; the labour fee is claimed from the manufacturer.
    assert money(rw, "repair_settlement") == {("party", "receivable"): Decimal("50.00"), "cash": Decimal("0")}
    kinds = history(client, net, "sz01.clerk", imei(1))
    assert kinds[0] == "warranty_card" and "repair.part" in kinds and "repair.handover" in kinds
    assert kinds.index("repair.intake") < kinds.index("repair.part") < kinds.index("repair.pickup") < kinds.index("repair.audit")


def test_mode_b_forwarded_to_the_higher_point_and_back_offline(app, net, rw, couch, live, tmp_path, client):
    _sz02(net, rw)
    net.add_user("sz02.manager", "SZ02", ["sp_manager"])
    net.add_user("sz01.qc2", "SZ01", ["qc"])
    clerk2, courier2, manager2 = (Tablet(net, tmp_path, n) for n in ("sz02.clerk", "sz02.courier", "sz02.manager"))
    courier1, engineer1, qc1 = (Tablet(net, tmp_path, n) for n in ("sz01.courier", "sz01.engineer", "sz01.qc2"))
    order = intake_of(clerk2, rw, mode="B")
    clerk2.step(order, "accept")
    clerk2.sync(app, live, couch)
    box = courier2.write("repair_packing_list", purpose="forward", order_ids=[order["_id"]], carrier="同城快递")
    courier2.sync(app, live, couch)
    # At the higher-level point: checked in by scan, repaired, checked, packed back.
    courier1.write("repair_packing_receive", order_id=box["_id"], imei=imei(1), signature=SIG)
    courier1.write("repair_packing_close", order_id=box["_id"])
    courier1.sync(app, live, couch)
    engineer1.step(order, "start_repair", engineer_id=str(rw.ids["engineer"]))
    engineer1.step(order, "finish_repair", repair_level_id=str(rw.ids["level"]))
    engineer1.sync(app, live, couch)
    qc1.step(order, "qc_pass")
    qc1.sync(app, live, couch)
    back = courier1.write("repair_packing_list", purpose="return", destination_org_id=str(net.orgs["SZ02"].id),
                          order_ids=[order["_id"]])
    courier1.sync(app, live, couch)
    # Home again: checked in at the counter, picked up, followed up and audited there.
    clerk2.write("repair_packing_receive", order_id=back["_id"], imei=imei(1), signature=SIG)
    clerk2.step(order, "pickup", signature=SIG)
    clerk2.sync(app, live, couch)
    manager2.step(order, "follow_up", satisfaction=4)
    manager2.step(order, "audit")
    manager2.sync(app, live, couch)

    done = order_row(rw, order)
    assert done.state == "audited" and done.mode == "B" and done.number.startswith("WX-SZ02-")
    assert transitions(rw, order) == ["pending_acceptance", "pending_repair", "pending_repair", "pending_repair",
                                      "pending_repair", "pending_qc", "pending_pickup", "pending_pickup",
                                      "pending_pickup", "completed", "followed_up", "audited"]
    # Each leg a signed handover: to the higher point's courier, and back to the counter.
    assert handovers(rw, order) == [("sz02.clerk", "sz01.courier"), ("sz01.courier", "sz02.clerk")]
    assert money(rw, "repair_settlement")[("party", "receivable")] == Decimal("50.00")
    kinds = history(client, net, "sz02.clerk", imei(1))
    assert kinds.index("repair.packing_sent") < kinds.index("repair.packing_received") < kinds.index("repair.pickup")
    assert kinds.count("repair.packing_sent") == 2


def test_mode_c_back_to_the_factory_and_mode_d_converted_to_exchange_offline(app, net, rw, couch, live, tmp_path, client):
    clerk, courier, engineer, qc, cs, manager = (Tablet(net, tmp_path, n) for n in (
        "sz01.clerk", "sz01.courier", "sz01.engineer", "sz01.qc", "sz01.cs", "sz01.manager"))
    # C: to the factory in a box, back by scan, checked, picked up, followed up, audited.
    factory = intake_of(clerk, rw, mode="C", provisional_code="C0001")
    clerk.step(factory, "accept", engineer_id=str(rw.ids["engineer"]))
    clerk.sync(app, live, couch)
    box = courier.write("repair_packing_list", purpose="factory", manufacturer_id=str(rw.ids["maker"]),
                        order_ids=[factory["_id"]], tracking_no="SF1234567890")
    courier.sync(app, live, couch)
    courier.write("repair_packing_receive", order_id=box["_id"], imei=imei(1), signature=SIG)
    courier.write("repair_packing_close", order_id=box["_id"])
    courier.hand_to(factory, "sz01.engineer")
    courier.sync(app, live, couch)
    engineer.step(factory, "start_repair")
    engineer.step(factory, "finish_repair", repair_level_id=str(rw.ids["level"]), note="厂家更换主板")
    engineer.sync(app, live, couch)
    qc.step(factory, "qc_pass")
    qc.sync(app, live, couch)
    clerk.step(factory, "pickup", signature=SIG)
    clerk.sync(app, live, couch)
    cs.step(factory, "follow_up", satisfaction=5)
    cs.sync(app, live, couch)
    manager.step(factory, "audit")
    manager.sync(app, live, couch)
    assert order_row(rw, factory).state == "audited"
    assert transitions(rw, factory)[-5:] == ["pending_qc", "pending_pickup", "completed", "followed_up", "audited"]
    # Checked back in by the courier (who signs for it), then handed to the engineer.
    assert handovers(rw, factory) == [("sz01.clerk", "sz01.courier"), ("sz01.courier", "sz01.engineer")]

    # D: the same device back within the repair's warranty; the factory says exchange it.
    again = intake_of(clerk, rw, provisional_code="D0001")
    clerk.step(again, "accept")
    clerk.sync(app, live, couch)
    manager.step(again, "convert_to_exchange", reason="主板无法维修", exchange_ref="HJ-SZ01-2611-00001")
    manager.sync(app, live, couch)
    cs.step(again, "follow_up", satisfaction=3)
    cs.sync(app, live, couch)
    manager.step(again, "audit")
    manager.sync(app, live, couch)
    swapped = order_row(rw, again)
    assert (swapped.state, swapped.mode) == ("audited", "D") and swapped.exchange_ref.startswith("HJ-SZ01-")
    assert swapped.exchange_order_id is not None  # a real link to the exchange order it continues as
    assert swapped.comeback_of_id == uuid.UUID(factory["_id"]) and swapped.passcode_cipher is None
    assert transitions(rw, again) == ["pending_acceptance", "pending_repair", "completed", "followed_up", "audited"]

    r = client.get(f"/api/repair/imei/{imei(1)}/history", headers=net.headers("sz01.clerk"))
    assert [o["mode"] for o in r.json["orders"]] == ["C", "D"]
    texts = " | ".join(e["summary"] for e in r.json["entries"])
    assert "comeback of" in texts and swapped.exchange_ref in texts
    kinds = [e["kind"] for e in r.json["entries"]]
    assert kinds.index("repair.packing_sent") < kinds.index("repair.packing_received") < kinds.index("repair.convert_to_exchange")
