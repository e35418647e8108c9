"""Exchange events posted in the posting batch's deferred mode (make bench-exchange): a step refused
after it had moved stock, charged a fee and closed a warranty card is undone in memory — the order,
the card, the serial and the money are as before it, so the same step posts right after it in the
same batch; a loaner lent earlier in the batch still stops the handover. SQLite and PostgreSQL."""

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
