"""Exchange through the sync path (as a PouchDB client pushes events to the point's database): the
intake and the replacement's handover made offline at the counter post through the same operations
as the API; modes A–D; resent events post once; refusals come back with the field named and change
nothing; the ledgers' rebuild check holds throughout."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest

from server.exchange.models import ExchangeOrder, ExchangeStep

from .exchange_fixtures import UNITS, books, card, receivable, where, xw  # noqa: F401
from .repair_fixtures import SIG, rw  # noqa: F401
from .stock_fixtures import imei, world  # noqa: F401
from .sync_support import couch, event, make_worker, publish_all  # noqa: F401
from .test_frontdesk_sync import push


def status_docs(couch, db="sp_sz01") -> dict[str, dict]:
    return {r["id"][7:]: r["doc"] for r in couch.all_docs(db, include_docs=True) if r["id"].startswith("status:")}


def intake_event(net, w, username="sz01.clerk", **kw) -> dict:
    body = dict(member_phone="13800138000", imei=imei(2), symptom_ids=[str(w.ids["nopower"])], mode="A",
                provisional_code="K7QD5-0009")
    body.update(kw)
    doc = event(net, username, "exchange_intake", **body)
    doc["order_id"] = doc["_id"]
    return doc


def step(net, order_doc, name, username="sz01.clerk", **kw) -> dict:
    return event(net, username, "exchange_event", order_id=order_doc["_id"], event=name, **kw)


@pytest.fixture
def worker(app, couch):
    """The point's one worker for the test (it holds the feed's lease)."""
    return make_worker(app, couch)


def post(app, couch, docs, worker) -> dict:
    couch.bulk_docs("sp_sz01", docs)
    totals = worker.drain()
    publish_all(app, couch)
    return totals


def test_mode_a_offline_intake_and_handover_then_the_factory_leg(app, client, net, xw, couch, worker):
    w = xw
    intake = intake_event(net, w)
    hand = step(net, intake, "hand_over", replacement_imei=imei(101), signature=SIG, fee="30.00",
                account_id=str(w.ids["SZ01.CASH"]))
    # The handover arrives before its intake, through the proxy as PouchDB pushes; resent and the feed
    # replayed, nothing posts twice.
    docs = push(client, net, [hand, intake])
    totals = worker.drain()
    publish_all(app, couch)
    push(client, net, docs)  # resent (a push whose answer was lost): nothing posts twice
    assert worker.drain()["posted"] == 0
    st = status_docs(couch)
    assert st[intake["_id"]]["state"] == "posted" and st[hand["_id"]]["state"] == "posted", (totals, st)
    number = st[intake["_id"]]["numbers"]["exchange_order"]
    assert number.startswith("HJ-SZ01-")
    with w.open() as s:
        order = s.get(ExchangeOrder, uuid.UUID(intake["_id"]))
        assert (order.state, order.unit_at, order.replacement_imei, order.device_id, order.provisional_code) == (
            "pending_dispatch", "defective", imei(101), "tab-sz01.clerk", "K7QD5-0009")
        sources = [x.source for x in s.query(ExchangeStep).filter_by(order_id=order.id).order_by(ExchangeStep.seq)]
        assert sources == ["sync", "sync"]
    assert where(w, imei(101)) == ("customer", "") and where(w, imei(2)) == ("warehouse", "defective")
    assert card(w, imei(101)).active and not card(w, imei(2)).active and books(w)["cash"] == Decimal("30.00")
    # The courier's leg, also by events.
    docs = [step(net, intake, "dispatch", imei=imei(2)), step(net, intake, "factory_receipt"),
            step(net, intake, "receive_replacement", replacement_imei=imei(201))]
    for d in docs:
        post(app, couch, [d], worker)
    st = status_docs(couch)
    assert [st[d["_id"]]["state"] for d in docs] == ["posted"] * 3
    assert st[docs[-1]["_id"]]["numbers"]["state"] == "completed"
    assert where(w, imei(201)) == ("warehouse", "good") and receivable(w, w.ids["maker"]) == Decimal("0")
    books(w)  # the rebuild check holds


def test_mode_b_and_c_by_events_and_refusals_name_the_field(app, net, xw, couch, worker):
    w = xw
    b = intake_event(net, w, mode="B", provisional_code="B1")
    c = intake_event(net, w, imei=imei(1), mode="B", override_reason="厂家特批", username="sz01.manager",
                     member_phone="13800138000", provisional_code="C1")
    assert post(app, couch, [b, c], worker)["posted"] == 2
    before = books(w)
    wrong_model = step(net, b, "receive_replacement", replacement_imei=imei(101))  # in stock already
    not_in_stock = step(net, c, "convert_to_onsite", replacement_imei=imei(999), signature=SIG)
    post(app, couch, [wrong_model, not_in_stock], worker)
    st = status_docs(couch)
    assert st[wrong_model["_id"]]["state"] == "rejected"  # at the wrong state: nothing was sent yet
    assert st[not_in_stock["_id"]]["state"] == "rejected"
    assert st[not_in_stock["_id"]]["reasons"][0]["field"] == "replacement_imei"
    assert books(w) == before
    # B: sent, the replacement arrives, the customer signs for it. A second pickup is refused.
    for name, kw in (("dispatch", {}), ("receive_replacement", {"replacement_imei": imei(202)}),
                     ("pickup", {"signature": SIG})):
        d = step(net, b, name, **kw)
        post(app, couch, [d], worker)
        assert status_docs(couch)[d["_id"]]["state"] == "posted", (name, status_docs(couch)[d["_id"]])
    again = step(net, b, "pickup", signature=SIG)
    post(app, couch, [again], worker)
    assert status_docs(couch)[again["_id"]]["state"] == "rejected"
    assert where(w, imei(202)) == ("customer", "") and card(w, imei(202)).active
    # C: turned on-site offline, then the factory unit restocks.
    for name, kw in (("convert_to_onsite", {"replacement_imei": imei(102), "signature": SIG}), ("dispatch", {}),
                     ("receive_replacement", {"replacement_imei": imei(203)})):
        d = step(net, c, name, **kw)
        post(app, couch, [d], worker)
        assert status_docs(couch)[d["_id"]]["state"] == "posted", (name, status_docs(couch)[d["_id"]])
    with w.open() as s:
        assert (s.get(ExchangeOrder, uuid.UUID(c["_id"])).mode, s.get(ExchangeOrder, uuid.UUID(c["_id"])).state) == ("C", "completed")
    assert where(w, imei(203)) == ("warehouse", "good") and receivable(w, w.ids["maker"]) == Decimal("0")
    books(w)


def test_mode_d_by_event_and_an_override_needs_its_permission(app, net, xw, couch, worker):
    w = xw
    d = intake_event(net, w, mode="B")
    convert = step(net, d, "convert_to_repair", reason="检测后可修")
    clerk_override = intake_event(net, w, imei=imei(1), override_reason="想换")  # 100 days old: repair only
    post(app, couch, [d, convert, clerk_override], worker)
    st = status_docs(couch)
    assert st[convert["_id"]]["state"] == "posted" and st[convert["_id"]]["numbers"]["state"] == "converted"
    assert st[clerk_override["_id"]]["state"] == "rejected"
    assert st[clerk_override["_id"]]["reasons"][0]["field"] == "override_reason"
    with w.open() as s:
        from server.repair.models import RepairOrder

        order = s.get(ExchangeOrder, uuid.UUID(d["_id"]))
        repair = s.get(RepairOrder, order.repair_order_id)
        assert (order.mode, repair.exchange_order_id, repair.exchange_ref) == ("D", order.id, order.number)


def test_an_offline_intake_carries_its_photos_and_the_customers_signature(app, client, net, xw, couch, worker):
    """As repair_intake: the photos are uploaded first (the tablet's queue holds the push until then);
    an intake naming a photo the server has not received is refused naming it, and posts once it has."""
    w = xw
    photo = bytes.fromhex("89504e470d0a1a0a") + bytes([7]) * 64
    import hashlib

    sha = hashlib.sha256(photo).hexdigest()
    early = intake_event(net, w, photos=[sha], signature=SIG)
    post(app, couch, [early], worker)
    st = status_docs(couch)[early["_id"]]
    assert st["state"] == "rejected" and st["reasons"][0]["field"] == "photos.0", st
    with w.open() as s:
        assert s.get(ExchangeOrder, uuid.UUID(early["_id"])) is None
    assert client.post("/api/blobs", data=photo, content_type="image/png", headers=net.headers("sz01.clerk")).json["sha256"] == sha
    doc = intake_event(net, w, photos=[sha], signature=SIG)
    post(app, couch, [doc], worker)
    assert status_docs(couch)[doc["_id"]]["state"] == "posted"
    with w.open() as s:
        order = s.get(ExchangeOrder, uuid.UUID(doc["_id"]))
        assert (order.photos, order.intake_signature) == ([sha], SIG)
    answer = client.get(f"/api/exchange/orders/{doc['_id']}", headers=net.headers("sz01.clerk")).json
    assert answer["order"]["photos"] == [sha] and answer["order"]["intake_signed"] is True


def test_a_batch_of_exchange_events_posts_in_few_statements_with_its_steps_and_audit(app, net, xw, couch, worker):
    """Posting throughput (make bench-exchange): a batch's orders are looked up once, rules and
    warehouses once per batch, and the steps and audit records are inserted together when the
    batch is written, each still the event's user's, in the order the events came."""
    from sqlalchemy import event as sa_event, select

    from server.core.models import AuditLog

    w = xw
    bought = (w.ids["today"] - dt.timedelta(days=3)).isoformat()
    intakes = [intake_event(net, w, imei=imei(n), purchase_date=bought, provisional_code=f"P{n}") for n in (2, 3, 4)]
    docs = intakes + [step(net, d, "hand_over", replacement_imei=imei(u), signature=SIG)
                      for d, u in zip(intakes, UNITS)] + [step(net, d, "dispatch") for d in intakes]
    engine = app.extensions["aftercare.db"].engine
    statements = []
    count = lambda *_a: statements.append(1)  # noqa: E731
    sa_event.listen(engine, "before_cursor_execute", count)
    couch.bulk_docs("sp_sz01", docs)
    try:
        assert worker.drain()["posted"] == len(docs)
    finally:
        sa_event.remove(engine, "before_cursor_execute", count)
    publish_all(app, couch)
    # The worker's whole drain, with its fixed statements (lease, checkpoint, processed rows): 182 on
    # SQLite and 144 on PostgreSQL here, 269 and 231 before the batch's lookups and late rows.
    assert len(statements) <= 22 * len(docs), len(statements)
    with w.open() as s:
        for d in intakes:
            steps = s.execute(select(ExchangeStep).where(ExchangeStep.order_id == uuid.UUID(d["_id"]))
                              .order_by(ExchangeStep.seq)).scalars().all()
            assert [(x.seq, x.event, x.username, x.source) for x in steps] == [
                (1, "intake", "sz01.clerk", "sync"), (2, "hand_over", "sz01.clerk", "sync"),
                (3, "dispatch", "sz01.clerk", "sync")]
            assert steps[0].at <= steps[1].at <= steps[2].at
            assert s.get(ExchangeOrder, uuid.UUID(d["_id"])).state == "at_factory"
            audit = s.execute(select(AuditLog.action, AuditLog.username, AuditLog.source).where(
                AuditLog.entity_id == d["_id"], AuditLog.action.like("exchange_order.%")).order_by(AuditLog.id)).all()
            assert [a.action for a in audit] == ["exchange_order.create", "exchange_order.post", "exchange_order.intake",
                                                 "exchange_order.hand_over", "exchange_order.dispatch"]
            assert {(a.username, a.source) for a in audit} == {("sz01.clerk", "sync")}
        cards = s.execute(select(AuditLog.username).where(AuditLog.action == "warranty_card.exchange")).scalars().all()
        assert cards == ["sz01.clerk"] * 3
    assert [where(w, imei(n)) for n in (2, 3, 4)] == [("warehouse", "in_transit")] * 3
    books(w)
