"""``aftercare sync …``: the store, provisioning, the worker, status and retries."""

from __future__ import annotations

import signal
import threading

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select, update

from server.db import unit_of_work, utcnow
from server.http import system_session


def _settings():
    return current_app.extensions["aftercare.settings"]


def _client():
    from .client import StoreError, client_for

    try:
        return client_for(_settings())
    except StoreError as exc:
        raise click.ClickException(exc.reason) from None


def _stop_on_signals() -> threading.Event:
    stop = threading.Event()

    def _stop(_signum, _frame):
        stop.set()

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    return stop


@click.group("sync")
def sync() -> None:
    """Offline sync: the store, its databases, the posting worker."""


@sync.command("store")
@click.option("--in-memory", is_flag=True, help="Keep nothing on disk (tests).")
@with_appcontext
def store_command(in_memory: bool) -> None:
    """Run the embedded store (pouchdb-server) at AFTERCARE_COUCHDB_URL until stopped."""
    from .store import start_from_settings

    settings = _settings()
    if not settings.couchdb_password:
        raise click.ClickException("AFTERCARE_COUCHDB_PASSWORD is required")
    stop = _stop_on_signals()
    store = start_from_settings(settings, in_memory=in_memory)
    click.echo(f"sync store at {store.url}")
    try:
        while not stop.wait(1.0):
            if store.process.poll() is not None:
                raise click.ClickException(f"the store exited with {store.process.returncode}")
    finally:
        store.stop()


@sync.command("provision")
@with_appcontext
def provision_command() -> None:
    """Create the master-data database and one per active service point; only the server may read them."""
    from .provision import provision

    session = system_session(current_app, "cli")
    try:
        for db, what in provision(session, _client(), _settings().couchdb_user):
            click.echo(f"{db}: {what}")
    finally:
        session.close()


@sync.command("worker")
@click.option("--once", is_flag=True, help="Post what is there now, publish, and exit.")
@with_appcontext
def worker_command(once: bool) -> None:
    """Follow every service point database and post its events (several may run)."""
    from .publisher import OutboxPublisher
    from .worker import PostingWorker, worker_name

    settings = _settings()
    client = _client()
    owner = worker_name()
    publisher = OutboxPublisher(current_app._get_current_object(), client, owner, lease_seconds=settings.sync_lease_seconds)
    worker = PostingWorker(current_app._get_current_object(), client=client, owner=owner, on_commit=publisher.wake.set)
    if once:
        totals = worker.drain()
        while publisher.publish_pending():
            pass
        worker.release_all()
        publisher.release()
        click.echo(" ".join(f"{k}={v}" for k, v in totals.items()))
        return
    stop = _stop_on_signals()
    pub = threading.Thread(target=publisher.run, args=(stop,), name="sync-publisher", daemon=True)
    pub.start()
    click.echo(f"sync worker {owner} running")
    try:
        worker.run(stop)
    finally:
        stop.set()
        pub.join(timeout=15)


@sync.command("status")
@with_appcontext
def status_command() -> None:
    """Per database: checkpoint, lag (events not yet taken), waiting and dead events; unpublished outbox rows."""
    from server.outbox.models import OutboxMessage

    from .leases import feed_lease
    from .models import SyncDeadLetter, SyncLease
    from .posting import is_event_id, load_checkpoint
    from .worker import service_point_dbs

    client = _client()
    session = system_session(current_app, "cli")
    try:
        dbs = service_point_dbs(session)
        letters = dict(((db, state), n) for db, state, n in session.execute(
            select(SyncDeadLetter.db, SyncDeadLetter.state, func.count()).group_by(SyncDeadLetter.db, SyncDeadLetter.state)))
        click.echo(f"{'database':<16} {'lag':>8} {'waiting':>8} {'dead':>6}  owner / checkpoint")
        for db in sorted(dbs):
            since = load_checkpoint(session, db)
            lease = session.get(SyncLease, feed_lease(db))
            try:
                # Counting changes since the checkpoint needs no seq arithmetic (seqs are opaque).
                res = client.changes(db, since=since, limit=10_001, style="main_only")
                n = sum(1 for ch in res.get("results") or [] if is_event_id(ch["id"]))
                lag = ">10000" if n > 10_000 else str(n)
            except Exception as exc:  # noqa: BLE001 - report, go on with the next database
                lag = f"? ({type(exc).__name__})"
            owner = lease.owner if lease and lease.lease_until > utcnow() else "-"
            click.echo(f"{db:<16} {lag:>8} {letters.get((db, 'waiting'), 0):>8} {letters.get((db, 'dead'), 0):>6}  "
                       f"{owner} / {since or '(start)'}")
        unpublished = session.execute(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.published_at.is_(None))).scalar_one()
        click.echo(f"outbox: {unpublished} unpublished")
    finally:
        session.close()


@sync.command("retry")
@click.option("--db", "db", help="Only this database, e.g. sp_sz01.")
@click.option("--id", "doc_id", help="Only this event id.")
@with_appcontext
def retry_command(db: str | None, doc_id: str | None) -> None:
    """Re-queue dead letters (after a fix); the worker posts them again or dead-letters them with the new reason."""
    import datetime as dt

    from .models import SyncDeadLetter

    wait = dt.timedelta(seconds=_settings().sync_order_wait_seconds)
    session = system_session(current_app, "cli")
    try:
        with unit_of_work(session):
            stmt = update(SyncDeadLetter).where(SyncDeadLetter.state == "dead")
            if db:
                stmt = stmt.where(SyncDeadLetter.db == db)
            if doc_id:
                stmt = stmt.where(SyncDeadLetter.doc_id == doc_id)
            n = session.execute(stmt.values(state="waiting", wait_until=utcnow() + wait)
                                .execution_options(synchronize_session=False)).rowcount
    finally:
        session.close()
    click.echo(f"{n} dead letter(s) re-queued")
