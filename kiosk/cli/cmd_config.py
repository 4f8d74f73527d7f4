"""``kiosk config init|show``: write the commented default config, show the one in force."""

from __future__ import annotations

import argparse
import dataclasses

from kiosk.cli.common import emit_json
from kiosk.config import write_template
from kiosk.context import AppContext


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``config`` command group."""
    p = sub.add_parser("config", help="configuration file")
    s = p.add_subparsers(dest="config_command", metavar="ACTION")
    init = s.add_parser("init", help="write a commented config file with every default")
    init.add_argument("--force", action="store_true", help="overwrite an existing file")
    init.set_defaults(func=cmd_init)
    show = s.add_parser("show", help="print the configuration in force as JSON")
    show.set_defaults(func=cmd_show)


def cmd_init(ctx: AppContext, args: argparse.Namespace) -> int:
    """Write the template to the config path."""
    write_template(ctx.config_path, force=args.force)
    print(f"wrote {ctx.config_path}")
    return 0


def cmd_show(ctx: AppContext, args: argparse.Namespace) -> int:
    """Print the effective config."""
    emit_json({"path": str(ctx.config_path), **dataclasses.asdict(ctx.config)})
    return 0
