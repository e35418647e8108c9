"""The posting worker: exactly once, in causal order, dead letters, leases, the outbox publisher."""

from __future__ import annotations

import datetime as dt
import threading
import time

from click.testing import CliRunner
from sqlalchemy import func, select, update

from server.cli import main
from server.db import unit_of_work, utcnow
from server.notes.models import OrderNote
from server.outbox.models import OutboxMessage
from server.outbox.operations import enqueue_document
from sync.leases import LeaseLost, feed_lease
from sync.models import SyncCheckpoint, SyncDeadLetter, SyncLease, SyncProcessed

from .conftest import COUCH_PASSWORD, COUCH_USER, row_counts
from .sample_docs import SampleVoucher
from .sync_support import couch, event, make_worker, note, order, publish_all  # noqa: F401


def rows(net, model, *where):
    s = net.session()
    try:
        return s.execute(select(model).where(*where)).scalars().all()
    finally:
        s.close()


def status_docs(couch, db="sp_sz01") -> dict[str, dict]:
    return {r["id"][7:]: r["doc"] for r in couch.all_docs(db, include_docs=True) if r["id"].startswith("status:")}


def test_events_post_in_causal_order_and_status_documents_follow(app, net, couch):
    o = order(net, "sz01.clerk")
    n1, n2 = note(net, "sz01.clerk", o), note(net, "sz01.clerk", o)
    couch.bulk_docs("sp_sz01", [n1])  # the note arrives before its order
    worker = make_worker(app, couch)
    assert worker.drain()["waiting"] == 1
    publish_all(app, couch)
    st = status_docs(couch)[n1["_id"]]
    assert st["state"] == "waiting" and st["reasons"][0]["code"] == "waiting_for_order"
    assert st["reasons"][0]["zh-CN"].startswith("等待所属工单过账")

    couch.bulk_docs("sp_sz01", [o, n2])
    totals = worker.drain()
    assert totals["posted"] == 2  # the order and n2 in the feed; n1 when its order came
    publish_all(app, couch)
    statuses = status_docs(couch)
    assert {statuses[d["_id"]]["state"] for d in (o, n1, n2)} == {"posted"}
    assert [x.state for x in rows(net, SyncDeadLetter)] == ["resolved"]
    notes = rows(net, OrderNote)
    assert len(notes) == 2 and {n.event_id for n in notes} == {n1["_id"], n2["_id"]}
    assert all(n.author_id == net.users["sz01.clerk"].id and n.org_id == net.orgs["SZ01"].id for n in notes)


def test_a_business_rule_failure_is_dead_lettered_and_the_feed_goes_on(app, net, couch):
    bad = order(net, "sz01.clerk", amount="0")  # the sample voucher refuses a zero amount
    good = order(net, "sz01.clerk")
    couch.bulk_docs("sp_sz01", [bad, good])
    assert make_worker(app, couch).drain() == {"posted": 1, "rejected": 1, "waiting": 0, "skipped": 0}
    publish_all(app, couch)
    st = status_docs(couch)
    assert st[good["_id"]]["state"] == "posted"
    assert st[bad["_id"]]["state"] == "rejected"
    [reason] = st[bad["_id"]]["reasons"]
    assert reason["field"] == "amount" and "must not be zero" in reason["en"] and "数据不符合要求" in reason["zh-CN"]
    [letter] = rows(net, SyncDeadLetter)
    assert (letter.state, letter.doc_id, letter.doc["amount"]) == ("dead", bad["_id"], "0")


def test_an_event_whose_order_never_comes_is_dead_lettered_then_retried(app, net, couch, tmp_path):
    o = order(net, "sz01.clerk")
    lonely = note(net, "sz01.clerk", o)
    couch.bulk_docs("sp_sz01", [lonely])
    worker = make_worker(app, couch)
    worker.drain()
    s = net.session()
    with unit_of_work(s):
        s.execute(update(SyncDeadLetter).values(wait_until=utcnow() - dt.timedelta(seconds=1)))
    s.close()
    worker.maintain("sp_sz01")
    [letter] = rows(net, SyncDeadLetter)
    assert letter.state == "dead" and letter.reasons[0]["code"] == "order_missing"
    publish_all(app, couch)
    assert status_docs(couch)[lonely["_id"]]["state"] == "rejected"

    # The order turns up after all; an operator re-queues the dead letter.
    couch.bulk_docs("sp_sz01", [o])
    worker.drain()
    env = cli_env(app)
    r = CliRunner().invoke(main, ["sync", "retry", "--db", "sp_sz01"], env=env)
    assert r.exit_code == 0 and "1 dead letter(s) re-queued" in r.output, r.output
    worker.drain()
    [letter] = rows(net, SyncDeadLetter)
    assert letter.state == "resolved" and len(rows(net, OrderNote)) == 1
    publish_all(app, couch)
    assert status_docs(couch)[lonely["_id"]]["state"] == "posted"


def test_collisions_unknown_types_foreign_organisations_and_users_are_refused(app, net, couch):
    o = order(net, "sz01.clerk")
    twin = {**o, "_rev": "1-" + "b" * 32, "amount": "20.00"}
    couch.bulk_docs("sp_sz01", [{**o, "_rev": "1-" + "a" * 32}, twin], new_edits=False)
    stranger = event(net, "sz01.clerk", "teleport")
    foreign = order(net, "gz01.clerk")
    net.add_user("dealer1", "SZ01", ["dealer"])
    dealer = order(net, "dealer1")
    couch.bulk_docs("sp_sz01", [stranger, foreign, dealer])
    totals = make_worker(app, couch).drain()
    assert totals["posted"] == 0 and totals["rejected"] == 5
    publish_all(app, couch)
    codes = {d["event_id"]: d["reasons"][0]["code"] for d in status_docs(couch).values()}
    assert codes == {o["_id"]: "collision", stranger["_id"]: "invalid_event", foreign["_id"]: "wrong_organisation",
                     dealer["_id"]: "not_permitted"}


def test_replaying_the_feed_from_seq_0_changes_nothing(app, net, couch):
    o = order(net, "sz01.clerk")
    docs = [o, note(net, "sz01.clerk", o), order(net, "sz01.clerk", amount="0"), note(net, "sz01.clerk", order(net, "sz01.clerk"))]
    couch.bulk_docs("sp_sz01", docs)
    worker = make_worker(app, couch)
    worker.drain()
    publish_all(app, couch)
    before, store_before = row_counts(app), status_docs(couch)
    s = net.session()
    with unit_of_work(s):
        s.execute(update(SyncCheckpoint).values(seq=None))
    s.close()
    assert worker.drain()["skipped"] == 4
    assert publish_all(app, couch) == 0
    assert row_counts(app) == before and status_docs(couch) == store_before


def test_two_workers_on_the_same_databases_post_each_event_once(app, net, couch):
    docs = {"sp_sz01": [], "sp_gz01": []}
    for db, user in (("sp_sz01", "sz01.clerk"), ("sp_gz01", "gz01.clerk")):
        for _ in range(40):
            o = order(net, user)
            docs[db] += [o, note(net, user, o), note(net, user, o)]
        couch.bulk_docs(db, docs[db])
    total = sum(len(d) for d in docs.values())
    stop = threading.Event()
    workers = [make_worker(app, couch, owner=f"w{i}", batch_size=25, poll_ms=200) for i in range(2)]
    threads = [threading.Thread(target=w.run, args=(stop,)) for w in workers]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(rows(net, SyncProcessed)) < total:
        time.sleep(0.2)
    stop.set()
    for t in threads:
        t.join(30)
    processed = rows(net, SyncProcessed)
    assert len(processed) == total and {p.outcome for p in processed} == {"posted"}
    vouchers = rows(net, SampleVoucher)
    assert len(vouchers) == 80 and len({v.number for v in vouchers}) == 80
    assert len(rows(net, OrderNote)) == 160
    for org in ("SZ01", "GZ01"):
        seqs = sorted(int(v.number[-5:]) for v in vouchers if v.org_id == net.orgs[org].id)
        assert seqs == list(range(1, 41))  # gapless: nothing posted twice, nothing rolled back half-way


def test_a_worker_that_lost_its_lease_commits_nothing(app, net, couch):
    o = order(net, "sz01.clerk")
    couch.bulk_docs("sp_sz01", [o])
    a, b = make_worker(app, couch, owner="a"), make_worker(app, couch, owner="b")
    assert "sp_sz01" in a.manage_leases()
    assert "sp_sz01" not in b.manage_leases()  # A's lease is live
    s = net.session()
    with unit_of_work(s):  # A stalls past its lease …
        s.execute(update(SyncLease).values(lease_until=utcnow() - dt.timedelta(seconds=1)))
    s.close()
    assert "sp_sz01" in b.manage_leases()  # … and B takes over
    feed = couch.changes("sp_sz01", since=0)
    try:
        a.post_batch("sp_sz01", feed["results"], feed["last_seq"])
        raise AssertionError("a replaced worker must not commit")
    except LeaseLost:
        pass
    assert rows(net, SyncProcessed) == [] and rows(net, SampleVoucher) == []
    assert [x.owner for x in rows(net, SyncLease, SyncLease.name == feed_lease("sp_sz01"))] == ["b"]
    for w in (a, b):
        w.release_all()


def test_the_publisher_overwrites_idempotently_and_never_goes_back(app, net, couch):
    s = net.session()
    with unit_of_work(s):
        first = enqueue_document(s, "sp_sz01", "status:x", "status", {"state": "waiting"})
        enqueue_document(s, "sp_sz01", "status:x", "status", {"state": "posted"})
        enqueue_document(s, "sp_nowhere", "status:y", "status", {"state": "posted"})  # no such database yet
    s.close()
    assert publish_all(app, couch) == 2
    doc = couch.get_doc("sp_sz01", "status:x")
    assert doc["state"] == "posted"
    # Published again (e.g. a crash before marking): same content; an older row never wins.
    s = net.session()
    with unit_of_work(s):
        s.execute(update(OutboxMessage).where(OutboxMessage.id == first.id).values(published_at=None))
    s.close()
    assert publish_all(app, couch) == 1
    assert couch.get_doc("sp_sz01", "status:x")["state"] == "posted"
    [stuck] = rows(net, OutboxMessage, OutboxMessage.published_at.is_(None))
    assert stuck.target_db == "sp_nowhere" and stuck.attempts >= 1 and stuck.last_error


def cli_env(app) -> dict[str, str]:
    settings = app.extensions["aftercare.settings"]
    return {"AFTERCARE_DATABASE_URL": settings.database_url, "AFTERCARE_JWT_SECRET": settings.jwt_secret,
            "AFTERCARE_COUCHDB_URL": settings.couchdb_url, "AFTERCARE_COUCHDB_USER": COUCH_USER,
            "AFTERCARE_COUCHDB_PASSWORD": COUCH_PASSWORD, "AFTERCARE_VAR_DIR": settings.var_dir}


def test_provision_status_and_worker_once_commands(app, net, couch):
    runner = CliRunner()
    env = cli_env(app)
    couch.request("DELETE", "/sp_gz01")
    r = runner.invoke(main, ["sync", "provision"], env=env)
    assert r.exit_code == 0 and "sp_gz01: created" in r.output and "sp_sz01: unchanged" in r.output, r.output
    assert "sp_hq" not in r.output and "master: unchanged" in r.output
    assert couch.get_security("sp_gz01")["members"]["names"] == [COUCH_USER]
    o = order(net, "sz01.clerk")
    couch.bulk_docs("sp_sz01", [o, note(net, "sz01.clerk", o), note(net, "sz01.clerk", order(net, "sz01.clerk"))])
    r = runner.invoke(main, ["sync", "status"], env=env)
    assert r.exit_code == 0, r.output
    line = next(x for x in r.output.splitlines() if x.startswith("sp_sz01"))
    assert line.split()[1:4] == ["3", "0", "0"], r.output
    # The sample event type lives in the tests: this worker process knows `note` only.
    r = runner.invoke(main, ["sync", "worker", "--once"], env=env)
    assert r.exit_code == 0, r.output
    r = runner.invoke(main, ["sync", "status"], env=env)
    line = next(x for x in r.output.splitlines() if x.startswith("sp_sz01"))
    assert line.split()[1] == "0" and "outbox: 0 unpublished" in r.output, r.output


def test_batches_are_counted_in_events_not_in_the_server_documents_between_them(app, net, couch):
    # Status documents interleave with events in a live feed; a batch still takes batch_size events.
    o = order(net, "sz01.clerk")
    couch.bulk_docs("sp_sz01", [o])
    first = make_worker(app, couch)
    first.drain()
    first.release_all()
    publish_all(app, couch)  # status:<o> now sits in the feed
    notes = []
    for n in range(23):
        notes.append(note(net, "sz01.clerk", o, text=f"note {n}"))
        couch.bulk_docs("sp_sz01", [notes[-1], {"_id": f"status:stray-{n}", "state": "posted"}])
    worker = make_worker(app, couch, owner="counting", batch_size=5, poll_ms=100)
    seen: list[tuple[int, object]] = []
    post_batch = worker.post_batch

    def counting(db, results, last_seq, docs=None):
        seen.append((sum(1 for r in results if not r["id"].startswith("status:")), last_seq))
        return post_batch(db, results, last_seq, docs)

    worker.post_batch = counting
    stop = threading.Event()
    thread = threading.Thread(target=worker.run, args=(stop,))
    thread.start()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and len(rows(net, OrderNote)) < 23:
        time.sleep(0.1)
    stop.set()
    thread.join(30)
    assert [n for n, _ in seen if n] == [5, 5, 5, 5, 3], (seen, len(rows(net, OrderNote)))
    assert len(rows(net, OrderNote)) == 23 and len(rows(net, SyncProcessed)) == 24
    # Checkpointed at the feed's end: a new worker finds nothing left to post.
    assert make_worker(app, couch, owner="after").drain() == {"posted": 0, "rejected": 0, "waiting": 0, "skipped": 0}
    checkpoint = rows(net, SyncCheckpoint, SyncCheckpoint.db == "sp_sz01")[0]
    assert str(checkpoint.seq) == str(couch.changes("sp_sz01", since=None)["last_seq"])


def test_take_batch_cuts_after_the_last_event_that_fits():
    from sync.worker import _take_batch

    feed = [{"id": i, "seq": n} for n, i in enumerate(["a", "status:a", "b", "status:b", "c", "md:x", "d"], start=1)]
    taken, seq, rest = _take_batch(feed, 2, "7", caught_up=False)
    assert [r["id"] for r in taken] == ["a", "status:a", "b"] and seq == 3 and [r["id"] for r in rest][0] == "status:b"
    assert _take_batch(feed[:2], 2, "2", caught_up=False) == ([], None, feed[:2])  # read on
    assert _take_batch(feed[:2], 2, "2", caught_up=True) == (feed[:2], "2", [])  # the feed's end
    statuses = [{"id": f"status:{n}", "seq": n} for n in range(8)]
    assert _take_batch(statuses, 2, "8", caught_up=False) == (statuses, "8", [])  # no events for long: bounded


def test_a_posting_process_collects_young_objects_less_often_never_more(app, net, couch):
    import gc

    from sync.worker import YOUNG_COLLECTION_THRESHOLD

    before = gc.get_threshold()
    try:
        gc.set_threshold(700, 10, 10)
        make_worker(app, couch, owner="gc").drain()
        assert gc.get_threshold() == (YOUNG_COLLECTION_THRESHOLD, 10, 10)
        gc.set_threshold(50_000, 10, 10)
        make_worker(app, couch, owner="gc").drain()
        assert gc.get_threshold() == (50_000, 10, 10)
    finally:
        gc.set_threshold(*before)
