"""Helpers shared by CLI commands: JSON output, progress bars, image loading with messages."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from kiosk.reembed import ReembedProgress, ReembedResult

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


def reembed_progress_bar() -> Callable[[ReembedProgress], None]:
    """A progress callback drawing a bar on stderr for a template move (made when the move starts)."""
    from tqdm import tqdm

    bar: list[Any] = []

    def update(p: ReembedProgress) -> None:
        if not bar:
            bar.append(tqdm(total=p.total, desc=f"moving face templates to {p.model_id}", unit="template",
                            file=sys.stderr, mininterval=0.5, leave=False, dynamic_ncols=True))
        bar[0].update(p.done - bar[0].n)
        if p.done >= p.total:
            bar.pop().close()

    return update


def report_reembed(result: ReembedResult) -> None:
    """What a startup move did, on stderr: a line when templates were moved, one per person it could not
    move; people left behind by an earlier move get one reminder line."""
    if result.moved:
        froms = ", ".join(sorted(result.from_models))
        print(f"moved {result.moved} face template(s) of {result.people} people from {froms} to "
              f"{result.model_id} in {result.seconds:.1f} s", file=sys.stderr)
    if result.failed:
        for p in result.people_not_moved:
            warn(f"face templates not moved to {result.model_id}: {p.describe()}")
    elif result.people_not_moved:
        lost = sum(1 for p in result.people_not_moved if not p.recognised)
        warn(f"{len(result.people_not_moved)} people have face templates that could not be moved to "
             f"{result.model_id} ({lost} of them not recognised until re-enrolled); `kiosk reembed` lists them")


def add_account_option(parser: Any) -> None:
    """``--account NAME [--pin PIN]``: act as a named admin account (its role is checked, the audit log names it)."""
    parser.add_argument("--account", metavar="NAME",
                        help="act as this admin account: its PIN is asked (or --pin / KIOSK_ADMIN_PIN), its role "
                             "checked and the audit log names it (without it the command acts as the machine's "
                             "operator, 'cli')")
    # Hidden from --help: a PIN on the command line shows in the process list; it is for scripts and tests.
    parser.add_argument("--pin", help=argparse.SUPPRESS, default=None)


def acting_account(store: Any, args: Any, permission: str) -> str:
    """The actor for the audit log: ``cli`` (the machine's operator) without ``--account``; with it, the account
    after its PIN and its role's ``permission`` are checked (KioskError when refused)."""
    import getpass
    import os

    from kiosk.admin.accounts import Accounts

    name = getattr(args, "account", None)
    if not name:
        return "cli"
    pin = getattr(args, "pin", None) or os.environ.get("KIOSK_ADMIN_PIN") or getpass.getpass(f"PIN of {name}: ")
    return Accounts(store).require(name, pin, permission).name
