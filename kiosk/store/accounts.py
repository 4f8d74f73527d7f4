"""Admin account rows: names, roles, PIN hashes and the lockout state shared by every kiosk.

The rules (PIN length, roles, how long a lock lasts, the last admin) are kiosk.admin.accounts'; this
module only stores, in one transaction per change, with the audit entry where the change is audited.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from kiosk.errors import StoreError
from kiosk.store.records import AccountInfo
from kiosk.store.schema import AdminAccount, AuditLog

if TYPE_CHECKING:
    from kiosk.store.database import Database


def account_info(a: AdminAccount) -> AccountInfo:
    """The record of an account row."""
    return AccountInfo(a.name, a.role, a.pin_hash, bool(a.must_change_pin), int(a.failures or 0),
                       float(a.locked_until or 0.0), a.created_at, a.last_login_at)


class AccountRepository:
    """Reads and changes of admin accounts (``store.accounts``)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def list(self) -> list[AccountInfo]:
        """Every admin account, by name."""
        with self._db.tx() as s:
            return [account_info(a) for a in s.scalars(select(AdminAccount).order_by(AdminAccount.name))]

    def get(self, name: str) -> AccountInfo | None:
        """One account, or None."""
        with self._db.tx() as s:
            a = s.get(AdminAccount, name)
            return None if a is None else account_info(a)

    def count(self) -> int:
        """How many admin accounts exist (0: a fresh kiosk, setup code needed)."""
        with self._db.tx() as s:
            return int(s.scalar(select(func.count()).select_from(AdminAccount)) or 0)

    def add(self, name: str, role: str, pin_hash: str, actor: str, must_change_pin: bool = False) -> None:
        """Create an account (StoreError when the name is taken); audited."""
        try:
            with self._db.tx() as s:
                if s.get(AdminAccount, name) is not None:
                    raise StoreError(f"an account named {name!r} already exists")
                s.add(AdminAccount(name=name, role=role, pin_hash=pin_hash, must_change_pin=must_change_pin,
                                   failures=0, locked_until=0.0))
                s.add(AuditLog(actor=actor, action="account_added", detail=f"account {name} ({role})"))
        except IntegrityError:
            raise StoreError(f"an account named {name!r} already exists") from None

    def update(self, name: str, **values: object) -> None:
        """Set columns of one account (pin_hash, role, must_change_pin, failures, locked_until, last_login_at)."""
        with self._db.tx() as s:
            n = s.execute(update(AdminAccount).where(AdminAccount.name == name).values(**values)).rowcount
            if not n:
                raise StoreError(f"no account named {name!r}")

    def record_failure(self, name: str, lock_for: Callable[[int], float], now: float) -> tuple[int, float]:
        """Count one wrong PIN in one transaction (row locked on PostgreSQL, so two kiosks cannot both count
        from the same value); ``lock_for(failures)`` gives the delay. Returns (failures, locked_until)."""
        with self._db.tx() as s:
            a = s.scalars(select(AdminAccount).where(AdminAccount.name == name).with_for_update()).first()
            if a is None:
                raise StoreError(f"no account named {name!r}")
            a.failures = int(a.failures or 0) + 1
            delay = lock_for(a.failures)
            a.locked_until = now + delay if delay > 0 else 0.0
            return a.failures, a.locked_until

    def remove(self, name: str, actor: str) -> bool:
        """Delete an account; False when there was none. Audited."""
        with self._db.tx() as s:
            n = s.execute(delete(AdminAccount).where(AdminAccount.name == name)).rowcount
            if n:
                s.add(AuditLog(actor=actor, action="account_removed", detail=f"account {name}"))
            return bool(n)
