"""Settings: typed, from AFTERCARE_* variables, every one documented in the README."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from server.settings import Settings, SettingsError

SECRET = "s" * 40


def test_defaults_and_types(tmp_path):
    s = Settings.from_env({"AFTERCARE_JWT_SECRET": SECRET, "AFTERCARE_VAR_DIR": str(tmp_path),
                           "AFTERCARE_PORT": "9001", "AFTERCARE_DEMO": "no"})
    assert s.port == 9001 and s.demo is False and s.access_token_minutes == 15
    assert s.database_url == f"sqlite:///{(tmp_path / 'aftercare.db').resolve()}"


@pytest.mark.parametrize("env, name", [
    ({"AFTERCARE_PORT": "eighty"}, "AFTERCARE_PORT"),
    ({"AFTERCARE_PORT": "70000"}, "AFTERCARE_PORT"),
    ({"AFTERCARE_DEMO": "maybe"}, "AFTERCARE_DEMO"),
    ({"AFTERCARE_TIMEZONE": "Mars/Olympus"}, "AFTERCARE_TIMEZONE"),
    ({"AFTERCARE_LOGIN_FREE_FAILURES": "0"}, "AFTERCARE_LOGIN_FREE_FAILURES"),
    ({"AFTERCARE_LOCKOUT_THRESHOLD": "5"}, "AFTERCARE_LOCKOUT_THRESHOLD is retired: use AFTERCARE_LOGIN_FREE_FAILURES"),
    ({"AFTERCARE_HTTP_THREADS": "2"}, "AFTERCARE_HTTP_THREADS"),
    ({"AFTERCARE_JWT_SECRET": "short"}, "AFTERCARE_JWT_SECRET"),
])
def test_bad_values_name_the_variable(env, name):
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({"AFTERCARE_JWT_SECRET": SECRET, **env})


def test_jwt_secret_has_no_default_outside_demo_mode(tmp_path):
    with pytest.raises(SettingsError, match="AFTERCARE_JWT_SECRET is required"):
        Settings.from_env({"AFTERCARE_VAR_DIR": str(tmp_path)})


def test_demo_mode_makes_and_keeps_a_secret_under_var(tmp_path):
    first = Settings.from_env({"AFTERCARE_DEMO": "1", "AFTERCARE_VAR_DIR": str(tmp_path)})
    second = Settings.from_env({"AFTERCARE_DEMO": "1", "AFTERCARE_VAR_DIR": str(tmp_path)})
    assert len(first.jwt_secret) >= 32 and first.jwt_secret == second.jwt_secret
    assert (tmp_path / "demo-jwt-secret").stat().st_mode & 0o077 == 0


def test_every_setting_is_documented_in_the_readme():
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    for f in dataclasses.fields(Settings):
        assert f"AFTERCARE_{f.name.upper()}" in readme, f"README does not document AFTERCARE_{f.name.upper()}"
