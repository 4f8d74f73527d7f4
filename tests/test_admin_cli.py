"""``kiosk admin``: reset a forgotten PIN, end a lockout, retention and the audit log from the machine."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import run_cli

from kiosk.admin.accounts import Accounts
from kiosk.store import Store


def _kiosk(home: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = dict(os.environ, KIOSK_HOME=str(home))
    return subprocess.run([sys.executable, "-m", "kiosk", *args], input=stdin, capture_output=True, text=True,
                          env=env, timeout=120)


def test_setup_add_list_pin_reset_unlock_remove_status_and_audit(tmp_path: Path) -> None:
    home = tmp_path / "home"
    code = run_cli("admin", "setup", home=home)
    assert code.returncode == 0 and "setup code:" in code.stdout
    digits = code.stdout.split("setup code:")[1].split("\n")[0].replace(" ", "")
    store = Store.open(f"sqlite:///{home / 'kiosk.sqlite3'}")
    accounts = Accounts(store)
    assert len(digits) == 10 and accounts.check_setup_code(digits)
    bad = _kiosk(home, "admin", "add", "ann", "--role", "admin", "--pin-stdin", stdin="1234\n")
    assert bad.returncode == 1 and "6 to 12 digits" in bad.stderr and "Traceback" not in bad.stderr
    assert _kiosk(home, "admin", "add", "ann", "--role", "admin", "--pin-stdin", stdin="975310\n").returncode == 0
    assert run_cli("admin", "add", "val", "--role", "viewer", "--pin", "555555", home=home).returncode == 0
    # Accounts exist now: no more setup codes (kiosk admin add is the way).
    again = run_cli("admin", "setup", home=home)
    assert again.returncode == 1 and "admin add" in again.stderr
    listed = json.loads(run_cli("admin", "list", "--json", home=home).stdout)["accounts"]
    assert [(a["name"], a["role"]) for a in listed] == [("ann", "admin"), ("val", "viewer")]

    assert accounts.login("ann", "975310").ok
    for _ in range(6):
        accounts.login("ann", "000000")
    assert accounts.lock_remaining("ann") > 0
    status = json.loads(run_cli("admin", "status", "--json", home=home).stdout)
    assert status["accounts"] == 2 and status["locked"] == ["ann"]
    assert run_cli("admin", "unlock", "ann", home=home).returncode == 0
    assert accounts.lock_remaining("ann") == 0 and accounts.login("ann", "975310").ok
    # A forgotten PIN: reset on the machine; the old one stops working.
    assert _kiosk(home, "admin", "set-pin", "ann", "--pin-stdin", stdin="246800\n").returncode == 0
    assert not accounts.login("ann", "975310").ok and accounts.login("ann", "246800").ok
    last = run_cli("admin", "remove", "ann", home=home)
    assert last.returncode == 1 and "last admin" in last.stderr
    assert run_cli("admin", "remove", "val", home=home).returncode == 0
    assert accounts.names() == ["ann"]
    store.close()

    out = json.loads(run_cli("admin", "retention", "--days", "14", "--json", home=home).stdout)
    assert out == {"retention_days": 14, "deleted": 0}
    audit = json.loads(run_cli("admin", "audit", "--json", "--limit", "100", home=home).stdout)["audit"]
    actions = [a["action"] for a in audit]
    assert actions[0] == "retention_changed"
    assert {"setup_code_issued", "account_added", "account_pin_changed", "admin_lockout", "account_unlock",
            "admin_login", "account_removed"} <= set(actions)
    assert {a["actor"] for a in audit if a["action"] in ("admin_login", "admin_lockout")} == {"ann"}
