"""The aftercare command: db upgrade, user create, demo load."""

from __future__ import annotations

from click.testing import CliRunner
from sqlalchemy import create_engine, text

from server.cli import main


def _env(tmp_path):
    return {"AFTERCARE_VAR_DIR": str(tmp_path), "AFTERCARE_JWT_SECRET": "x" * 40,
            "AFTERCARE_PASSWORD_HASH_COST": "fast"}


def test_upgrade_demo_load_and_user_create(tmp_path):
    runner = CliRunner()
    env = _env(tmp_path)
    r = runner.invoke(main, ["db", "upgrade"], env=env)
    assert r.exit_code == 0, r.output
    r = runner.invoke(main, ["demo", "load"], env=env)
    assert r.exit_code == 0 and "demo data loaded" in r.output, r.output
    r = runner.invoke(main, ["demo", "load"], env=env)
    assert "already present" in r.output
    r = runner.invoke(main, ["user", "create", "--username", "ops", "--full-name", "运维", "--org", "hq",
                             "--role", "admin", "--password", "Adm1n-pass"], env=env)
    assert r.exit_code == 0 and "created user ops (admin) in HQ" in r.output, r.output
    r = runner.invoke(main, ["user", "create", "--username", "ops", "--full-name", "x", "--org", "HQ",
                             "--role", "admin", "--password", "Adm1n-pass"], env=env)
    assert r.exit_code != 0 and "already taken" in r.output
    r = runner.invoke(main, ["user", "create", "--username", "z", "--full-name", "x", "--org", "NOPE",
                             "--role", "clerk", "--password", "Adm1n-pass"], env=env)
    assert r.exit_code != 0 and "--org" in r.output
    engine = create_engine(f"sqlite:///{tmp_path / 'aftercare.db'}")
    with engine.connect() as conn:
        orgs = conn.execute(text("SELECT code FROM organisation ORDER BY code")).scalars().all()
        roles = set(conn.execute(text("SELECT DISTINCT role FROM user_role")).scalars())
        # Personal data is seen by the points that served it: every point has demo customers of its own.
        members_per_point = conn.execute(text(
            "SELECT o.code, count(*) FROM member m JOIN organisation o ON o.id = m.registered_org_id GROUP BY o.code")).all()
        unregistered = conn.execute(text("SELECT count(*) FROM warranty_card WHERE registered_org_id IS NULL")).scalar_one()
    engine.dispose()
    assert {code for code, n in members_per_point if n > 0} == {"GZ01", "SZ01", "SZ02"} and unregistered == 0
    assert orgs == ["GZ01", "HQ", "SZ01", "SZ02"]
    from server.auth.permissions import ROLES

    assert roles == set(ROLES)  # a demo user for every role


def test_missing_secret_is_a_clear_error(tmp_path):
    r = CliRunner().invoke(main, ["db", "upgrade"], env={"AFTERCARE_VAR_DIR": str(tmp_path), "AFTERCARE_JWT_SECRET": ""})
    assert r.exit_code != 0 and "AFTERCARE_JWT_SECRET is required" in r.output


def test_demo_generate_adds_bulk_rows(tmp_path):
    runner = CliRunner()
    env = _env(tmp_path)
    assert runner.invoke(main, ["db", "upgrade"], env=env).exit_code == 0
    r = runner.invoke(main, ["demo", "generate", "--items", "10", "--members", "5"], env=env)
    assert r.exit_code != 0 and "load the demo base data first" in r.output
    assert runner.invoke(main, ["demo", "load"], env=env).exit_code == 0
    r = runner.invoke(main, ["demo", "generate", "--items", "30", "--members", "20"], env=env)
    assert r.exit_code == 0 and "generated 30 items and 20 members" in r.output, r.output
    engine = create_engine(f"sqlite:///{tmp_path / 'aftercare.db'}")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM item WHERE code LIKE 'G%'")).scalar_one() == 30
        assert conn.execute(text("SELECT count(*) FROM warranty_card WHERE imei LIKE '35%'")).scalar_one() == 20
    engine.dispose()
