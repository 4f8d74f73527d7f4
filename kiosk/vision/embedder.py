"""Face embedders: aligned crop in, L2-normalised float32 embedding out, for any manifest embedder."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from kiosk.modelzoo.manifest import ModelSpec
from kiosk.vision.align import Aligner, get_aligner
from kiosk.vision.blob import BlobWriter
from kiosk.vision.onnx_session import create_session


class FaceEmbedder:
    """Runs an embedding network on aligned crops.

    Dimension and batch size are read from the model itself; a fixed batch of 1 is looped, a free
    batch dimension is used in one call. ``flip`` adds the horizontally mirrored crop's embedding
    before normalising (test-time augmentation: better accuracy for twice the network time).
    """

    def __init__(self, path: Path, spec: ModelSpec, threads: int = 0, flip: bool = True) -> None:
        self.spec = spec
        self.flip = flip
        self.session = create_session(path, threads)
        inp = self.session.get_inputs()[0]
        self._input_name = inp.name
        shape = inp.shape
        self.input_size = int(shape[2]) if isinstance(shape[2], int) else int(spec.input_size or 112)
        self.fixed_batch = int(shape[0]) if isinstance(shape[0], int) else 0
        self._blob = BlobWriter(spec.mean, spec.std, spec.color)
        self.aligner: Aligner = get_aligner(spec.alignment or "arcface112")
        out_shape = self.session.get_outputs()[0].shape
        if isinstance(out_shape[-1], int):
            self.dim = int(out_shape[-1])
        else:  # dimension not declared: ask the model
            probe = np.zeros((1, 3, self.input_size, self.input_size), np.float32)
            self.dim = int(self.session.run(None, {self._input_name: probe})[0].shape[-1])
        if spec.dim and spec.dim != self.dim:
            raise ValueError(f"{spec.id}: the manifest says {spec.dim}-d but the model gives {self.dim}-d")

    @property
    def model_id(self) -> str:
        """The manifest id of this embedder (templates are tagged with it)."""
        return self.spec.id

    def align(self, image: np.ndarray, kps: np.ndarray) -> np.ndarray:
        """The crop this embedder expects for a face with keypoints ``kps``."""
        return self.aligner(image, kps, self.input_size)

    def blob(self, crops: list[np.ndarray]) -> np.ndarray:
        """NCHW float blob of BGR crops, colour order and mean/std from the manifest.

        The blob is the embedder's reused buffer: valid until the next ``blob`` of as many crops.
        """
        return self._blob.write(crops)

    def raw_forward(self, blob: np.ndarray) -> np.ndarray:
        """The network alone on a prepared blob (row per crop)."""
        if self.fixed_batch == 1 and blob.shape[0] > 1:
            return np.vstack([self.session.run(None, {self._input_name: blob[i : i + 1]})[0]
                              for i in range(blob.shape[0])])
        return self.session.run(None, {self._input_name: blob})[0]

    def embed(self, crops: list[np.ndarray]) -> np.ndarray:
        """Embeddings (N, dim) of aligned BGR crops, each row L2-normalised float32."""
        if not crops:
            return np.zeros((0, self.dim), np.float32)
        batch = crops + [cv2.flip(c, 1) for c in crops] if self.flip else crops
        out = self.raw_forward(self.blob(batch)).astype(np.float32, copy=False).reshape(len(batch), -1)
        if self.flip:
            out = out[: len(crops)] + out[len(crops) :]
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-12)

    def embed_one(self, crop: np.ndarray) -> np.ndarray:
        """Embedding (dim,) of one aligned crop."""
        return self.embed([crop])[0]
