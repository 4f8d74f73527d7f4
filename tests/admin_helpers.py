"""Helpers for the admin tests: a tmp-home context sharing the loaded pipeline, enrollment from photos,
answering message boxes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from conftest import DEFAULT_MODELS, EXAMPLES, VIDEO
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from kiosk.context import AppContext, Overrides

CLIP = VIDEO / "short_hamilton_clip.mp4"
LIN_PNG = VIDEO / "lin-manuel-miranda.png"
ALEX_PNG = VIDEO / "alex-lacamoire.png"
OBAMA = [EXAMPLES / "obama.jpg", EXAMPLES / "obama2.jpg"]
BIDEN = EXAMPLES / "biden.jpg"
TWO_PEOPLE = EXAMPLES / "two_people.jpg"


def admin_context(home: Path, pipeline, **config_sections) -> AppContext:
    """An AppContext on a fresh data home that reuses the session's already-loaded pipeline."""
    from kiosk.config import config_from_dict

    ctx = AppContext(Overrides(home=str(home), model_dir=str(DEFAULT_MODELS)), config=config_from_dict(config_sections))
    ctx.__dict__["pipeline"] = pipeline  # cached_property slot: the models load once per test run
    return ctx


def admin_services(ctx: AppContext, accounts=None):
    """The services an admin panel works through, from ``ctx`` (``accounts``: instead of ``ctx.accounts()``)."""
    from kiosk.ui.admin.panel import AdminServices

    return AdminServices(ctx.people, accounts or ctx.accounts(), ctx.privacy, ctx.attendance_ledger, ctx.dead_letters)


def enroll_photos(ctx: AppContext, name: str, *images: Path) -> int:
    """Enroll ``name`` from photos through the people service (store + gallery); returns the person id."""
    shots, rejected = ctx.enroller.shots_from_images(list(images))
    assert shots, rejected
    return ctx.people.enroll(name, shots, allow_duplicate=True, consent_by="test", actor="test").person_id


def answer_next_message_box(button_text: str, seen: list[str], timeout_ms: int = 60_000) -> Callable[[], None]:
    """Click ``button_text`` on the next modal QMessageBox (polls, since the box runs its own event loop);
    its text is appended to ``seen``. Returns a function that stops polling."""
    timer = QTimer()
    left = [timeout_ms // 50]

    def poll() -> None:
        left[0] -= 1
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            for b in box.buttons():
                if b.text() == button_text:
                    seen.append(box.text())
                    timer.stop()
                    b.click()
                    return
        if left[0] <= 0:
            timer.stop()

    timer.timeout.connect(poll)
    timer.start(50)
    answer_next_message_box.timers.append(timer)  # keep it alive
    return timer.stop


answer_next_message_box.timers = []  # type: ignore[attr-defined]
