"""The admin PIN: stored as a salted scrypt hash in the store's settings, with a persistent lockout.

Five wrong PINs in a row lock admin mode for five minutes. The failure count and the lock's end are
settings too, so restarting the kiosk (or a second kiosk on the same database) does not reset them.
Every login, failure, lockout and PIN change goes to the audit log.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from kiosk.errors import KioskError
from kiosk.store import Store

PIN_KEY = "admin_pin"
FAILURES_KEY = "admin_pin_failures"
LOCKED_UNTIL_KEY = "admin_pin_locked_until"
MAX_TRIES = 5
LOCK_SECONDS = 300.0
MIN_DIGITS = 4
MAX_DIGITS = 8
# scrypt cost: 16 MiB and ~50 ms per check on a small CPU. A 4-8 digit PIN has at most 10^8 values,
# so the hash mainly slows an offline attack on a stolen database; the lockout guards the screen.
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
SCRYPT_LEN = 32


class PinError(KioskError):
    """A PIN that cannot be set (wrong length, not digits, confirmation differs) or no PIN to check."""


@dataclass(frozen=True, slots=True)
class PinCheck:
    """The outcome of a PIN attempt.

    ok: the PIN was right; locked: admin is locked (now or by this attempt) for ``locked_for_s``
    more seconds; tries_left: wrong attempts left before the lock.
    """

    ok: bool
    locked: bool
    tries_left: int
    locked_for_s: float = 0.0


def validate_pin(pin: str) -> str:
    """The PIN if it is 4 to 8 digits, else PinError saying what is wrong."""
    if not (pin.isascii() and pin.isdigit()):
        raise PinError("the PIN must contain digits only")
    if not MIN_DIGITS <= len(pin) <= MAX_DIGITS:
        raise PinError(f"the PIN must have {MIN_DIGITS} to {MAX_DIGITS} digits")
    return pin


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_pin(pin: str, salt: bytes | None = None, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P) -> str:
    """``scrypt$n$r$p$salt$hash`` (base64): the parameters travel with the hash so they can change later."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=n, r=r, p=p, dklen=SCRYPT_LEN, maxmem=64 * 1024 * 1024)
    return f"scrypt${n}${r}${p}${_b64(salt)}${_b64(digest)}"


def verify_pin_hash(pin: str, stored: str) -> bool:
    """True when ``pin`` matches a ``hash_pin`` string (constant-time compare; False for a malformed hash)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest, validate=True)
        got = hashlib.scrypt(pin.encode(), salt=base64.b64decode(salt, validate=True), n=int(n), r=int(r),
                             p=int(p), dklen=len(expected), maxmem=64 * 1024 * 1024)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, expected)


class AdminAuth:
    """Checks and sets the admin PIN; the lockout state lives in the store (survives restarts).

    clock: wall-clock seconds (``time.time``), injectable for tests. A wall clock, not a monotonic
    one, because the lock's end is stored and must mean the same after a restart.
    """

    def __init__(self, store: Store, clock: Callable[[], float] = time.time, max_tries: int = MAX_TRIES,
                 lock_seconds: float = LOCK_SECONDS) -> None:
        self.store = store
        self.clock = clock
        self.max_tries = max_tries
        self.lock_seconds = lock_seconds

    # ------------------------------------------------------------------ state
    def has_pin(self) -> bool:
        """True once a PIN has been set (first run: False, the kiosk asks to set one)."""
        return bool(self.store.get_setting(PIN_KEY))

    def failures(self) -> int:
        """Wrong attempts since the last success or lockout."""
        try:
            return max(0, int(self.store.get_setting(FAILURES_KEY) or 0))
        except ValueError:
            return 0

    def lock_remaining(self) -> float:
        """Seconds until admin unlocks (0 when not locked)."""
        try:
            until = float(self.store.get_setting(LOCKED_UNTIL_KEY) or 0)
        except ValueError:
            until = 0.0
        now = self.clock()
        remaining = until - now
        if remaining > self.lock_seconds:
            # The clock was set back (or the value is bogus): never lock longer than one full period.
            self.store.set_setting(LOCKED_UNTIL_KEY, repr(now + self.lock_seconds))
            return self.lock_seconds
        return max(0.0, remaining)

    def tries_left(self) -> int:
        """Wrong attempts left before the lock."""
        return max(0, self.max_tries - self.failures())

    # ------------------------------------------------------------------ actions
    def set_pin(self, pin: str, confirm: str | None = None, actor: str = "admin") -> None:
        """Store a new PIN (4-8 digits; ``confirm`` must repeat it when given) and clear failures."""
        validate_pin(pin)
        if confirm is not None and confirm != pin:
            raise PinError("the two PINs differ")
        changed = self.has_pin()
        self.store.set_setting(PIN_KEY, hash_pin(pin))
        self.store.set_setting(FAILURES_KEY, "0")
        self.store.audit(actor, "admin_pin_changed" if changed else "admin_pin_set",
                         "admin PIN changed" if changed else "admin PIN set (first run)")

    def unlock(self, actor: str = "cli") -> None:
        """End a lockout and clear the failure count (``kiosk admin unlock`` on the machine itself)."""
        self.store.set_setting(LOCKED_UNTIL_KEY, "0")
        self.store.set_setting(FAILURES_KEY, "0")
        self.store.audit(actor, "admin_unlock", "admin lockout cleared")

    def check(self, pin: str, actor: str = "admin") -> PinCheck:
        """Try a PIN: success resets the failures; the ``max_tries``-th failure in a row locks admin."""
        stored = self.store.get_setting(PIN_KEY)
        if not stored:
            raise PinError("no admin PIN is set yet")
        remaining = self.lock_remaining()
        if remaining > 0:
            # Attempts during the lock are refused without checking, so guessing gains nothing.
            return PinCheck(False, True, 0, remaining)
        if verify_pin_hash(pin, stored):
            if self.failures():
                self.store.set_setting(FAILURES_KEY, "0")
            self.store.audit(actor, "admin_login", "admin mode opened")
            return PinCheck(True, False, self.max_tries)
        failures = self.failures() + 1
        if failures >= self.max_tries:
            until = self.clock() + self.lock_seconds
            self.store.set_setting(LOCKED_UNTIL_KEY, repr(until))
            self.store.set_setting(FAILURES_KEY, "0")
            self.store.audit(actor, "admin_login_failed", f"wrong PIN ({failures} in a row)")
            self.store.audit(actor, "admin_lockout",
                             f"admin locked for {self.lock_seconds / 60:.0f} min after {failures} wrong PINs")
            return PinCheck(False, True, 0, self.lock_seconds)
        self.store.set_setting(FAILURES_KEY, str(failures))
        self.store.audit(actor, "admin_login_failed", f"wrong PIN ({failures} in a row)")
        return PinCheck(False, False, self.max_tries - failures)
