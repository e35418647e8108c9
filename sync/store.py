"""The embedded sync store: pouchdb-server, installed project-locally under sync/store.

Used by ``make run``, the tests and CI; production points AFTERCARE_COUCHDB_URL
at Apache CouchDB 3 and never starts this. The admin account (the server's
own) is written into pouchdb-server's config file, which hashes the password
on start; without it the store would be an open "admin party".

pouchdb-server 4.2.0 crashes when an unauthenticated client asks it to create
a database (upstream issue #374), one more reason it listens on 127.0.0.1 only
and nothing but this server holds its credentials.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx

log = logging.getLogger("aftercare.sync.store")

STORE_DIR = Path(__file__).resolve().parent / "store"
SERVER_BIN = STORE_DIR / "node_modules" / "pouchdb-server" / "bin" / "pouchdb-server"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class EmbeddedStore:
    url: str
    process: subprocess.Popen
    workdir: Path

    def stop(self, timeout: float = 10.0) -> None:
        if self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def kill(self) -> None:
        """Stop hard (tests of an unreachable store)."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def _die_with_parent() -> None:
    # The store must not outlive the server that started it (even after kill -9).
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except Exception:  # noqa: BLE001 - not Linux: the parent's finally-block still stops it
        pass
    os.setsid()  # Ctrl-C reaches the server, which then stops the store in order


def start_store(*, user: str, password: str, workdir: Path, port: int | None = None, in_memory: bool = False,
                startup_timeout: float = 30.0) -> EmbeddedStore:
    """Start pouchdb-server on 127.0.0.1 (data under ``workdir/data`` unless in memory) and wait until it serves.

    Writes: ``workdir/config.json`` (admin account, log file), ``workdir/log.txt``.
    """
    if not SERVER_BIN.exists():
        raise RuntimeError(f"pouchdb-server is not installed ({SERVER_BIN}); run `make sync/store/node_modules`")
    if not password:
        raise RuntimeError("the sync store needs an admin password (AFTERCARE_COUCHDB_PASSWORD)")
    workdir.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    config = workdir / "config.json"
    config.write_text(json.dumps({
        "admins": {user: password},
        "httpd": {"bind_address": "127.0.0.1"},
        "log": {"file": str(workdir / "log.txt"), "level": "warning"},
    }))
    config.chmod(0o600)
    args = ["node", str(SERVER_BIN), "--port", str(port), "--host", "127.0.0.1", "--config", str(config),
            "--no-stdout-logs", "--no-color"]
    if in_memory:
        args.append("--in-memory")
    else:
        data = workdir / "data"
        data.mkdir(exist_ok=True)
        args += ["--dir", str(data)]
    out = open(workdir / "stdout.txt", "ab")
    proc = subprocess.Popen(args, cwd=workdir, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            preexec_fn=_die_with_parent)
    out.close()
    url = f"http://127.0.0.1:{port}"
    store = EmbeddedStore(url=url, process=proc, workdir=workdir)
    deadline = time.monotonic() + startup_timeout
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"pouchdb-server exited with {proc.returncode}; see {workdir / 'stdout.txt'}")
        try:
            # _all_dbs needs the admin: this also proves the account is in place.
            r = httpx.get(f"{url}/_all_dbs", auth=(user, password), timeout=2.0)
            if r.status_code == 200:
                return store
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            store.stop()
            raise RuntimeError(f"pouchdb-server did not answer within {startup_timeout:.0f} s")
        time.sleep(0.1)


def start_from_settings(settings, *, in_memory: bool = False) -> EmbeddedStore:
    """Start the store where AFTERCARE_COUCHDB_URL points (a loopback URL), data under ``<var_dir>/couchdb``."""
    parts = urlsplit(settings.couchdb_url)
    if parts.hostname not in ("127.0.0.1", "localhost"):
        raise RuntimeError(f"the embedded store only serves loopback URLs, not {settings.couchdb_url}")
    return start_store(user=settings.couchdb_user, password=settings.couchdb_password,
                       workdir=Path(settings.var_dir).resolve() / "couchdb", port=parts.port or 5984,
                       in_memory=in_memory)


if __name__ == "__main__":  # pragma: no cover - `aftercare sync store` is the documented way
    sys.exit("use `aftercare sync store`")
