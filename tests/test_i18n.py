"""Translations: shipped .qm files load and change the window's text; the language choice rule."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication, QLocale

from kiosk.ui.banner import Banner
from kiosk.ui.i18n import SHIPPED, install_translator, pick_language
from kiosk.ui.window import KioskWindow


@pytest.mark.parametrize(("lang", "idle", "unknown", "setup"), [
    ("ja", "カメラを見てチェックインしてください", "認識できませんでした", "まだ誰も登録されていません"),
    ("zh_CN", "请看向摄像头签到", "未能识别", "尚未登记任何人员"),
])
def test_shipped_translation_changes_the_text(qtbot, lang: str, idle: str, unknown: str, setup: str) -> None:
    app = QCoreApplication.instance()
    translator = install_translator(app, lang)
    assert translator is not None, f"kiosk_{lang}.qm missing or unreadable"
    try:
        banner = Banner(3.0)
        qtbot.addWidget(banner)
        assert banner.text() == idle
        banner.show_unknown()
        assert unknown in banner.text()
        banner._timer.timeout.emit()
        banner.set_nobody_enrolled(True)
        assert banner.plain_text.startswith(setup) and "2" in banner.plain_text and "4" in banner.plain_text
        window = KioskWindow()
        qtbot.addWidget(window)
        assert "Camera" not in window.status_text()
    finally:
        app.removeTranslator(translator)
    assert Banner(3.0).text() == "Please look at the camera to check in"


def test_language_choice(qapp) -> None:
    assert pick_language("ja") == "ja"
    assert pick_language("", QLocale("ja_JP")) == "ja"
    assert pick_language("", QLocale("zh_CN")) == "zh_CN"
    assert pick_language("", QLocale("zh_TW")) == "en"
    assert pick_language("", QLocale("de_DE")) == "en"
    assert pick_language("en") == "en"
    assert set(SHIPPED) == {"ja", "zh_CN"}
    assert install_translator(qapp, "en") is None


@pytest.mark.parametrize("lang", SHIPPED)
def test_every_message_is_translated_with_its_placeholders(lang: str) -> None:
    import re
    import xml.etree.ElementTree as ET

    from kiosk import paths

    root = ET.parse(paths.bundled(f"resources/i18n/kiosk_{lang}.ts")).getroot()
    messages = list(root.iter("message"))
    assert len(messages) >= 15
    for m in messages:
        source = m.findtext("source")
        tr = m.find("translation")
        assert tr is not None and tr.get("type") not in ("unfinished", "obsolete", "vanished"), source
        assert tr.text, source
        assert sorted(re.findall(r"\{[^}]*\}", source)) == sorted(re.findall(r"\{[^}]*\}", tr.text)), source
