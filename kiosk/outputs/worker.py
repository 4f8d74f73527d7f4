"""The delivery worker: sends the outbox's pending messages to their targets, in order per target.

One worker per running kiosk (window or ``kiosk run``), delivering the messages of its own ``kiosk_id``;
inside it one thread per target, so a receiver that is down (and backing off) never delays another
target, and nothing here ever runs on the recognition or UI thread: recording only writes rows and calls
:meth:`DeliveryWorker.notify`. A message is delivered at least once: a crash between the receiver's
acknowledgement and ``mark_delivered`` sends it again on the next start, with the same ``event_id``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta

from kiosk.config import OutputConfig, parse_hours
from kiosk.outputs.targets import Target
from kiosk.store import Outbox, OutboxItem, OutboxRoute
from kiosk.store.schema import utcnow

log = logging.getLogger(__name__)

# How often an idle target looks for messages it was not told about (another process's `kiosk events
# retry`, rows left by the previous run): a notify wakes it at once for this kiosk's own events.
IDLE_POLL_S = 1.0
# Delivered messages are kept this long for `kiosk events list`, then pruned.
KEEP_DELIVERED = timedelta(days=7)


def routes(outputs: Sequence[OutputConfig]) -> tuple[OutboxRoute, ...]:
    """What the store needs of the targets to write their messages with an event."""
    return tuple(OutboxRoute(o.name, o.kinds, o.groups, parse_hours(o.hours)) for o in outputs)


def backoff_s(cfg: OutputConfig, attempts: int) -> float | None:
    """Seconds before the next try after ``attempts`` failed ones, or None: retries ran out (dead letter)."""
    if attempts >= cfg.max_attempts:
        return None
    return float(min(cfg.backoff_s * (2 ** (attempts - 1)), cfg.backoff_max_s))


@dataclass(frozen=True, slots=True)
class TargetStatus:
    """The last outcome of a target (window status line, doctor)."""

    name: str
    ok: bool
    detail: str = ""


class DeliveryWorker:
    """Delivers this kiosk's outbox messages to its targets, one thread per target."""

    def __init__(self, outbox: Outbox, kiosk_id: str, outputs: Sequence[OutputConfig],
                 targets: Mapping[str, Target]) -> None:
        self.outbox = outbox
        self.kiosk_id = kiosk_id
        self.outputs = {o.name: o for o in outputs}
        self.targets = dict(targets)
        self._stop = threading.Event()
        self._wake = {name: threading.Event() for name in self.targets}
        self._idle = {name: threading.Event() for name in self.targets}
        self._threads: list[threading.Thread] = []
        self._status: dict[str, TargetStatus] = {}
        self._lock = threading.Lock()

    def start(self) -> DeliveryWorker:
        """Start one daemon thread per target (idempotent)."""
        if not self._threads:
            for name in self.targets:
                t = threading.Thread(target=self._run, args=(name,), name=f"outbox-{name}", daemon=True)
                t.start()
                self._threads.append(t)
        return self

    def notify(self) -> None:
        """New messages were committed: look now instead of at the next poll (cheap, never blocks)."""
        for ev in self._wake.values():
            ev.set()

    def status(self) -> list[TargetStatus]:
        """Each target's last outcome (failed targets are shown on screen and by the doctor)."""
        with self._lock:
            return list(self._status.values())

    def drain(self, timeout_s: float) -> bool:
        """Wait up to ``timeout_s`` until every target has no pending message; True when all were sent."""
        self.notify()
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if all(self.outbox.next_due(self.kiosk_id, name) is None for name in self.targets):
                return True
            time.sleep(0.05)
        return False

    def stop(self, timeout_s: float = 5.0) -> None:
        """Stop the threads (a message in flight finishes or stays pending) and close the targets."""
        self._stop.set()
        self.notify()
        for t in self._threads:
            t.join(timeout_s)
        for target in self.targets.values():
            try:
                target.close()
            except Exception:  # closing a dead connection must not stop the kiosk's shutdown
                log.debug("closing output %s", target.name, exc_info=True)

    def _set_status(self, name: str, ok: bool, detail: str = "") -> None:
        with self._lock:
            self._status[name] = TargetStatus(name, ok, detail)

    def _run(self, name: str) -> None:
        target, cfg, wake = self.targets[name], self.outputs[name], self._wake[name]
        try:
            self.outbox.prune_delivered(utcnow() - KEEP_DELIVERED)
        except Exception:
            log.debug("pruning the outbox", exc_info=True)
        while not self._stop.is_set():
            try:
                item = self.outbox.next_due(self.kiosk_id, name)
            except Exception as exc:  # database down: keep trying, the messages are safe in it
                log.warning("output %s: cannot read the outbox: %s", name, exc)
                wake.wait(IDLE_POLL_S)
                wake.clear()
                continue
            if item is None:
                wake.wait(IDLE_POLL_S)
                wake.clear()
                continue
            wait = (item.next_at - utcnow()).total_seconds()
            if wait > 0:  # backing off: only this target waits, and only its head message decides
                self._stop.wait(min(wait, IDLE_POLL_S))
                continue
            self._deliver(name, target, cfg, item)

    def _deliver(self, name: str, target: Target, cfg: OutputConfig, item: OutboxItem) -> None:
        age = (utcnow() - item.created_at).total_seconds()
        if target.max_age_s is not None and age > target.max_age_s:
            log.warning("output %s: event %s is %.0f s old, not sent (too late to act on)", name, item.event_id, age)
            self._mark(item, f"stale: {age:.0f} s old, not sent", None)
            return
        try:
            target.send(item)
        except Exception as exc:
            detail = str(exc) or type(exc).__name__
            retry = backoff_s(cfg, item.attempts + 1)
            log.warning("output %s: event %s not delivered (attempt %d): %s%s", name, item.event_id,
                        item.attempts + 1, detail,
                        f"; retrying in {retry:.1f} s" if retry is not None else "; now a dead letter")
            self._set_status(name, False, detail)
            self._mark(item, detail, retry)
            return
        self._set_status(name, True)
        try:
            self.outbox.mark_delivered(item.id)
        except Exception:  # sent but not marked: it goes again (same event id), receivers drop duplicates
            log.warning("output %s: event %s sent but not marked delivered", name, item.event_id, exc_info=True)
            self._stop.wait(IDLE_POLL_S)

    def _mark(self, item: OutboxItem, error: str, retry: float | None) -> None:
        try:
            self.outbox.mark_failed(item.id, error, retry)
        except Exception:
            log.warning("output %s: could not record a failed attempt", item.target, exc_info=True)
            self._stop.wait(IDLE_POLL_S)
