"""The change feed's rows: written in the transaction of every people or template change, read by kiosks.

:func:`log_changes` is called by the people and template repositories as the last statement of the
transaction that made a change, so a change and its feed entry commit (or vanish) together, wherever the
change was made (command line, admin panel, another kiosk). :class:`ChangeFeed` is what a running kiosk
follows (kiosk.gallery.FeedFollower); waiting for it cheaply is :mod:`kiosk.store.feed`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import delete, insert, select, text, update
from sqlalchemy.orm import Session

from kiosk.store.feed import CHANNEL, Change, ChangeBatch, ChangeWatcher, open_watcher
from kiosk.store.schema import ChangeCounter, ChangeLog, utcnow

if TYPE_CHECKING:
    from kiosk.store.database import Database

# The change log keeps at least this many steps; every PRUNE_EVERY-th step deletes older rows (a kiosk
# further behind than that re-reads its whole gallery instead).
CHANGE_LOG_KEEP = 10_000
PRUNE_EVERY = 1_000


def log_changes(s: Session, changes: dict[int, str]) -> int | None:
    """Record in the change feed that these people changed (person id -> kind); returns the new step.

    Call it as the *last* statement of the transaction that made the change: the counter row it updates
    is locked until the commit, which makes concurrent changes (PostgreSQL) commit in step order
    without any of them waiting on the counter while holding other locks.
    """
    if not changes:
        return None
    seq = int(s.execute(update(ChangeCounter).where(ChangeCounter.id == 1)
                        .values(seq=ChangeCounter.seq + 1).returning(ChangeCounter.seq)).scalar_one())
    now = utcnow()
    s.execute(insert(ChangeLog), [{"seq": seq, "person_id": int(p), "kind": k, "at": now}
                                  for p, k in sorted(changes.items())])
    if seq % PRUNE_EVERY == 0 and seq > CHANGE_LOG_KEEP:
        cut = seq - CHANGE_LOG_KEEP
        s.execute(delete(ChangeLog).where(ChangeLog.seq < cut))
        s.execute(update(ChangeCounter).where(ChangeCounter.id == 1).values(pruned_below=cut))
    if s.get_bind().dialect.name == "postgresql":
        # Delivered to every listening kiosk when (and only if) this transaction commits.
        s.execute(text("SELECT pg_notify(:channel, :seq)"), {"channel": CHANNEL, "seq": str(seq)})
    return seq


class ChangeFeed:
    """Reads of the change feed (implements kiosk.gallery.source.ChangeFeed): the current step, the rows
    after a step, and a watcher that wakes when it may have moved."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def change_seq(self) -> int:
        """The change feed's current step (0 before the first change): cheap, one row."""
        with self._db.tx() as s:
            return int(s.scalar(select(ChangeCounter.seq).where(ChangeCounter.id == 1)) or 0)

    def changes_since(self, seq: int, limit: int = 10_000) -> ChangeBatch:
        """The change-log rows after step ``seq``, oldest first (at most ``limit`` rows, whole steps)."""
        with self._db.tx() as s:
            pruned = int(s.scalar(select(ChangeCounter.pruned_below).where(ChangeCounter.id == 1)) or 0)
            q = (select(ChangeLog.seq, ChangeLog.person_id, ChangeLog.kind, ChangeLog.at).where(ChangeLog.seq > seq)
                 .order_by(ChangeLog.seq, ChangeLog.person_id).limit(limit + 1))
            rows = [Change(int(q_), int(p), str(k), at) for q_, p, k, at in s.execute(q)]
        complete = seq + 1 >= pruned
        more = len(rows) > limit
        if more:
            # Whole steps only: a step cut in two would be marked read with half its people unread.
            last = rows[limit].seq
            whole = [r for r in rows if r.seq < last]
            if not whole:  # one step larger than the limit: the reader compares everything instead
                return ChangeBatch(seq, last, (), complete=False, more=True)
            rows = whole
        top = rows[-1].seq if rows else seq
        return ChangeBatch(seq, top, tuple(rows), complete=complete, more=more)

    def watch_changes(self, poll_s: float | None = None) -> ChangeWatcher:
        """A watcher that wakes when the change feed may have moved (see :mod:`kiosk.store.feed`)."""
        return open_watcher(self._db) if poll_s is None else open_watcher(self._db, poll_s)
