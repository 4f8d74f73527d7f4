"""Admin mode inside the real kiosk window: real camera thread on the Hamilton clip, real recognition,
real database. Enrolling Lin from the kiosk's own camera makes the kiosk check him in afterwards."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from admin_helpers import CLIP, admin_context
from PySide6.QtCore import QPoint, Qt

from kiosk.admin.accounts import Accounts
from kiosk.ui.admin.enroll_dialog import EnrollDialog
from kiosk.ui.admin.frames import CameraTap


@pytest.mark.slow
def test_enroll_at_the_kiosk_then_get_checked_in_then_close(qtbot, tmp_path, pipeline) -> None:
    from kiosk.camera.sources import open_source
    from kiosk.ui.app import create_kiosk

    ctx = admin_context(tmp_path / "home", pipeline)
    Accounts(ctx.store).add("desk", "admin", "246800")
    session = ctx.open_session()
    source = open_source(str(CLIP), ctx.config.camera)
    window = create_kiosk(ctx, session, source, fullscreen=True, pace=True, at_end="loop")
    qtbot.addWidget(window)
    window.resize(960, 640)
    window.show()  # full-screen rules (no closing without admin), in a normal window for the test
    window.start()
    admin = window.admin
    # Nobody enrolled yet: the kiosk says how to start instead of calling everyone "not recognised".
    qtbot.waitUntil(lambda: window.banner.kind == "setup", timeout=10_000)
    recognition_sink = window.camera.frame_sink

    # The long press on the live picture asks for the PIN.
    qtbot.mousePress(window.view, Qt.MouseButton.LeftButton, pos=QPoint(300, 200))
    qtbot.waitUntil(lambda: admin.pin_dialog is not None, timeout=10_000)
    qtbot.mouseRelease(window.view, Qt.MouseButton.LeftButton, pos=QPoint(300, 200))
    admin.pin_dialog.enter("246800")
    qtbot.waitUntil(lambda: admin.panel is not None, timeout=10_000)
    panel = admin.panel
    assert isinstance(window.camera.frame_sink.__self__, CameraTap)  # recognition paused, camera borrowed

    panel.add_page.camera_button.click()
    dialog = panel.dialog
    assert isinstance(dialog, EnrollDialog)
    qtbot.waitUntil(lambda: len(dialog.shots) >= 3, timeout=180_000)
    dialog.name_edit.setText("Lin-Manuel Miranda")
    dialog.consent_box.setChecked(True)
    started = datetime.now().astimezone()
    assert dialog.save()
    pid = dialog.person_id
    assert 3 <= ctx.store.people.get(pid).templates <= 5
    qtbot.waitUntil(lambda: panel.dialog is None, timeout=10_000)
    assert [p.id for p in panel.people_page.model.people] == [pid]  # the list shows him at once

    panel.back_button.click()
    qtbot.waitUntil(lambda: admin.panel is None, timeout=10_000)
    assert window.camera.frame_sink == recognition_sink  # recognition has the camera back
    # Someone is enrolled now: normal check-in at once, not after the next 30 s recount.
    qtbot.waitUntil(lambda: not window.banner.nobody_enrolled, timeout=3_000)
    assert window.banner.kind != "setup" and "people enrolled: 1" in window.status_text()
    # The clip loops: the kiosk now knows him and checks him in.
    qtbot.waitUntil(lambda: any(g.person_id == pid and g.recorded for g in window.greetings), timeout=180_000)
    events = ctx.store.attendance.between(started - timedelta(minutes=1), datetime.now().astimezone() + timedelta(1))
    assert [e.person_id for e in events] == [pid]

    # Closing: refused without admin, done from the panel.
    assert not window.request_close()
    qtbot.waitUntil(lambda: admin.pin_dialog is not None, timeout=10_000)
    admin.pin_dialog.enter("246800")
    qtbot.waitUntil(lambda: admin.panel is not None, timeout=10_000)
    admin.panel.close_button.click()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=20_000)
    actions = [a.action for a in ctx.store.audit.latest()]
    assert actions[:2] == ["admin_logout", "kiosk_closed"] and "enroll" in actions and actions.count("admin_login") == 2
    window.shutdown()
    ctx.close()
