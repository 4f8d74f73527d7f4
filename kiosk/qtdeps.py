"""The system libraries the kiosk window's Qt needs on Linux, and the Debian packages that hold them.

The PySide6 wheel brings Qt but not the X11/OpenGL/font libraries Qt links against; a fresh Debian or
Ubuntu lacks several, and Qt then only says that the "xcb" plugin "could not be loaded". The list of
packages lives in ``resources/linux/qt-xcb-packages.txt`` (shared with run.sh and the Debian package
builder); the dynamic loader (``ldd`` on Qt's xcb plugin) says which of their libraries are missing.

Qt-free (it must work exactly when Qt cannot load) and quick: ``run.sh`` calls
``python -m kiosk.qtdeps missing`` before every start.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from kiosk import paths

PACKAGES_FILE = "resources/linux/qt-xcb-packages.txt"
GUI, XCB = "gui", "xcb"
LDD_TIMEOUT_S = 20.0
_NOT_FOUND = re.compile(r"^\s*(\S+)\s+=>\s+not found\s*$")


class QtDepsError(Exception):
    """The loader could not be asked (no ldd, or it failed on the plugin)."""


@dataclass(frozen=True, slots=True)
class LibPackage:
    """One Debian package, whether QtGui (``gui``) or only the X11 plugin (``xcb``) needs it, its sonames."""

    package: str
    scope: str
    sonames: tuple[str, ...]
    why: str = ""


def load_packages(path: Path | None = None) -> list[LibPackage]:
    """The package list (``PACKAGE SCOPE SONAME... # why`` lines), in file order."""
    path = path or paths.bundled(PACKAGES_FILE)
    out: list[LibPackage] = []
    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line, _, why = raw.partition("#")
        fields = line.split()
        if not fields:
            continue
        if len(fields) < 3 or fields[1] not in (GUI, XCB):
            raise ValueError(f"{path}:{lineno}: expected 'PACKAGE gui|xcb SONAME...', got {raw.strip()!r}")
        out.append(LibPackage(fields[0], fields[1], tuple(fields[2:]), why.strip()))
    return out


def parse_ldd(text: str) -> list[str]:
    """The sonames ``ldd`` reports as "not found", each once, in the order it printed them."""
    seen: dict[str, None] = {}
    for line in text.splitlines():
        m = _NOT_FOUND.match(line)
        if m:
            seen.setdefault(m.group(1))
    return list(seen)


def xcb_plugin() -> Path | None:
    """Qt's X11 platform plugin (``libqxcb.so``) of the PySide6 this kiosk runs with, or None."""
    roots: list[Path] = []
    bundle = paths.frozen_bundle_dir()
    if bundle is not None:
        roots.append(bundle / "PySide6")
    spec = importlib.util.find_spec("PySide6")
    if spec is not None and spec.submodule_search_locations:
        roots.extend(Path(p) for p in spec.submodule_search_locations)
    for root in roots:
        plugin = root / "Qt" / "plugins" / "platforms" / "libqxcb.so"
        if plugin.is_file():
            return plugin
    return None


def missing_libraries(plugin: Path) -> list[str]:
    """The libraries the dynamic loader cannot find for ``plugin`` (and everything it loads).

    ``ldd`` rather than a list of file names: it answers with the loader's own search (RUNPATH,
    LD_LIBRARY_PATH, the ld.so cache, multiarch folders), exactly what Qt's dlopen will do.
    """
    ldd = shutil.which("ldd")
    if ldd is None:
        raise QtDepsError("ldd is not installed (Debian package libc-bin)")
    try:
        proc = subprocess.run([ldd, str(plugin)], capture_output=True, text=True, timeout=LDD_TIMEOUT_S,
                              env={**os.environ, "LC_ALL": "C"})
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise QtDepsError(f"ldd {plugin} failed: {exc}") from exc
    missing = parse_ldd(proc.stdout)
    if proc.returncode != 0 and not missing:
        raise QtDepsError(f"ldd {plugin} failed: {(proc.stderr or proc.stdout).strip()}")
    return missing


@dataclass(frozen=True, slots=True)
class Missing:
    """Missing libraries sorted by who provides them."""

    sonames: tuple[str, ...]
    packages: tuple[LibPackage, ...]  # the packages to install, in list order
    unknown: tuple[str, ...]  # sonames no listed package provides (a broken Qt install, or a newer Qt)

    @property
    def gui(self) -> bool:
        """Something QtGui itself needs is missing: no window on any platform."""
        return any(p.scope == GUI for p in self.packages)

    def package_names(self) -> list[str]:
        """The Debian package names to install."""
        return [p.package for p in self.packages]


def classify(sonames: Iterable[str], packages: Sequence[LibPackage]) -> Missing:
    """Which listed packages provide the missing ``sonames``; those no package provides are ``unknown``."""
    wanted = list(dict.fromkeys(sonames))
    owner = {so: p for p in packages for so in p.sonames}
    chosen = {owner[so].package for so in wanted if so in owner}
    return Missing(tuple(wanted), tuple(p for p in packages if p.package in chosen),
                   tuple(so for so in wanted if so not in owner))


def short_list(names: Sequence[str], limit: int = 6) -> str:
    """``a, b, c and 9 more``: a fresh machine lacks ~25 libraries, too many for one readable line."""
    if len(names) <= limit:
        return ", ".join(names)
    return f"{', '.join(names[:limit])} and {len(names) - limit} more"


def apt_command(names: Iterable[str], sudo: bool = True) -> str:
    """The one command that installs ``names`` (the options run.sh uses too)."""
    return ("sudo " if sudo else "") + "apt-get install -y --no-install-recommends " + " ".join(names)


def check(plugin: Path | None = None, packages: Sequence[LibPackage] | None = None) -> Missing:
    """What is missing for Qt's xcb plugin on this machine (nothing when there is no plugin to check)."""
    plugin = plugin or xcb_plugin()
    if plugin is None:
        return Missing((), (), ())
    return classify(missing_libraries(plugin), load_packages() if packages is None else packages)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m kiosk.qtdeps missing|explain|all`` for run.sh and test.sh.

    missing: the packages to install, space separated (empty when nothing is missing); explain: the
    same as a message with the apt command (on stderr); all: every listed package.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    what = args[0] if args else "missing"
    if what == "all":
        print(" ".join(p.package for p in load_packages()))
        return 0
    if what not in ("missing", "explain") or not sys.platform.startswith("linux"):
        return 0 if what in ("missing", "explain") else 2
    try:
        found = check()
    except QtDepsError as exc:
        print(f"cannot check the window's system libraries: {exc}", file=sys.stderr)
        return 0
    if found.unknown:
        print(f"Qt needs {', '.join(found.unknown)}, which no package in {PACKAGES_FILE} provides: "
              "reinstall the kiosk's Python packages (pip install -e .)", file=sys.stderr)
    if what == "missing":
        print(" ".join(found.package_names()))
    elif found.packages:
        known = [s for s in found.sonames if s not in found.unknown]
        print(f"The kiosk window cannot open: Qt needs {short_list(known)}, which this machine lacks.\n"
              "Install them as root, then run this again:\n"
              f"  {apt_command(found.package_names())}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
