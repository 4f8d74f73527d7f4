"""Loading the window's translation: the config's ui.language, else the system language."""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QLocale, QTranslator
from PySide6.QtGui import QFontDatabase

from kiosk import paths
from kiosk.fonts import FONT_PACKAGE

log = logging.getLogger(__name__)

# Languages shipped in resources/i18n (English is the source text and needs no file).
SHIPPED = ("ja", "zh_CN")
# The script each needs a font for: a fresh Debian has none for either (kiosk.fonts).
WRITING_SYSTEMS = {"ja": QFontDatabase.WritingSystem.Japanese,
                   "zh_CN": QFontDatabase.WritingSystem.SimplifiedChinese}


def pick_language(configured: str = "", system: QLocale | None = None) -> str:
    """The language to show: ``configured`` when set, else the system's if shipped, else "en"."""
    if configured:
        return configured
    loc = system or QLocale.system()
    name = loc.name()  # e.g. "ja_JP", "zh_CN", "en_GB"
    if name in SHIPPED:
        return name
    lang = name.split("_", 1)[0]
    if lang == "zh":  # Traditional-script locales fall back to English rather than guessing
        return "zh_CN" if loc.script() != QLocale.Script.TraditionalHanScript else "en"
    return lang if lang in SHIPPED else "en"


def readable_language(language: str) -> str:
    """``language``, or English when no installed font has its script (needs a QGuiApplication).

    Without a CJK font Qt draws Japanese and Chinese text as rows of empty boxes, which helps nobody at
    the door; English is readable, and the log and ``kiosk doctor`` say which package to install.
    """
    system = WRITING_SYSTEMS.get(language)
    if system is None or QFontDatabase.families(system):
        return language
    log.warning("no font for %s is installed, so the kiosk shows English; to show %s, install one: "
                "sudo apt-get install -y %s", language, language, FONT_PACKAGE)
    return "en"


def install_translator(app: QCoreApplication, language: str) -> QTranslator | None:
    """Install the kiosk's translation for ``language`` (None for English or a missing file)."""
    if language in ("", "en"):
        return None
    qm = paths.bundled(f"resources/i18n/kiosk_{language}.qm")
    translator = QTranslator(app)
    if not translator.load(str(qm)):
        log.warning("no translation for %s (%s); showing English", language, qm)
        return None
    app.installTranslator(translator)
    return translator
