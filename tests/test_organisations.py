"""Organisations: headquarters, service points, levels and the higher-level point."""

from __future__ import annotations


def test_create_service_point_under_a_higher_level_point(client, net):
    r = client.post("/api/organisations", json={
        "code": "sz03", "name": "深圳宝安服务点", "level": 2, "parent_id": str(net.orgs["SZ01"].id),
        "address": "深圳市宝安区", "contact_phone": "0755-1"}, headers=net.headers("hq"))
    assert r.status_code == 201, r.json
    assert r.json["code"] == "SZ03" and r.json["kind"] == "service_point" and r.json["level"] == 2
    log = client.get(f"/api/audit-log?entity_id={r.json['id']}", headers=net.headers("admin")).json["items"]
    assert [a["action"] for a in log] == ["organisation.create"]


def test_parent_rules(client, net):
    h = net.headers("admin")
    same_level = client.post("/api/organisations", json={"code": "X1", "name": "x", "level": 1,
                                                          "parent_id": str(net.orgs["GZ01"].id)}, headers=h)
    assert same_level.status_code == 422 and "parent_id" in same_level.json["errors"]
    hq_parent = client.post("/api/organisations", json={"code": "X2", "name": "x", "level": 2,
                                                         "parent_id": str(net.orgs["HQ"].id)}, headers=h)
    assert hq_parent.status_code == 422 and "parent_id" in hq_parent.json["errors"]
    second_hq = client.post("/api/organisations", json={"code": "HQ2", "name": "x", "kind": "hq"}, headers=h)
    assert second_hq.status_code == 422 and "kind" in second_hq.json["errors"]
    dup = client.post("/api/organisations", json={"code": "gz01", "name": "x"}, headers=h)
    assert dup.status_code == 422 and "code" in dup.json["errors"]


def test_level_change_must_keep_children_below(client, net):
    h = net.headers("admin")
    r = client.patch(f"/api/organisations/{net.orgs['SZ01'].id}", json={"level": 2}, headers=h)
    assert r.status_code == 422 and "level" in r.json["errors"]
    r = client.patch(f"/api/organisations/{net.orgs['SZ02'].id}", json={"level": 3, "name": "南山"}, headers=h)
    assert r.status_code == 200 and r.json["level"] == 3 and r.json["name"] == "南山"
    r = client.patch(f"/api/organisations/{net.orgs['HQ'].id}", json={"active": False}, headers=h)
    assert r.status_code == 422


def test_directory_is_readable_by_staff_but_managed_by_headquarters(client, net):
    r = client.get("/api/organisations", headers=net.headers("sz01.clerk"))
    assert r.status_code == 200 and r.json["total"] == 4
    assert [o["code"] for o in r.json["items"]] == ["HQ", "GZ01", "SZ01", "SZ02"]
    r = client.get("/api/organisations?kind=service_point&q=sz", headers=net.headers("sz01.clerk"))
    assert [o["code"] for o in r.json["items"]] == ["SZ01", "SZ02"]
    r = client.patch(f"/api/organisations/{net.orgs['SZ01'].id}", json={"name": "x"}, headers=net.headers("sz01.manager"))
    assert r.status_code == 403


def test_unknown_organisation_is_404(client, net):
    import uuid

    assert client.get(f"/api/organisations/{uuid.uuid4()}", headers=net.headers("admin")).status_code == 404
