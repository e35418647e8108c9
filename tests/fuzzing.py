"""Schemathesis against the served OpenAPI document, in process (WSGI), on a throwaway database.

Shared by tests/test_fuzz.py (a few examples per operation, in `make test`) and bench/fuzz.py
(`make bench-fuzz`, many). Every operation of /api/openapi.json is fuzzed as each user (the
administrator and a counter clerk of the demo network), in positive mode (requests the document
says are valid) and negative mode (requests it says are invalid), with two checks only:
`not_a_server_error` (no 5xx) and `response_schema_conformance` (an answer whose status is
documented matches its documented schema). Path ids are drawn at random and nothing a response
returns is used again (no stateful phase), so the fuzzer changes no record it did not make.
References in bodies and query parameters (``warehouse_id``, ``model_ids``, …) are half the time
swapped for an id of the demo network's records of that kind (any organisation's), so requests get
past "no such warehouse" to what comes after it.
"""

from __future__ import annotations

import logging
import random
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import hypothesis
import schemathesis
from hypothesis import HealthCheck, Phase
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.generation.drivers import CoverageGenerator
from schemathesis.generation.feedback import FeedbackSources
from schemathesis.generation.overrides import Override
from schemathesis.specs.openapi.checks import response_schema_conformance

from server.app import create_app
from server.db import unit_of_work
from server.demo import DEMO_PASSWORD, load_demo
from server.http import system_session
from server.migrate import upgrade
from server.settings import Settings

SPEC_PATH = "/api/openapi.json"
USERS = ("admin", "sz01.clerk")
CHECKS = (not_a_server_error, response_schema_conformance)
MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
# A user without an operation's permission is refused before its input is read (403): a couple of
# examples show that, more would fuzz nothing.
FORBIDDEN_EXAMPLES = 2
# The harness logs in from its own address: the fuzzer's failed logins slow down theirs, not it.
HARNESS_ADDRESS = "10.255.0.1"
# A reference field (name without _id/_ids, or its last words) → the table of the records it names.
REFERENCES = {
    "account": "money_account", "brand": "brand", "item": "item", "party": "party", "dealer": "party",
    "manufacturer": "party", "counterparty": "party", "warehouse": "warehouse", "location": "warehouse",
    "org": "organisation", "parent": "organisation", "engineer": "engineer", "formula": "disassembly_formula",
    "model": "product_model", "repair_level": "repair_level", "repair_method": "repair_method",
    "symptom": "fault_symptom", "warranty_status": "warranty_status", "user": "user_account",
    "actor": "user_account", "holder": "user_account", "accessories_received": "bundled_accessory",
}


def make_app(database_url: str, var_dir: str | Path, **settings):
    """A migrated database with the demo network (organisations, a user per role, base data)."""
    upgrade(database_url)
    values = dict(database_url=database_url, var_dir=str(var_dir), jwt_secret="fuzz-" + "0" * 59,
                  password_hash_cost="fast")
    values.update(settings)
    app = create_app(Settings(**values).resolved())
    session = system_session(app, "fuzz")
    with unit_of_work(session):
        load_demo(session, app.extensions["aftercare.settings"])
    session.close()
    return app


@dataclass
class Finding:
    operation: str
    user: str
    mode: str
    check: str  # "server error" or "schema violation"
    status: int
    detail: str
    request: str  # a curl command (the token filtered)


@dataclass
class Report:
    operations: int = 0
    requests: dict[str, int] = field(default_factory=dict)  # by mode
    seconds: float = 0.0
    findings: list[Finding] = field(default_factory=list)
    # Operations the fuzzer could not generate requests for (a document fault, counted as a failure).
    errors: list[tuple[str, str]] = field(default_factory=list)

    @property
    def total_requests(self) -> int:
        return sum(self.requests.values())

    def merge(self, other: "Report") -> None:
        self.operations += other.operations
        for mode, n in other.requests.items():
            self.requests[mode] = self.requests.get(mode, 0) + n
        self.seconds = max(self.seconds, other.seconds)
        self.findings += other.findings
        self.errors += other.errors

    def count(self, check: str) -> int:
        return sum(1 for f in self.findings if f.check == check)

    @property
    def server_errors(self) -> int:
        return self.count("server error")

    @property
    def schema_violations(self) -> int:
        return self.count("schema violation")

    @property
    def ok(self) -> bool:
        return not self.findings and not self.errors

    def summary_line(self) -> str:
        return (f"fuzz operations={self.operations} server_errors={self.server_errors} "
                f"schema_violations={self.schema_violations}")

    def describe(self, examples_per_group: int = 3) -> str:
        """Every failing operation, by check, with its first examples (curl) and why."""
        groups: dict[tuple[str, str], list[Finding]] = defaultdict(list)
        for f in self.findings:
            groups[(f.operation, f.check)].append(f)
        lines = []
        for (operation, check), found in sorted(groups.items()):
            lines.append(f"{operation}: {len(found)} {check}{'s' if len(found) > 1 else ''}")
            for f in found[:examples_per_group]:
                lines.append(f"    as {f.user} ({f.mode}): {f.status} {f.detail}")
                lines.append(f"      {f.request}")
        for operation, error in self.errors:
            lines.append(f"{operation}: not fuzzed: {error}")
        return "\n".join(lines)


class _References:
    """Ids of the demo network's records, by the reference fields that name them."""

    def __init__(self, app, seed: int):
        from server.db import Base

        self.ids: dict[str, list[str]] = {}
        with app.extensions["aftercare.db"].engine.connect() as conn:
            for table in set(REFERENCES.values()):
                column = Base.metadata.tables[table].c.id
                self.ids[table] = sorted(str(i) for i in conn.execute(column.table.select().with_only_columns(column)).scalars())
        self.random = random.Random(seed)

    def _table(self, name: str) -> str | None:
        stem = name.removesuffix("_ids").removesuffix("_id")
        if stem == name and name not in REFERENCES:
            return None
        for key in sorted(REFERENCES, key=len, reverse=True):
            if stem == key or stem.endswith("_" + key):
                return REFERENCES[key]
        return None

    def _known(self, table: str, value):
        """Half the time a known id instead of a generated UUID (anything else is left as generated)."""
        if not isinstance(value, str) or not self.ids.get(table) or self.random.random() < 0.5:
            return value
        try:
            uuid.UUID(value)
        except ValueError:
            return value
        return self.random.choice(self.ids[table])

    def apply(self, data):
        """Swap references in place in a body or query dict (and the dicts and lists inside it)."""
        if isinstance(data, list):
            for item in data:
                self.apply(item)
        if not isinstance(data, dict):
            return
        for key, value in data.items():
            table = self._table(str(key))
            if table is not None and isinstance(value, list):
                data[key] = [self._known(table, v) for v in value]
            elif table is not None:
                data[key] = self._known(table, value)
            else:
                self.apply(value)


class _ServerErrors(logging.Handler):
    """The exception behind each 500, by request id (server.http logs it with the id)."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.by_request: dict[str, str] = {}

    def emit(self, record):
        if record.exc_info and record.args:
            exc = record.exc_info[1]
            self.by_request[str(record.args[0])] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}"


class _User:
    def __init__(self, client, username: str):
        self.client, self.username = client, username
        self.token = ""
        self.permissions: set[str] = set()

    def login(self) -> None:
        env = {"REMOTE_ADDR": HARNESS_ADDRESS}
        resp = self.client.post("/api/auth/login", json={"username": self.username, "password": DEMO_PASSWORD},
                                environ_base=env)
        assert resp.status_code == 200, f"login {self.username}: {resp.status_code} {resp.get_data(as_text=True)}"
        self.token = resp.get_json()["access_token"]
        me = self.client.get("/api/auth/me", headers=self.headers(), environ_base=env)
        self.permissions = set(me.get_json()["permissions"])

    def refresh_if_needed(self) -> None:
        """A fuzzed logout or password change may have ended this session: log in again."""
        resp = self.client.get("/api/auth/me", headers=self.headers(), environ_base={"REMOTE_ADDR": HARNESS_ADDRESS})
        if resp.status_code != 200:
            self.login()

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def may(self, permission: str) -> bool:
        return permission in ("public", "authenticated") or permission in self.permissions


def _detail(failures, response, server_errors: _ServerErrors) -> str:
    """Why: the exception behind a 5xx (from the log), else what the checks said."""
    said = "; ".join(" ".join(str(getattr(f, "message", f) or f.title).split()) for f in failures)[:400]
    if response.status_code >= 500:
        rid = response.headers.get("x-request-id", [""])[0]
        return f"{server_errors.by_request.get(rid, '(no logged exception)')} [{said}]"
    return said


def fuzz(app, *, examples: int, coverage: int = 0, users: tuple[str, ...] = USERS, seed: int = 0,
         only: Callable[[str], bool] | None = None, quiet: bool = False) -> Report:
    """Fuzz every operation as each user: ``examples`` random requests per operation, user and mode (at
    most; fewer where the input space is small, and FORBIDDEN_EXAMPLES where the user lacks the
    permission), after up to ``coverage`` of schemathesis' coverage cases (boundary and just-invalid
    values of each parameter and field, both modes), spread evenly over the whole list. ``quiet``
    keeps the 500s' logged tracebacks out of the log (the report names each exception anyway)."""
    client = app.test_client()
    schema = schemathesis.openapi.from_wsgi(SPEC_PATH, app)
    people = [_User(client, name) for name in users]
    for person in people:
        person.login()
    references = _References(app, seed)
    server_errors = _ServerErrors()
    http_log = logging.getLogger("aftercare.http")
    saved = http_log.level, http_log.propagate
    http_log.setLevel(logging.ERROR)
    http_log.propagate = not quiet
    http_log.addHandler(server_errors)
    report = Report()
    started = time.monotonic()
    try:
        operations = []
        for result in schema.get_all_operations():
            try:
                operations.append(result.ok())
            except Exception as exc:  # noqa: BLE001 - an operation schemathesis cannot read is a document fault
                report.errors.append(("(unreadable operation)", " ".join(str(exc).split())[:300]))
        operations.sort(key=lambda op: (op.path, op.method))
        for operation in operations:
            label = operation.label
            if only is not None and not only(label):
                continue
            permission = operation.definition.raw.get("x-permission", "")
            fuzzed = False
            covered = None  # the coverage sample, made once for both users
            for person in people:
                person.refresh_if_needed()
                allowed = person.may(permission)
                bound = examples if allowed else min(examples, FORBIDDEN_EXAMPLES)
                if coverage and allowed:
                    try:
                        covered = _coverage_sample(operation, coverage) if covered is None else covered
                        for case in covered:
                            mode = case.meta.generation.mode.value if case.meta is not None else "?"
                            _send(case, f"coverage {mode}", person, report, server_errors, references)
                        fuzzed = fuzzed or bool(covered)
                    except Exception as exc:  # noqa: BLE001
                        report.errors.append((label, f"{person.username} coverage: {type(exc).__name__}: "
                                                     f"{' '.join(str(exc).split())[:300]}"))
                for mode in MODES if bound else ():
                    try:
                        done = _fuzz_one(operation, person, mode, bound, seed, report, server_errors, references)
                    except Exception as exc:  # noqa: BLE001 - any generation fault is reported, not raised
                        report.errors.append((label, f"{person.username} {mode.value}: {type(exc).__name__}: "
                                                     f"{' '.join(str(exc).split())[:300]}"))
                        continue
                    fuzzed = fuzzed or done
            report.operations += fuzzed
    finally:
        http_log.removeHandler(server_errors)
        http_log.setLevel(saved[0])
        http_log.propagate = saved[1]
        report.seconds = time.monotonic() - started
    return report


def _send(case, mode: str, person: _User, report: Report, server_errors: _ServerErrors,
          references: _References) -> None:
    if isinstance(case.body, (dict, list)):
        references.apply(case.body)
    if case.query:
        references.apply(case.query)
    headers = person.headers()
    response = case.call(headers=headers)
    report.requests[mode] = report.requests.get(mode, 0) + 1
    try:
        case.validate_response(response, checks=list(CHECKS), headers=headers)
    except FailureGroup as group:
        # One finding per request: a 5xx is a server error whatever else its answer got wrong.
        check = "server error" if response.status_code >= 500 else "schema violation"
        report.findings.append(Finding(case.operation.label, person.username, mode, check, response.status_code,
                                       _detail(group.exceptions, response, server_errors),
                                       case.as_curl_command(headers=headers)))


def _coverage_sample(operation, limit: int) -> list:
    """Up to ``limit`` of the operation's coverage cases, evenly spread over the list (which goes
    parameter by parameter, field by field)."""
    generator = CoverageGenerator(
        operation=operation, generation_modes=list(MODES),
        generation_config=operation.schema.config.generation_for(operation=operation, phase="coverage"),
        auth_storage=None, override=Override(), feedback=FeedbackSources())
    cases = list(generator)
    step = max(1.0, len(cases) / limit)
    return [cases[int(i * step)] for i in range(min(limit, len(cases)))]


def _fuzz_one(operation, person: _User, mode: GenerationMode, bound: int, seed: int, report: Report,
              server_errors: _ServerErrors, references: _References) -> bool:
    """One operation, one user, one mode; False when the mode has nothing to generate (e.g. negative
    mode on an operation without parameters)."""
    strategy = operation.as_strategy(generation_mode=mode)

    @hypothesis.seed(seed)
    @hypothesis.settings(max_examples=bound, deadline=None, database=None, derandomize=False,
                         suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate],
                         verbosity=hypothesis.Verbosity.quiet, report_multiple_bugs=False)
    @hypothesis.given(case=strategy)
    def run(case):
        _send(case, mode.value, person, report, server_errors, references)

    try:
        run()
    except Unsatisfiable:
        if mode == GenerationMode.POSITIVE:
            raise
        return False
    return True
