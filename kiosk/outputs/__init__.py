"""Telling other systems: the delivery worker and the webhook, MQTT and relay targets of ``[[outputs]]``.

Events reach the outbox table in the transaction that records them (``store.attendance.decide_and_record``);
this package only reads that table and sends (and lists and re-queues dead letters for the admin,
:mod:`kiosk.outputs.dead_letters`). Qt-free, and handed its parts (never the composition root).
"""

from __future__ import annotations

from collections.abc import Sequence

from kiosk.config import OutputConfig
from kiosk.outputs.targets import SIGNATURE_HEADER, Target, build_target, sign, verify
from kiosk.outputs.worker import DeliveryWorker, TargetStatus, backoff_s, routes
from kiosk.store import Outbox


def start_worker(outbox: Outbox, kiosk_id: str, outputs: Sequence[OutputConfig]) -> DeliveryWorker:
    """A started worker for these outputs (one thread per target; none when there are no outputs)."""
    return DeliveryWorker(outbox, kiosk_id, outputs, {o.name: build_target(o, kiosk_id) for o in outputs}).start()


__all__ = ["SIGNATURE_HEADER", "DeliveryWorker", "Target", "TargetStatus", "backoff_s", "build_target", "routes",
           "sign", "start_worker", "verify"]
