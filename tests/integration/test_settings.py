"""Production mode refuses development secrets, and passes Django's deployment checks when configured."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

from safeguard.core.crypto import new_key_spec

GOOD_SECRET = secrets.token_urlsafe(50)


def run(env_overrides: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "AUDIT_CHAIN_KEYS", "PREVENTION_KEYS", "SAFEGUARD_DEMO", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(env_overrides)
    return subprocess.run(  # noqa: S603 - our own command, fixed arguments
        [sys.executable, "-m", "safeguard.cli", *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_production_refuses_development_secrets():
    result = run({"SAFEGUARD_ENV": "production"}, "check")
    assert result.returncode != 0
    for problem in (
        "SECRET_KEY must be set",
        "FIELD_ENCRYPTION_KEYS must be set",
        "AUDIT_CHAIN_KEYS must be set",
        "PREVENTION_KEYS must be set",
        "DATABASE_URL must name",
    ):
        assert problem in result.stderr


def test_production_refuses_a_malformed_audit_key(tmp_path):
    result = run(
        {
            "SAFEGUARD_ENV": "production",
            "SECRET_KEY": GOOD_SECRET,
            "FIELD_ENCRYPTION_KEYS": new_key_spec("k1"),
            "AUDIT_CHAIN_KEYS": "a1:c2hvcnQ=",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        },
        "check",
    )
    assert result.returncode != 0
    assert "key 'a1' must be 32 bytes" in result.stderr


def test_production_with_real_settings_passes_deploy_checks(tmp_path):
    result = run(
        {
            "SAFEGUARD_ENV": "production",
            "SECRET_KEY": GOOD_SECRET,
            "FIELD_ENCRYPTION_KEYS": new_key_spec("k1"),
            "AUDIT_CHAIN_KEYS": new_key_spec("a1"),
            "PREVENTION_KEYS": new_key_spec("p1"),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
            "ALLOWED_HOSTS": "safeguard.example.org",
        },
        "check",
        "--deploy",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
