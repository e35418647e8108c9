"""The sync proxy: who may use which database, which endpoints pass, what _bulk_docs accepts."""

from __future__ import annotations

import json
import socket
import time

import httpx
import pytest

from server.serving import LONGPOLL_SLOTS, longpoll_slots

from .sync_support import couch, event, note, order  # noqa: F401
from .waitress_server import Serving


def bulk(client, net, username, db, docs, new_edits=True):
    body = {"docs": docs} if new_edits else {"docs": docs, "new_edits": False}
    return client.post(f"/sync/{db}/_bulk_docs", json=body, headers=net.headers(username))


def test_anonymous_and_bad_tokens_get_401_in_couchdb_shape(client, net, couch):
    r = client.get("/sync/sp_sz01/_changes")
    assert r.status_code == 401 and r.json["error"] == "unauthorized" and r.json["code"] == "unauthorized"
    assert client.get("/sync/sp_sz01/", headers={"Authorization": "Bearer x.y.z"}).status_code == 401


def test_own_database_read_write_master_read_only_others_refused(client, net, couch):
    h = net.headers("sz01.clerk")
    assert client.get("/sync/sp_sz01/", headers=h).status_code == 200
    assert client.get("/sync/master/", headers=h).status_code == 200
    for path in ("/sync/sp_gz01/", "/sync/sp_gz01/_changes", "/sync/sp_zz99/", "/sync/_users/", "/sync/Bad-Name/"):
        r = client.get(path, headers=h)
        assert r.status_code == 403 and r.json["error"] == "forbidden", (path, r.json)
    # Headquarters has no service point database; dealers replicate nothing.
    assert client.get("/sync/sp_sz01/", headers=net.headers("hq")).status_code == 403
    net.add_user("dealer1", "SZ01", ["dealer"])
    r = client.get("/sync/sp_sz01/", headers=net.headers("dealer1"))
    assert r.status_code == 403 and r.json["errors"] == {"permission": ["sync.replicate"]}


def test_master_data_refuses_every_document_in_place(client, net, couch):
    o = order(net, "sz01.clerk")
    r = bulk(client, net, "sz01.clerk", "master", [o])
    assert r.status_code == 201 and r.json == [{"id": o["_id"], "error": "forbidden", "reason": "master data is read-only"}]


@pytest.mark.parametrize("method, path", [
    ("PUT", "/sync/sp_sz01"), ("DELETE", "/sync/sp_sz01"), ("GET", "/sync/_all_dbs"), ("GET", "/sync/_config"),
    ("GET", "/sync/sp_sz01/_design/x"), ("PUT", "/sync/sp_sz01/_design/x"), ("PUT", "/sync/sp_sz01/some-doc"),
    ("DELETE", "/sync/sp_sz01/some-doc"), ("POST", "/sync/sp_sz01"), ("GET", "/sync/sp_sz01/_security"),
    ("PUT", "/sync/sp_sz01/_security"), ("POST", "/sync/sp_sz01/_compact"), ("GET", "/sync/sp_sz01/_find"),
    ("DELETE", "/sync/sp_sz01/_local/x"), ("COPY", "/sync/sp_sz01/some-doc"),
])
def test_what_replication_does_not_use_is_refused(client, net, couch, method, path):
    r = client.open(path, method=method, headers=net.headers("sz01.clerk"), data=b"{}", content_type="application/json")
    assert r.status_code == 403, (method, path, r.status_code, r.data[:200])
    assert couch.get_security("sp_sz01")["members"]["names"] == ["aftercare"]


def test_replication_endpoints_pass_through(client, net, couch):
    h = net.headers("sz01.clerk")
    o = order(net, "sz01.clerk")
    [ok] = bulk(client, net, "sz01.clerk", "sp_sz01", [o]).json
    assert ok["ok"] and ok["id"] == o["_id"]
    changes = client.get("/sync/sp_sz01/_changes?style=all_docs&since=0&include_docs=true", headers=h)
    assert changes.status_code == 200 and changes.content_type == "application/json"
    assert [c["id"] for c in changes.json["results"]] == [o["_id"]]
    assert client.get("/sync/sp_sz01/_changes?feed=longpoll&timeout=100&since=now", headers=h).status_code == 200
    assert client.get("/sync/sp_sz01/_changes?feed=continuous", headers=h).status_code == 422
    assert client.get(f"/sync/sp_sz01/{o['_id']}", headers=h).json["amount"] == "10.00"
    r = client.post("/sync/sp_sz01/_revs_diff", json={o["_id"]: [ok["rev"], "1-abc"]}, headers=h)
    assert r.json == {o["_id"]: {"missing": ["1-abc"]}}
    r = client.post("/sync/sp_sz01/_bulk_get?revs=true", json={"docs": [{"id": o["_id"], "rev": ok["rev"]}]}, headers=h)
    assert r.json["results"][0]["docs"][0]["ok"]["_id"] == o["_id"]
    r = client.post("/sync/sp_sz01/_all_docs", json={"keys": [o["_id"]]}, headers=h)
    assert r.json["rows"][0]["value"]["rev"] == ok["rev"]
    assert client.put("/sync/sp_sz01/_local/rep1", json={"last_seq": 1}, headers=h).status_code == 201
    assert client.get("/sync/sp_sz01/_local/rep1", headers=h).json["last_seq"] == 1
    # The PouchDB checkpoint may be written on master too (it is not replicated).
    assert client.put("/sync/master/_local/rep1", json={"last_seq": 1}, headers=h).status_code == 201


def test_bulk_docs_answers_each_document_in_its_place(client, net, couch):
    o = order(net, "sz01.clerk")
    bad = note(net, "sz01.clerk", o, text="")
    foreign_org = note(net, "sz01.clerk", o)
    foreign_org["org"] = str(net.orgs["GZ01"].id)
    good = note(net, "sz01.clerk", o)
    unknown = event(net, "sz01.clerk", "teleport")
    r = bulk(client, net, "sz01.clerk", "sp_sz01", [o, bad, foreign_org, "junk", good, unknown])
    assert r.status_code == 201
    out = r.json
    assert [x.get("ok") for x in out] == [True, None, None, None, True, None]
    assert out[1] == {"id": bad["_id"], "error": "forbidden", "reason": out[1]["reason"]} and "text" in out[1]["reason"]
    assert "org" in out[2]["reason"] and out[3]["id"] is None and "unknown event type" in out[5]["reason"]
    assert set(couch.current_revs("sp_sz01", [d["_id"] for d in (o, bad, foreign_org, good, unknown)])) == {o["_id"], good["_id"]}


def test_overwriting_an_event_or_a_status_document_is_refused(client, net, couch):
    o = order(net, "sz01.clerk")
    [ok] = bulk(client, net, "sz01.clerk", "sp_sz01", [o]).json
    changed = {**o, "_rev": ok["rev"], "amount": "1.00"}
    [r] = bulk(client, net, "sz01.clerk", "sp_sz01", [changed]).json
    assert r["error"] == "forbidden" and "already stored" in r["reason"]
    [r] = bulk(client, net, "sz01.clerk", "sp_sz01", [{**o, "_rev": ok["rev"], "_deleted": True}]).json
    assert r["error"] == "forbidden"
    # Replication style: a second revision, or a different first one, of a stored event.
    r = bulk(client, net, "sz01.clerk", "sp_sz01", [{**o, "_rev": "2-abc", "_revisions": {"start": 2, "ids": ["abc", ok["rev"][2:]]}}], new_edits=False).json
    assert r[0]["error"] == "forbidden"
    r = bulk(client, net, "sz01.clerk", "sp_sz01", [{**o, "_rev": "1-fff", "_revisions": {"start": 1, "ids": ["fff"]}}], new_edits=False).json
    assert r[0]["error"] == "forbidden"
    # The same revision again is harmless and answered like CouchDB (no error).
    assert bulk(client, net, "sz01.clerk", "sp_sz01", [{**o, "_rev": ok["rev"]}], new_edits=False).json == []
    # Status documents belong to the server.
    couch.bulk_docs("sp_sz01", [{"_id": f"status:{o['_id']}", "state": "posted"}])
    for doc in ({"_id": f"status:{o['_id']}", "state": "rejected"}, {"_id": "status:new", "state": "posted"}):
        [r] = bulk(client, net, "sz01.clerk", "sp_sz01", [doc]).json
        assert r["error"] == "forbidden" and "server" in r["reason"]
    assert couch.get_doc("sp_sz01", f"status:{o['_id']}")["state"] == "posted"
    assert couch.get_doc("sp_sz01", o["_id"])["amount"] == "10.00"


def test_new_edits_false_answers_only_refusals(client, net, couch):
    o = order(net, "sz01.clerk")
    bad = {**note(net, "sz01.clerk", o), "text": ""}
    docs = [{**d, "_rev": "1-" + "a" * 32, "_revisions": {"start": 1, "ids": ["a" * 32]}} for d in (o, bad)]
    r = bulk(client, net, "sz01.clerk", "sp_sz01", docs, new_edits=False)
    assert r.status_code == 201 and [x["id"] for x in r.json] == [bad["_id"]]
    assert couch.get_doc("sp_sz01", o["_id"])["_rev"] == "1-" + "a" * 32


def test_bodies_over_the_limit_get_413(client, net, couch, app):
    limit = app.extensions["aftercare.settings"].sync_max_request_bytes
    big = json.dumps({"docs": [{"_id": "x", "pad": "x" * (limit + 10)}]})
    r = client.post("/sync/sp_sz01/_bulk_docs", data=big, content_type="application/json", headers=net.headers("sz01.clerk"))
    assert r.status_code == 413 and r.json["error"] == "payload_too_large"


def test_malformed_bulk_docs_bodies_are_400s(client, net, couch):
    h = net.headers("sz01.clerk")
    assert client.post("/sync/sp_sz01/_bulk_docs", data=b"{nope", content_type="application/json", headers=h).status_code == 422
    assert client.post("/sync/sp_sz01/_bulk_docs", json={"docs": "x"}, headers=h).status_code == 422
    assert client.post("/sync/sp_sz01/_bulk_docs", json={"docs": [], "new_edits": "no"}, headers=h).status_code == 422


def test_event_schemas_are_exported_for_the_pwa(client, net):
    r = client.get("/api/sync/schemas", headers=net.headers("sz01.clerk"))
    assert r.status_code == 200
    assert r.json["envelope"]["$id"] == "urn:aftercare:sync:envelope"
    assert r.json["types"]["note"]["properties"]["type"] == {"const": "note"}


def test_longpoll_waits_for_a_change_and_ends_by_its_timeout(client, net, couch):
    import threading

    h = net.headers("sz01.clerk")
    first = client.get("/sync/sp_sz01/_changes?style=all_docs", headers=h).json
    started = time.monotonic()
    r = client.get(f"/sync/sp_sz01/_changes?feed=longpoll&timeout=1200&since={first['last_seq']}", headers=h)
    assert r.status_code == 200 and r.json["results"] == [] and 0.9 <= time.monotonic() - started < 5
    o = order(net, "sz01.clerk")
    threading.Timer(0.6, lambda: couch.bulk_docs("sp_sz01", [o])).start()
    started = time.monotonic()
    r = client.get(f"/sync/sp_sz01/_changes?feed=longpoll&timeout=20000&heartbeat=10000&since={first['last_seq']}&include_docs=true", headers=h)
    assert [c["doc"]["_id"] for c in r.json["results"]] == [o["_id"]] and time.monotonic() - started < 5


def _since_now(client, h) -> str:
    return client.get("/sync/sp_sz01/_changes?descending=true&limit=1", headers=h).json["last_seq"]


def test_a_longpoll_ends_once_its_client_has_gone(client, net, couch):
    h = net.headers("sz01.clerk")
    since = _since_now(client, h)
    started = time.monotonic()
    r = client.get(f"/sync/sp_sz01/_changes?feed=longpoll&timeout=20000&since={since}", headers=h,
                   environ_overrides={"waitress.client_disconnected": lambda: True})
    assert r.status_code == 200 and r.json["results"] == []
    assert time.monotonic() - started < 3  # one poll, not the 20 s asked for


def test_longpolls_beyond_their_share_of_the_threads_wait_a_second_at_most(app, client, net, couch, monkeypatch):
    h = net.headers("sz01.clerk")
    since = _since_now(client, h)
    slots = longpoll_slots(2)  # a server of two threads: one longpoll waits
    monkeypatch.setitem(app.extensions, LONGPOLL_SLOTS, slots)
    assert slots.acquire(blocking=False)
    try:
        started = time.monotonic()
        r = client.get(f"/sync/sp_sz01/_changes?feed=longpoll&timeout=20000&since={since}", headers=h)
        assert r.status_code == 200 and r.json["results"] == []
        assert time.monotonic() - started < 3
    finally:
        slots.release()
    started = time.monotonic()
    r = client.get(f"/sync/sp_sz01/_changes?feed=longpoll&timeout=3000&since={since}", headers=h)
    assert r.json["results"] == [] and time.monotonic() - started >= 2.4  # a free slot: (about) the whole wait
    assert slots.acquire(blocking=False)  # and it was handed back


def test_under_waitress_waiting_devices_leave_threads_for_pages_and_gone_ones_free_theirs(app, client, net, couch, monkeypatch):
    h = net.headers("sz01.clerk")
    since = _since_now(client, h)
    monkeypatch.setitem(app.extensions, LONGPOLL_SLOTS, None)  # put back after the test
    serving = Serving(app, threads=4)
    slots = app.extensions[LONGPOLL_SLOTS]
    socks = []
    try:
        request = (f"GET /sync/sp_sz01/_changes?feed=longpoll&timeout=20000&since={since} HTTP/1.1\r\n"
                   f"Host: 127.0.0.1\r\nAuthorization: {h['Authorization']}\r\n\r\n").encode()
        for _ in range(6):  # more longpolls than the server has threads
            sock = socket.create_connection(("127.0.0.1", serving.port))
            sock.sendall(request)
            socks.append(sock)
        time.sleep(0.5)
        started = time.monotonic()
        assert httpx.get(serving.url + "/healthz", timeout=15).status_code == 200
        assert time.monotonic() - started < 3  # not behind 20-second waits
        for sock in socks:
            sock.close()
        deadline = time.monotonic() + 3
        freed = 0
        while freed < 2 and time.monotonic() < deadline:
            freed += slots.acquire(blocking=False)
            time.sleep(0.05)
        assert freed == 2, "the longpolls of closed connections still hold their threads"
    finally:
        for sock in socks:
            sock.close()
        serving.close()


def test_the_stored_check_finds_events_among_others_and_reads_by_key_past_its_limit(couch, monkeypatch):
    """``live_revs``: one range read over a batch's ids (UUIDv7, in time order) finds the stored
    ones among other documents in that range; a range holding more than its limit is read by key."""
    from server.ids import uuid7

    ids = [str(uuid7()) for _ in range(2400)]  # made in order, as on a device
    stored = ids[::3]
    couch.bulk_docs("sp_sz01", [{"_id": i, "type": "note"} for i in stored])
    revs = {i: r["rev"] for i, r in couch.current_revs("sp_sz01", stored).items()}
    by_key = []
    real = couch.current_revs
    monkeypatch.setattr(couch, "current_revs", lambda db, keys: by_key.append(len(keys)) or real(db, keys))
    batch = ids[300:320]  # a push's batch: some stored, the others new, more stored ones around them
    assert couch.live_revs("sp_sz01", batch) == {i: {"rev": revs[i], "deleted": False} for i in batch if i in revs}
    # 800 stored documents lie between the first and the last id: under the limit (1,000), one read.
    assert set(couch.live_revs("sp_sz01", [ids[0], ids[-1]])) == {ids[0]}
    assert by_key == []
    # Fill the range past the limit: read by key, the same answer.
    couch.bulk_docs("sp_sz01", [{"_id": i, "type": "note"} for i in ids[1:-1] if i not in revs])
    assert set(couch.live_revs("sp_sz01", [ids[0], ids[-1]])) == {ids[0]}
    assert by_key == [2]
