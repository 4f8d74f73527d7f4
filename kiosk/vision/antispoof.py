"""Silent anti-spoofing networks (MiniFASNet V2 and V1SE): a face box in a BGR frame in, P(real) out.

Both networks come from Silent-Face-Anti-Spoofing (minivision, Apache-2.0) and are optional files in
the model folder (``kind = "antispoof"`` in the manifest). Each sees the face with a different
amount of context around it: the box is scaled by the manifest's ``crop_scale`` (2.7 for V2, 4.0 for
V1SE) around its centre, kept inside the frame, and resized to 80x80 BGR 0..255 without
normalisation, as their authors' code does. The output is three logits; after a softmax class 1 is
"real" (0 and 2 are print and replay). The probabilities of real of the networks present are
averaged (the authors add the two softmaxes and halve them).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from kiosk.errors import ModelError
from kiosk.modelzoo.locate import ModelLocator
from kiosk.modelzoo.manifest import Manifest, ModelSpec
from kiosk.vision.onnx_session import create_session

log = logging.getLogger(__name__)

REAL_CLASS = 1


def antispoof_specs(manifest: Manifest) -> list[ModelSpec]:
    """Every anti-spoofing network of the manifest, in manifest order."""
    return [s for s in manifest.models.values() if s.kind == "antispoof"]


def scaled_crop_box(box: tuple[float, float, float, float], scale: float, width: int,
                    height: int) -> tuple[int, int, int, int]:
    """The (x1, y1, x2, y2) pixel window the network sees: ``box`` scaled about its centre.

    As in the authors' ``CropImage``: the scale shrinks when the scaled box would not fit in the
    frame, and a window that sticks out on one side is shifted back inside (not cut), so the network
    always gets the same shape of context it was trained on.
    """
    x1, y1, x2, y2 = box
    bw, bh = max(1.0, x2 - x1), max(1.0, y2 - y1)
    scale = min((height - 1) / bh, (width - 1) / bw, scale)
    nw, nh = bw * scale, bh * scale
    cx, cy = x1 + bw / 2.0, y1 + bh / 2.0
    left, top = cx - nw / 2.0, cy - nh / 2.0
    right, bottom = cx + nw / 2.0, cy + nh / 2.0
    if left < 0:
        right -= left
        left = 0
    if top < 0:
        bottom -= top
        top = 0
    if right > width - 1:
        left -= right - width + 1
        right = width - 1
    if bottom > height - 1:
        top -= bottom - height + 1
        bottom = height - 1
    return int(left), int(top), int(right), int(bottom)


class MiniFASNet:
    """One anti-spoofing network: P(real) of a face box."""

    def __init__(self, path: Path, spec: ModelSpec, threads: int = 1) -> None:
        self.spec = spec
        self.session = create_session(path, threads)
        inp = self.session.get_inputs()[0]
        self._input_name = inp.name
        shape = inp.shape
        self.input_size = int(shape[2]) if isinstance(shape[2], int) else int(spec.input_size or 80)
        self.scale = float(spec.crop_scale or 1.0)
        # One reused input buffer (the kiosk calls this from its recognition worker only).
        self._blob = np.zeros((1, 3, self.input_size, self.input_size), np.float32)

    def crop(self, frame: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
        """The 80x80 BGR patch this network sees for ``box``."""
        h, w = frame.shape[:2]
        x1, y1, x2, y2 = scaled_crop_box(box, self.scale, w, h)
        patch = frame[y1 : y2 + 1, x1 : x2 + 1]
        return cv2.resize(patch, (self.input_size, self.input_size), interpolation=cv2.INTER_LINEAR)

    def real_probability(self, frame: np.ndarray, box: tuple[float, float, float, float]) -> float:
        """Softmax probability of "real" for the face in ``box`` of a BGR frame."""
        patch = self.crop(frame, box)
        # HWC uint8 BGR -> CHW float32 0..255: the networks were trained without normalisation.
        self._blob[0] = patch.transpose(2, 0, 1)
        logits = self.session.run(None, {self._input_name: self._blob})[0].reshape(-1).astype(np.float64)
        e = np.exp(logits - logits.max())
        return float(e[REAL_CLASS] / e.sum())


@dataclass(frozen=True, slots=True)
class AntiSpoofStatus:
    """Which networks loaded and which did not (with why: a missing file, a wrong sha256)."""

    loaded: tuple[str, ...]
    problems: tuple[str, ...]
    missing: tuple[str, ...] = ()  # file names not found or refused (wrong sha256)

    @property
    def complete(self) -> bool:
        """Every network of the manifest loaded."""
        return not self.problems


class AntiSpoofEnsemble:
    """The anti-spoofing networks that could be loaded; their P(real) averaged.

    With none loaded, :meth:`score` returns None and liveness relies on the motion cue alone.
    """

    def __init__(self, nets: list[MiniFASNet], status: AntiSpoofStatus) -> None:
        self.nets = nets
        self.status = status
        self._lock = threading.Lock()

    @classmethod
    def load(cls, manifest: Manifest, locator: ModelLocator, threads: int = 1) -> AntiSpoofEnsemble:
        """Verify and load every manifest anti-spoofing network found; never raises for a missing one."""
        nets: list[MiniFASNet] = []
        loaded: list[str] = []
        problems: list[str] = []
        missing: list[str] = []
        for spec in antispoof_specs(manifest):
            try:
                nets.append(MiniFASNet(locator.resolve(spec), spec, threads))
                loaded.append(spec.id)
            except ModelError as exc:
                missing.append(spec.file)
                st = locator.status(spec)
                if st.status == "missing":
                    problems.append(f"{spec.file} is missing (sha256 {spec.sha256}, from {spec.source})")
                elif st.status == "mismatch":
                    problems.append(f"{st.path} does not match its sha256: expected {spec.sha256}, "
                                    f"found {st.actual_sha256}")
                else:
                    problems.append(f"{spec.file}: {exc}")
        return cls(nets, AntiSpoofStatus(tuple(loaded), tuple(problems), tuple(missing)))

    @property
    def available(self) -> bool:
        """At least one network loaded."""
        return bool(self.nets)

    def score(self, frame: np.ndarray, box: tuple[float, float, float, float]) -> float | None:
        """Mean P(real) of the loaded networks for the face in ``box`` (None when none is loaded)."""
        if not self.nets:
            return None
        with self._lock:  # the networks reuse their input buffers
            return float(np.mean([n.real_probability(frame, box) for n in self.nets]))
