"""Schemathesis over every operation of the served OpenAPI document (tests/fuzzing.py): no 5xx, and
every documented answer as documented. `make bench-fuzz` runs the same at a larger bound.

Bounded for `make test`: on SQLite, 2 random examples per operation, user and mode and 5 of each
operation's coverage cases (boundary and just-invalid values); on PostgreSQL half that, with another
seed. AFTERCARE_FUZZ_EXAMPLES / AFTERCARE_FUZZ_COVERAGE / AFTERCARE_FUZZ_SEED change the SQLite bound.
"""

from __future__ import annotations

import os

import pytest

from .fuzzing import fuzz, make_app

EXAMPLES = int(os.environ.get("AFTERCARE_FUZZ_EXAMPLES", "2"))
COVERAGE = int(os.environ.get("AFTERCARE_FUZZ_COVERAGE", "5"))
SEED = int(os.environ.get("AFTERCARE_FUZZ_SEED", "0"))
BOUNDS = {  # random examples, coverage cases, seed
    "sqlite": (EXAMPLES, COVERAGE, SEED),
    "postgresql": (max(1, EXAMPLES // 2), max(1, COVERAGE // 2), SEED + 1),
}


@pytest.mark.timeout(1200)
@pytest.mark.parametrize("database", list(BOUNDS))
def test_no_operation_answers_5xx_or_off_its_documented_schema(database, fresh_database_url, tmp_path):
    examples, coverage, seed = BOUNDS[database]
    app = make_app(fresh_database_url(database), tmp_path)
    try:
        report = fuzz(app, examples=examples, coverage=coverage, seed=seed)
    finally:
        app.extensions["aftercare.db"].dispose()
    print(f"[{database}] {report.total_requests} requests in {report.seconds:.0f} s; {report.summary_line()}")
    assert report.ok, f"{report.summary_line()}\n{report.describe()}"
    assert report.operations >= 270
