"""``kiosk doctor [--json]``: is this machine ready to run the kiosk, and if not, what to do."""

from __future__ import annotations

import argparse

from kiosk.cli.common import emit_json
from kiosk.context import AppContext
from kiosk.doctor import CHECKS, DoctorOptions, run_doctor


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``doctor`` command."""
    p = sub.add_parser(
        "doctor",
        help="check cameras, models, database, gallery, CPU and disk; print each problem with its fix",
        description="Checks this machine for the kiosk. Exit code 0 when no check failed (warnings allowed), 1 "
                    "otherwise. Stop the running kiosk first, or its camera shows up as busy.",
    )
    p.add_argument("--json", action="store_true",
                   help="print JSON: {ok, version, checks: [{name, status, detail, fix}]}")
    p.add_argument("--skip", action="append", default=[], choices=sorted(CHECKS), metavar="CHECK",
                   help=f"leave a check out (repeatable): {', '.join(CHECKS)}")
    p.add_argument("--max-cameras", type=int, default=4, help="how many camera indices to try (default 4)")
    p.add_argument("--camera-timeout", type=float, default=3.0, help="seconds to wait for a camera (default 3)")
    p.set_defaults(func=cmd_doctor)


def cmd_doctor(ctx: AppContext, args: argparse.Namespace) -> int:
    """Run the checks; 0 when none failed."""
    opts = DoctorOptions(skip=frozenset(args.skip), max_cameras=max(1, args.max_cameras),
                         camera_timeout_s=max(0.5, args.camera_timeout))
    report = run_doctor(ctx, opts)
    if args.json:
        emit_json(report.to_dict())
    else:
        for c in report.checks:
            print(f"{c.status.upper():5} {c.name:10} {c.detail}")
            if c.fix:
                print(f"{'':16} fix: {c.fix}")
        verdict = "ready" if report.ok else "NOT ready: fix the FAIL lines above"
        print(f"\nkiosk {report.version}: {verdict} ({report.seconds:.1f} s)")
    return 0 if report.ok else 1
