"""The installer files parse and say what the deployment needs (no apt packages, no bundle build).

`systemd-analyze verify` and `desktop-file-validate` are run by hand (see docs/deployment.md); here
the files are parsed in Python so the suite runs anywhere.
"""

from __future__ import annotations

import ast
import configparser
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk import __version__
from kiosk.modelzoo.manifest import load_manifest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("KIOSK_SHARED", ROOT.parent / "shared"))
LINUX = ROOT / "installer" / "linux"
WINDOWS = ROOT / "installer" / "windows"


def parse_unit(path: Path) -> dict[str, dict[str, list[str]]]:
    """A systemd unit file as {section: {key: [values in order]}} (keys may repeat, unlike INI)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] | None = None
    pending = ""
    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = pending + raw.strip()
        pending = ""
        if line.endswith("\\"):
            pending = line[:-1] + " "
            continue
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            assert line.endswith("]"), f"{path}:{lineno}: bad section header {line!r}"
            current = sections.setdefault(line[1:-1], {})
            continue
        assert current is not None, f"{path}:{lineno}: key outside a section"
        key, sep, value = line.partition("=")
        assert sep and re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", key.strip()), f"{path}:{lineno}: not key=value: {line!r}"
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def test_systemd_unit_runs_the_kiosk_in_cage_on_a_tty() -> None:
    unit = parse_unit(LINUX / "kiosk.service")
    assert set(unit) == {"Unit", "Service", "Install"}
    svc = unit["Service"]
    exec_start = svc["ExecStart"][0].split()
    assert exec_start[0] == "/usr/bin/cage" and exec_start[1] == "--" and exec_start[2] == "/opt/kiosk/kiosk"
    assert svc["Restart"] == ["always"]
    assert svc["User"] == ["kiosk"]
    assert "video" in svc["SupplementaryGroups"][0].split()
    assert "KIOSK_HOME=/var/lib/kiosk" in svc["Environment"]
    assert svc["StateDirectory"] == ["kiosk"]
    # cage needs a VT and a logind session (cage wiki "Starting Cage on boot with systemd").
    assert svc["TTYPath"] == ["/dev/tty7"]
    assert svc["StandardInput"] == ["tty-fail"]
    assert svc["PAMName"] == ["kiosk"]
    assert "getty@tty7.service" in unit["Unit"]["Conflicts"]
    assert "systemd-logind.service" in " ".join(unit["Unit"]["After"])
    assert unit["Install"]["WantedBy"] == ["graphical.target"]


def test_systemd_unit_hardening_keeps_the_camera_reachable() -> None:
    svc = parse_unit(LINUX / "kiosk.service")["Service"]
    assert svc["NoNewPrivileges"] == ["yes"]
    assert svc["ProtectSystem"] == ["strict"]
    assert svc["ProtectHome"] == ["yes"]
    assert svc["CapabilityBoundingSet"] == [""]
    # Each of these would hide /dev/video* (ProtectClock through its implied DeviceAllow=char-rtc).
    assert "PrivateDevices" not in svc and "ProtectClock" not in svc and "DeviceAllow" not in svc
    assert svc.get("DevicePolicy", ["auto"]) == ["auto"]
    # The Wayland socket lives in the session's runtime dir.
    assert any("/run/user" in v for v in svc["ReadWritePaths"])


def test_pam_file_registers_a_logind_session() -> None:
    lines = [ln.split() for ln in (LINUX / "kiosk.pam").read_text().splitlines() if ln and not ln.startswith("#")]
    assert ["session", "required", "pam_systemd.so"] in lines
    assert all(len(ln) >= 3 and ln[0] in ("auth", "account", "session", "password") for ln in lines)


def test_desktop_file_is_a_valid_autostart_entry() -> None:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # keys are case-sensitive in desktop files
    parser.read(LINUX / "kiosk.desktop", encoding="utf-8")
    assert parser.sections() == ["Desktop Entry"]
    entry = parser["Desktop Entry"]
    assert entry["Type"] == "Application"
    assert entry["Exec"] == "/opt/kiosk/kiosk"
    assert entry["Terminal"] == "false"
    assert entry["Version"] in ("1.0", "1.1", "1.2", "1.3", "1.4")  # desktop-file-validate rejects others
    assert entry["Categories"].endswith(";") and entry["Keywords"].endswith(";")
    known = {"Type", "Version", "Name", "GenericName", "NoDisplay", "Comment", "Icon", "Hidden", "OnlyShowIn",
             "NotShowIn", "DBusActivatable", "TryExec", "Exec", "Path", "Terminal", "Actions", "MimeType",
             "Categories", "Implements", "Keywords", "StartupNotify", "StartupWMClass", "URL",
             "PrefersNonDefaultGPU", "SingleMainWindow"}
    assert all(k in known or k.startswith("X-") for k in entry), set(entry) - known


def test_install_script_is_valid_bash_and_installs_the_files_it_names() -> None:
    script = LINUX / "install.sh"
    subprocess.run(["bash", "-n", str(script)], check=True)
    text = script.read_text()
    assert "set -euo pipefail" in text
    for name in ("kiosk.service", "kiosk.pam", "kiosk.desktop", "kiosk.default", "kiosk-admin"):
        assert f"$HERE/{name}" in text and (LINUX / name).is_file()
    assert "useradd --system" in text and "video" in text
    subprocess.run(["bash", "-n", str(LINUX / "build_deb.sh")], check=True)
    subprocess.run(["sh", "-n", str(LINUX / "kiosk-admin")], check=True)
    assert "runuser -u kiosk" in (LINUX / "kiosk-admin").read_text()


def parse_iss(path: Path) -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    current = None
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith((";", "#")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], [])
        else:
            assert current is not None, line
            current.append(line)
    return sections


def iss_entry(line: str) -> dict[str, str]:
    """``Name: "x"; Filename: "y"; Flags: a b`` -> dict."""
    out = {}
    for part in re.findall(r'(\w+):\s*("(?:[^"]|"")*"|[^;]*)', line):
        out[part[0]] = part[1].strip().strip('"')
    return out


def test_inno_setup_script_installs_the_bundle_with_start_menu_and_autostart() -> None:
    iss = parse_iss(WINDOWS / "kiosk.iss")
    text = (WINDOWS / "kiosk.iss").read_text()
    assert re.search(rf'#define AppVersion "{re.escape(__version__)}"', text), "keep the default version in sync"
    setup = dict(line.split("=", 1) for line in iss["Setup"])
    for key in ("AppId", "AppName", "AppVersion", "DefaultDirName", "ArchitecturesInstallIn64BitMode"):
        assert key in setup
    assert setup["AppId"].startswith("{{")  # a literal brace in Inno is doubled
    files = [iss_entry(x) for x in iss["Files"]]
    bundle = next(f for f in files if f["Source"].endswith("\\*"))
    assert "recursesubdirs" in bundle["Flags"] and bundle["DestDir"] == "{app}"
    assert bundle["Source"] == "{#BundleDir}\\*"
    assert '#define BundleDir "..\\..\\dist\\kiosk"' in text  # relative to installer/windows/
    assert all((WINDOWS / f["Source"]).is_file() for f in files if "{#" not in f["Source"])
    tasks = {iss_entry(t)["Name"] for t in iss["Tasks"]}
    assert {"startmenu", "autostart"} <= tasks
    icons = [iss_entry(i) for i in iss["Icons"]]
    assert any(i["Name"].startswith("{autostartup}") and i["Tasks"] == "autostart" for i in icons)
    assert any(i["Name"].startswith("{autoprograms}") and i["Tasks"] == "startmenu" for i in icons)
    for entry in icons + [iss_entry(r) for r in iss["Run"]]:
        assert entry.get("Tasks", "startmenu") in tasks | {"desktopicon", "shareddata"}


def test_the_shared_data_folder_is_not_open_to_every_local_user() -> None:
    # Faces, templates and the data key live there (issue: "the Windows installer lets every local user
    # modify the data folder").
    iss = parse_iss(WINDOWS / "kiosk.iss")
    text = (WINDOWS / "kiosk.iss").read_text()
    assert "users-modify" not in text and "everyone" not in text.lower().replace("everyone's", "")
    group = re.search(r'#define KioskGroup "([^"]+)"', text).group(1)
    run = [iss_entry(r) for r in iss["Run"]]
    acl = next(r for r in run if r["Filename"].endswith("icacls.exe"))
    params = acl["Parameters"]
    # inherited entries (ProgramData lets every user create files) removed; admins, SYSTEM, the group only
    assert "/inheritance:r" in params and "/grant:r" in params and acl["Tasks"] == "shareddata"
    grants = re.findall(r'("{1,2}[^"]+"{1,2}|\S+):\(OI\)\(CI\)(\w)', params)
    assert sorted((who.strip('"'), right) for who, right in grants) == sorted(
        [("*S-1-5-32-544", "F"), ("*S-1-5-18", "F"), ("{#KioskGroup}", "M")])
    made = next(r for r in run if r["Filename"].endswith("net.exe"))
    assert "localgroup" in made["Parameters"] and "{#KioskGroup}" in made["Parameters"]
    assert run.index(made) < run.index(acl)  # the group exists before it is granted anything
    assert group in (WINDOWS / "README.md").read_text()


def test_pyinstaller_spec_and_entry_are_valid_python() -> None:
    for path in (ROOT / "installer" / "kiosk.spec", ROOT / "installer" / "kiosk_main.py"):
        ast.parse(path.read_text(encoding="utf-8"), str(path))
    spec = (ROOT / "installer" / "kiosk.spec").read_text()
    assert "models.toml" in spec and 'collect_submodules("kiosk")' in spec and '"PySide6.QtWidgets"' in spec


def run_stage(model_dir: Path, dest: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "installer" / "stage_models.py"), str(model_dir), str(dest),
                           *extra], capture_output=True, text=True, timeout=120)


def test_stage_models_converts_the_default_pack_from_its_pip_package(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    proc = run_stage(tmp_path / "empty", tmp_path / "out")
    assert proc.returncode == 0, proc.stderr
    manifest = load_manifest()
    sums = dict(reversed(line.split("  ")) for line in (tmp_path / "out" / "SHA256SUMS").read_text().splitlines())
    pack = manifest.pack("default")
    for model_id in (pack.detector, pack.embedder):
        spec = manifest.get(model_id)
        assert sums[spec.file] == spec.sha256
    assert {p.name for p in (tmp_path / "out").iterdir()} == {"SHA256SUMS"} | set(sums)


@pytest.mark.shared_models
def test_stage_models_copies_only_verified_manifest_files(tmp_path: Path) -> None:
    proc = run_stage(SHARED / "models", tmp_path / "out", "--packs", "default,insightface")
    assert proc.returncode == 0, proc.stderr
    manifest = load_manifest()
    sums = dict(reversed(line.split("  ")) for line in (tmp_path / "out" / "SHA256SUMS").read_text().splitlines())
    pack = manifest.pack("insightface")
    for model_id in (pack.detector, pack.embedder):
        spec = manifest.get(model_id)
        assert sums[spec.file] == spec.sha256
        assert (tmp_path / "out" / spec.file).stat().st_size == (SHARED / "models" / spec.file).stat().st_size
    known = {s.file for s in manifest.models.values()}
    assert {p.name for p in (tmp_path / "out").iterdir()} <= known | {"SHA256SUMS"}


@pytest.mark.shared_models
def test_stage_models_refuses_a_corrupt_file_and_a_missing_pack(tmp_path: Path) -> None:
    manifest = load_manifest()
    det = manifest.get(manifest.pack("insightface").detector).file
    emb = manifest.get(manifest.pack("insightface").embedder).file
    src = tmp_path / "models"
    src.mkdir()
    (src / det).write_bytes(b"not an onnx model")
    (src / emb).write_bytes((SHARED / "models" / emb).read_bytes())
    proc = run_stage(src, tmp_path / "out", "--packs", "insightface")
    assert proc.returncode == 1 and det in proc.stderr and "expected sha256" in proc.stderr
    assert not (tmp_path / "out" / det).exists()
    (src / det).unlink()
    proc = run_stage(src, tmp_path / "out2", "--packs", "insightface")
    assert proc.returncode == 1 and f"{det} (" in proc.stderr and "is not in" in proc.stderr
