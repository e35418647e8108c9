"""The posting batch (server.core.batch): many events of one feed batch posted together.

Deferred postings are checked against the batch's state in memory and written
together; a refused one must leave no trace (no rows, no number, no effect on the
state later postings see); postings that read the ledger see every earlier one;
a failure other than a refusal sends the batch through again event by event.
"""

from __future__ import annotations

import dataclasses
import uuid
from decimal import Decimal

from sqlalchemy import select

from server.core.batch import Journal
from server.stock import documents
from server.stock.models import StockDocument

from .stock_fixtures import world  # noqa: F401
from .sync_support import couch, make_worker, publish_all  # noqa: F401
from .test_sync_stock import consistent, issue_event, line, on_hand, receipt_event, stock_event
from .test_sync_worker import status_docs


def test_the_journal_puts_back_changed_entries_and_drops_added_ones():
    j = Journal()
    table = {"a": [Decimal(1), Decimal(10)], "b": [Decimal(2), Decimal(20)]}
    j.begin()
    j.save(table, "a")
    table["a"][0] += 5
    j.save(table, "a")  # a second save keeps the first original
    table["a"][0] += 5
    j.save(table, "c")
    table["c"] = [Decimal(7), Decimal(70)]
    j.undo()
    assert table == {"a": [Decimal(1), Decimal(10)], "b": [Decimal(2), Decimal(20)]}
    j.begin()
    j.save(table, "b")
    table["b"][1] = Decimal(0)
    j.begin()  # the next posting: the last one's changes stay
    j.undo()
    assert table["b"] == [Decimal(2), Decimal(0)]


def numbers_of(couch, events, key):
    st = status_docs(couch)
    return [st[e["_id"]]["numbers"].get(key) if st[e["_id"]]["state"] == "posted" else None for e in events]


def test_a_refused_posting_in_a_batch_leaves_no_trace_and_the_next_ones_see_the_earlier_ones(app, net, couch, world):
    w = world
    rk = receipt_event(net, w, screen=(5, "400"), battery=(2, "100"))
    # Refused on its second line, after its first line took 3 screens in memory.
    short = issue_event(net, w, screen=3, battery=5)
    ck1 = issue_event(net, w, screen=4)  # only possible if the refused issue's 3 screens came back
    ck2 = issue_event(net, w, screen=1, battery=2)
    too_many = issue_event(net, w, screen=1)  # nothing left
    couch.bulk_docs("sp_sz01", [rk, short, ck1, ck2, too_many])
    assert make_worker(app, couch).drain() == {"posted": 3, "rejected": 2, "waiting": 0, "skipped": 0}
    publish_all(app, couch)
    st = status_docs(couch)
    assert st[short["_id"]]["reasons"][0]["field"] == "lines.1.quantity"
    assert st[too_many["_id"]]["reasons"][0]["code"] == "negative_stock"
    # Numbers stay gapless: the refused issues gave theirs back.
    ck_numbers = numbers_of(couch, [short, ck1, ck2, too_many], "goods_issue")
    assert [n[-5:] if n else None for n in ck_numbers] == [None, "00001", "00002", None]
    assert on_hand(w, "SZ01.GOOD", "screen") == 0 and on_hand(w, "SZ01.GOOD", "battery") == 0
    with w.open() as s:
        ids = {str(d) for d in s.execute(select(StockDocument.id).execution_options(unscoped=True)).scalars()}
    assert ids == {rk["_id"], ck1["_id"], ck2["_id"]}
    consistent(w)


def test_postings_that_read_the_ledger_see_the_batch_so_far_and_their_refusal_undoes_only_them(app, net, couch, world):
    w = world
    rk = receipt_event(net, w, screen=(5, "400"))
    # A stocktake reads on-hand from the database: it must see the receipt above (5), so 7 counted is +2.
    count = stock_event(net, w, "sz01.manager", "stock_adjustment", [line(w, "screen", counted_quantity=7)],
                        kind="stocktake", warehouse_id="SZ01.GOOD")
    bad_count = stock_event(net, w, "sz01.manager", "stock_adjustment", [line(w, "screen", counted_quantity=-1)],
                            kind="stocktake", warehouse_id="SZ01.GOOD")
    ck = issue_event(net, w, screen=7)
    again = receipt_event(net, w, screen=(1, "400"))
    couch.bulk_docs("sp_sz01", [rk, count, bad_count, ck, again])
    assert make_worker(app, couch).drain() == {"posted": 4, "rejected": 1, "waiting": 0, "skipped": 0}
    publish_all(app, couch)
    st = status_docs(couch)
    assert st[bad_count["_id"]]["reasons"][0]["field"] == "lines.0.counted_quantity"
    assert numbers_of(couch, [count, bad_count], "stock_adjustment")[0].endswith("-00001")
    assert [n[-5:] for n in numbers_of(couch, [rk, again], "goods_receipt")] == ["00001", "00002"]
    assert on_hand(w, "SZ01.GOOD", "screen") == 1
    with w.open() as s:
        doc = s.get(StockDocument, uuid.UUID(count["_id"]))
        assert doc.lines[0].quantity == 2
    consistent(w)


def test_a_failure_other_than_a_refusal_posts_the_batch_again_event_by_event(app, net, couch, world, monkeypatch, caplog):
    w = world
    t = documents.DOC_TYPES["goods_issue"]

    def broken(session, doc):
        if doc.reference == "boom":
            raise RuntimeError("a bug in planning")
        return t.plan(session, doc)

    monkeypatch.setitem(documents.DOC_TYPES, "goods_issue", dataclasses.replace(t, plan=broken))
    rk = receipt_event(net, w, screen=(5, "400"))
    boom = issue_event(net, w, screen=1)
    boom["reference"] = "boom"
    ck = issue_event(net, w, screen=2)
    couch.bulk_docs("sp_sz01", [rk, boom, ck])
    assert make_worker(app, couch).drain() == {"posted": 2, "rejected": 1, "waiting": 0, "skipped": 0}
    assert "posting it event by event" in caplog.text
    publish_all(app, couch)
    st = status_docs(couch)
    assert st[boom["_id"]]["reasons"][0]["code"] == "internal_error"
    assert st[ck["_id"]]["numbers"]["goods_issue"].endswith("-00001")
    assert on_hand(w, "SZ01.GOOD", "screen") == 3
    consistent(w)
