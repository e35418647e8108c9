"""The counter's slice of issue 16 on SQLite and PostgreSQL: the input rules the server checks are
the ones it exports to the PWA, every passcode read is audited, and the order's answer names who
did each step (the history)."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import func, select

from server.core.models import AuditLog
from server.repair import rules
from server.repair.pwa_export import write_machine

from .repair_fixtures import SIG, intake_body, rw  # noqa: F401
from .stock_fixtures import imei, world  # noqa: F401


def test_the_exported_rules_are_the_ones_the_server_checks(client, net, rw, tmp_path):
    path = tmp_path / "machine.json"
    write_machine(path)
    exported = json.loads(path.read_text())["rules"]
    assert exported["text_limits"] == rules.TEXT_LIMITS and exported["phone_pattern"] == rules.PHONE_PATTERN
    assert {"intake-ticket", "quotation", "pickup-receipt", "device-label"} <= set(exported["papers"])
    # One past the exported limit is refused naming the field; at the limit it is taken.
    limit = exported["text_limits"]["colour"]
    r = client.post("/api/repair/orders", json=intake_body(rw, colour="x" * (limit + 1)), headers=net.headers("sz01.clerk"))
    assert r.status_code == 422 and r.json["errors"] == {"colour": [f"Longer than maximum length {limit}."]}
    r = client.post("/api/repair/orders", json=intake_body(rw, colour="x" * limit), headers=net.headers("sz01.clerk"))
    assert r.status_code == 201, r.json
    r = client.post("/api/repair/orders", json=intake_body(rw, imei=imei(2), passcode="1" * (exported["text_limits"]["passcode"] + 1)),
                    headers=net.headers("sz01.clerk"))
    assert r.status_code == 422 and "passcode" in r.json["errors"]


def test_every_passcode_read_is_audited_and_the_history_names_people(client, net, rw):
    order = client.post("/api/repair/orders", json=intake_body(rw), headers=net.headers("sz01.clerk")).json["order"]
    for _ in range(2):
        r = client.get(f"/api/repair/orders/{order['id']}/passcode", headers=net.headers("sz01.engineer"))
        assert r.status_code == 200 and r.json == {"passcode": "2580"}
    assert client.get(f"/api/repair/orders/{order['id']}/passcode", headers=net.headers("sz01.clerk")).status_code == 403
    with rw.open() as s:
        reads = s.execute(select(AuditLog).where(AuditLog.action == "repair_order.passcode_read")).scalars().all()
        assert len(reads) == 2 and all(a.entity_id == order["id"] or str(a.entity_id) == order["id"] for a in reads)
        assert "2580" not in json.dumps([a.after for a in reads])
    detail = client.get(f"/api/repair/orders/{order['id']}", headers=net.headers("sz01.clerk")).json
    intake = detail["transitions"][0]
    assert detail["people"][intake["user_id"]] not in ("", None)
