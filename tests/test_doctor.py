"""``kiosk doctor``: run for real as a subprocess in throw-away data homes, with real models."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import cv2
import pytest

from kiosk import __version__, qtdeps
from kiosk.doctor import CHECKS, DoctorOptions, _Timeout, _with_timeout, check_qt_libs, probe_camera
from kiosk.modelzoo.manifest import load_manifest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("KIOSK_SHARED", ROOT.parent / "shared"))
MODELS = SHARED / "models"
VIDEO = SHARED / "data" / "video" / "short_hamilton_clip.mp4"
STATUSES = {"ok", "warn", "fail"}


def run_doctor(tmp_path: Path, model_dir: Path, *extra: str, camera: str | Path | None = None,
               home: Path | None = None, pack: str = "") -> tuple[int, str, str]:
    """``kiosk doctor`` in a subprocess with its own data home; camera: the [camera] source; pack: [models] pack."""
    home = home or tmp_path / "home"
    config = (f'[camera]\nsource = "{camera}"\n' if camera is not None else "") + (
        f'[models]\npack = "{pack}"\n' if pack else "")
    if config:
        home.mkdir(parents=True, exist_ok=True)
        (home / "config.toml").write_text(config, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "KIOSK_CONFIG", "KIOSK_MODEL_DIR")}
    env.update(PYTHONPATH=str(ROOT), KIOSK_HOME=str(home), KIOSK_MODEL_DIR=str(model_dir),
               XDG_DATA_HOME=str(tmp_path / "xdg"))  # no models from the user's own data dir
    proc = subprocess.run([sys.executable, "-m", "kiosk", "doctor", *extra], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=180)
    return proc.returncode, proc.stdout, proc.stderr


def checks_of(stdout: str) -> dict[str, dict]:
    doc = json.loads(stdout)
    return {c["name"]: c for c in doc["checks"]}


def pack_files(name: str = "default") -> list[str]:
    manifest = load_manifest()
    pack = manifest.pack(name)
    return [manifest.get(pack.detector).file, manifest.get(pack.embedder).file]


def test_doctor_json_with_real_models_and_video_source(tmp_path: Path) -> None:
    # No model folder: the default pack's models are converted from the pip package.
    (tmp_path / "no-models").mkdir()
    rc, out, err = run_doctor(tmp_path, tmp_path / "no-models", "--json", camera=VIDEO)
    doc = json.loads(out)
    assert set(doc) >= {"ok", "checks", "version"}
    assert doc["version"] == __version__
    assert [c["name"] for c in doc["checks"]] == list(CHECKS)
    for c in doc["checks"]:
        assert set(c) >= {"name", "status", "detail", "fix"}
        assert c["status"] in STATUSES
        assert c["detail"]
        if c["status"] != "ok":
            assert c["fix"], f"{c['name']} is {c['status']} without a fix"
    checks = checks_of(out)
    models = checks["models"]
    assert models["status"] == "ok", models
    assert [f["file"] for f in models["data"]["files"]] == pack_files()
    assert all(f["status"] == "ok" for f in models["data"]["files"])
    assert models["data"]["load_s"] > 0 and models["data"]["dim"] == 128
    cam = checks["cameras"]
    cap = cv2.VideoCapture(str(VIDEO))
    width, height = int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)), int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT))
    cap.release()
    assert cam["status"] == "ok" and f"{width}x{height}" in cam["detail"], cam
    assert checks["database"]["status"] in ("ok", "warn")  # nothing enrolled in a new home
    assert checks["cpu"]["data"]["cores"] >= 1 and "CPUExecutionProvider" in checks["cpu"]["data"]["providers"]
    assert checks["data_home"]["status"] == "ok"
    # No failed check: exit code 0 (warnings allowed).
    assert doc["ok"] is True and rc == 0, err


def test_doctor_empty_model_dir_fails_with_fix_naming_the_files(tmp_path: Path) -> None:
    empty = tmp_path / "no-models"
    empty.mkdir()
    rc, out, _ = run_doctor(tmp_path, empty, "--json", camera=VIDEO, pack="insightface")
    doc = json.loads(out)
    models = checks_of(out)["models"]
    assert models["status"] == "fail"
    for name in pack_files("insightface"):
        assert name in models["detail"] and name in models["fix"]
    assert str(empty) in models["fix"]  # says where to put them
    assert doc["ok"] is False and rc == 1


@pytest.mark.shared_models
def test_doctor_corrupt_model_is_a_mismatch_with_the_expected_hash(tmp_path: Path) -> None:
    det, emb = pack_files("insightface")
    folder = tmp_path / "models"
    folder.mkdir()
    shutil.copy(MODELS / emb, folder / emb)
    (folder / det).write_bytes((MODELS / det).read_bytes()[:4096])  # a truncated download
    rc, out, _ = run_doctor(tmp_path, folder, "--json", camera=VIDEO, pack="insightface")
    models = checks_of(out)["models"]
    spec = load_manifest().models["det_500m"]
    assert models["status"] == "fail" and "does not match" in models["detail"]
    assert spec.sha256 in models["fix"] and spec.source in models["fix"]
    assert rc == 1


def test_doctor_missing_video_source_is_a_camera_failure(tmp_path: Path) -> None:
    missing = tmp_path / "gone.mp4"
    rc, out, _ = run_doctor(tmp_path, tmp_path, "--json", "--skip", "models", camera=missing)
    cam = checks_of(out)["cameras"]
    assert cam["status"] == "fail" and str(missing) in cam["detail"]
    assert "[camera] source" in cam["fix"]
    assert rc == 1


def test_doctor_data_home_that_is_a_file_fails(tmp_path: Path) -> None:
    home = tmp_path / "home-is-a-file"
    home.write_text("not a folder")
    rc, out, _ = run_doctor(tmp_path, tmp_path, "--json", "--skip", "models", "--skip", "cameras", home=home)
    check = checks_of(out)["data_home"]
    assert check["status"] == "fail" and "not a folder" in check["detail"] and check["fix"]
    assert rc == 1


def test_doctor_skip_and_human_output(tmp_path: Path) -> None:
    empty = tmp_path / "none"
    empty.mkdir()
    rc, out, _ = run_doctor(tmp_path, empty, "--skip", "cameras", "--skip", "gallery", pack="insightface")
    lines = out.splitlines()
    assert rc == 1
    assert any(line.startswith("FAIL  models") for line in lines)
    assert any("fix: put det_500m.onnx" in line for line in lines)
    assert not any(" cameras " in line for line in lines) and not any(" gallery " in line for line in lines)
    assert "NOT ready" in lines[-1]


def test_doctor_counts_people_in_the_store(tmp_path: Path) -> None:
    """An enrolled person shows up in the database check, and the gallery agrees with the database."""
    from kiosk.store import Store

    home = tmp_path / "home"
    home.mkdir()
    store = Store.open(f"sqlite:///{home / 'kiosk.sqlite3'}")
    store.people.add("Ada Lovelace")
    store.close()
    rc, out, _ = run_doctor(tmp_path, tmp_path / "no-models", "--json", camera=VIDEO, home=home)
    db = checks_of(out)["database"]
    assert db["status"] == "ok" and db["data"]["people"] == 1, db
    assert checks_of(out)["gallery"]["status"] == "ok"
    assert rc == 0


def test_probe_camera_reads_a_video_file() -> None:
    probe = probe_camera(str(VIDEO), 0, 0, 0, timeout_s=5.0, measure_s=0.0)
    assert probe.opened and probe.width > 0 and probe.height > 0
    assert probe.fps_reported > 0


def test_probe_camera_of_a_missing_device_reports_instead_of_raising(tmp_path: Path) -> None:
    probe = probe_camera(str(tmp_path / "no-such-video.mp4"), 0, 0, 0, timeout_s=2.0, measure_s=0.0)
    assert not probe.opened and probe.error
    assert "cannot be opened" in probe.describe() or "error" in probe.describe()


def test_with_timeout_gives_up_on_a_hung_call() -> None:
    import threading

    release = threading.Event()
    with pytest.raises(_Timeout):
        _with_timeout(release.wait, 0.05)  # a driver call that never returns
    release.set()
    assert _with_timeout(lambda: 42, 5.0) == 42
    with pytest.raises(ValueError):
        _with_timeout(lambda: int("x"), 5.0)


def test_doctor_options_defaults_are_quick() -> None:
    opts = DoctorOptions()
    assert opts.camera_timeout_s <= 5 and opts.max_cameras >= 1


def test_doctor_reports_a_bad_config_file_instead_of_stopping(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text("[camera]\nfps = 'fast'\n")
    rc, out, _ = run_doctor(tmp_path, tmp_path / "no-models", "--json", "--skip", "cameras", home=home)
    cfg = checks_of(out)["config"]
    assert rc == 1 and cfg["status"] == "fail" and "fps" in cfg["detail"] and "config init" in cfg["fix"]


LINUX = sys.platform.startswith("linux")
ONLY_XCB = ["libxcb-icccm.so.4", "libxcb-keysyms.so.1"]


@pytest.mark.skipif(not LINUX, reason="the xcb libraries are a Linux matter")
def test_doctor_finds_every_qt_xcb_library_on_this_machine(tmp_path: Path) -> None:
    """The real check, run by the real command: test.sh (as root) installs the list, so nothing is missing."""
    rc, out, err = run_doctor(tmp_path, MODELS, "--json", "--skip", "models", "--skip", "cameras",
                              "--skip", "gallery", "--skip", "database")
    check = checks_of(out)["qt_libs"]
    count = sum(len(p.sonames) for p in qtdeps.load_packages())
    assert check["status"] == "ok", (check, err)
    assert rc in (0, 1)  # the command ran to its report (other checks may warn or fail on a dev box)
    assert check["detail"] == f"all {count} system libraries of Qt's X11 (xcb) plugin are present"
    assert check["data"]["missing"] == [] and check["data"]["plugin"].endswith("platforms/libqxcb.so")


@pytest.mark.skipif(not LINUX, reason="ldd")
def test_doctor_qt_libs_with_libraries_the_loader_really_cannot_find(tmp_path: Path, monkeypatch) -> None:
    """A copy of Qt's xcb plugin away from the Qt libraries it loads: ldd really answers "not found"."""
    plugin = qtdeps.xcb_plugin()
    assert plugin is not None
    copy = tmp_path / "platforms" / "libqxcb.so"
    copy.parent.mkdir()
    shutil.copy(plugin, copy)
    monkeypatch.setattr(qtdeps, "xcb_plugin", lambda: copy)
    result = check_qt_libs(None, DoctorOptions())  # type: ignore[arg-type]  # the check reads no context
    assert result.status == "fail" and "libQt6XcbQpa.so.6" in result.detail
    assert "libQt6XcbQpa.so.6" in result.data["unknown"] and "reinstall the kiosk" in result.fix


@pytest.mark.skipif(not LINUX, reason="the xcb libraries are a Linux matter")
@pytest.mark.parametrize(("qpa", "missing", "status"), [
    (None, ONLY_XCB, "fail"),  # Qt's default on an X screen is xcb: the kiosk would not open
    ("xcb", ONLY_XCB, "fail"),
    ("offscreen", ONLY_XCB, "warn"),  # this process would work; a real screen would not
    ("wayland;xcb", ONLY_XCB, "warn"),  # cage: xcb is only the fallback
    ("offscreen", ["libGL.so.1", *ONLY_XCB], "fail"),  # QtGui itself needs libGL: nothing opens
])
def test_doctor_qt_libs_status_follows_the_platform_qt_will_use(monkeypatch, qpa: str | None, missing: list[str],
                                                                status: str) -> None:
    if qpa is None:
        monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    else:
        monkeypatch.setenv("QT_QPA_PLATFORM", qpa)
    monkeypatch.setattr(qtdeps, "missing_libraries", lambda plugin: list(missing))
    result = check_qt_libs(None, DoctorOptions())  # type: ignore[arg-type]
    assert result.status == status
    assert all(so in result.detail for so in missing)
    packages = qtdeps.classify(missing, qtdeps.load_packages()).package_names()
    assert result.fix == qtdeps.apt_command(packages)  # the one command that fixes it
    assert result.fix.startswith("sudo apt-get install -y --no-install-recommends ") and "libxcb-icccm4" in result.fix


def test_doctor_qt_libs_is_not_a_problem_off_linux(monkeypatch) -> None:
    import kiosk.doctor

    monkeypatch.setattr(kiosk.doctor, "_is_linux", lambda: False)
    monkeypatch.setattr(qtdeps, "missing_libraries", lambda plugin: pytest.fail("ldd asked off Linux"))
    assert check_qt_libs(None, DoctorOptions()).status == "ok"  # type: ignore[arg-type]
