"""GET /api/repair/handover-users: who may receive a device on a handover slip (the workshop PWA
keeps the list for offline handovers)."""

from __future__ import annotations

from .repair_fixtures import rw  # noqa: F401
from .stock_fixtures import world  # noqa: F401


def test_handover_users_are_the_own_points_active_users(client, net, rw):  # noqa: F811
    r = client.get("/api/repair/handover-users", headers=net.headers("sz01.qc"))
    assert r.status_code == 200, r.json
    names = {u["username"] for u in r.json}
    assert {"sz01.clerk", "sz01.qc", "sz01.courier"} <= names
    assert not any(n.startswith(("gz01.", "sz02.")) or n in ("admin", "hq") for n in names)
    qc = next(u for u in r.json if u["username"] == "sz01.qc")
    assert qc["roles"] == ["qc"] and qc["full_name"] and set(qc) == {"id", "username", "full_name", "roles"}
    assert client.get("/api/repair/handover-users").status_code == 401
    assert client.get("/api/repair/handover-users", headers=net.headers("sz01.finance")).status_code == 403
