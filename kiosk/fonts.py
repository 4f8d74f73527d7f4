"""Fonts for the kiosk's languages: Japanese and Chinese text needs a CJK font that a fresh Debian lacks.

The window ships in English, Japanese and Simplified Chinese. A fresh Debian or Ubuntu has only DejaVu
(pulled in by libfontconfig1), which has no kana or hanzi, and Qt then draws every Japanese or Chinese
character as an empty box. ``fonts-noto-cjk`` covers both.

Qt-free, like :mod:`kiosk.qtdeps`: ``run.sh`` asks before the window starts (``python -m kiosk.fonts
missing``) and ``kiosk doctor`` asks over SSH. It asks fontconfig (through ctypes), the library Qt itself
reads the installed fonts from on Linux. Where fontconfig is not there, Windows and macOS ship CJK fonts
(nothing is missing), while a Linux machine without it has no fonts at all (the package is missing).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys
from collections.abc import Sequence

FONT_PACKAGE = "fonts-noto-cjk"
# The shipped languages whose script DejaVu lacks, as fontconfig names the script (its "lang" property).
SCRIPTS = {"ja": "ja", "zh_CN": "zh-cn"}
_FC_RESULT_MATCH = 0


def language_of_locale(name: str) -> str:
    """The shipped language a POSIX locale name asks for ("ja_JP.UTF-8" -> "ja"), else "en".

    Traditional-script Chinese locales (Taiwan, Hong Kong, Macau) get English, as in the window.
    """
    base = name.split(".", 1)[0].split("@", 1)[0]
    lang, _, region = base.partition("_")
    if lang == "ja":
        return "ja"
    if lang == "zh":
        return "en" if region in ("TW", "HK", "MO") else "zh_CN"
    return "en"


def system_language() -> str:
    """The shipped language the system's locale asks for (LC_ALL, LC_MESSAGES, LANG, in POSIX order)."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            return language_of_locale(value)
    return "en"


class _FcFontSet(ctypes.Structure):
    _fields_ = [("nfont", ctypes.c_int), ("sfont", ctypes.c_int), ("fonts", ctypes.POINTER(ctypes.c_void_p))]


def _fontconfig() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("fontconfig") or ("libfontconfig.so.1" if sys.platform.startswith("linux") else "")
    if not name:
        return None
    try:
        fc = ctypes.CDLL(name)
    except OSError:
        return None
    fc.FcInitLoadConfigAndFonts.restype = ctypes.c_void_p
    fc.FcNameParse.restype = ctypes.c_void_p
    fc.FcNameParse.argtypes = [ctypes.c_char_p]
    fc.FcObjectSetCreate.restype = ctypes.c_void_p
    fc.FcObjectSetAdd.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    fc.FcFontList.restype = ctypes.POINTER(_FcFontSet)
    fc.FcFontList.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
    fc.FcPatternGetString.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int,
                                      ctypes.POINTER(ctypes.c_char_p)]
    fc.FcFontSetDestroy.argtypes = [ctypes.POINTER(_FcFontSet)]
    fc.FcObjectSetDestroy.argtypes = [ctypes.c_void_p]
    fc.FcPatternDestroy.argtypes = [ctypes.c_void_p]
    fc.FcConfigDestroy.argtypes = [ctypes.c_void_p]
    return fc


def font_families(language: str) -> list[str] | None:
    """Font families installed for ``language``'s script (every family for a Latin-script language);
    None when fontconfig cannot be asked."""
    script = SCRIPTS.get(language, "en")
    fc = _fontconfig()
    if fc is None:
        return None
    # A fresh configuration each time (it honours FONTCONFIG_FILE), so a font installed a moment ago counts.
    config = fc.FcInitLoadConfigAndFonts()
    if not config:
        return None
    pattern = fc.FcNameParse(f":lang={script}".encode())
    fields = fc.FcObjectSetCreate()
    fc.FcObjectSetAdd(fields, b"family")
    found = fc.FcFontList(config, pattern, fields)
    families: set[str] = set()
    try:
        if found:
            for i in range(found.contents.nfont):
                value = ctypes.c_char_p()
                if fc.FcPatternGetString(found.contents.fonts[i], b"family", 0, ctypes.byref(value)) == \
                        _FC_RESULT_MATCH and value.value:
                    families.add(value.value.decode("utf-8", "replace"))
    finally:
        if found:
            fc.FcFontSetDestroy(found)
        fc.FcObjectSetDestroy(fields)
        fc.FcPatternDestroy(pattern)
        fc.FcConfigDestroy(config)
    return sorted(families)


def missing_package(language: str) -> str | None:
    """The Debian package to install so that ``language`` shows as text rather than boxes, or None
    (nothing missing, or nothing to tell)."""
    if language not in SCRIPTS:
        return None
    families = font_families(language)
    if families is None:
        # Linux without fontconfig is a machine too bare to have any font (Qt itself links fontconfig);
        # elsewhere the system brings its own CJK fonts.
        return FONT_PACKAGE if sys.platform.startswith("linux") else None
    return FONT_PACKAGE if not families else None


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m kiosk.fonts missing [LANGUAGE...]``: print the package the languages lack (default: the
    system's), or nothing; ``families LANGUAGE``: the installed families for it."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] not in ("missing", "families"):
        print("usage: python -m kiosk.fonts missing [LANGUAGE...] | families LANGUAGE", file=sys.stderr)
        return 2
    languages = args[1:] or [system_language()]
    if args[0] == "missing":
        packages = {p for p in map(missing_package, languages) if p}
        if packages:
            print(" ".join(sorted(packages)))
        return 0
    families = font_families(languages[0])
    print("\n".join(families) if families is not None else "(fontconfig cannot be asked here)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
