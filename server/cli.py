"""The ``aftercare`` command (click, via Flask's CLI)."""

from __future__ import annotations

import os
import signal
import sys

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy import select

from .db import unit_of_work
from .errors import DomainError
from .settings import Settings, SettingsError


def _create_app():
    from .app import create_app

    try:
        return create_app(Settings.from_env())
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from None


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=False, add_version_option=False)
def main() -> None:
    """Aftercare: after-sales service management."""


def _settings() -> Settings:
    return current_app.extensions["aftercare.settings"]


def _session(source: str = "cli"):
    from .http import system_session

    return system_session(current_app, source)


@main.group()
def db() -> None:
    """Database migrations."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
@with_appcontext
def db_upgrade(revision: str) -> None:
    """Migrate the database to the newest schema."""
    from .migrate import upgrade

    upgrade(_settings().database_url, revision)
    click.echo(f"database at {revision}")


@db.command("revision")
@click.option("-m", "--message", required=True)
@with_appcontext
def db_revision(message: str) -> None:
    """Autogenerate a migration from the models (review it before committing)."""
    from .migrate import revision

    revision(_settings().database_url, message)


@main.group()
def user() -> None:
    """User accounts."""


@user.command("create")
@click.option("--username", required=True)
@click.option("--full-name", required=True)
@click.option("--org", "org_code", required=True, help="Organisation code, e.g. HQ or SZ01")
@click.option("--role", "roles", multiple=True, required=True, help="Repeat for several roles")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@with_appcontext
def user_create(username: str, full_name: str, org_code: str, roles: tuple[str, ...], password: str) -> None:
    """Open an account (e.g. the first administrator)."""
    from .auth.operations import create_user
    from .org.models import Organisation

    session = _session()
    try:
        with unit_of_work(session):
            org = session.execute(select(Organisation).where(Organisation.code == org_code.upper())).scalar_one_or_none()
            if org is None:
                raise click.BadParameter(f"no organisation with code {org_code}", param_hint="--org")
            created = create_user(session, _settings(), username=username, full_name=full_name, password=password,
                                  org_id=org.id, roles=list(roles))
    except DomainError as exc:
        raise click.ClickException(f"{exc.message}") from None
    click.echo(f"created user {created.username} ({', '.join(created.roles)}) in {org_code.upper()}")


def _kind_choice():
    from .basedata.kinds import KINDS

    return click.Choice(sorted(KINDS))


@main.command("import")
@click.argument("kind", type=_kind_choice())
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Validate and count, write nothing")
@with_appcontext
def import_file(kind: str, path: str, dry_run: bool) -> None:
    """Import base data from .xlsx or .csv (upsert by code; all rows or none)."""
    from pathlib import Path

    from .basedata.importexport import import_rows, read_table
    from .basedata.kinds import KINDS

    session = _session("import")
    try:
        rows = read_table(path, Path(path).read_bytes())
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    total = sum(1 for r in rows if r is not None)
    with click.progressbar(length=total, label=f"importing {kind}", file=sys.stderr) as bar:
        done = [0]

        def progress(n: int) -> None:
            bar.update(n - done[0])
            done[0] = n

        report = import_rows(session, KINDS[kind], rows, dry_run=dry_run, progress=progress)
    if report.ok and not dry_run:
        session.commit()
    else:
        session.rollback()
    session.close()
    for err in report.errors:
        click.echo(f"row {err.row}, column {err.column}: {err.message}", err=True)
    summary = f"{report.rows} rows: {report.created} created, {report.updated} updated, {report.unchanged} unchanged"
    if report.errors:
        raise click.ClickException(f"{len(report.errors)} problem(s); nothing imported")
    click.echo(("dry run, nothing written: " if dry_run else "imported ") + summary)


@main.command("export")
@click.argument("kind", type=_kind_choice())
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
@with_appcontext
def export_file(kind: str, path: str) -> None:
    """Export base data to .xlsx or .csv (by the file's ending), in the import columns."""
    from pathlib import Path

    from .basedata.importexport import export_rows, write_file
    from .basedata.kinds import KINDS

    fmt = "csv" if path.lower().endswith(".csv") else "xlsx"
    session = _session("export")
    Path(path).write_bytes(write_file(export_rows(session, KINDS[kind]), fmt))
    session.close()
    click.echo(f"exported {kind} to {path}")


@main.group()
def demo() -> None:
    """Demo data."""


@demo.command("load")
@with_appcontext
def demo_load() -> None:
    """Load the demo network (once; does nothing if data exists)."""
    from .demo import load_demo

    session = _session("demo")
    with unit_of_work(session):
        loaded = load_demo(session, _settings())
    click.echo("demo data loaded" if loaded else "data already present; demo not loaded")


def _add_sync_commands() -> None:
    from sync.cli import sync

    main.add_command(sync)


_add_sync_commands()


@demo.command("generate")
@click.option("--items", type=click.IntRange(0, 5_000_000), default=50_000, show_default=True)
@click.option("--members", type=click.IntRange(0, 5_000_000), default=200_000, show_default=True)
@with_appcontext
def demo_generate(items: int, members: int) -> None:
    """Add bulk items and members (each with a warranty card) for benchmarks."""
    from .basedata.demo import generate_bulk

    session = _session("demo")
    try:
        with unit_of_work(session):
            generate_bulk(session, items=items, members=members)
    except RuntimeError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"generated {items} items and {members} members")


@main.group()
def reports() -> None:
    """Scheduled reports."""


@reports.command("run-due")
@with_appcontext
def reports_run_due() -> None:
    """Make and send the scheduled reports that are due now (what `aftercare run` does every 30 s)."""
    from .reports.custom.schedule import run_due

    sent = run_due(current_app._get_current_object(), f"cli-{os.getpid()}")
    click.echo(f"{sent} scheduled report(s) sent")


@main.command("run")
@click.option("--store/--no-store", "embedded_store", default=None,
              help="Start the embedded sync store (default: in demo mode).")
@click.option("--sync/--no-sync", "with_sync", default=True, show_default=True,
              help="Run the sync worker and outbox publisher in this process.")
@with_appcontext
def run(embedded_store: bool | None, with_sync: bool) -> None:
    """Migrate, load demo data on first start (demo mode), start the sync tier, and serve."""
    from sync.runtime import SyncRuntime

    from .demo import demo_logins, load_demo
    from .migrate import upgrade
    from .serving import http_server

    settings = _settings()
    upgrade(settings.database_url)
    if settings.demo:
        session = _session("demo")
        with unit_of_work(session):
            load_demo(session, settings)

    def _stop(signum, _frame):
        # Installed explicitly: a shell that starts us in the background
        # ignores SIGINT for its children, and we must still stop on it.
        raise SystemExit(0)

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    runtime = None
    server = None
    from .reports.custom.schedule import ReportScheduler

    # Scheduled reports: due runs are claimed through the database, so every server may run one.
    scheduler = ReportScheduler(current_app._get_current_object())
    try:
        scheduler.start()
        if with_sync:
            if not settings.couchdb_password:
                raise click.ClickException("AFTERCARE_COUCHDB_PASSWORD is required (or run with --no-sync)")
            runtime = SyncRuntime(current_app._get_current_object(),
                                  embedded_store=settings.demo if embedded_store is None else embedded_store)
            runtime.start()
        # Fonts, stylesheets and templates load now, not on the first ticket a counter prints.
        from .printing.render import printer

        printer().warm()
        address = f"http://{settings.host}:{settings.port}"
        click.echo("")
        click.echo(f"Aftercare is running at {address}")
        click.echo(f"  API docs:  {address}/api/docs")
        if runtime is not None:
            click.echo(f"  Sync:      {address}/sync/<db>/ (store at {settings.couchdb_url})")
        if settings.demo:
            click.echo("  Demo logins:")
            for login in demo_logins():
                click.echo(f"    {login.username:<16} {login.password:<10} {login.org:<5} {', '.join(login.roles)}")
        click.echo("Press Ctrl-C to stop.")
        sys.stdout.flush()
        server = http_server(current_app._get_current_object(), host=settings.host, port=settings.port)
        server.run()
    finally:
        if server is not None:
            server.close()
        if runtime is not None:
            runtime.stop()
        scheduler.stop()
        click.echo("Aftercare stopped.")
