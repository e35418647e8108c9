"""Helpers for the sync tests: event documents, the PouchDB driver, a live server for it."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import threading
from pathlib import Path

from werkzeug.serving import make_server

from server.ids import uuid7

DRIVER = Path(__file__).resolve().parent.parent / "sync" / "testdriver" / "driver.js"


def event(net, username: str, event_type: str, **payload) -> dict:
    """A valid event as a device of ``username`` would make it."""
    user = net.users[username]
    doc = {"_id": str(uuid7()), "type": event_type, "org": str(user.org_id), "device_id": f"tab-{username}",
           "user_id": str(user.id), "created_at": dt.datetime.now(dt.timezone.utc).isoformat()}
    doc.update(payload)
    return doc


def order(net, username: str, amount: str = "10.00") -> dict:
    doc = event(net, username, "sample_order", amount=amount)
    doc["order_id"] = doc["_id"]
    return doc


def note(net, username: str, order_doc: dict, text: str = "屏幕有划痕 scratched screen") -> dict:
    return event(net, username, "note", order_id=order_doc["order_id"], text=text)


def drive(**command) -> dict:
    """Run one command of the PouchDB test driver (a real PouchDB in Node)."""
    proc = subprocess.run(["node", str(DRIVER), json.dumps(command)], capture_output=True, text=True, timeout=120)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    assert lines, f"driver printed nothing: rc={proc.returncode} stderr={proc.stderr[-2000:]}"
    return json.loads(lines[-1])


class LiveServer:
    """The app on a real port in a thread, for clients outside the process (the PouchDB driver)."""

    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


# -- fixtures (import them into a test module) ---------------------------------------

import pytest  # noqa: E402

from sync.client import CouchClient  # noqa: E402
from sync.provision import provision  # noqa: E402

from . import sync_sample  # noqa: E402,F401 - registers the sample_order event type


@pytest.fixture
def couch(app, net):
    """The store emptied and provisioned for the test's network; the server's client to it."""
    settings = app.extensions["aftercare.settings"]
    client = CouchClient(settings.couchdb_url, settings.couchdb_user, settings.couchdb_password)
    for db in client.request("GET", "/_all_dbs"):
        if not db.startswith("_"):
            client.request("DELETE", f"/{db}")
    session = net.session()
    try:
        provision(session, client, settings.couchdb_user)
    finally:
        session.close()
    yield client
    client.close()


@pytest.fixture(scope="session")
def live(app):
    server = LiveServer(app)
    yield server
    server.stop()


def make_worker(app, couch, **kw):
    from sync.worker import PostingWorker

    return PostingWorker(app, client=couch, **kw)


def publish_all(app, couch, owner="test-publisher"):
    from sync.publisher import OutboxPublisher

    pub = OutboxPublisher(app, couch, owner, lease_seconds=30)
    total = 0
    while n := pub.publish_pending():
        total += n
    return total


class Tablet:
    """A counter's tablet: a real PouchDB (the driver) on disk, signed in as one user, replicating
    its service point's database through the server's /sync proxy."""

    def __init__(self, live, net, directory, username: str = "sz01.clerk", db: str = "sp_sz01"):
        self.dir, self.url, self.token = str(directory), f"{live.url}/sync/{db}", net.token(username)

    def sync(self, docs: list[dict] = ()) -> dict:
        """Write ``docs`` locally (offline), push, pull; the answer has the local status documents by event id."""
        out = drive(cmd="sync", dir=self.dir, url=self.url, token=self.token, docs=list(docs), prefix="status:")
        assert out.get("ok"), out
        out["status"] = {d["event_id"]: d for d in out["docs"]}
        return out


def restart_worker(app, couch, worker, replay: bool = True):
    """Stop ``worker`` (its leases handed back) and start another; with ``replay`` the feeds' checkpoints
    are forgotten, as after a crash before they were saved, so the new worker reads every event again."""
    from sqlalchemy import update

    from server.db import unit_of_work
    from server.http import system_session
    from sync.models import SyncCheckpoint

    worker.release_all()
    if replay:
        s = system_session(app, "test")
        try:
            with unit_of_work(s):
                s.execute(update(SyncCheckpoint).values(seq=None))
        finally:
            s.close()
    return make_worker(app, couch)
