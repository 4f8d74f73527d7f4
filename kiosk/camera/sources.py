"""Frame sources: a camera index, a video file, an RTSP/HTTP stream or a folder of images.

Each source opens, reads one BGR frame at a time and closes; failures raise SourceError so the
camera loop can report "camera unavailable" and reconnect. Finite sources (files, folders) return
None at their end. Nothing here knows about Qt: the window and the headless runner share it.
"""

from __future__ import annotations

import logging
import sys
from abc import ABC, abstractmethod
from pathlib import Path

import cv2
import numpy as np

from kiosk.config import CameraConfig
from kiosk.errors import ImageError, KioskError
from kiosk.vision.image_io import read_image

log = logging.getLogger(__name__)

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff"})
# Network streams: give up opening/reading after this long instead of hanging the camera thread.
STREAM_TIMEOUT_MS = 5000


class SourceError(KioskError):
    """A frame source could not be opened or stopped delivering frames."""


class FrameSource(ABC):
    """One place frames come from.

    live: frames arrive in real time by themselves (a camera or stream): never paced, time from the clock.
    fps: nominal frame rate (a video file's own rate; the config's for folders and cameras).
    """

    kind: str = "source"
    live: bool = False

    def __init__(self, spec: str, fps: float) -> None:
        self.spec = spec
        self.fps = float(fps) if fps and fps > 0 else 30.0

    @abstractmethod
    def open(self) -> None:
        """Open (or reopen) the source; SourceError when it is not there."""

    @abstractmethod
    def read(self) -> np.ndarray | None:
        """The next BGR frame; None at the end of a finite source; SourceError when reading fails."""

    @abstractmethod
    def close(self) -> None:
        """Release the device or file (safe to call twice)."""

    def rewind(self) -> None:
        """Start a finite source from its first frame again (looping demos); live sources just reopen."""
        self.open()

    def describe(self) -> str:
        """A short human name for logs and the status line."""
        return f"{self.kind} {self.spec}"


class _CaptureSource(FrameSource):
    """Sources read through cv2.VideoCapture."""

    def __init__(self, spec: str, fps: float) -> None:
        super().__init__(spec, fps)
        self._cap: cv2.VideoCapture | None = None

    def close(self) -> None:
        if self._cap is not None:
            self._cap.release()
            self._cap = None

    def _grab(self) -> np.ndarray | None:
        if self._cap is None:
            raise SourceError(f"{self.describe()} is not open")
        try:
            ok, frame = self._cap.read()
        except cv2.error as exc:  # a driver error mid-stream is a lost camera, not a crash
            raise SourceError(f"{self.describe()}: read failed ({exc})") from None
        if not ok or frame is None or frame.size == 0:
            return None
        if frame.ndim != 3 or frame.shape[2] != 3 or frame.dtype != np.uint8:
            from kiosk.vision.image_io import to_bgr8

            frame = to_bgr8(frame, self.describe())
        return frame


class DeviceSource(_CaptureSource):
    """A local camera by index (0 = the first one) or a device path such as /dev/video0."""

    kind = "camera"
    live = True

    def __init__(self, spec: str, camera: CameraConfig) -> None:
        super().__init__(spec, camera.fps)
        self.camera = camera

    def open(self) -> None:
        self.close()
        target: int | str = int(self.spec) if self.spec.isdigit() else self.spec
        # DirectShow opens in a fraction of the time MSMF takes on Windows; elsewhere OpenCV's choice.
        api = cv2.CAP_DSHOW if sys.platform == "win32" and isinstance(target, int) else cv2.CAP_ANY
        cap = cv2.VideoCapture(target, api)
        if not cap.isOpened():
            cap.release()
            raise SourceError(f"camera {self.spec} could not be opened (unplugged or in use by another program?)")
        if self.camera.width and self.camera.height:
            cap.set(cv2.CAP_PROP_FRAME_WIDTH, self.camera.width)
            cap.set(cv2.CAP_PROP_FRAME_HEIGHT, self.camera.height)
        cap.set(cv2.CAP_PROP_FPS, self.camera.fps)
        # One buffered frame: the newest picture, not one from half a second ago.
        cap.set(cv2.CAP_PROP_BUFFERSIZE, 1)
        self._cap = cap

    def read(self) -> np.ndarray | None:
        frame = self._grab()
        if frame is None:
            raise SourceError(f"camera {self.spec} stopped delivering frames")
        return frame


class StreamSource(_CaptureSource):
    """An RTSP or HTTP(S) camera stream."""

    kind = "stream"
    live = True

    def __init__(self, spec: str, camera: CameraConfig) -> None:
        super().__init__(spec, camera.fps)

    def open(self) -> None:
        self.close()
        params = [cv2.CAP_PROP_OPEN_TIMEOUT_MSEC, STREAM_TIMEOUT_MS, cv2.CAP_PROP_READ_TIMEOUT_MSEC, STREAM_TIMEOUT_MS]
        cap = cv2.VideoCapture(self.spec, cv2.CAP_FFMPEG, params)
        if not cap.isOpened():
            cap.release()
            raise SourceError(f"stream {self.describe_url()} could not be opened")
        cap.set(cv2.CAP_PROP_BUFFERSIZE, 1)
        self._cap = cap

    def read(self) -> np.ndarray | None:
        frame = self._grab()
        if frame is None:
            raise SourceError(f"stream {self.describe_url()} stopped delivering frames")
        return frame

    def describe_url(self) -> str:
        """The URL without a password (it ends up in logs and on screen)."""
        scheme, sep, rest = self.spec.partition("://")
        if sep and "@" in rest.split("/", 1)[0]:
            rest = "***@" + rest.split("@", 1)[1]
        return f"{scheme}{sep}{rest}"

    def describe(self) -> str:
        return f"stream {self.describe_url()}"


class VideoFileSource(_CaptureSource):
    """A video file, read frame by frame at its own frame rate."""

    kind = "video"
    live = False

    def __init__(self, spec: str, camera: CameraConfig) -> None:
        super().__init__(spec, camera.fps)
        self._fps_from_file = False

    def open(self) -> None:
        self.close()
        path = Path(self.spec)
        if not path.is_file():
            raise SourceError(f"{path}: no such video file")
        cap = cv2.VideoCapture(str(path))
        if not cap.isOpened():
            cap.release()
            raise SourceError(f"{path}: not a video OpenCV can read")
        fps = cap.get(cv2.CAP_PROP_FPS)
        if fps and 1.0 <= fps <= 240.0:  # some containers report 0 or 1000: keep the config's rate then
            self.fps = float(fps)
        self._cap = cap

    def read(self) -> np.ndarray | None:
        return self._grab()

    def rewind(self) -> None:
        self.open()


class ImageFolderSource(FrameSource):
    """A folder of images shown as frames in file-name order (demos, tests, a camera's snapshots).

    Unreadable files are skipped with a warning. The position survives a reopen, so a folder on a
    network share that disappears and comes back continues where it stopped.
    """

    kind = "folder"
    live = False

    def __init__(self, spec: str, camera: CameraConfig) -> None:
        super().__init__(spec, camera.fps)
        self._files: list[Path] = []
        self._pos = 0
        self._open = False

    def open(self) -> None:
        folder = Path(self.spec)
        try:
            files = sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file())
        except OSError as exc:
            raise SourceError(f"{folder}: image folder unavailable ({exc.strerror or exc})") from None
        if not files:
            raise SourceError(f"{folder}: no images (.jpg, .png, ...) in this folder")
        self._files = files
        self._open = True

    def read(self) -> np.ndarray | None:
        if not self._open:
            raise SourceError(f"{self.describe()} is not open")
        while self._pos < len(self._files):
            path = self._files[self._pos]
            if not path.parent.is_dir():
                raise SourceError(f"{path.parent}: image folder unavailable")
            try:
                frame = read_image(path)
            except ImageError as exc:
                if not path.exists() and not path.parent.is_dir():
                    raise SourceError(f"{path.parent}: image folder unavailable") from None
                log.warning("skipping %s", exc)
                self._pos += 1
                continue
            self._pos += 1
            return frame
        return None

    def close(self) -> None:
        self._open = False

    def rewind(self) -> None:
        self._pos = 0
        self.open()

    @property
    def position(self) -> int:
        """Index of the next file to read."""
        return self._pos


def open_source(spec: str, camera: CameraConfig) -> FrameSource:
    """The frame source ``spec`` names (not opened yet).

    A number is a camera index; ``rtsp://``, ``http(s)://`` a stream; a folder a folder of images;
    anything else a video file. SourceError when nothing by that name exists.
    """
    spec = str(spec).strip()
    if not spec:
        raise SourceError("no camera or video given (set [camera] source in the config or use --source)")
    if spec.isdigit() or spec.startswith("/dev/video"):
        return DeviceSource(spec, camera)
    if "://" in spec:
        scheme = spec.split("://", 1)[0].lower()
        if scheme not in ("rtsp", "rtsps", "rtmp", "http", "https", "udp", "tcp"):
            raise SourceError(f"{spec}: unsupported stream type {scheme!r} (use rtsp://, http:// or https://)")
        return StreamSource(spec, camera)
    path = Path(spec).expanduser()
    if path.is_dir():
        return ImageFolderSource(str(path), camera)
    if path.is_file():
        return VideoFileSource(str(path), camera)
    raise SourceError(f"{spec}: no such camera index, video file, stream URL or image folder")
