"""A real PostgreSQL hot standby of the test cluster, for the reports' read replica.

``pg_basebackup -R`` copies the cluster at 127.0.0.1:5432 into a temporary directory and writes the
standby's connection to it; the standby starts there on a free port with the server tools of the
same major version (``/usr/lib/postgresql/<major>/bin``, Debian's layout) and streams from the
primary. Missing tools, or a primary that refuses replication connections, fail the test with what
to do: ``make pg-replication`` lets the local cluster accept them (``make test`` runs it).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url


def server_tools(major: int) -> Path:
    found = sorted(glob.glob(f"/usr/lib/postgresql/{major}/bin"))
    tools = Path(found[0]) if found else None
    if tools is None or not all((tools / t).exists() for t in ("pg_basebackup", "pg_ctl", "postgres")):
        pytest.fail(f"PostgreSQL {major}'s server tools (pg_basebackup, pg_ctl, postgres) are required under "
                    f"/usr/lib/postgresql/{major}/bin for the standby test (Debian: postgresql-{major})", pytrace=False)
    return tools


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Standby:
    tools: Path
    data: Path
    port: int
    user: str | None  # the account the server runs as (PostgreSQL never runs as root)

    def conninfo(self, database: str = "postgres") -> str:
        return f"host=127.0.0.1 port={self.port} user=postgres dbname={database}"

    def sql(self, statement: str, database: str = "postgres"):
        with psycopg.connect(self.conninfo(database), autocommit=True) as conn:
            return conn.execute(statement).fetchall()

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            _run([str(self.tools / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"], self.user,
                 check=False)


def _run(cmd: list[str], user: str | None, check: bool = True) -> subprocess.CompletedProcess:
    out = subprocess.run(cmd, user=user, capture_output=True, text=True, timeout=120)
    if check and out.returncode != 0:
        pytest.fail(f"{' '.join(cmd)} failed:\n{out.stdout}{out.stderr}", pytrace=False)
    return out


def start_standby(primary_url: str) -> Standby:
    """Base backup of the primary's cluster, then a hot standby streaming from it (ready for queries)."""
    url = make_url(primary_url)
    primary = f"host={url.host or '127.0.0.1'} port={url.port or 5432} user={url.username or 'postgres'} dbname=postgres"
    with psycopg.connect(primary, autocommit=True) as conn:
        major = int(conn.execute("SHOW server_version_num").fetchone()[0]) // 10000
        wal_level = conn.execute("SHOW wal_level").fetchone()[0]
        senders = int(conn.execute("SHOW max_wal_senders").fetchone()[0])
        # A hot standby starts only with these at least the primary's.
        at_least = {name: conn.execute(f"SHOW {name}").fetchone()[0] for name in (
            "max_connections", "max_worker_processes", "max_wal_senders", "max_prepared_transactions",
            "max_locks_per_transaction")}
    if wal_level not in ("replica", "logical") or senders < 2:
        pytest.fail(f"the primary streams to no standby (wal_level={wal_level}, max_wal_senders={senders}): "
                    "set wal_level=replica and max_wal_senders>=2", pytrace=False)
    tools = server_tools(major)
    user = "postgres" if os.geteuid() == 0 else None
    data = Path(tempfile.mkdtemp(prefix="aftercare-standby-"))
    if user:
        pw = pwd.getpwnam(user)
        os.chown(data, pw.pw_uid, pw.pw_gid)
    data.chmod(0o700)
    standby = Standby(tools, data, _free_port(), user)
    try:
        out = _run([str(tools / "pg_basebackup"), "-h", url.host or "127.0.0.1", "-p", str(url.port or 5432),
                    "-U", url.username or "postgres", "-D", str(data), "-R", "-X", "stream", "-c", "fast",
                    "--no-sync"], user, check=False)
        if out.returncode != 0:
            hint = (" — run `make pg-replication` (it lets the local cluster accept replication connections "
                    "from 127.0.0.1)") if "pg_hba.conf" in out.stderr else ""
            pytest.fail(f"pg_basebackup failed{hint}:\n{out.stderr}", pytrace=False)
        # Debian keeps the configuration outside the data directory: the standby gets its own.
        conf = {"postgresql.conf": f"port = {standby.port}\nlisten_addresses = '127.0.0.1'\n"
                                   f"unix_socket_directories = '{data}'\nhot_standby = on\nfsync = off\n"
                                   "shared_buffers = 16MB\nlogging_collector = off\n"
                                   + "".join(f"{k} = {v}\n" for k, v in at_least.items()),
                "pg_hba.conf": "local all all trust\nhost all all 127.0.0.1/32 trust\n",
                "pg_ident.conf": ""}
        for name, text in conf.items():
            (data / name).write_text(text)
            if user:
                os.chown(data / name, pw.pw_uid, pw.pw_gid)
        _run([str(tools / "pg_ctl"), "-D", str(data), "-l", str(data / "standby.log"), "-w", "-t", "60", "start"], user)
        return standby
    except BaseException:
        standby.stop()
        shutil.rmtree(data, ignore_errors=True)
        raise


def remove_standby(standby: Standby) -> None:
    standby.stop()
    shutil.rmtree(standby.data, ignore_errors=True)


def wait_replayed(primary_url: str, standby: Standby, timeout: float = 30.0) -> float:
    """Seconds until the standby has replayed everything the primary had committed when asked."""
    url = make_url(primary_url)
    with psycopg.connect(f"host={url.host} port={url.port or 5432} user={url.username} dbname=postgres",
                         autocommit=True) as conn:
        target = conn.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
    start = time.perf_counter()
    with psycopg.connect(standby.conninfo(), autocommit=True) as conn:
        while True:
            done = conn.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (str(target),)).fetchone()[0]
            if done:
                return time.perf_counter() - start
            if time.perf_counter() - start > timeout:
                pytest.fail(f"the standby did not replay {target} within {timeout} s", pytrace=False)
            time.sleep(0.005)
