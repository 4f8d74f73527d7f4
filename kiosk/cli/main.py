"""The ``kiosk`` command: no subcommand opens the kiosk window; subcommands are the CLI."""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from kiosk import __version__, paths
from kiosk.cli.common import reembed_progress_bar, report_reembed
from kiosk.cli.logfiles import start_file_log
from kiosk.context import AppContext, Overrides
from kiosk.errors import KioskError

# Modules that add subcommands: each has register(subparsers) setting ``func(ctx, args) -> int``.
COMMAND_MODULES = (
    "kiosk.cli.cmd_vision",
    "kiosk.cli.cmd_models",
    "kiosk.cli.cmd_eval",
    "kiosk.cli.cmd_bench",
    "kiosk.cli.cmd_config",
    "kiosk.cli.cmd_people",
    "kiosk.cli.cmd_export",
    "kiosk.cli.cmd_attendance",
    "kiosk.cli.cmd_doctor",
    "kiosk.cli.cmd_gallery",
    "kiosk.cli.cmd_run",
    "kiosk.cli.cmd_admin",
    "kiosk.cli.cmd_events",
    "kiosk.cli.cmd_backup",
)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with global options and every subcommand."""
    parser = argparse.ArgumentParser(
        prog="kiosk",
        description="Face check-in kiosk. Without a command it opens the kiosk window.",
    )
    parser.add_argument("--version", action="version", version=f"kiosk {__version__}")
    g = parser.add_argument_group("global options")
    g.add_argument("--home", help="data folder (database, config, logs); also KIOSK_HOME")
    g.add_argument("--config", help="config file (default: config.toml in the data folder)")
    g.add_argument("--model-dir", help="folder holding the model files; also KIOSK_MODEL_DIR")
    g.add_argument("--pack", help="model pack: default, insightface, insightface-accurate or dlib (see `kiosk models`)")
    g.add_argument("--det-size", type=int, help="detector input size (long side, pixels)")
    g.add_argument("--threads", type=int, help="ONNX Runtime threads per model (0 = all cores)")
    g.add_argument("--database-url", help="database URL (sqlite:///... or postgresql://...); also DATABASE_URL")
    g.add_argument("--liveness", choices=("off", "passive", "strict"),
                   help="presentation-attack detection for this run (over the admin setting and [liveness] mode)")
    g.add_argument("--keep-backup", action="store_true",
                   help="keep the (encrypted) database backup a schema upgrade makes; also [database] keep_backup")
    g.add_argument("-v", "--verbose", action="store_true", help="log more")
    w = parser.add_argument_group("kiosk window (no command)")
    w.add_argument("--source", help="camera index, video file, URL or image folder")
    w.add_argument("--windowed", action="store_true", help="a normal window instead of full screen")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def _context(args: argparse.Namespace) -> AppContext:
    return AppContext(
        Overrides(
            home=args.home,
            config=args.config,
            model_dir=args.model_dir,
            pack=args.pack,
            det_size=args.det_size,
            threads=args.threads,
            database_url=args.database_url,
            liveness=args.liveness,
            keep_backup=args.keep_backup,
        ),
        tolerate_bad_config=args.command == "doctor",
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``kiosk`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # The console stays at WARNING (-v: DEBUG) whatever the file's level is.
    for handler in logging.getLogger().handlers:
        handler.setLevel(logging.getLogger().level)
    file_log: logging.Handler | None = None
    try:
        ctx = _context(args)
        file_log = start_file_log(paths.log_dir(), ctx.config.logging.level)
        logging.getLogger(__name__).info("kiosk %s: %s", __version__, " ".join(argv or sys.argv[1:]) or "window")
        if args.command is None:
            return _open_window(ctx, args)
        # A command that opens the gallery first moves templates of another embedder: bar and report on stderr.
        ctx.reembed_progress = reembed_progress_bar()
        ctx.reembed_report = report_reembed
        func = getattr(args, "func", None)
        if func is None:  # a command group without its subcommand
            parser.parse_args([*(argv or sys.argv[1:]), "--help"])
            return 2
        return int(func(ctx, args) or 0)
    except KioskError as exc:
        print(f"error: {exc}", file=sys.stderr)
        if file_log is not None:  # to the file only: the console already has it
            file_log.handle(logging.makeLogRecord({"name": "kiosk.cli", "levelno": logging.ERROR,
                                                   "levelname": "ERROR", "msg": "error: %s", "args": (str(exc),)}))
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    finally:
        if file_log is not None:
            logging.getLogger().removeHandler(file_log)
            file_log.close()


def _open_window(ctx: AppContext, args: argparse.Namespace) -> int:
    try:
        from kiosk.ui.app import run_window
    except ImportError as exc:  # the window is not part of this build
        print(f"error: the kiosk window is not available ({exc})", file=sys.stderr)
        return 1
    return run_window(ctx, source=args.source, windowed=args.windowed)


def gui_main() -> int:
    """Entry point of the ``kiosk-gui`` script (no console window on Windows)."""
    return main(sys.argv[1:])


if __name__ == "__main__":
    raise SystemExit(main())
