"""The kiosk's TOML configuration: defaults, loading with clear messages, and a commented template."""

from __future__ import annotations

import dataclasses
import logging
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.errors import ConfigError

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ModelsConfig:
    """Which models run and how."""

    pack: str = "default"
    dir: str = ""
    detector: str = ""  # "": the pack's
    embedder: str = ""  # "": the pack's; or a model added with `kiosk models add`
    det_size: int = 320
    det_threshold: float = 0.5
    threads: int = 1
    flip: bool = True
    refine_kps: bool = True


@dataclass(frozen=True, slots=True)
class RecognitionConfig:
    """Matching and track-voting rules."""

    threshold: float = 0.0  # 0: the embedder's threshold from the manifest / calibration
    margin: float = 0.0  # 0: the embedder's margin from the manifest
    min_face_px: int = 56
    votes: int = 2
    embed_every: int = 2
    # The "Not recognised" banner is for a stranger at the kiosk, not every face in the background
    # (kiosk.attendance.stranger.StrangerRule): face size as a fraction of the frame's shorter side,
    # head turn, and how long both must hold.
    stranger_min_face: float = 0.2
    stranger_max_yaw: float = 25.0
    stranger_dwell_s: float = 0.7


@dataclass(frozen=True, slots=True)
class CameraConfig:
    """Where frames come from."""

    source: str = "0"
    width: int = 640
    height: int = 480
    fps: int = 30


@dataclass(frozen=True, slots=True)
class AttendanceConfig:
    """When a recognised person counts as checked in."""

    policy: str = "daily"
    cooldown_s: int = 300
    kiosk_id: str = ""
    retention_days: int = 0


@dataclass(frozen=True, slots=True)
class UiConfig:
    """The kiosk window."""

    fullscreen: bool = True
    language: str = ""
    welcome_seconds: float = 3.0


@dataclass(frozen=True, slots=True)
class LivenessConfig:
    """Presentation-attack detection (kiosk.attendance.liveness): off, passive or strict, and its thresholds."""

    mode: str = "off"
    passive_threshold: float = 0.35
    strict_threshold: float = 0.3
    strict_relief: float = 0.036
    strict_window_s: float = 0.9


@dataclass(frozen=True, slots=True)
class DatabaseConfig:
    """Where people, templates and attendance live."""

    url: str = ""
    # The data key file ("" = data.key beside the config file); KIOSK_DATA_KEY and the systemd credential
    # come first (kiosk.store.crypto).
    key_file: str = ""
    # Keep the encrypted backup a schema upgrade makes (default: removed once the upgrade succeeded).
    keep_backup: bool = False


@dataclass(frozen=True, slots=True)
class LoggingConfig:
    """Log files (logs/ in the data folder, rotated)."""

    level: str = "INFO"


OUTPUT_TYPES = ("webhook", "mqtt", "relay")
EVENT_KINDS = ("checkin", "in", "out", "recognised", "unknown", "spoof", "test")


@dataclass(frozen=True, slots=True)
class OutputConfig:
    """One ``[[outputs]]`` table: a target every matching event is delivered to (kiosk.outputs).

    Common: ``name`` (unique), ``type``, ``kinds`` and ``groups`` (empty: everyone), and the retry policy
    (``max_attempts`` tries with exponential backoff from ``backoff_s`` up to ``backoff_max_s``, then the
    message is a dead letter). webhook: ``url``, ``secret``, ``timeout_s``, ``verify_tls``. mqtt: ``url``
    (mqtt:// or mqtts://), ``prefix``, ``username``, ``password``, ``ca_file``, ``discovery``. relay:
    ``relay`` = serial (``device``, ``baudrate``, ``on_bytes``/``off_bytes`` in hex), gpio (``gpio_chip``,
    ``gpio_line``) or http (``url``), each pulsed for ``pulse_ms``.
    """

    name: str = ""
    type: str = ""
    kinds: tuple[str, ...] = ("checkin", "in", "out")
    groups: tuple[str, ...] = ()
    hours: str = ""  # "07:00-19:00": only events at these local times ("" = always; "22:00-06:00" wraps)
    max_attempts: int = 10
    backoff_s: float = 1.0
    backoff_max_s: float = 300.0
    url: str = ""
    secret: str = ""
    timeout_s: float = 5.0
    verify_tls: bool = True
    prefix: str = "kiosk"
    username: str = ""
    password: str = ""
    ca_file: str = ""
    discovery: bool = False
    relay: str = ""
    device: str = ""
    baudrate: int = 9600
    # The common 4-byte USB relay board protocol (LCUS-1 style): A0 <channel> <state> <checksum>.
    on_bytes: str = "A00101A2"
    off_bytes: str = "A00100A1"
    gpio_chip: str = "/dev/gpiochip0"
    gpio_line: int = -1
    pulse_ms: int = 500


_COMMON_OUTPUT_KEYS = ("name", "type", "kinds", "groups", "hours", "max_attempts", "backoff_s", "backoff_max_s")


def parse_hours(text: str) -> tuple[int, int] | None:
    """``"HH:MM-HH:MM"`` as (start, end) minutes after local midnight; None for "" (always). ValueError if bad."""
    if not text.strip():
        return None
    start, end = (part.strip() for part in text.split("-"))
    out = []
    for hm in (start, end):
        h, m = hm.split(":")
        if not (0 <= int(h) <= 24 and 0 <= int(m) < 60):
            raise ValueError(hm)
        out.append(int(h) * 60 + int(m))
    return out[0], out[1]
_OUTPUT_KEYS: dict[str, tuple[str, ...]] = {
    "webhook": (*_COMMON_OUTPUT_KEYS, "url", "secret", "timeout_s", "verify_tls"),
    "mqtt": (*_COMMON_OUTPUT_KEYS, "url", "prefix", "username", "password", "ca_file", "discovery", "timeout_s"),
    "relay": (*_COMMON_OUTPUT_KEYS, "relay", "device", "baudrate", "on_bytes", "off_bytes", "gpio_chip",
              "gpio_line", "url", "pulse_ms", "timeout_s", "verify_tls"),
}
_OUTPUT_RANGES: dict[str, tuple[float, float]] = {
    "max_attempts": (1, 1000), "backoff_s": (0.01, 3600.0), "backoff_max_s": (0.01, 86400.0),
    "timeout_s": (0.1, 120.0), "baudrate": (50, 4_000_000), "pulse_ms": (10, 60_000), "gpio_line": (-1, 4096),
}


def _output_from_dict(i: int, raw: Any, where: str, seen: set[str]) -> OutputConfig:
    """One ``[[outputs]]`` table, checked key by key with messages that name the table."""
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: outputs must be [[outputs]] tables")
    name = raw.get("name")
    label = f"[[outputs]] #{i + 1}" + (f" ({name!r})" if isinstance(name, str) and name else "")
    if not isinstance(name, str) or not name.strip() or len(name) > 100:
        raise ConfigError(f"{where}: {label} needs name = \"...\" (text, at most 100 characters)")
    if name in seen:
        raise ConfigError(f"{where}: {label}: another output is already named {name!r}; names must be unique")
    kind = raw.get("type")
    if kind not in OUTPUT_TYPES:
        raise ConfigError(f"{where}: {label}: type = {kind!r} must be one of {', '.join(map(repr, OUTPUT_TYPES))}")
    allowed = _OUTPUT_KEYS[kind]
    unknown = set(raw) - set(allowed)
    if unknown:
        raise ConfigError(f"{where}: {label}: unknown key(s) for a {kind} output: {', '.join(sorted(unknown))} "
                          f"(known: {', '.join(allowed)})")
    defaults = OutputConfig()
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key in ("kinds", "groups"):
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{where}: {label}: {key} must be a list of text, e.g. [\"checkin\"]")
            if key == "kinds":
                bad = [v for v in value if v not in EVENT_KINDS]
                if bad or not value:
                    raise ConfigError(f"{where}: {label}: kinds = {value!r}: each must be one of "
                                      f"{', '.join(map(repr, EVENT_KINDS))} (and at least one)")
            values[key] = tuple(value)
            continue
        value = _coerce("outputs", key, value, getattr(defaults, key), f"{where}: {label}")
        bounds = _OUTPUT_RANGES.get(key)
        if bounds is not None and not bounds[0] <= value <= bounds[1]:
            raise ConfigError(f"{where}: {label}: {key} = {value!r} must be between {bounds[0]} and {bounds[1]}")
        values[key] = value
    out = dataclasses.replace(defaults, **values)
    try:
        parse_hours(out.hours)
    except ValueError:
        raise ConfigError(f"{where}: {label}: hours = {out.hours!r} must look like \"07:00-19:00\" "
                          "(local time)") from None
    if kind == "webhook" and not out.url.startswith(("http://", "https://")):
        raise ConfigError(f"{where}: {label}: a webhook needs url = \"https://...\" (http:// or https://)")
    if kind == "mqtt" and not out.url.startswith(("mqtt://", "mqtts://")):
        raise ConfigError(f"{where}: {label}: an mqtt output needs url = \"mqtt://host:1883\" (or mqtts://)")
    if kind == "relay":
        if out.relay not in ("serial", "gpio", "http"):
            raise ConfigError(f"{where}: {label}: relay = {out.relay!r} must be 'serial', 'gpio' or 'http'")
        if out.relay == "serial":
            if not out.device:
                raise ConfigError(f"{where}: {label}: a serial relay needs device = \"/dev/ttyUSB0\" (or COM3)")
            for key in ("on_bytes", "off_bytes"):
                try:
                    bytes.fromhex(getattr(out, key))
                except ValueError:
                    raise ConfigError(f"{where}: {label}: {key} = {getattr(out, key)!r} must be hex bytes, "
                                      f"e.g. \"A00101A2\"") from None
        if out.relay == "gpio" and out.gpio_line < 0:
            raise ConfigError(f"{where}: {label}: a gpio relay needs gpio_line = N (and gpio_chip)")
        if out.relay == "http" and not out.url.startswith(("http://", "https://")):
            raise ConfigError(f"{where}: {label}: an http relay needs url = \"http://...\"")
    seen.add(name)
    return out


@dataclass(frozen=True, slots=True)
class Config:
    """All settings, each section with its defaults."""

    models: ModelsConfig = field(default_factory=ModelsConfig)
    recognition: RecognitionConfig = field(default_factory=RecognitionConfig)
    camera: CameraConfig = field(default_factory=CameraConfig)
    attendance: AttendanceConfig = field(default_factory=AttendanceConfig)
    ui: UiConfig = field(default_factory=UiConfig)
    database: DatabaseConfig = field(default_factory=DatabaseConfig)
    liveness: LivenessConfig = field(default_factory=LivenessConfig)
    outputs: tuple[OutputConfig, ...] = ()
    logging: LoggingConfig = field(default_factory=LoggingConfig)


_CHOICES: dict[tuple[str, str], tuple[str, ...]] = {
    ("attendance", "policy"): ("daily", "inout", "cooldown"),
    ("ui", "language"): ("", "en", "ja", "zh_CN"),
    ("liveness", "mode"): ("off", "passive", "strict"),
    ("logging", "level"): ("DEBUG", "INFO", "WARNING", "ERROR"),
}
_RANGES: dict[tuple[str, str], tuple[float, float]] = {
    ("models", "det_size"): (128, 1920),
    ("models", "det_threshold"): (0.05, 0.99),
    ("models", "threads"): (0, 64),
    ("recognition", "threshold"): (0.0, 1.0),
    ("recognition", "margin"): (0.0, 1.0),
    ("recognition", "min_face_px"): (0, 4000),
    ("recognition", "votes"): (1, 30),
    ("recognition", "embed_every"): (1, 30),
    ("recognition", "stranger_min_face"): (0.0, 1.0),
    ("recognition", "stranger_max_yaw"): (0.0, 90.0),
    ("recognition", "stranger_dwell_s"): (0.0, 10.0),
    ("camera", "width"): (0, 8192),
    ("camera", "height"): (0, 8192),
    ("camera", "fps"): (1, 240),
    ("attendance", "cooldown_s"): (0, 86400 * 7),
    ("attendance", "retention_days"): (0, 36500),
    ("ui", "welcome_seconds"): (0.5, 60),
    ("liveness", "passive_threshold"): (0.0, 1.0),
    ("liveness", "strict_threshold"): (0.0, 1.0),
    ("liveness", "strict_relief"): (0.0, 1.0),
    ("liveness", "strict_window_s"): (0.2, 5.0),
}


def _coerce(section: str, key: str, value: Any, default: Any, where: str) -> Any:
    kind = type(default)
    if kind is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: [{section}] {key} = {value!r} must be true or false")
    elif kind is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{where}: [{section}] {key} = {value!r} must be a whole number")
    elif kind is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{where}: [{section}] {key} = {value!r} must be a number")
        value = float(value)
    elif kind is str:
        if isinstance(value, int) and not isinstance(value, bool) and key == "source":
            value = str(value)  # camera index written as a number
        if not isinstance(value, str):
            raise ConfigError(f"{where}: [{section}] {key} = {value!r} must be text in quotes")
    choices = _CHOICES.get((section, key))
    if choices is not None and value not in choices:
        raise ConfigError(f"{where}: [{section}] {key} = {value!r} must be one of {', '.join(map(repr, choices))}")
    bounds = _RANGES.get((section, key))
    if bounds is not None and not bounds[0] <= value <= bounds[1]:
        raise ConfigError(f"{where}: [{section}] {key} = {value!r} must be between {bounds[0]} and {bounds[1]}")
    return value


# Keys an older kiosk wrote that mean nothing now: a config holding one still loads, with a warning
# that says what took its place (its value is not carried over: the meaning changed).
RETIRED_KEYS: dict[tuple[str, str], str] = {
    ("liveness", "strict_parallax"): "strict mode now judges the relief (nose x face-texture parallax): "
                                     "set [liveness] strict_relief instead (default 0.036); the old value is ignored",
}


def config_from_dict(raw: dict[str, Any], where: str = "config") -> Config:
    """Build a Config from parsed TOML, refusing unknown sections/keys and bad values by name."""
    sections: dict[str, Any] = {}
    for f in dataclasses.fields(Config):
        if f.name == "outputs":
            given_outputs = raw.get("outputs", [])
            if not isinstance(given_outputs, list):
                raise ConfigError(f"{where}: outputs must be [[outputs]] tables (an array of tables), not [outputs]")
            seen: set[str] = set()
            sections["outputs"] = tuple(_output_from_dict(i, o, where, seen) for i, o in enumerate(given_outputs))
            continue
        section_cls = f.default_factory()  # type: ignore[misc]
        given = raw.get(f.name, {})
        if not isinstance(given, dict):
            raise ConfigError(f"{where}: [{f.name}] must be a table")
        known = {sf.name: getattr(section_cls, sf.name) for sf in dataclasses.fields(section_cls)}
        for key in [k for k in given if (f.name, k) in RETIRED_KEYS]:
            log.warning("%s: [%s] %s: %s", where, f.name, key, RETIRED_KEYS[(f.name, key)])
            given = {k: v for k, v in given.items() if k != key}
        unknown = set(given) - set(known)
        if unknown:
            raise ConfigError(f"{where}: unknown key(s) in [{f.name}]: {', '.join(sorted(unknown))} "
                              f"(known: {', '.join(known)})")
        values = {k: _coerce(f.name, k, v, known[k], where) for k, v in given.items()}
        sections[f.name] = dataclasses.replace(section_cls, **values)
    unknown_sections = set(raw) - set(sections)
    if unknown_sections:
        raise ConfigError(f"{where}: unknown section(s): {', '.join(sorted(unknown_sections))}")
    return Config(**sections)


def load_config(path: Path | None) -> Config:
    """The config at ``path`` (defaults when the file does not exist)."""
    if path is None or not path.exists():
        return Config()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror or exc})") from None
    return config_from_dict(raw, str(path))


TEMPLATE = """\
# Face check-in kiosk configuration. Every key is optional; the value shown is the default.

[models]
pack = "default"        # default | insightface | insightface-accurate | dlib  (`kiosk models` lists them and licences)
dir = ""                # folder holding the model files (also --model-dir, KIOSK_MODEL_DIR)
detector = ""           # "" = the pack's detector; or a manifest model id
embedder = ""           # "" = the pack's embedder; or a model id, e.g. one added with `kiosk models add`
det_size = 320          # detector input, long side in px: 320 finds faces >= 56 px; 480 those >= 40 px (2.3x time)
det_threshold = 0.5     # detector score threshold
threads = 1             # ONNX Runtime threads per model (0 = one per core); 1 leaves a core to the window
flip = true             # add the mirrored face's embedding (more accurate, 2x embed time)
refine_kps = true       # average keypoints with the mirrored face's (more accurate, +1 small detection)

[recognition]
threshold = 0.0         # cosine threshold to name a person; 0 = the model's open-set default (kiosk calibrate)
margin = 0.0            # the best person must beat the runner-up by this much; 0 = the model's default
min_face_px = 56        # ignore faces smaller than this (pixels; ~1.5 m from a 640x480 camera)
votes = 2               # agreeing frames on a track before a check-in
embed_every = 2         # embed each tracked face every N frames
# "Not recognised" banner only for an unknown face at the kiosk, not for passers-by in the background:
stranger_min_face = 0.2   # face box's shorter side / frame's shorter side (0.2 = 96 px at 640x480: ~0.9 m away)
stranger_max_yaw = 25.0   # head turned at most this many degrees (facing the kiosk)
stranger_dwell_s = 0.7    # both for this many seconds without a break (0 / 90 / 0: every unknown face)

[camera]
source = "0"            # camera index, video file, rtsp:// or http:// URL, or a folder of images
width = 640
height = 480
fps = 30

[attendance]
policy = "daily"        # daily (one check-in a day) | inout (IN/OUT toggle) | cooldown (every pass)
cooldown_s = 300        # seconds before the same person is recorded again (inout, cooldown)
kiosk_id = ""           # name of this kiosk in exports; "" = the computer's host name
retention_days = 0      # purge attendance older than this many days (0 = keep)

[ui]
fullscreen = true
language = ""           # "" = system language; en | ja | zh_CN
welcome_seconds = 3.0   # how long the welcome banner stays

[database]
url = ""                # "" = SQLite in the data home; or postgresql://user:pass@host/db
key_file = ""           # data key (encrypts faces at rest); "" = data.key beside this file.
                        # KIOSK_DATA_KEY and the systemd credential kiosk-data-key come first.
keep_backup = false     # keep the encrypted backup a schema upgrade makes (else removed after it)

[liveness]
# Presentation-attack detection: a photo or a phone screen must not check anyone in (README, "Liveness").
mode = "off"            # off | passive (anti-spoofing networks decide) | strict (networks and head motion)
passive_threshold = 0.35  # passive: least mean P(real) of the networks over a track
strict_threshold = 0.3    # strict: least mean P(real) of the networks
strict_relief = 0.036   # strict: least relief, nose x face-texture parallax (inter-ocular distances), of a live head
strict_window_s = 0.9     # strict: a track not shown live by then is judged an attack

[logging]
level = "INFO"          # DEBUG | INFO | WARNING | ERROR, written to logs/kiosk.log (5 x 1 MB, rotated)

# Outputs: any number of [[outputs]] tables; every matching event is delivered at least once, in order,
# with a stable event_id (see `kiosk events`). Examples (remove the leading "# " to use):
# [[outputs]]
# name = "hr"
# type = "webhook"        # webhook | mqtt | relay
# url = "https://hr.example.com/kiosk"
# secret = "change-me"    # X-Kiosk-Signature: sha256=<HMAC-SHA256 of the body>
# kinds = ["checkin", "in", "out"]
# groups = []             # [] = everyone
# max_attempts = 10       # then a dead letter (`kiosk events retry`)
#
# [[outputs]]
# name = "door"
# type = "relay"
# relay = "serial"        # serial | gpio | http
# device = "/dev/ttyUSB0"
# pulse_ms = 500
# groups = ["staff"]
# kinds = ["checkin", "in", "recognised"]   # "recognised": every pass, also when nothing is recorded
# hours = "07:00-19:00"   # only at these local times ("" = always)
"""


def write_template(path: Path, force: bool = False) -> None:
    """Write the commented default config; refuses to overwrite unless ``force``."""
    if path.exists() and not force:
        raise ConfigError(f"{path} already exists (use --force to overwrite)")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(TEMPLATE, encoding="utf-8")
