"""The outputs as an admin sees them: how many messages are pending, delivered or dead, which ones ran out of
retries, and sending those again once the receiver is fixed (audited with the account).

The delivery worker of each kiosk (kiosk.outputs.worker) picks re-queued messages up within a second.
"""

from __future__ import annotations

from kiosk.store import OutboxItem, Store

# The most dead letters listed at once (the admin panel's table; the command line has its own limit).
LIST_LIMIT = 500


class DeadLetters:
    """Messages the output targets gave up on, over the outbox of ``store`` (every kiosk on it)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def counts(self) -> dict[str, int]:
        """How many messages are pending, delivered and dead."""
        return self.store.outbox.counts()

    def list(self, limit: int = LIST_LIMIT) -> list[OutboxItem]:
        """The dead letters, newest first."""
        return self.store.outbox.list(state="dead", limit=limit)

    def send_again(self, actor: str) -> int:
        """Every dead letter back to pending with a fresh retry budget (audited); returns how many."""
        n = self.store.outbox.retry()
        self.store.audit.record(actor, "outbox_retry", f"{n} dead letter(s) queued again")
        return n


__all__ = ["DeadLetters", "OutboxItem"]
