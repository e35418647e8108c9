"""Stored events are immutable at every layer, and an event may name only what its user may use.

The attacks are made as a tampered device would: raw ``_bulk_docs`` requests to the proxy, a real
PouchDB client holding crafted revision histories, and revisions written behind the proxy straight
into the store (which the worker must not post).
"""

from __future__ import annotations

import uuid

from sqlalchemy import func, select, update

from server.db import unit_of_work

from server.notes.models import OrderNote
from server.stock.models import StockDocument
from sync.models import SyncCheckpoint, SyncProcessed

from .repair_fixtures import rw  # noqa: F401
from .sample_docs import SampleVoucher
from .stock_fixtures import world  # noqa: F401
from .sync_support import couch, drive, event, live, make_worker, note, order, publish_all  # noqa: F401
from .test_repair_sync import status_docs
from .test_sync_stock import receipt_event

H1, H2 = "a" * 32, "b" * 32


def bulk(client, net, username, db, docs, new_edits=True):
    body = {"docs": docs} if new_edits else {"docs": docs, "new_edits": False}
    return client.post(f"/sync/{db}/_bulk_docs", json=body, headers=net.headers(username))


def count(net, model, *where) -> int:
    s = net.session()
    try:
        return s.execute(select(func.count()).select_from(model).where(*where)
                         .execution_options(unscoped=True)).scalar_one()
    finally:
        s.close()


def test_a_stored_event_cannot_be_rewritten_through_a_crafted_history(app, client, net, couch, world):
    """The reported attack: a clerk's posted note re-sent at its stored revision with a crafted
    ``_revisions`` chain, as a manager's goods receipt."""
    o = order(net, "sz01.clerk")
    n = note(net, "sz01.clerk", o)
    assert [r.get("ok") for r in bulk(client, net, "sz01.clerk", "sp_sz01", [o, n]).json] == [True, True]
    assert make_worker(app, couch).drain()["posted"] == 2
    stored = couch.get_doc("sp_sz01", n["_id"])
    rev = stored["_rev"]
    forged = {**receipt_event(net, world, screen=(5, "400")), "_id": n["_id"]}
    attacks = [
        # a child of the stored revision
        {**forged, "_rev": rev, "_revisions": {"start": 2, "ids": [H1, rev[2:]]}},
        {**forged, "_rev": "2-" + H1, "_revisions": {"start": 2, "ids": [H1, rev[2:]]}},
        # the stored revision's id, another body
        {**forged, "_rev": rev, "_revisions": {"start": 1, "ids": [rev[2:]]}},
        {**forged, "_rev": rev},
        # the clerk's own event, body changed, same revision
        {**stored, "text": "改过的备注"},
        {**stored, "_revisions": {"start": 3, "ids": [H1, H2, rev[2:]]}},
    ]
    for username in ("sz01.clerk", "sz01.manager"):
        for doc in attacks:
            r = bulk(client, net, username, "sp_sz01", [doc], new_edits=False)
            assert r.status_code == 201 and len(r.json) == 1 and r.json[0]["error"] == "forbidden", (username, doc, r.json)
    assert couch.get_doc("sp_sz01", n["_id"]) == stored
    assert couch.current_revs("sp_sz01", [n["_id"]])[n["_id"]]["rev"] == rev
    assert make_worker(app, couch).drain()["posted"] == 0
    assert count(net, StockDocument) == 0 and count(net, OrderNote) == 1
    # The same revision, byte for byte, is still a harmless no-op (a device that lost its checkpoint).
    again = {**stored, "_revisions": {"start": 1, "ids": [rev[2:]]}}
    assert bulk(client, net, "sz01.clerk", "sp_sz01", [again], new_edits=False).json == []
    assert bulk(client, net, "sz01.clerk", "sp_sz01", [stored], new_edits=False).json == []
    assert couch.get_doc("sp_sz01", n["_id"]) == stored


def test_a_new_event_cannot_carry_a_history(client, net, couch):
    o = order(net, "sz01.clerk")
    fakes = [
        {**o, "_rev": "1-" + H1, "_revisions": {"start": 5, "ids": [H1, H2]}},
        {**o, "_rev": "1-" + H1, "_revisions": {"start": 1, "ids": [H2]}},
        {**o, "_rev": "1-" + H1, "_revisions": {"start": 1, "ids": [H1, H2]}},
        {**o, "_rev": "5-" + H1},
        {**o, "_rev": "1-" + H1, "_revisions": "1-x"},
    ]
    for doc in fakes:
        r = bulk(client, net, "sz01.clerk", "sp_sz01", [doc], new_edits=False).json
        assert len(r) == 1 and r[0]["error"] == "forbidden" and "immutable" in r[0]["reason"], (doc, r)
    r = bulk(client, net, "sz01.clerk", "sp_sz01", [{**o, "_revisions": {"start": 1, "ids": [H1]}}]).json
    assert r[0]["error"] == "forbidden"
    assert couch.current_revs("sp_sz01", [o["_id"]]) == {}
    # The true first revision goes through.
    assert bulk(client, net, "sz01.clerk", "sp_sz01", [{**o, "_rev": "1-" + H1, "_revisions": {"start": 1, "ids": [H1]}}],
                new_edits=False).json == []
    assert couch.get_doc("sp_sz01", o["_id"])["_rev"] == "1-" + H1


def test_a_tampered_pouchdb_cannot_push_a_rewrite_or_a_fake_history(app, net, couch, live, tmp_path):
    device = str(tmp_path / "tablet")
    token = net.token("sz01.clerk")
    url = f"{live.url}/sync/sp_sz01"
    o = order(net, "sz01.clerk")
    drive(cmd="put", dir=device, docs=[o])
    assert drive(cmd="push", dir=device, url=url, token=token)["docs_written"] == 1
    [stored] = drive(cmd="docs", dir=device)["docs"]
    # A second revision grafted onto the stored one, and a new event with five revisions of history.
    rewrite = {**stored, "amount": "99999.00", "_rev": "2-" + H1, "_revisions": {"start": 2, "ids": [H1, stored["_rev"][2:]]}}
    fake = {**order(net, "sz01.clerk"), "_rev": "5-" + H2, "_revisions": {"start": 5, "ids": [H2, "c" * 32, "d" * 32, "e" * 32, "f" * 32]}}
    put = drive(cmd="put", dir=device, docs=[rewrite, fake], new_edits=False)
    assert put["ok"], put
    pushed = drive(cmd="push", dir=device, url=url, token=token)
    assert pushed["docs_written"] == 0 and sorted(d["id"] for d in pushed["denied"]) == sorted([o["_id"], fake["_id"]]), pushed
    assert couch.get_doc("sp_sz01", o["_id"]) == {**o, "_rev": stored["_rev"]}
    assert couch.current_revs("sp_sz01", [fake["_id"]]) == {}
    assert make_worker(app, couch).drain()["posted"] == 1
    assert count(net, SampleVoucher) == 1


def test_the_worker_posts_an_event_once_whatever_revisions_appear_later(app, net, couch):
    """A revision written behind the proxy (straight into the store) is a collision: never posted,
    and the first revision's status stands."""
    o = order(net, "sz01.clerk")
    couch.bulk_docs("sp_sz01", [o])
    worker = make_worker(app, couch)
    assert worker.drain()["posted"] == 1
    publish_all(app, couch)
    first = status_docs(couch)[o["_id"]]
    stored = couch.get_doc("sp_sz01", o["_id"])
    # A new winning revision (the old one is no longer a leaf), claiming to be a manager's bigger order.
    couch.bulk_docs("sp_sz01", [{**stored, "amount": "99999.00", "user_id": str(net.users["sz01.manager"].id)}])
    assert couch.get_doc("sp_sz01", o["_id"])["_rev"].startswith("2-")
    counts = worker.drain()
    assert counts["posted"] == 0 and counts["rejected"] == 1, counts
    publish_all(app, couch)
    assert status_docs(couch)[o["_id"]]["state"] == first["state"] == "posted"
    s = net.session()
    try:
        voucher = s.execute(select(SampleVoucher).execution_options(unscoped=True)).scalar_one()
        assert str(voucher.amount) in ("10.00", "10")
        rows = s.execute(select(SyncProcessed.rev, SyncProcessed.outcome).where(SyncProcessed.doc_id == o["_id"])).all()
        assert sorted(r.outcome for r in rows) == ["posted", "rejected"]
    finally:
        s.close()
    # An event first seen at a later revision (a history made behind the proxy) is not posted either.
    other = order(net, "sz01.clerk")
    couch.bulk_docs("sp_sz01", [{**other, "_rev": "3-" + H1, "_revisions": {"start": 3, "ids": [H1, H2, "c" * 32]}}],
                    new_edits=False)
    counts = worker.drain()
    assert counts["posted"] == 0 and counts["rejected"] == 1, counts
    assert count(net, SampleVoucher) == 1
    # Replaying the whole feed changes nothing.
    with unit_of_work(s := net.session()):
        s.execute(update(SyncCheckpoint).values(seq=None))
    s.close()
    assert worker.drain() == {"posted": 0, "rejected": 0, "waiting": 0, "skipped": 2}
    assert count(net, SyncProcessed) == 3 and count(net, SampleVoucher) == 1


def test_an_event_on_another_points_order_is_refused(app, client, net, couch):
    o = order(net, "sz01.clerk")
    couch.bulk_docs("sp_sz01", [o])
    foreign = note(net, "gz01.clerk", o, text="别的网点的备注")
    couch.bulk_docs("sp_gz01", [foreign])
    worker = make_worker(app, couch)
    worker.drain()  # GZ01's feed comes first: the note waits for the order, then is refused
    worker.drain()
    publish_all(app, couch)
    st = status_docs(couch, "sp_gz01")[foreign["_id"]]
    assert st["state"] == "rejected" and st["reasons"][0]["code"] == "not_found" and st["reasons"][0]["field"] == "order_id"
    assert count(net, OrderNote) == 0


def test_an_event_on_an_order_opened_at_the_rest_api_posts(app, client, net, couch, rw):
    from .repair_fixtures import intake_body

    r = client.post("/api/repair/orders", json=intake_body(rw), headers=net.headers("sz01.clerk"))
    assert r.status_code == 201, r.json
    order_id = uuid.UUID(r.json["order"]["id"])
    n = event(net, "sz01.clerk", "note", order_id=str(order_id), text="客户来电询问进度")
    couch.bulk_docs("sp_sz01", [n])
    worker = make_worker(app, couch)
    counts = worker.drain()
    assert counts == {**counts, "posted": 1, "waiting": 0}, counts
    assert count(net, OrderNote, OrderNote.order_id == order_id) == 1
    # And GZ01 cannot reach it either way.
    foreign = event(net, "gz01.clerk", "note", order_id=str(order_id), text="x")
    couch.bulk_docs("sp_gz01", [foreign])
    counts = worker.drain()
    assert counts["rejected"] == 1, counts


def test_a_warehouse_event_naming_another_points_warehouse_is_refused(app, net, couch, world):
    ev = receipt_event(net, world, username="sz01.manager", wh="GZ01.GOOD", screen=(2, "400"))
    couch.bulk_docs("sp_sz01", [ev])
    assert make_worker(app, couch).drain()["rejected"] == 1
    publish_all(app, couch)
    st = status_docs(couch)[ev["_id"]]
    assert st["state"] == "rejected" and st["reasons"][0]["field"] == "warehouse_id"
    assert count(net, StockDocument) == 0


def test_a_rest_draft_naming_another_organisations_warehouse_or_engineer_is_refused_at_creation(client, net, app, world):
    """Finding 4's REST side: refused when the draft is made, not only at posting, for headquarters too
    (which sees every point's warehouses)."""
    from .conftest import row_counts

    line = [{"item_id": str(world.ids["screen"]), "quantity": "1", "unit_cost": "400"}]
    before = row_counts(app)
    for username in ("sz01.manager", "admin"):
        r = client.post("/api/stock/goods-receipts", json={"warehouse_id": str(world.ids["GZ01.GOOD"]), "lines": line},
                        headers=net.headers(username))
        assert r.status_code == 422 and "warehouse_id" in r.json["errors"], (username, r.json)
    r = client.post("/api/stock/engineer-requisitions", headers=net.headers("gz01.manager"),
                    json={"warehouse_id": str(world.ids["GZ01.GOOD"]), "engineer_id": str(world.ids["engineer"]), "lines": line[:1]})
    assert r.status_code == 422 and "engineer_id" in r.json["errors"], r.json
    assert row_counts(app) == before
    ok = client.post("/api/stock/goods-receipts", json={"warehouse_id": str(world.ids["SZ01.GOOD"]), "lines": line},
                     headers=net.headers("sz01.manager"))
    assert ok.status_code == 201, ok.json
    r = client.patch(f"/api/stock/goods-receipts/{ok.json['id']}", json={"warehouse_id": str(world.ids["GZ01.GOOD"])},
                     headers=net.headers("sz01.manager"))
    assert r.status_code == 422 and "warehouse_id" in r.json["errors"], r.json
