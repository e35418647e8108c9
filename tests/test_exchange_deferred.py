"""Exchange events posted in the posting batch's deferred mode (make bench-exchange): a step refused
after it had moved stock, charged a fee and closed a warranty card is undone in memory — the order,
the card, the serial and the money are as before it, so the same step posts right after it in the
same batch; a loaner lent earlier in the batch still stops the handover. Intakes post deferred too:
refused ones leave nothing, and what they read (open orders, cards a handover or a sale made in
the batch) is as the batch left it, with the outcomes of posting them after the batch was written.
SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from decimal import Decimal

from sqlalchemy import select

from server.exchange.models import ExchangeOrder, ExchangeStep

from .exchange_fixtures import books, card, where, xw  # noqa: F401
from .repair_fixtures import SIG, rw  # noqa: F401
from .stock_fixtures import imei, world  # noqa: F401
from .sync_support import couch, event, make_worker, publish_all  # noqa: F401
from .test_exchange import intake
from .test_exchange_sync import intake_event, status_docs, step
from .test_repair_logistics import _loaner_stock
from .test_retail import sale_event, shop  # noqa: F401


def test_a_step_refused_late_in_a_batch_is_undone_and_the_same_step_posts_after_it(app, net, xw, couch, caplog):
    w = xw
    worker = make_worker(app, couch)
    opened = intake_event(net, w)
    wrong = step(net, opened, "hand_over", replacement_imei=imei(101), signature=SIG, fee="30.00",
                 account_id=str(w.ids["SZ01.CASH"]), defective_warehouse_id=str(w.ids["SZ01.GOOD"]))
    right = step(net, opened, "hand_over", replacement_imei=imei(101), signature=SIG, fee="30.00",
                 account_id=str(w.ids["SZ01.CASH"]))
    sent = step(net, opened, "dispatch", carrier="顺丰")
    couch.bulk_docs("sp_sz01", [opened, wrong, right, sent])
    with caplog.at_level(logging.WARNING, logger="aftercare.sync.worker"):
        assert worker.drain() == {"posted": 3, "rejected": 1, "waiting": 0, "skipped": 0}
    assert "posting it event by event" not in caplog.text  # posted in the batch, not one by one after a failure
    publish_all(app, couch)
    status = status_docs(couch)
    assert status[wrong["_id"]]["state"] == "rejected" and "defective_warehouse_id" in str(status[wrong["_id"]]["reasons"])
    assert status[right["_id"]]["state"] == status[sent["_id"]]["state"] == "posted"
    with w.open() as s:
        order = s.get(ExchangeOrder, uuid.UUID(opened["_id"]))
        assert (order.state, order.unit_at, order.fee, order.step_count) == ("at_factory", "transit", Decimal("30.00"), 3)
        steps = s.execute(select(ExchangeStep.seq, ExchangeStep.event).where(ExchangeStep.order_id == order.id)
                          .order_by(ExchangeStep.seq)).all()
        assert [tuple(x) for x in steps] == [(1, "intake"), (2, "hand_over"), (3, "dispatch")]
    # The customer's card closed once (by the step that posted), the replacement's opened once.
    assert not card(w, imei(2)).active and card(w, imei(101)).active
    assert where(w, imei(101)) == ("customer", "") and where(w, imei(2)) == ("warehouse", "in_transit")
    assert books(w)["cash"] == Decimal("30.00")  # the refused step's fee never reached the books


def test_a_loaner_lent_earlier_in_the_batch_stops_the_pickup(app, client, net, xw, couch, caplog):
    w = xw
    worker = make_worker(app, couch)
    _loaner_stock(net, w)
    b = intake(client, net, w, mode="B")["order"]["id"]
    order = {"_id": b}
    docs = [step(net, order, "dispatch"), step(net, order, "receive_replacement", replacement_imei=imei(202)),
            event(net, "sz01.clerk", "exchange_loaner_lend", order_id=b, serial=imei(50),
                  due_date=(w.ids["today"] + dt.timedelta(days=10)).isoformat())]
    pickup = step(net, order, "pickup", signature=SIG)
    couch.bulk_docs("sp_sz01", docs + [pickup])
    with caplog.at_level(logging.WARNING, logger="aftercare.sync.worker"):
        assert worker.drain()["rejected"] == 1
    assert "posting it event by event" not in caplog.text
    publish_all(app, couch)
    status = status_docs(couch)
    assert [status[d["_id"]]["state"] for d in docs] == ["posted"] * 3
    assert status[pickup["_id"]]["state"] == "rejected" and "loaner_id" in str(status[pickup["_id"]]["reasons"])
    with w.open() as s:
        assert s.get(ExchangeOrder, uuid.UUID(b)).state == "pending_pickup"
    assert where(w, imei(202)) == ("warehouse", "good") and card(w, imei(202)) is None
    books(w)


def test_an_intake_posted_deferred_refused_leaves_nothing_and_sees_the_orders_opened_before_it(app, net, xw, couch, caplog):
    """Intakes post deferred too: one refused (the device on an order opened earlier in the same
    batch, or a unit in stock) leaves no order and takes no number, and an event naming its order
    waits; the orders opened are found by the events after them before the batch is written."""
    w = xw
    worker = make_worker(app, couch)
    bought = (w.ids["today"] - dt.timedelta(days=3)).isoformat()
    first = intake_event(net, w, provisional_code="F1")
    again = intake_event(net, w, provisional_code="F2")  # the same device, its order opened just before
    in_stock = intake_event(net, w, imei=imei(101), purchase_date=bought, provisional_code="F3")
    orphan = step(net, in_stock, "dispatch")
    hand = step(net, first, "hand_over", replacement_imei=imei(102), signature=SIG)
    nxt = intake_event(net, w, imei=imei(3), purchase_date=bought, mode="B", provisional_code="F4")
    sent = step(net, nxt, "dispatch")
    couch.bulk_docs("sp_sz01", [first, again, in_stock, orphan, hand, nxt, sent])
    with caplog.at_level(logging.WARNING, logger="aftercare.sync.worker"):
        assert worker.drain() == {"posted": 4, "rejected": 2, "waiting": 1, "skipped": 0}
    assert "posting it event by event" not in caplog.text
    publish_all(app, couch)
    status = status_docs(couch)
    assert status[again["_id"]]["state"] == "rejected" and status[again["_id"]]["reasons"][0]["field"] == "imei"
    assert "open exchange order" in str(status[again["_id"]]["reasons"])
    assert status[in_stock["_id"]]["state"] == "rejected" and "in stock" in str(status[in_stock["_id"]]["reasons"])
    assert status[orphan["_id"]]["state"] == "waiting"
    numbers = [status[d["_id"]]["numbers"]["exchange_order"] for d in (first, nxt)]
    assert [int(n.rsplit("-", 1)[1]) for n in numbers] == [1, 2]  # the refused intakes took no number
    with w.open() as s:
        from sync.models import SyncOrder

        assert s.get(ExchangeOrder, uuid.UUID(again["_id"])) is None and s.get(SyncOrder, uuid.UUID(again["_id"])) is None
        assert s.get(ExchangeOrder, uuid.UUID(in_stock["_id"])) is None
        got = {d["provisional_code"]: s.get(ExchangeOrder, uuid.UUID(d["_id"])) for d in (first, nxt)}
        assert [(o.number, o.state, o.step_count, o.version >= 1) for o in got.values()] == [
            (numbers[0], "pending_dispatch", 2, True), (numbers[1], "at_factory", 2, True)]
        assert s.get(SyncOrder, uuid.UUID(first["_id"])).number == numbers[0]
    books(w)


def test_an_intake_reads_the_orders_and_cards_as_the_batch_left_them(app, client, net, xw, couch, caplog):
    """In one batch: an order opened before it (in the database, still open there) and one opened
    in the batch are completed, then their devices come in again: both intakes post, as the
    orders' states in the batch say. The replacement just handed over (its card made in the batch)
    comes back too: that intake is posted once the batch is written, naming the new card."""
    w = xw
    worker = make_worker(app, couch)
    bought = (w.ids["today"] - dt.timedelta(days=3)).isoformat()
    earlier = intake(client, net, w, mode="B", imei=imei(3), purchase_date=bought)["order"]["id"]
    order = {"_id": earlier}
    opened = intake_event(net, w, imei=imei(4), purchase_date=bought, mode="B", provisional_code="G1")
    docs = [opened]
    for doc, unit in ((order, 202), (opened, 203)):
        docs += [step(net, doc, "dispatch"), step(net, doc, "receive_replacement", replacement_imei=imei(unit)),
                 step(net, doc, "pickup", signature=SIG)]
    back = [intake_event(net, w, imei=imei(n), purchase_date=bought, mode="B", provisional_code=f"G{n}") for n in (3, 4)]
    returned = intake_event(net, w, imei=imei(202), mode="B", provisional_code="G202")
    couch.bulk_docs("sp_sz01", docs + back + [returned])
    with caplog.at_level(logging.WARNING, logger="aftercare.sync.worker"):
        assert worker.drain() == {"posted": len(docs) + 3, "rejected": 0, "waiting": 0, "skipped": 0}
    assert "posting it event by event" not in caplog.text
    made = card(w, imei(202))
    with w.open() as s:
        assert [s.get(ExchangeOrder, uuid.UUID(d["_id"])).state for d in (order, opened)] == ["completed"] * 2
        assert [s.get(ExchangeOrder, uuid.UUID(d["_id"])).state for d in back + [returned]] == ["pending_exchange"] * 3
        again = s.get(ExchangeOrder, uuid.UUID(returned["_id"]))
        assert (again.warranty_card_id, again.sale_date) == (made.id, made.sale_date) and made.active
    books(w)


def test_a_phone_sold_and_brought_back_in_the_same_batch_is_taken_in_on_its_new_card(app, net, xw, shop, couch, caplog):
    """A retail sale's card is a pending row until the batch is written: the intake of the phone
    just sold (no purchase date given: only the card tells the rules when it was bought) is posted
    once the batch is written, on that card, as before."""
    w = xw
    worker = make_worker(app, couch)
    sold = sale_event(net, w, lines=[{"item_id": str(w.ids["device"]), "quantity": "1", "serials": [imei(301)]}],
                      payments=[{"account_id": str(w.ids["SZ01.CASH"]), "amount": "5999.00"}])
    back = intake_event(net, w, imei=imei(301), provisional_code="R1")
    couch.bulk_docs("sp_sz01", [sold, back])
    with caplog.at_level(logging.WARNING, logger="aftercare.sync.worker"):
        assert worker.drain() == {"posted": 2, "rejected": 0, "waiting": 0, "skipped": 0}
    assert "posting it event by event" not in caplog.text
    made = card(w, imei(301))
    with w.open() as s:
        order = s.get(ExchangeOrder, uuid.UUID(back["_id"]))
        assert (order.warranty_card_id, order.sale_date, order.state) == (made.id, made.sale_date, "pending_exchange")
    books(w)
