"""Helpers shared by CLI commands: JSON output, progress bars, image loading with messages."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")


def emit_json(obj: Any) -> None:
    """Print one JSON document on stdout (UTF-8, names kept readable)."""
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def progress(items: Iterable[T], total: int | None = None, desc: str = "") -> Iterator[T]:
    """A progress bar on stderr (stdout stays clean for --json)."""
    from tqdm import tqdm

    yield from tqdm(items, total=total, desc=desc, file=sys.stderr, mininterval=0.5, leave=False,
                    dynamic_ncols=True)


def warn(message: str) -> None:
    """A warning line on stderr."""
    print(f"warning: {message}", file=sys.stderr)
