"""``kiosk admin``: reset a forgotten PIN, end a lockout, retention and the audit log from the machine."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import run_cli

from kiosk.admin.pin import AdminAuth
from kiosk.store import Store


def _kiosk(home: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = dict(os.environ, KIOSK_HOME=str(home))
    return subprocess.run([sys.executable, "-m", "kiosk", *args], input=stdin, capture_output=True, text=True,
                          env=env, timeout=120)


def test_pin_reset_unlock_status_and_audit(tmp_path: Path) -> None:
    home = tmp_path / "home"
    bad = _kiosk(home, "admin", "set-pin", "--pin-stdin", stdin="12\n")
    assert bad.returncode == 1 and "4 to 8 digits" in bad.stderr and "Traceback" not in bad.stderr
    assert _kiosk(home, "admin", "set-pin", "--pin-stdin", stdin="97531\n").returncode == 0

    store = Store.open(f"sqlite:///{home / 'kiosk.sqlite3'}")
    auth = AdminAuth(store)
    assert auth.check("97531").ok
    for _ in range(5):
        auth.check("00000")
    assert auth.lock_remaining() > 0
    status = json.loads(run_cli("admin", "status", "--json", home=home).stdout)
    assert status["pin_set"] and status["locked_for_s"] > 250

    assert run_cli("admin", "unlock", home=home).returncode == 0
    assert auth.lock_remaining() == 0 and auth.check("97531").ok
    # A forgotten PIN: reset on the machine; the old one stops working.
    assert _kiosk(home, "admin", "set-pin", "--pin-stdin", stdin="2468\n").returncode == 0
    assert not auth.check("97531").ok and auth.check("2468").ok
    store.close()

    out = json.loads(run_cli("admin", "retention", "--days", "14", "--json", home=home).stdout)
    assert out == {"retention_days": 14, "deleted": 0}
    audit = json.loads(run_cli("admin", "audit", "--json", "--limit", "100", home=home).stdout)["audit"]
    actions = [a["action"] for a in audit]
    assert actions[0] == "retention_changed"
    assert {"admin_pin_set", "admin_pin_changed", "admin_lockout", "admin_unlock", "admin_login"} <= set(actions)
