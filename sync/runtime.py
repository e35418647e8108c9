"""The sync tier inside one process: the embedded store (optional), provisioning, the worker, the publisher."""

from __future__ import annotations

import logging
import threading

from server.http import system_session

from .client import client_for
from .provision import provision
from .publisher import OutboxPublisher
from .worker import PostingWorker, worker_name

log = logging.getLogger("aftercare.sync")


class SyncRuntime:
    def __init__(self, app, *, embedded_store: bool = False, poll_ms: int = 1000):
        self.app = app
        self.settings = app.extensions["aftercare.settings"]
        self.embedded_store = embedded_store
        self.poll_ms = poll_ms
        self.store = None
        self.stop_event = threading.Event()
        self.threads: list[threading.Thread] = []

    def start(self) -> None:
        """Start the store (if embedded), provision the databases, start the worker and the publisher."""
        if self.embedded_store:
            from .store import start_from_settings

            self.store = start_from_settings(self.settings)
        try:
            client = client_for(self.settings)
            session = system_session(self.app, "sync")
            try:
                provision(session, client, self.settings.couchdb_user)
                session.commit()
            finally:
                session.close()
            owner = worker_name()
            publisher = OutboxPublisher(self.app, client, owner, lease_seconds=self.settings.sync_lease_seconds)
            worker = PostingWorker(self.app, client=client, owner=owner, poll_ms=self.poll_ms,
                                   on_commit=publisher.wake.set)
            self.threads = [
                threading.Thread(target=worker.run, args=(self.stop_event,), name="sync-worker", daemon=True),
                threading.Thread(target=publisher.run, args=(self.stop_event,), name="sync-publisher", daemon=True),
            ]
            for t in self.threads:
                t.start()
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        self.stop_event.set()
        for t in self.threads:
            t.join(timeout=self.poll_ms / 1000 + 10)
        if self.store is not None:
            self.store.stop()
            self.store = None
