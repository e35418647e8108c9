"""A real PouchDB client (pouchdb-node) replicating through the sync proxy with a bearer token."""

from __future__ import annotations

from sqlalchemy import func, select

from server.notes.models import OrderNote
from sync.models import SyncProcessed
from sync.store import free_port

from .sample_docs import SampleVoucher
from .sync_support import couch, drive, live, make_worker, note, order, publish_all  # noqa: F401


def _count(net, model, *where):
    s = net.session()
    try:
        return s.execute(select(func.count()).select_from(model).where(*where)).scalar_one()
    finally:
        s.close()


def test_events_written_offline_replicate_later_and_post_once(app, net, couch, live, tmp_path):
    device = str(tmp_path / "tablet")
    o = order(net, "sz01.clerk")
    docs = [o, note(net, "sz01.clerk", o), note(net, "sz01.clerk", o, "客户要求保留数据")]
    assert all(r.get("ok") for r in drive(cmd="put", dir=device, docs=docs)["results"])
    token = net.token("sz01.clerk")

    offline = drive(cmd="push", dir=device, url=f"http://127.0.0.1:{free_port()}/sync/sp_sz01", token=token)
    assert offline["ok"] is False  # nobody listening: the documents stay on the device

    pushed = drive(cmd="push", dir=device, url=f"{live.url}/sync/sp_sz01", token=token)
    assert pushed["ok"], pushed
    assert pushed["docs_written"] == 3 and pushed["denied"] == []

    worker = make_worker(app, couch)
    assert worker.drain()["posted"] == 3
    assert publish_all(app, couch) == 3
    assert _count(net, SampleVoucher) == 1 and _count(net, OrderNote) == 2

    # Again: the device pushes nothing new, the worker posts nothing again.
    again = drive(cmd="push", dir=device, url=f"{live.url}/sync/sp_sz01", token=token)
    assert again["ok"] and again["docs_written"] == 0
    assert worker.drain()["posted"] == 0
    assert _count(net, SampleVoucher) == 1 and _count(net, OrderNote) == 2
    assert _count(net, SyncProcessed) == 3

    # The device pulls its status documents: posted, with the number the server gave.
    pulled = drive(cmd="pull", dir=device, url=f"{live.url}/sync/sp_sz01", token=token)
    assert pulled["ok"], pulled
    statuses = {d["event_id"]: d for d in drive(cmd="docs", dir=device, prefix="status:")["docs"]}
    assert {d["state"] for d in statuses.values()} == {"posted"}
    assert statuses[o["_id"]]["numbers"]["sample_voucher"].startswith("SV-SZ01-")


def test_a_user_cannot_pull_or_push_another_service_points_database(net, couch, live, tmp_path):
    o = order(net, "sz01.clerk")
    couch.bulk_docs("sp_sz01", [o])
    device = str(tmp_path / "gz-tablet")
    token = net.token("gz01.clerk")
    pull = drive(cmd="pull", dir=device, url=f"{live.url}/sync/sp_sz01", token=token)
    assert pull["ok"] is False and pull["error"]["status"] == 403, pull
    assert drive(cmd="docs", dir=device)["docs"] == []
    foreign = order(net, "gz01.clerk")
    drive(cmd="put", dir=device, docs=[foreign])
    push = drive(cmd="push", dir=device, url=f"{live.url}/sync/sp_sz01", token=token)
    assert push["ok"] is False and push["error"]["status"] == 403, push
    assert foreign["_id"] not in couch.current_revs("sp_sz01", [foreign["_id"]])
    # Master data can be pulled by everyone, its own database by its own users.
    assert drive(cmd="pull", dir=device, url=f"{live.url}/sync/master", token=token)["ok"]
    assert drive(cmd="push", dir=device, url=f"{live.url}/sync/sp_gz01", token=token)["ok"]


def test_a_malformed_event_is_refused_with_a_reason_and_the_rest_go_through(app, net, couch, live, tmp_path):
    device = str(tmp_path / "tablet")
    o = order(net, "sz01.clerk")
    bad = note(net, "sz01.clerk", o)
    bad["text"] = ""
    bad["colour"] = "red"
    other_user = note(net, "sz01.clerk", o)
    other_user["user_id"] = str(net.users["sz01.manager"].id)
    good = note(net, "sz01.clerk", o)
    drive(cmd="put", dir=device, docs=[o, bad, other_user, good])
    pushed = drive(cmd="push", dir=device, url=f"{live.url}/sync/sp_sz01", token=net.token("sz01.clerk"))
    assert pushed["docs_written"] == 2 and pushed["doc_write_failures"] == 2, pushed
    denied = {d["id"]: d for d in pushed["denied"]}
    assert set(denied) == {bad["_id"], other_user["_id"]}
    assert "colour" in denied[bad["_id"]]["reason"] and "text" in denied[bad["_id"]]["reason"]
    assert "user_id" in denied[other_user["_id"]]["reason"]
    assert set(couch.current_revs("sp_sz01", [o["_id"], bad["_id"], other_user["_id"], good["_id"]])) == {o["_id"], good["_id"]}
    assert make_worker(app, couch).drain()["posted"] == 2


def test_changing_an_event_on_the_device_does_not_reach_the_server(app, net, couch, live, tmp_path):
    device = str(tmp_path / "tablet")
    o = order(net, "sz01.clerk")
    token = net.token("sz01.clerk")
    drive(cmd="put", dir=device, docs=[o])
    assert drive(cmd="push", dir=device, url=f"{live.url}/sync/sp_sz01", token=token)["docs_written"] == 1
    [stored] = drive(cmd="docs", dir=device)["docs"]
    drive(cmd="put", dir=device, docs=[{**stored, "amount": "99999.00"}])  # an edit: revision 2
    pushed = drive(cmd="push", dir=device, url=f"{live.url}/sync/sp_sz01", token=token)
    assert pushed["docs_written"] == 0 and [d["id"] for d in pushed["denied"]] == [o["_id"]], pushed
    assert "immutable" in pushed["denied"][0]["reason"]
    assert couch.get_doc("sp_sz01", o["_id"])["amount"] == "10.00"
