"""resources/linux/qt-xcb-packages.txt against the real Qt of this venv, the real dynamic loader and dpkg."""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk import qtdeps

ROOT = Path(__file__).resolve().parents[1]
LINUX = sys.platform.startswith("linux")
# Libraries of Debian's and Ubuntu's essential base (Priority: required): every machine has them.
BASE = {"libc.so.6", "libm.so.6", "libstdc++.so.6", "libgcc_s.so.1", "ld-linux-x86-64.so.2", "libz.so.1",
        "libzstd.so.1", "libpthread.so.0", "libdl.so.2", "librt.so.1"}

# `ldd libqxcb.so` on a debootstrap'ed Debian 12 minbase with python3 and the list installed except
# libxcb-icccm4 and libxcb-keysyms1 (the state of a machine that has only libxcb-cursor0 added),
# abridged: ldd prints a missing library once per library that needs it.
LDD_ICCCM_KEYSYMS_MISSING = """\
\tlinux-vdso.so.1 (0x00007ffd4a5f2000)
\tlibQt6XcbQpa.so.6 => /opt/v/PySide6/Qt/plugins/platforms/./../../lib/libQt6XcbQpa.so.6 (0x00007f2a1c000000)
\tlibQt6Gui.so.6 => /opt/v/PySide6/Qt/plugins/platforms/./../../lib/libQt6Gui.so.6 (0x00007f2a1b400000)
\tlibGL.so.1 => /lib/x86_64-linux-gnu/libGL.so.1 (0x00007f2a1c4c3000)
\tlibxcb-cursor.so.0 => /lib/x86_64-linux-gnu/libxcb-cursor.so.0 (0x00007f2a1c4bc000)
\tlibxcb-icccm.so.4 => not found
\tlibxcb-util.so.1 => /lib/x86_64-linux-gnu/libxcb-util.so.1 (0x00007f2a1c4b4000)
\tlibxcb-keysyms.so.1 => not found
\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f2a1b21f000)
\tlibxcb-icccm.so.4 => not found
\tlibxcb-keysyms.so.1 => not found
\t/lib64/ld-linux-x86-64.so.2 (0x00007f2a1c516000)
\tlibdbus-1.so.3 => /lib/x86_64-linux-gnu/libdbus-1.so.3 (0x00007f2a1a84e000)
"""


def test_parse_ldd_of_a_real_machine_missing_two_xcb_libraries() -> None:
    missing = qtdeps.parse_ldd(LDD_ICCCM_KEYSYMS_MISSING)
    assert missing == ["libxcb-icccm.so.4", "libxcb-keysyms.so.1"]
    found = qtdeps.classify(missing, qtdeps.load_packages())
    assert found.package_names() == ["libxcb-icccm4", "libxcb-keysyms1"]
    assert found.unknown == () and not found.gui  # QtGui loads: only the X11 plugin is affected
    assert qtdeps.apt_command(found.package_names()) == (
        "sudo apt-get install -y --no-install-recommends libxcb-icccm4 libxcb-keysyms1")


def test_classify_names_sonames_no_package_provides() -> None:
    found = qtdeps.classify(["libGL.so.1", "libQt6XcbQpa.so.6"], qtdeps.load_packages())
    assert found.package_names() == ["libgl1"] and found.gui
    assert found.unknown == ("libQt6XcbQpa.so.6",)


def test_package_list_parses_and_names_each_soname_once() -> None:
    packages = qtdeps.load_packages()
    sonames = [so for p in packages for so in p.sonames]
    assert len(sonames) == len(set(sonames)) and len(packages) == len({p.package for p in packages})
    assert {p.scope for p in packages} == {"gui", "xcb"}
    assert all(p.why for p in packages)  # each line says why it is there
    assert {"libxcb-cursor0", "libxcb-icccm4", "libxcb-keysyms1"} <= {p.package for p in packages}


def test_package_list_rejects_a_malformed_line(tmp_path: Path) -> None:
    bad = tmp_path / "list.txt"
    bad.write_text("libfoo1 libfoo.so.1  # no scope\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"list\.txt:1"):
        qtdeps.load_packages(bad)


def _needed(path: Path) -> list[str]:
    """DT_NEEDED of a 64-bit little-endian ELF file (what `readelf -d` lists as NEEDED)."""
    data = path.read_bytes()
    assert data[:4] == b"\x7fELF" and data[4] == 2 and data[5] == 1, path
    shoff = struct.unpack_from("<Q", data, 0x28)[0]
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    # (name, type, flags, addr, offset, size, link, info, addralign, entsize)
    sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
    out: list[str] = []
    for sh in sections:
        if sh[1] != 6:  # SHT_DYNAMIC; its sh_link is the string table of the names
            continue
        strtab = sections[sh[6]][4]
        for off in range(sh[4], sh[4] + sh[5], 16):
            tag, value = struct.unpack_from("<qQ", data, off)
            if tag == 0:
                break
            if tag == 1:  # DT_NEEDED
                start = strtab + value
                out.append(data[start:data.index(b"\0", start)].decode())
    return out


@pytest.mark.skipif(not LINUX or os.uname().machine != "x86_64", reason="x86-64 Linux wheel")
def test_package_list_is_exactly_what_the_qt_xcb_plugin_links_beyond_the_base_system() -> None:
    """Follows NEEDED from libqxcb.so through the wheel's own Qt libraries: every system library they
    name is in the list, and the list names nothing else (a PySide6 upgrade that adds one fails here)."""
    plugin = qtdeps.xcb_plugin()
    assert plugin is not None
    qt_lib = plugin.parents[2] / "lib"
    todo, seen, system = [plugin], set(), set()
    while todo:
        for name in _needed(todo.pop()):
            bundled = qt_lib / name
            if bundled.is_file():
                if name not in seen:
                    seen.add(name)
                    todo.append(bundled)
            else:
                system.add(name)
    listed = {so for p in qtdeps.load_packages() for so in p.sonames}
    assert system - BASE == listed
    assert "libQt6Gui.so.6" in seen and "libQt6XcbQpa.so.6" in seen


@pytest.mark.skipif(not LINUX or shutil.which("dpkg-query") is None, reason="a Debian/Ubuntu machine")
def test_each_listed_package_is_the_one_holding_its_library_here() -> None:
    """The loader's answer for each soname, traced to its package with dpkg: the names are right."""
    plugin = qtdeps.xcb_plugin()
    assert plugin is not None
    ldd = subprocess.run(["ldd", str(plugin)], capture_output=True, text=True, check=True).stdout
    where = dict(re.findall(r"^\s*(\S+) => (/\S+)", ldd, re.MULTILINE))
    files: dict[str, str] = {}  # the real file's name (libGL.so.1.7.0) -> the listed package
    for pkg in qtdeps.load_packages():
        for soname in pkg.sonames:
            assert soname in where, f"{soname} is not installed: {qtdeps.apt_command([pkg.package])}"
            files[os.path.basename(os.path.realpath(where[soname]))] = pkg.package
    # One dpkg-query for all (it reads its whole database each time): "pkg:arch: /path" lines.
    owners = subprocess.run(["dpkg-query", "-S", *files], capture_output=True, text=True).stdout
    holders: dict[str, set[str]] = {}
    for line in owners.splitlines():
        pkgs, _, path = line.partition(": ")
        name = os.path.basename(path.strip())
        if name in files:
            holders.setdefault(name, set()).update(p.strip().split(":")[0] for p in pkgs.split(","))
    assert holders == {name: {pkg} for name, pkg in files.items()}


def test_build_deb_reads_its_depends_from_the_list() -> None:
    script = (ROOT / "installer" / "linux" / "build_deb.sh").read_text(encoding="utf-8")
    m = re.search(r'^QT_DEPS="\$\((.*)\)"$', script, re.MULTILINE)
    assert m and "$QT_DEPS" in script.split("Depends:")[1].splitlines()[0]
    out = subprocess.run(["bash", "-c", f"set -euo pipefail; {m.group(1)}"], env={**os.environ, "ROOT": str(ROOT)},
                         capture_output=True, text=True, check=True).stdout.strip()
    assert out.split(", ") == [p.package for p in qtdeps.load_packages()]


@pytest.mark.skipif(not LINUX, reason="Linux")
def test_run_sh_helper_reports_nothing_missing_on_this_machine() -> None:
    """What run.sh calls before every start: empty output (nothing to install), quickly."""
    proc = subprocess.run([sys.executable, "-m", "kiosk.qtdeps", "missing"], capture_output=True, text=True,
                          cwd=ROOT, timeout=60)
    assert proc.returncode == 0 and proc.stdout.strip() == "", proc.stderr
    listed = subprocess.run([sys.executable, "-m", "kiosk.qtdeps", "all"], capture_output=True, text=True,
                            cwd=ROOT, timeout=60).stdout.split()
    assert listed == [p.package for p in qtdeps.load_packages()]
