"""``kiosk detect`` and ``kiosk compare``: the recognition engine on image files."""

from __future__ import annotations

import argparse

from kiosk.cli.common import emit_json
from kiosk.context import AppContext
from kiosk.errors import NoFaceError
from kiosk.vision.image_io import read_image
from kiosk.vision.pipeline import cosine


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``detect`` and ``compare``."""
    p = sub.add_parser("detect", help="find faces and keypoints in an image")
    p.add_argument("image")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_detect)
    c = sub.add_parser("compare", help="are the largest faces of two images the same person?")
    c.add_argument("image_a")
    c.add_argument("image_b")
    c.add_argument("--json", action="store_true", help="print JSON")
    c.set_defaults(func=cmd_compare)


def cmd_detect(ctx: AppContext, args: argparse.Namespace) -> int:
    """Detect faces in one image."""
    image = read_image(args.image)
    dets = ctx.pipeline.detect(image)
    if args.json:
        emit_json({"image": args.image, "width": image.shape[1], "height": image.shape[0],
                   "faces": [d.to_json() for d in dets]})
    else:
        print(f"{args.image}: {len(dets)} face(s)")
        for d in dets:
            x1, y1, x2, y2 = (round(v) for v in d.box)
            print(f"  box ({x1}, {y1})-({x2}, {y2})  score {d.score:.3f}")
    return 0


def cmd_compare(ctx: AppContext, args: argparse.Namespace) -> int:
    """Compare the largest face of two images."""
    embeddings = []
    for path in (args.image_a, args.image_b):
        face = ctx.pipeline.largest_face(read_image(path))
        if face is None:
            raise NoFaceError(f"{path}: no face found")
        embeddings.append(face.embedding)
    sim = cosine(embeddings[0], embeddings[1])
    threshold = ctx.threshold
    same = sim >= threshold
    if args.json:
        emit_json({"similarity": round(sim, 4), "threshold": threshold, "same_person": bool(same),
                   "model": ctx.pipeline.model_id})
    else:
        verdict = "same person" if same else "different people"
        print(f"similarity {sim:.3f} (threshold {threshold:.3f}): {verdict}")
    return 0
