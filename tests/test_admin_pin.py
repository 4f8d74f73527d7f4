"""Admin login on the screen: PIN hashing, the first-start setup code, account + PIN on the keypad, the
per-account lockout shown and kept across a restart, roles in the panel (a viewer cannot enroll or delete),
corrections in the attendance view, the gesture into admin mode and closing the kiosk only through admin
(real SQLite, offscreen Qt)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from admin_helpers import admin_services
from PySide6.QtCore import QPoint, QRect, Qt, Signal
from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout, QWidget

from kiosk.admin.accounts import Accounts
from kiosk.admin.pin import hash_pin, verify_pin_hash


class Clock:
    """An injectable wall clock."""

    def __init__(self, t: float = 1_750_000_000.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


def test_pin_hash_is_salted_scrypt() -> None:
    stored = hash_pin("246802")
    assert stored.startswith("scrypt$16384$8$1$") and "246802" not in stored
    assert verify_pin_hash("246802", stored) and not verify_pin_hash("246803", stored)
    assert hash_pin("246802") != hash_pin("246802")  # a fresh salt every time
    assert not verify_pin_hash("2468", "garbage") and not verify_pin_hash("2468", "md5$x$y$z$a$b")


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


def test_first_start_needs_the_setup_code_then_account_and_pin_open_the_panel(qtbot, admin_ctx) -> None:
    from kiosk.ui.admin.keypad import PinDialog
    from kiosk.ui.admin.panel import AdminPanel

    clock = Clock()
    _window, admin = _controller(qtbot, admin_ctx, clock)
    dialog = admin.open_admin()
    assert isinstance(dialog, PinDialog) and dialog.mode == "setup" and dialog.stage == "code"
    qtbot.waitExposed(dialog)
    dialog.enter("1234567890")  # no code issued on the machine: nobody at the screen gets in
    assert "setup code" in dialog.message.text() and dialog.stage == "code"
    code = Accounts(admin_ctx.store, clock).new_setup_code()  # `kiosk admin setup` on the machine
    for key in code:  # the on-screen keypad, finger by finger
        qtbot.mouseClick(dialog.keypad.buttons[key], Qt.MouseButton.LeftButton)
    assert dialog.dots.text() == "●" * 10
    qtbot.mouseClick(dialog.keypad.buttons["OK"], Qt.MouseButton.LeftButton)
    assert dialog.stage == "name" and dialog.name_edit.isVisibleTo(dialog)
    dialog.name_edit.setText("Mina")
    qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    dialog.enter("1357")  # too short now: 6 digits at least
    assert "6 to 12" in dialog.message.text()
    dialog.enter("135790")
    assert "again" in dialog.title.text()
    dialog.enter("135709")  # a typo in the confirmation starts over
    assert "differ" in dialog.message.text() and not admin.accounts.any()
    dialog.enter("135790")
    dialog.enter("135790")
    assert admin.accounts.names() == ["Mina"]
    qtbot.waitUntil(lambda: admin.panel is not None, timeout=10_000)
    assert isinstance(admin.panel, AdminPanel) and admin.actor == "Mina" and admin.role == "admin"
    admin.panel.back_button.click()
    qtbot.waitUntil(lambda: admin.panel is None, timeout=10_000)

    dialog = admin.open_admin()
    assert dialog.mode == "login" and dialog.account_list.count() == 1
    dialog.enter("135790")
    qtbot.waitUntil(lambda: admin.panel is not None, timeout=10_000)
    admin.panel.reject()
    qtbot.waitUntil(lambda: admin.panel is None, timeout=10_000)
    audit = [(a.actor, a.action) for a in admin_ctx.store.audit.latest()]
    assert audit[:4] == [("Mina", "admin_logout"), ("Mina", "admin_login"), ("Mina", "admin_logout"),
                         ("Mina", "setup_done")]


def test_the_login_dialog_fits_the_screen_with_every_account_and_every_key_in_full(qtbot, admin_ctx) -> None:
    """Stacked, the account list and the keypad did not fit a short screen: Qt squeezed the list to one row
    and the keypad's rows into each other. Side by side, every name and every key shows in full."""
    clock = Clock()
    accounts = Accounts(admin_ctx.store, clock)
    for name, role in (("Mina", "admin"), ("Ola", "enroller"), ("Kai", "viewer")):
        accounts.add(name, role, "135790")
    _window, admin = _controller(qtbot, admin_ctx, clock)
    dialog = admin.open_admin()
    qtbot.waitExposed(dialog)
    free = dialog.screen().availableGeometry()
    assert dialog.height() <= free.height()
    rows = [dialog.account_list.visualItemRect(dialog.account_list.item(i)) for i in range(3)]
    assert all(dialog.account_list.viewport().rect().contains(r) for r in rows), rows
    keys = [b.geometry() for b in dialog.keypad.buttons.values()]
    assert all(k.height() >= 80 and dialog.keypad.rect().contains(k) for k in keys), keys
    assert not any(a.intersects(b) for i, a in enumerate(keys) for b in keys[i + 1:])
    cancel = dialog.cancel_button
    assert dialog.rect().contains(QRect(cancel.mapTo(dialog, QPoint(0, 0)), cancel.size()))


def test_first_start_with_a_usb_keyboard_enter_means_ok(qtbot, admin_ctx) -> None:
    """Code, name and PIN typed on a keyboard, each ended with Enter, create the first admin (Enter used to
    press Cancel, the only button that could take the focus); at the next login the arrow keys choose the
    account and the digits reach the PIN (the focused account list used to take them as a name search)."""
    from PySide6.QtWidgets import QApplication

    clock = Clock()
    _window, admin = _controller(qtbot, admin_ctx, clock)
    dialog = admin.open_admin()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    code = Accounts(admin_ctx.store, clock).new_setup_code()

    def type_then_enter(text: str) -> None:
        # Where a keyboard's keys go: the focused widget, else the active window.
        qtbot.keyClicks(QApplication.focusWidget() or QApplication.activeWindow(), text)
        qtbot.keyClick(QApplication.focusWidget() or QApplication.activeWindow(), Qt.Key.Key_Return)

    type_then_enter(code)
    assert dialog.isVisible() and dialog.stage == "name"
    type_then_enter("Mina")
    assert dialog.stage == "new" and dialog.account == "Mina"
    type_then_enter("135790")
    type_then_enter("135790")
    assert admin.accounts.names() == ["Mina"]
    # The next login: the list does not swallow the digits, Down picks the second account.
    admin.panel.reject()
    qtbot.waitUntil(lambda: admin.panel is None)
    admin.accounts.add("Ola", "viewer", "246802")
    dialog = admin.open_admin()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    assert dialog.mode == "login"
    for _ in range(2):
        qtbot.keyClick(QApplication.focusWidget() or QApplication.activeWindow(), Qt.Key.Key_Down)
    assert dialog.account_list.currentItem().text() == "Ola"
    type_then_enter("246802")
    qtbot.waitUntil(lambda: admin.panel is not None)
    assert admin.panel.actor == "Ola"


def test_wrong_pins_lock_one_account_and_a_new_controller_stays_locked(qtbot, admin_ctx) -> None:
    clock = Clock()
    accounts = Accounts(admin_ctx.store, clock)
    accounts.add("ann", "admin", "864200")
    accounts.add("bob", "viewer", "111111")
    _window, admin = _controller(qtbot, admin_ctx, clock)
    dialog = admin.open_admin()
    dialog.enter("864200")
    assert "Tap your account" in dialog.message.text() and admin.panel is None
    dialog.choose("ann")
    for _ in range(2):
        dialog.enter("000000")
        assert "Wrong PIN" in dialog.message.text() and not dialog.locked
    dialog.enter("000000")
    assert dialog.locked and "ann" in dialog.message.text() and "0:30" in dialog.message.text()
    dialog.enter("864200")  # keypad disabled: nothing happens
    assert admin.panel is None and dialog.isVisible()
    dialog.choose("bob")  # another account is not locked
    assert not dialog.locked
    dialog.choose("ann")
    assert dialog.locked
    dialog.reject()

    # The kiosk restarts (new window, new controller): still locked; the next wrong PIN doubles the wait.
    clock.t += 10
    _window2, admin2 = _controller(qtbot, admin_ctx, clock)
    dialog2 = admin2.open_admin()
    dialog2.choose("ann")
    assert dialog2.locked and "0:20" in dialog2.message.text()
    clock.t += 21
    qtbot.waitUntil(lambda: not dialog2.locked, timeout=5_000)  # the countdown re-checks every second
    dialog2.enter("000000")
    assert dialog2.locked and "1:00" in dialog2.message.text()
    clock.t += 61
    qtbot.waitUntil(lambda: not dialog2.locked, timeout=5_000)
    dialog2.enter("864200")
    qtbot.waitUntil(lambda: admin2.panel is not None, timeout=10_000)
    assert admin_ctx.store.accounts.get("ann").failures == 0
    admin2.panel.reject()


def test_an_upgraded_shared_pin_must_be_changed_at_the_first_login(qtbot, admin_ctx) -> None:
    admin_ctx.store.accounts.add("admin", "admin", hash_pin("2468"), "upgrade", must_change_pin=True)
    _window, admin = _controller(qtbot, admin_ctx, Clock())
    dialog = admin.open_admin()
    dialog.enter("2468")
    assert dialog.stage == "new" and "6" in dialog.message.text() and admin.panel is None
    dialog.enter("975310")
    dialog.enter("975310")
    qtbot.waitUntil(lambda: admin.panel is not None, timeout=10_000)
    assert not admin_ctx.store.accounts.get("admin").must_change_pin
    admin.panel.reject()


def test_roles_in_the_panel_a_viewer_cannot_enroll_or_delete(qtbot, admin_ctx) -> None:
    from kiosk.ui.admin.panel import AdminPanel

    accounts = Accounts(admin_ctx.store)
    pid = admin_ctx.store.people.add("Ada Lovelace")
    visible = {}
    for role in ("admin", "enroller", "viewer"):
        panel = AdminPanel(admin_services(admin_ctx, accounts), object(), 0.3, actor=f"x-{role}", role=role)
        qtbot.addWidget(panel)
        panel.show()
        visible[role] = {k for k, b in panel.nav_buttons.items() if b.isVisibleTo(panel)}
        if role == "viewer":
            assert panel.pages.currentWidget() is panel.today_page
            assert not panel.show_page("people") and panel.pages.currentWidget() is panel.today_page
            assert panel.open_enroll() is None and panel.open_photos(["x.jpg"]) is None
            assert panel.open_import("/nonexistent") is None
            assert not panel.close_button.isVisibleTo(panel)
            assert panel.today_page.export_button.isVisibleTo(panel)
            assert not panel.today_page.void_button.isVisibleTo(panel)
            assert not panel.today_page.void_event(1, "x")
        panel.reject()
    assert visible == {"admin": {"add", "people", "today", "privacy", "outputs"}, "enroller": {"add", "people"},
                       "viewer": {"today"}}
    assert admin_ctx.store.people.get(pid) is not None


def test_an_admin_voids_and_reassigns_in_the_attendance_view(qtbot, admin_ctx) -> None:
    from kiosk.ui.admin.attendance import TodayPage

    store = admin_ctx.store
    ann, bo = store.people.add("Ann"), store.people.add("Bo")
    now = datetime.now().astimezone()
    first = store.attendance.record(ann, "door", "in", now - timedelta(seconds=2), 0.6).event_id
    second = store.attendance.record(ann, "door", "in", now - timedelta(seconds=1), 0.6).event_id
    page = TodayPage(admin_ctx.attendance_ledger, admin_ctx.people, actor="mina", can_correct=True)
    qtbot.addWidget(page)
    page.show()
    page.select_event(first)
    assert page.selected_event().id == first
    assert page.void_event(first, "walked past")
    assert page.reassign_event(second, bo)
    assert not page.void_event(first, "again") and "already" in page.message.text()
    notes = {page.events[r].id: page.table.item(r, 6).text() for r in range(page.table.rowCount())}
    assert notes[first] == "void: walked past (mina)" and notes[second] == "was Ann (mina)"
    assert page.table.rowCount() == 2 and "1 event(s), 1 person(s)" in page.title.text()
    audit = [(a.actor, a.action) for a in store.audit.latest()]
    assert ("mina", "event_voided") in audit and ("mina", "event_reassigned") in audit


def test_reassigning_with_nobody_else_enrolled_says_so(qtbot, admin_ctx) -> None:
    from kiosk.ui.admin.attendance import TodayPage

    store = admin_ctx.store
    ann = store.people.add("Ann")
    event = store.attendance.record(ann, "door", "in", datetime.now().astimezone(), 0.6).event_id
    page = TodayPage(admin_ctx.attendance_ledger, admin_ctx.people, actor="mina", can_correct=True)
    qtbot.addWidget(page)
    page.show()
    page.select_event(event)
    page.ask_reassign()  # returns at once: no empty picker to dismiss
    assert "Nobody else is enrolled" in page.message.text()
    assert [a.action for a in store.audit.latest()].count("event_reassigned") == 0


def test_an_admin_unlocks_a_locked_account_on_the_privacy_page(qtbot, admin_ctx) -> None:
    from kiosk.ui.admin.privacy import PrivacyPage

    clock = Clock()
    accounts = Accounts(admin_ctx.store, clock)
    accounts.add("mina", "admin", "123456")
    accounts.add("eddie", "enroller", "654321")
    for _ in range(4):
        accounts.login("eddie", "000000")
        clock.t += 1
    page = PrivacyPage(admin_ctx.privacy, "mina", accounts=accounts)
    qtbot.addWidget(page)
    assert "eddie (enroller)" in page.accounts_label.text() and "Locked: 1" in page.accounts_label.text()
    assert page.locked_combo.currentText() == "eddie"
    page.unlock_button.click()
    assert accounts.lock_remaining("eddie") == 0 and not page.unlock_button.isEnabled()
    assert ("mina", "account_unlock") in [(a.actor, a.action) for a in admin_ctx.store.audit.latest()]


def test_the_kiosk_closes_only_through_the_admin_panel(qtbot, admin_ctx) -> None:
    Accounts(admin_ctx.store).add("root", "admin", "258000")
    window, admin = _controller(qtbot, admin_ctx, Clock())
    assert not window.request_close()  # Ctrl+Q / the close box: asks for the PIN instead
    assert admin.pin_dialog is not None and admin.pin_dialog.mode == "login"
    admin.pin_dialog.reject()
    qtbot.waitUntil(lambda: admin.pin_dialog is None, timeout=5_000)
    assert window.isVisible() and not window.closed

    admin.open_admin().enter("258000")
    qtbot.waitUntil(lambda: admin.panel is not None, timeout=10_000)
    qtbot.mouseClick(admin.panel.close_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.closed, timeout=10_000)
    assert "kiosk_closed" in [a.action for a in admin_ctx.store.audit.latest()]


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

    panel = AdminPanel(admin_services(admin_ctx), None, 0.3, idle_timeout_ms=300)
    qtbot.addWidget(panel)
    panel.show()
    assert not panel.add_page.camera_button.isEnabled()  # no camera on this screen
    pid = admin_ctx.store.people.add("Ada Lovelace")
    panel.people_page.refresh()
    sub = EditPersonDialog(admin_ctx.store.people.get(pid), [], panel)
    panel.dialog = sub
    sub.open()
    qtbot.waitUntil(lambda: not panel.isVisible() and not sub.isVisible(), timeout=10_000)
    assert panel.result() == QDialog.DialogCode.Rejected
