"""The admin screens speak Japanese and Simplified Chinese: every admin string is translated (with the
same placeholders) and the compiled .qm changes what the keypad and the enrollment hints say."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from PySide6.QtCore import QCoreApplication, QTranslator

from kiosk import paths
from kiosk.admin.capture import Hint

ADMIN_FILES = "kiosk/ui/admin/"


@pytest.mark.parametrize("lang", ["ja", "zh_CN"])
def test_every_admin_string_is_translated(lang: str) -> None:
    root = ET.parse(paths.bundled(f"resources/i18n/kiosk_{lang}.ts")).getroot()
    admin = [m for m in root.iter("message")
             if any(ADMIN_FILES in (loc.get("filename") or "") for loc in m.iter("location"))]
    assert len(admin) >= 100
    for m in admin:
        source = m.findtext("source")
        tr = m.find("translation")
        assert tr is not None and tr.get("type") not in ("unfinished", "obsolete", "vanished"), source
        assert tr.text and tr.text.strip(), source
        assert sorted(re.findall(r"\{[^}]*\}", source)) == sorted(re.findall(r"\{[^}]*\}", tr.text)), source


@pytest.mark.parametrize(("lang", "title", "look", "closer"), [
    ("ja", "名前をタップして PIN を入力してください", "カメラを見てください", "もう少し近づいてください"),
    ("zh_CN", "请点按您的名字，然后输入 PIN", "请看摄像头", "请再靠近一些"),
])
def test_keypad_and_hints_in_translation(qtbot, tmp_path, pipeline, lang: str, title: str, look: str,
                                         closer: str) -> None:
    from admin_helpers import admin_context
    from PySide6.QtCore import QObject, Signal

    from kiosk.admin.accounts import Accounts
    from kiosk.store import Store
    from kiosk.ui.admin.keypad import PinDialog

    app = QCoreApplication.instance()
    translator = QTranslator(app)
    assert translator.load(str(paths.bundled(f"resources/i18n/kiosk_{lang}.qm")))
    app.installTranslator(translator)
    store = Store.open(f"sqlite:///{tmp_path / 'k.sqlite3'}")
    try:
        accounts = Accounts(store)
        accounts.add("mina", "admin", "123456")
        dialog = PinDialog(accounts, "login")
        qtbot.addWidget(dialog)
        assert dialog.title.text() == title
        dialog.enter("999999")
        assert "PIN" in dialog.message.text() and "Wrong" not in dialog.message.text()
        from kiosk.ui.admin.enroll_dialog import EnrollDialog

        class Frames(QObject):
            frame = Signal(object)

        ctx = admin_context(tmp_path / "home", pipeline)
        frames = Frames()
        enroll = EnrollDialog(ctx.people, frames.frame, ctx.threshold)
        qtbot.addWidget(enroll)
        assert enroll.hint_label.text() == look
        assert enroll.hint_text(Hint.MOVE_CLOSER) == closer
        enroll.reject()
        ctx.close()
    finally:
        app.removeTranslator(translator)
        store.close()
