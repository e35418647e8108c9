"""Browser tests of the PWA: the real server (SQLite in a temp dir, demo data, a free
port) and Debian's Chromium driven by playwright-core (pwa/browser/e2e.mjs).

`make test` builds the PWA and installs Chromium first. A missing Chromium, Node or
build fails these tests; they never skip. Screenshots go to test-artifacts/pwa/.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
PWA = ROOT / "pwa"
SCRIPT = PWA / "browser" / "e2e.mjs"
# PWA_DIST: test a build made elsewhere (e.g. a worktree's) against this checkout's server.
DIST = Path(os.environ.get("PWA_DIST", PWA / "dist"))
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts" / "pwa"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def prerequisites():
    problems = []
    if not Path(CHROMIUM).exists():
        problems.append(f"Chromium not found at {CHROMIUM} (make test installs it: apt-get install -y chromium)")
    if shutil.which("node") is None:
        problems.append("node not found")
    if not (DIST / "index.html").is_file():
        problems.append("the PWA is not built (make test builds it: npm ci && npm run build in pwa/)")
    if not (PWA / "node_modules" / "playwright-core").is_dir():
        problems.append("pwa/node_modules is missing (npm ci in pwa/)")
    if problems:
        pytest.fail("; ".join(problems), pytrace=False)


@pytest.fixture(scope="module")
def server(prerequisites, tmp_path_factory):
    var = tmp_path_factory.mktemp("pwa-var")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AFTERCARE_")}
    env.update({
        "AFTERCARE_DEMO": "1",
        "AFTERCARE_VAR_DIR": str(var),
        "AFTERCARE_PORT": str(port),
        "AFTERCARE_PASSWORD_HASH_COST": "fast",
        "AFTERCARE_PWA_DIR": str(DIST),
        # The embedded sync store and the posting worker run too (the counter scenario syncs
        # through them); a port of its own so concurrent runs never share a store.
        "AFTERCARE_COUCHDB_URL": f"http://127.0.0.1:{_free_port()}",
    })
    aftercare = Path(sys.executable).with_name("aftercare")
    log = open(var / "server.log", "w")
    proc = subprocess.Popen([str(aftercare), "run"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    # Migrating and loading every area's demo takes a loaded 2-core machine over a minute.
    deadline = time.monotonic() + 180
    try:
        while True:
            if proc.poll() is not None:
                pytest.fail(f"server exited with {proc.returncode}:\n{(var / 'server.log').read_text()}", pytrace=False)
            try:
                if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"server did not start:\n{(var / 'server.log').read_text()}", pytrace=False)
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def run_scenario(base: str, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "BASE_URL": base, "ARTIFACTS": str(ARTIFACTS), "CHROMIUM": CHROMIUM}
    started = time.monotonic()
    proc = subprocess.run(["node", str(SCRIPT), name], cwd=PWA, env=env, capture_output=True, text=True, timeout=480)
    took = time.monotonic() - started
    print(proc.stdout)
    print(proc.stderr, file=sys.stderr)
    assert proc.returncode == 0, f"scenario {name} failed after {took:.1f}s:\n{proc.stdout}\n{proc.stderr}"


def test_served_shell_is_the_build(server):
    index = httpx.get(server + "/")
    assert index.status_code == 200 and index.headers["cache-control"] == "no-cache"
    assert '<div id="app">' in index.text
    sw = httpx.get(server + "/sw.js")
    assert sw.status_code == 200 and "precache" in sw.text.lower()
    assert httpx.get(server + "/manifest.webmanifest").json()["lang"] == "zh-CN"
    assert httpx.get(server + "/api/nope").json()["code"] == "not_found"


# The counter scenarios live in e2e.mjs; each pwa/browser/scenarios/<name>.mjs adds its own
# (the administrator's is scenarios/admin.mjs).
SCENARIOS = ["clerk", "phone", "lockout", "offline", "counter"] + sorted(
    p.stem for p in (PWA / "browser" / "scenarios").glob("*.mjs"))


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_pwa_in_chromium(server, scenario):
    run_scenario(server, scenario)
