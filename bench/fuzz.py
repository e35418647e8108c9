"""Fuzzing benchmark: schemathesis over every operation of the OpenAPI document at a large bound.

The same fuzzing as tests/test_fuzz.py (tests/fuzzing.py: the administrator and a counter clerk of
the demo network, positive and negative mode, every coverage case, checks not_a_server_error and
response_schema_conformance, no stateful reuse of ids) with --examples random requests per
operation, user and mode (50: 200 per operation). The operations are shared out among --workers
processes, each with its own throwaway database. Prints every failing operation with reproducing
requests, the figures, and last ``fuzz operations=<n> server_errors=<n> schema_violations=<n>``.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import shutil
import sys
import tempfile
import time
import uuid
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from tests.fuzzing import SPEC_PATH, Report, fuzz, make_app  # noqa: E402

PG_ADMIN = os.environ.get("AFTERCARE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def _database(backend: str, tmp: Path) -> tuple[str, callable]:
    """A throwaway database and how to drop it."""
    if backend == "sqlite":
        return f"sqlite:///{tmp / 'fuzz.db'}", lambda: None
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    name = f"aftercare_fuzz_{uuid.uuid4().hex[:8]}"
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return make_url(PG_ADMIN).set(database=name).render_as_string(hide_password=False), drop


def _worker(part: int, parts: int, labels: list[str], backend: str, examples: int, coverage: int, seed: int) -> Report:
    logging.basicConfig(level=logging.CRITICAL)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    mine = set(labels[part::parts])
    tmp = Path(tempfile.mkdtemp(prefix=f"bench-fuzz-{part}-"))
    url, drop = _database(backend, tmp)
    try:
        app = make_app(url, tmp)
        try:
            return fuzz(app, examples=examples, coverage=coverage, seed=seed, only=mine.__contains__, quiet=True)
        finally:
            app.extensions["aftercare.db"].dispose()
    finally:
        drop()
        shutil.rmtree(tmp, ignore_errors=True)


def _labels() -> list[str]:
    """Every operation of the document, spread so that each worker gets a mix of paths."""
    import schemathesis

    tmp = Path(tempfile.mkdtemp(prefix="bench-fuzz-spec-"))
    try:
        from server.app import create_app
        from server.settings import Settings

        app = create_app(Settings(database_url=f"sqlite:///{tmp / 'unused.db'}", var_dir=str(tmp),
                                  jwt_secret="fuzz-" + "0" * 59).resolved())
        schema = schemathesis.openapi.from_wsgi(SPEC_PATH, app)
        return sorted(r.ok().label for r in schema.get_all_operations())
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--examples", type=int, default=50, help="random requests per operation, user and mode")
    ap.add_argument("--coverage", type=int, default=100_000, help="coverage cases per operation and user (default: all)")
    ap.add_argument("--seed", type=int, default=None, help="default: a random one, printed")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--backends", default="sqlite", help="sqlite, postgresql or both (comma-separated)")
    args = ap.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(2**32)
    print(f"note: the machine is shared (2 cores); seed {seed} (--seed to repeat)", flush=True)
    labels = _labels()
    reports = []
    for backend in args.backends.split(","):
        started = time.monotonic()
        report = Report()
        with ProcessPoolExecutor(args.workers) as pool:
            futures = [pool.submit(_worker, i, args.workers, labels, backend, args.examples, args.coverage, seed)
                       for i in range(args.workers)]
            for future in futures:
                report.merge(future.result())
        wall = time.monotonic() - started
        if report.findings or report.errors:
            print(report.describe(), flush=True)
        by_mode = ", ".join(f"{mode} {n:,}" for mode, n in sorted(report.requests.items()))
        print(f"[{backend}] {report.operations} of {len(labels)} operations, {report.total_requests:,} requests "
              f"({by_mode}) in {wall:.0f} s ({report.total_requests / wall:.0f} requests/s, {args.workers} workers); "
              f"{report.server_errors} server errors, {report.schema_violations} schema violations, "
              f"{len(report.errors)} operations not fuzzed", flush=True)
        reports.append(report)
    total = Report(operations=min(r.operations for r in reports))  # fuzzed on every backend
    for r in reports:
        total.findings += r.findings
    print(total.summary_line())


if __name__ == "__main__":
    main()
