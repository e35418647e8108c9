"""Schemathesis over every operation of the served OpenAPI document (tests/fuzzing.py): no 5xx, and
every documented answer as documented. `make bench-fuzz` runs the same at a larger bound.

Bounded for `make test`: a few random examples per operation, user and mode, and a sample of the
coverage cases (boundary and just-invalid values); AFTERCARE_FUZZ_EXAMPLES / AFTERCARE_FUZZ_COVERAGE
/ AFTERCARE_FUZZ_SEED change that.
"""

from __future__ import annotations

import os

import pytest

from .fuzzing import fuzz, make_app

EXAMPLES = int(os.environ.get("AFTERCARE_FUZZ_EXAMPLES", "2"))
COVERAGE = int(os.environ.get("AFTERCARE_FUZZ_COVERAGE", "10"))
SEED = int(os.environ.get("AFTERCARE_FUZZ_SEED", "0"))


@pytest.mark.timeout(1200)
def test_no_operation_answers_5xx_or_off_its_documented_schema(fresh_database_url, tmp_path):
    app = make_app(fresh_database_url("sqlite"), tmp_path)
    try:
        report = fuzz(app, examples=EXAMPLES, coverage=COVERAGE, seed=SEED)
    finally:
        app.extensions["aftercare.db"].dispose()
    print(f"{report.total_requests} requests in {report.seconds:.0f} s; {report.summary_line()}")
    assert report.ok, f"{report.summary_line()}\n{report.describe()}"
    assert report.operations >= 270
