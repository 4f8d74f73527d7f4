"""Fonts for the window's languages, asked of the real fontconfig: with only DejaVu (a fresh Debian) there is
no Japanese or Chinese font, the window then shows English rather than boxes, and run.sh / kiosk doctor name
the package; with the machine's fonts (test.sh installs fonts-noto-cjk as root) both languages have one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from kiosk import fonts
from kiosk.config import config_from_dict
from kiosk.doctor import DoctorOptions, check_fonts

ROOT = Path(__file__).resolve().parents[1]
DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fontconfig is the Linux font library")


@pytest.fixture()
def latin_only(tmp_path: Path) -> Path:
    """A fontconfig configuration that sees only DejaVu, the one font family a fresh Debian has."""
    assert DEJAVU.is_dir(), "fonts-dejavu-core comes with libfontconfig1 (resources/linux/qt-xcb-packages.txt)"
    conf = tmp_path / "fonts.conf"
    conf.write_text(f"""<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><dir>{DEJAVU}</dir><cachedir>{tmp_path / "cache"}</cachedir></fontconfig>
""", encoding="utf-8")
    return conf


def test_locales_map_to_the_shipped_languages() -> None:
    assert [fonts.language_of_locale(n) for n in ("ja_JP.UTF-8", "zh_CN.UTF-8", "zh_SG", "zh_TW.UTF-8", "zh_HK",
                                                  "de_DE.UTF-8@euro", "C.UTF-8", "")] == \
        ["ja", "zh_CN", "zh_CN", "en", "en", "en", "en", "en"]


def test_with_only_dejavu_japanese_and_chinese_have_no_font(latin_only: Path, monkeypatch) -> None:
    monkeypatch.setenv("FONTCONFIG_FILE", str(latin_only))
    assert fonts.font_families("ja") == [] and fonts.font_families("zh_CN") == []
    assert "DejaVu Sans" in fonts.font_families("en")
    assert fonts.missing_package("ja") == fonts.missing_package("zh_CN") == "fonts-noto-cjk"
    assert fonts.missing_package("en") is None
    # What run.sh asks, for a Japanese system locale and for an English one.
    env = dict(os.environ, FONTCONFIG_FILE=str(latin_only), PYTHONPATH=str(ROOT), LC_ALL="", LC_MESSAGES="")
    ask = [sys.executable, "-m", "kiosk.fonts", "missing"]
    assert subprocess.run(ask, env=dict(env, LANG="ja_JP.UTF-8"), capture_output=True, text=True,
                          check=True).stdout.strip() == "fonts-noto-cjk"
    assert subprocess.run(ask, env=dict(env, LANG="en_GB.UTF-8"), capture_output=True, text=True,
                          check=True).stdout.strip() == ""
    # What test.sh asks: one package for both languages.
    assert subprocess.run([*ask, "ja", "zh_CN", "en"], env=env, capture_output=True, text=True,
                          check=True).stdout.strip() == "fonts-noto-cjk"
    # kiosk doctor: a warning with the command that fixes it.
    ctx = SimpleNamespace(config=config_from_dict({"ui": {"language": "ja"}}))
    result = check_fonts(ctx, DoctorOptions())  # type: ignore[arg-type]
    assert result.status == "warn" and "shows English" in result.detail
    assert result.fix == "sudo apt-get install -y fonts-noto-cjk"


def test_the_machine_has_fonts_for_japanese_and_chinese() -> None:
    """test.sh installs fonts-noto-cjk as root; the doctor's check then passes."""
    assert fonts.font_families("ja") and fonts.font_families("zh_CN"), "sudo apt-get install -y fonts-noto-cjk"
    assert fonts.missing_package("ja") is None
    ctx = SimpleNamespace(config=config_from_dict({"ui": {"language": "zh_CN"}}))
    assert check_fonts(ctx, DoctorOptions()).status == "ok"  # type: ignore[arg-type]


WINDOW_LANGUAGE = """
import logging, sys
logging.basicConfig(level=logging.WARNING)
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
from kiosk.ui.i18n import readable_language
print(readable_language("ja"), readable_language("zh_CN"), readable_language("en"))
"""


def test_the_window_shows_english_when_no_font_has_the_language(latin_only: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    run = subprocess.run([sys.executable, "-c", WINDOW_LANGUAGE], env=dict(env, FONTCONFIG_FILE=str(latin_only)),
                         capture_output=True, text=True, timeout=120, check=True)
    assert run.stdout.split() == ["en", "en", "en"]
    assert "no font for ja is installed" in run.stderr and "apt-get install -y fonts-noto-cjk" in run.stderr
    # With the machine's fonts, the languages stay.
    run = subprocess.run([sys.executable, "-c", WINDOW_LANGUAGE], env=env, capture_output=True, text=True,
                         timeout=120, check=True)
    assert run.stdout.split() == ["ja", "zh_CN", "en"]
