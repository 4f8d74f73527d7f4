"""``kiosk backup decrypt FILE OUT``: turn an encrypted schema-upgrade backup back into a SQLite file."""

from __future__ import annotations

import argparse
from pathlib import Path

from kiosk.context import AppContext
from kiosk.errors import KioskError


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``backup`` command group."""
    p = sub.add_parser("backup", help="encrypted database backups")
    s = p.add_subparsers(dest="backup_command", metavar="ACTION")
    dec = s.add_parser("decrypt", help="decrypt a backup (*.bak.enc) with the data key, to restore it")
    dec.add_argument("file", help="the encrypted backup")
    dec.add_argument("output", help="the SQLite file to write (must not exist)")
    dec.set_defaults(func=cmd_decrypt)


def cmd_decrypt(ctx: AppContext, args: argparse.Namespace) -> int:
    """Decrypt with the data key found where the kiosk looks for it (environment, credential, key file)."""
    from kiosk.store.crypto import DecryptError, KeyLocations
    from kiosk.store.data_key import default_key_file

    key_file = ctx.config.database.key_file
    locations = KeyLocations(Path(key_file).expanduser() if key_file else default_key_file())
    cipher = locations.find()
    if cipher is None:
        raise KioskError(f"no data key found: looked in {locations.describe()}")
    src, out = Path(args.file), Path(args.output)
    if out.exists():
        raise KioskError(f"{out} already exists; name a new file")
    try:
        cipher.open_file(src, out)
    except (DecryptError, OSError) as exc:
        out.unlink(missing_ok=True)  # never leave half a database behind
        raise KioskError(f"cannot decrypt {src}: {exc}") from None
    print(f"decrypted {src} -> {out} (data key from {cipher.source})")
    return 0
