"""The admin PIN: hashed storage, first-run set-PIN flow, lockout that survives a restart, the keypad
dialog, the gesture into admin mode and closing the kiosk only through admin (real SQLite, offscreen Qt)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout, QWidget

from kiosk.admin.pin import (
    FAILURES_KEY,
    LOCK_SECONDS,
    PIN_KEY,
    AdminAuth,
    PinError,
    hash_pin,
    validate_pin,
    verify_pin_hash,
)
from kiosk.store import Store


class Clock:
    """An injectable wall clock."""

    def __init__(self, t: float = 1_750_000_000.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


@pytest.fixture()
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'kiosk.sqlite3'}"


def test_pin_is_stored_as_a_salted_scrypt_hash(db_url: str) -> None:
    store = Store.open(db_url)
    auth = AdminAuth(store)
    assert not auth.has_pin()
    auth.set_pin("2468", "2468")
    stored = store.get_setting(PIN_KEY)
    assert stored.startswith("scrypt$16384$8$1$") and "2468" not in stored
    assert verify_pin_hash("2468", stored) and not verify_pin_hash("2469", stored)
    assert hash_pin("2468") != hash_pin("2468")  # a fresh salt every time
    assert not verify_pin_hash("2468", "garbage") and not verify_pin_hash("2468", "md5$x$y$z$a$b")
    assert [a.action for a in store.audit_log()] == ["admin_pin_set"]
    store.close()


@pytest.mark.parametrize("bad", ["123", "123456789", "12a4", "", "１２３４", "12 34"])
def test_bad_pins_are_refused(bad: str, db_url: str) -> None:
    with pytest.raises(PinError):
        validate_pin(bad)
    store = Store.open(db_url)
    with pytest.raises(PinError):
        AdminAuth(store).set_pin(bad, bad)
    assert store.get_setting(PIN_KEY) is None
    store.close()


def test_confirmation_must_match(db_url: str) -> None:
    store = Store.open(db_url)
    with pytest.raises(PinError, match="differ"):
        AdminAuth(store).set_pin("1234", "1243")
    assert store.get_setting(PIN_KEY) is None
    store.close()


def test_five_wrong_pins_lock_for_five_minutes_across_a_restart(db_url: str) -> None:
    clock = Clock()
    store = Store.open(db_url)
    auth = AdminAuth(store, clock)
    auth.set_pin("4321", "4321")
    assert auth.check("4321").ok
    for left in (4, 3, 2, 1):
        r = auth.check("0000")
        assert (r.ok, r.locked, r.tries_left) == (False, False, left)
    r = auth.check("0000")
    assert r.locked and r.locked_for_s == LOCK_SECONDS
    assert not auth.check("4321").ok  # the right PIN is refused while locked
    store.close()

    # A restart: a new store and a new AdminAuth read the lock back.
    clock.t += 120
    store = Store.open(db_url)
    auth = AdminAuth(store, clock)
    assert auth.lock_remaining() == pytest.approx(LOCK_SECONDS - 120)
    assert auth.check("4321").locked
    clock.t += LOCK_SECONDS - 120 + 1
    assert auth.lock_remaining() == 0
    assert auth.check("4321").ok
    assert auth.tries_left() == 5
    actions = [a.action for a in store.audit_log()]
    assert actions.count("admin_login_failed") == 5
    assert actions.count("admin_lockout") == 1
    assert actions.count("admin_login") == 2
    store.close()


def test_success_resets_the_failure_count(db_url: str) -> None:
    store = Store.open(db_url)
    auth = AdminAuth(store, Clock())
    auth.set_pin("55555", "55555")
    for _ in range(4):
        auth.check("11111")
    assert auth.check("55555").ok
    assert store.get_setting(FAILURES_KEY) == "0"
    assert not auth.check("11111").locked  # counting starts again
    store.close()


def test_a_clock_set_back_never_locks_longer_than_one_period(db_url: str) -> None:
    clock = Clock()
    store = Store.open(db_url)
    auth = AdminAuth(store, clock)
    auth.set_pin("1111", "1111")
    for _ in range(5):
        auth.check("2222")
    clock.t -= 86_400  # someone set the clock back a day
    assert auth.lock_remaining() == LOCK_SECONDS
    clock.t += LOCK_SECONDS + 1
    assert auth.check("1111").ok
    store.close()


# ---------------------------------------------------------------------------------------------- Qt
class StandInKioskWindow(QWidget):
    """The KioskWindow's closing contract (close_requested / set_close_allowed / request_close)."""

    close_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self._allow = False
        self.view = QLabel("video", self)
        self.view.setMinimumSize(400, 300)
        QVBoxLayout(self).addWidget(self.view)
        self.closed = False

    def set_close_allowed(self, allowed: bool) -> None:
        self._allow = allowed

    def request_close(self) -> bool:
        if self._allow:
            self.closed = True
            self.close()
            return True
        self.close_requested.emit()
        return False


@pytest.fixture()
def admin_ctx(tmp_path: Path):
    from kiosk.context import AppContext, Overrides

    ctx = AppContext(Overrides(home=str(tmp_path / "home")))
    yield ctx
    ctx.close()


def _controller(qtbot, ctx, clock):
    from kiosk.ui.admin import AdminController

    window = StandInKioskWindow()
    qtbot.addWidget(window)
    window.resize(800, 600)
    window.show()
    return window, AdminController(ctx, window, clock=clock)


def test_first_run_sets_the_pin_then_the_right_pin_opens_the_panel(qtbot, admin_ctx) -> None:
    from kiosk.ui.admin.keypad import PinDialog
    from kiosk.ui.admin.panel import AdminPanel

    _window, admin = _controller(qtbot, admin_ctx, Clock())
    dialog = admin.open_admin()
    assert isinstance(dialog, PinDialog) and dialog.mode == "set"
    qtbot.waitExposed(dialog)
    for key in "1357":  # the on-screen keypad, finger by finger
        qtbot.mouseClick(dialog.keypad.buttons[key], Qt.MouseButton.LeftButton)
    assert dialog.dots.text() == "●●●●"
    qtbot.mouseClick(dialog.keypad.buttons["OK"], Qt.MouseButton.LeftButton)
    assert "again" in dialog.title.text()
    dialog.enter("1375")  # a typo in the confirmation starts over
    assert "differ" in dialog.message.text() and not admin.auth.has_pin()
    dialog.enter("1357")
    dialog.enter("1357")
    assert admin.auth.has_pin()
    qtbot.waitUntil(lambda: admin.panel is not None, timeout=10_000)
    assert isinstance(admin.panel, AdminPanel)
    admin.panel.back_button.click()
    qtbot.waitUntil(lambda: admin.panel is None, timeout=10_000)

    dialog = admin.open_admin()
    assert dialog.mode == "enter"
    dialog.enter("1357")
    qtbot.waitUntil(lambda: admin.panel is not None, timeout=10_000)
    admin.panel.reject()
    qtbot.waitUntil(lambda: admin.panel is None, timeout=10_000)
    actions = [a.action for a in admin_ctx.store.audit_log()]
    assert actions[:4] == ["admin_logout", "admin_login", "admin_logout", "admin_pin_set"]


def test_wrong_pins_lock_the_keypad_and_a_new_controller_stays_locked(qtbot, admin_ctx) -> None:
    clock = Clock()
    AdminAuth(admin_ctx.store, clock).set_pin("8642", "8642")
    _window, admin = _controller(qtbot, admin_ctx, clock)
    dialog = admin.open_admin()
    for i in range(4):
        dialog.enter("0000")
        assert f"{4 - i}" in dialog.message.text()
    assert not dialog.locked
    dialog.enter("0000")
    assert dialog.locked and "5:00" in dialog.message.text()
    dialog.enter("8642")  # keypad disabled: nothing happens
    assert admin.panel is None and dialog.isVisible()
    dialog.reject()

    # The kiosk restarts (new window, new controller): still locked.
    clock.t += 60
    _window2, admin2 = _controller(qtbot, admin_ctx, clock)
    dialog2 = admin2.open_admin()
    assert dialog2.locked and "4:00" in dialog2.message.text()
    clock.t += 241
    qtbot.waitUntil(lambda: not dialog2.locked, timeout=5_000)  # the countdown re-checks every second
    dialog2.enter("8642")
    qtbot.waitUntil(lambda: admin2.panel is not None, timeout=10_000)
    admin2.panel.reject()


def test_the_kiosk_closes_only_through_the_admin_panel(qtbot, admin_ctx) -> None:
    AdminAuth(admin_ctx.store).set_pin("2580", "2580")
    window, admin = _controller(qtbot, admin_ctx, Clock())
    assert not window.request_close()  # Ctrl+Q / the close box: asks for the PIN instead
    assert admin.pin_dialog is not None and admin.pin_dialog.mode == "enter"
    admin.pin_dialog.reject()
    qtbot.waitUntil(lambda: admin.pin_dialog is None, timeout=5_000)
    assert window.isVisible() and not window.closed

    admin.open_admin().enter("2580")
    qtbot.waitUntil(lambda: admin.panel is not None, timeout=10_000)
    qtbot.mouseClick(admin.panel.close_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.closed, timeout=10_000)
    assert "kiosk_closed" in [a.action for a in admin_ctx.store.audit_log()]


def test_long_press_opens_admin(qtbot, admin_ctx) -> None:
    window, admin = _controller(qtbot, admin_ctx, Clock())
    qtbot.mousePress(window.view, Qt.MouseButton.LeftButton, pos=QPoint(200, 150))
    assert admin.pin_dialog is None  # not on touch-down
    qtbot.waitUntil(lambda: admin.pin_dialog is not None, timeout=10_000)
    qtbot.mouseRelease(window.view, Qt.MouseButton.LeftButton, pos=QPoint(200, 150))
    admin.pin_dialog.reject()


def test_a_short_tap_or_a_swipe_does_not_open_admin(qtbot, admin_ctx) -> None:
    window, admin = _controller(qtbot, admin_ctx, Clock())
    qtbot.mouseClick(window.view, Qt.MouseButton.LeftButton, pos=QPoint(200, 150))
    qtbot.mousePress(window.view, Qt.MouseButton.LeftButton, pos=QPoint(100, 100))
    qtbot.mouseMove(window.view, QPoint(250, 120))
    assert not admin.gesture._hold.isActive()  # a swipe cancels the long press
    qtbot.mouseRelease(window.view, Qt.MouseButton.LeftButton, pos=QPoint(250, 120))
    assert admin.pin_dialog is None


def test_four_taps_in_the_hot_corner_open_admin(qtbot, admin_ctx) -> None:
    window, admin = _controller(qtbot, admin_ctx, Clock())
    corner = window.view.mapFrom(window, QPoint(5, 5))
    for i in range(4):
        assert admin.pin_dialog is None, f"opened after {i} taps"
        qtbot.mouseClick(window.view, Qt.MouseButton.LeftButton, pos=corner)
    assert admin.pin_dialog is not None
    assert admin.pin_dialog.result() == QDialog.DialogCode.Rejected  # still open, waiting
    admin.pin_dialog.reject()


def test_a_forgotten_admin_panel_closes_itself(qtbot, admin_ctx) -> None:
    from kiosk.ui.admin.panel import AdminPanel
    from kiosk.ui.admin.people import EditPersonDialog

    auth = AdminAuth(admin_ctx.store)
    panel = AdminPanel(admin_ctx.store, admin_ctx.people, auth, None, 0.3, idle_timeout_ms=300)
    qtbot.addWidget(panel)
    panel.show()
    assert not panel.add_page.camera_button.isEnabled()  # no camera on this screen
    pid = admin_ctx.store.add_person("Ada Lovelace")
    panel.people_page.refresh()
    sub = EditPersonDialog(admin_ctx.store.get_person(pid), [], panel)
    panel.dialog = sub
    sub.open()
    qtbot.waitUntil(lambda: not panel.isVisible() and not sub.isVisible(), timeout=10_000)
    assert panel.result() == QDialog.DialogCode.Rejected
