"""Named admin accounts: roles, 6+ digit PINs (scrypt), a per-account lockout that doubles, and the
one-time setup code that guards a fresh kiosk.

Roles: ``admin`` may do everything; ``enroller`` adds, edits and deletes people; ``viewer`` sees attendance
and exports it. Permissions are checked here (:func:`allows`) and by every screen and command that changes
something, so the rule lives in one place.

Lockout: the first ``FREE_FAILURES - 1`` wrong PINs cost nothing; from the ``FREE_FAILURES``-th on, each wrong
PIN locks the account for ``BASE_DELAY_S`` doubled per further failure, capped at ``MAX_DELAY_S``. Only a
correct PIN (or ``kiosk admin unlock NAME`` on the machine) resets the count: waiting a lock out does not,
so guessing costs ever more time (about 24 guesses a day at the cap instead of ~1,400 with the old shared PIN).
The state lives in the database, shared by every kiosk on it and kept across restarts.

Setup code: a fresh kiosk (no account yet) lets nobody at the screen create the first admin unless they type
the code ``kiosk admin setup`` printed on the machine: 10 random digits, stored only as a scrypt hash,
valid for ``SETUP_CODE_TTL_S``, used once, and void after ``SETUP_CODE_TRIES`` wrong tries.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from kiosk.admin.pin import hash_pin, verify_pin_hash
from kiosk.errors import KioskError
from kiosk.store import AccountInfo, Store

ROLES = ("admin", "enroller", "viewer")
# What each role may do. "people": edit/deactivate/delete people; "enroll": add people (camera, photos,
# folder); "attendance": see attendance; "export": write CSV; "correct": void or reassign events;
# "privacy": retention; "accounts": manage accounts; "close": close the kiosk window.
PERMISSIONS: dict[str, frozenset[str]] = {
    "admin": frozenset({"people", "enroll", "attendance", "export", "correct", "privacy", "accounts", "close"}),
    "enroller": frozenset({"people", "enroll"}),
    "viewer": frozenset({"attendance", "export"}),
}
MIN_DIGITS = 6
MAX_DIGITS = 12
FREE_FAILURES = 3
BASE_DELAY_S = 30.0
MAX_DELAY_S = 3600.0
SETUP_CODE_KEY = "admin_setup_code"
SETUP_CODE_DIGITS = 10
SETUP_CODE_TTL_S = 3600.0
SETUP_CODE_TRIES = 5
_NAME = re.compile(r"^[\w][\w .@-]{0,63}$")


class AccountError(KioskError):
    """An account that cannot be created, changed or used (bad name, bad PIN, unknown, not allowed)."""


@dataclass(frozen=True, slots=True)
class LoginResult:
    """The outcome of a PIN attempt for one account.

    ok: the PIN was right; locked_for_s: seconds the account stays locked (now or by this attempt);
    failures: wrong PINs in a row; must_change_pin: the account must choose a new (6+ digit) PIN first.
    """

    ok: bool
    account: str
    role: str | None = None
    locked_for_s: float = 0.0
    failures: int = 0
    must_change_pin: bool = False

    @property
    def locked(self) -> bool:
        """True when the attempt was refused or caused a lock."""
        return self.locked_for_s > 0


def allows(role: str | None, permission: str) -> bool:
    """True when ``role`` may do ``permission`` (unknown roles may do nothing)."""
    return role is not None and permission in PERMISSIONS.get(role, frozenset())


def lock_delay(failures: int) -> float:
    """Seconds an account is locked after ``failures`` wrong PINs in a row: 0, 0, 30, 60, 120 ... 3600."""
    if failures < FREE_FAILURES:
        return 0.0
    return min(MAX_DELAY_S, BASE_DELAY_S * 2.0 ** (failures - FREE_FAILURES))


def validate_account_pin(pin: str) -> str:
    """The PIN if it is 6 to 12 ASCII digits, else AccountError saying what is wrong."""
    if not (pin.isascii() and pin.isdigit()):
        raise AccountError("the PIN must contain digits only")
    if not MIN_DIGITS <= len(pin) <= MAX_DIGITS:
        raise AccountError(f"the PIN must have {MIN_DIGITS} to {MAX_DIGITS} digits")
    return pin


def validate_name(name: str) -> str:
    """A trimmed account name (letters, digits, space . @ - _; up to 64), else AccountError."""
    name = name.strip()
    if not _NAME.match(name):
        raise AccountError("an account name is 1-64 letters, digits, spaces or . @ - _")
    return name


def validate_role(role: str) -> str:
    """The role if known, else AccountError listing the roles."""
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
    return role


class Accounts:
    """Admin accounts, logins with lockout, and the setup code, over one store.

    clock: wall-clock seconds (``time.time``), injectable for tests: the lock's end is stored and must mean
    the same after a restart and on another kiosk, so a wall clock, not a monotonic one.
    """

    def __init__(self, store: Store, clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self.clock = clock

    # ------------------------------------------------------------------ accounts
    def any(self) -> bool:
        """True once at least one account exists (False: a fresh kiosk, the setup code is needed)."""
        return self.store.accounts.count() > 0

    def names(self) -> list[str]:
        """Account names for the login screen's list."""
        return [a.name for a in self.store.accounts.list()]

    def get(self, name: str) -> AccountInfo:
        """One account or AccountError."""
        account = self.store.accounts.get(name)
        if account is None:
            raise AccountError(f"no account named {name!r}")
        return account

    def list(self) -> list[AccountInfo]:
        """Every account, by name."""
        return self.store.accounts.list()

    def add(self, name: str, role: str, pin: str, confirm: str | None = None, actor: str = "cli") -> str:
        """Create an account with a 6+ digit PIN (``confirm`` must repeat it when given); returns the name."""
        name = validate_name(name)
        validate_role(role)
        validate_account_pin(pin)
        if confirm is not None and confirm != pin:
            raise AccountError("the two PINs differ")
        if self.store.accounts.get(name) is not None:
            raise AccountError(f"an account named {name!r} already exists")
        self.store.accounts.add(name, role, hash_pin(pin), actor)
        if self.store.settings.get(SETUP_CODE_KEY):
            # An account exists now (made on the machine): a code still pending must not make a second one.
            self.store.settings.set(SETUP_CODE_KEY, "")
        return name

    def remove(self, name: str, actor: str = "cli") -> None:
        """Delete an account; the last ``admin`` cannot go (nobody could manage accounts from the screen)."""
        account = self.get(name)
        if account.role == "admin" and sum(a.role == "admin" for a in self.list()) == 1:
            raise AccountError(f"{name} is the last admin account; add another admin first")
        self.store.accounts.remove(name, actor)

    def change_pin(self, name: str, pin: str, confirm: str | None = None, actor: str | None = None) -> None:
        """Set a new 6+ digit PIN; clears the lock and the must-change flag. Audited."""
        self.get(name)
        validate_account_pin(pin)
        if confirm is not None and confirm != pin:
            raise AccountError("the two PINs differ")
        self.store.accounts.update(name, pin_hash=hash_pin(pin), must_change_pin=False, failures=0,
                                  locked_until=0.0)
        self.store.audit.record(actor or name, "account_pin_changed", f"PIN of {name} changed")

    def unlock(self, name: str, actor: str = "cli") -> None:
        """End an account's lockout and clear its failure count (``kiosk admin unlock NAME``)."""
        self.get(name)
        self.store.accounts.update(name, failures=0, locked_until=0.0)
        self.store.audit.record(actor, "account_unlock", f"lockout of {name} cleared")

    def lock_remaining(self, name: str) -> float:
        """Seconds until ``name`` may try again (0 when not locked)."""
        account = self.get(name)
        remaining = account.locked_until - self.clock()
        if remaining > MAX_DELAY_S:
            # The clock was set back (or the value is bogus): never lock longer than the cap.
            self.store.accounts.update(name, locked_until=self.clock() + MAX_DELAY_S)
            return MAX_DELAY_S
        return max(0.0, remaining)

    def login(self, name: str, pin: str) -> LoginResult:
        """Try ``pin`` for ``name``. Attempts while locked are refused unchecked (guessing gains nothing);
        a wrong PIN counts and may lock; a right one resets the count. Every outcome is audited as ``name``.
        An unknown name is answered like a wrong PIN, without saying that the account does not exist."""
        name = name.strip()
        account = self.store.accounts.get(name)
        if account is None:
            self.store.audit.record(name or "?", "admin_login_failed", "unknown account")
            return LoginResult(False, name)
        remaining = self.lock_remaining(name)
        if remaining > 0:
            return LoginResult(False, name, account.role, remaining, account.failures)
        if verify_pin_hash(pin, account.pin_hash):
            self.store.accounts.update(name, failures=0, locked_until=0.0, last_login_at=datetime.now(UTC))
            self.store.audit.record(name, "admin_login", f"logged in ({account.role})")
            return LoginResult(True, name, account.role, must_change_pin=account.must_change_pin)
        failures, until = self.store.accounts.record_failure(name, lock_delay, self.clock())
        self.store.audit.record(name, "admin_login_failed", f"wrong PIN ({failures} in a row)")
        locked_for = max(0.0, until - self.clock())
        if locked_for > 0:
            self.store.audit.record(name, "admin_lockout",
                                    f"{name} locked for {locked_for:.0f} s after {failures} wrong PINs")
        return LoginResult(False, name, account.role, locked_for, failures)

    def logout(self, name: str) -> None:
        """The end of ``name``'s admin session (the panel closed), for the audit log."""
        self.store.audit.record(name, "admin_logout", "admin mode closed")

    def closed_kiosk(self, name: str) -> None:
        """``name`` closed the kiosk window from admin mode (the only way to close it), for the audit log."""
        self.store.audit.record(name, "kiosk_closed", "kiosk closed from admin mode")

    def require(self, name: str, pin: str, permission: str) -> AccountInfo:
        """Log ``name`` in and check that its role allows ``permission``; AccountError otherwise (CLI use)."""
        result = self.login(name, pin)
        if not result.ok:
            if result.locked:
                raise AccountError(f"account {name} is locked for {result.locked_for_s:.0f} s more "
                                   f"(kiosk admin unlock {name} ends it)")
            raise AccountError(f"wrong account name or PIN for {name!r}")
        if not allows(result.role, permission):
            self.store.audit.record(name, "permission_denied", f"{permission} refused for role {result.role}")
            raise AccountError(f"account {name} (role {result.role}) may not do this ({permission})")
        return self.get(name)

    # ------------------------------------------------------------------ setup code
    def new_setup_code(self, actor: str = "cli") -> str:
        """A fresh one-time code (replaces any earlier one); only its hash and expiry are stored."""
        if self.any():
            raise AccountError("accounts exist already; add more with kiosk admin add NAME --role ROLE")
        code = "".join(secrets.choice("0123456789") for _ in range(SETUP_CODE_DIGITS))
        expires = self.clock() + SETUP_CODE_TTL_S
        self.store.settings.set(SETUP_CODE_KEY, f"{hash_pin(code)}|{expires!r}|0")
        self.store.audit.record(actor, "setup_code_issued",
                         f"one-time setup code issued, valid {SETUP_CODE_TTL_S / 60:.0f} min")
        return code

    def has_setup_code(self) -> bool:
        """True while a usable (unexpired, not exhausted) setup code exists."""
        return self._setup_state() is not None

    def _setup_state(self) -> tuple[str, float, int] | None:
        raw = self.store.settings.get(SETUP_CODE_KEY) or ""
        try:
            digest, expires, tries = raw.split("|")
            state = (digest, float(expires), int(tries))
        except ValueError:
            return None
        if state[1] <= self.clock() or state[2] >= SETUP_CODE_TRIES:
            return None
        return state

    def check_setup_code(self, code: str) -> bool:
        """True when ``code`` is the current setup code (does not use it up); a wrong try counts, and the
        ``SETUP_CODE_TRIES``-th wrong try voids the code."""
        state = self._setup_state()
        if state is None:
            return False
        digest, expires, tries = state
        if verify_pin_hash(code, digest):
            return True
        self.store.settings.set(SETUP_CODE_KEY, f"{digest}|{expires!r}|{tries + 1}")
        self.store.audit.record("setup", "setup_code_failed", f"wrong setup code ({tries + 1} of {SETUP_CODE_TRIES})")
        return False

    def create_first_admin(self, code: str, name: str, pin: str, confirm: str | None = None) -> str:
        """With a valid setup code and no account yet, create the first ``admin`` account and use the code up."""
        if self.any():
            raise AccountError("an admin account exists already")
        if not self.check_setup_code(code):
            raise AccountError("the setup code is wrong, used or expired; run kiosk admin setup on the machine")
        name = self.add(name, "admin", pin, confirm, actor="setup")
        self.store.settings.set(SETUP_CODE_KEY, "")
        self.store.audit.record(name, "setup_done", f"first admin account {name} created with the setup code")
        return name
