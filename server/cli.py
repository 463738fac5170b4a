"""The ``leitai`` command."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path

from events.errors import LogError
from server import logtools


def _verify(args: argparse.Namespace) -> int:
    verdicts = asyncio.run(logtools.verify(args.path, args.stream))
    for verdict in verdicts:
        print(logtools.describe(verdict))
    if not verdicts:
        print(f"{args.path}: no streams")
    return 0 if all(v.ok for v in verdicts) else 1


def _export(args: argparse.Namespace) -> int:
    if args.output is None:
        count = asyncio.run(logtools.export(args.path, args.stream, sys.stdout.buffer))
    else:
        with Path(args.output).open("wb") as out:
            count = asyncio.run(logtools.export(args.path, args.stream, out))
    print(f"exported {count} events of {args.stream}", file=sys.stderr)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="leitai",
        description="Leitai (擂台): a live scoreboard for judged stage competitions.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    verify = commands.add_parser(
        "verify",
        help="check a log's hash chain",
        description="Check seq continuity and every hash of each stream in a database "
        "(a SQLite file, or a postgresql:// URL) or an NDJSON export. Prints each stream's "
        "head seq and hash; exits 1 naming the first bad seq if a chain is broken.",
    )
    verify.add_argument("path", help="database file, store URL or NDJSON export")
    verify.add_argument("--stream", help="verify only this competition's stream")
    verify.set_defaults(run=_verify)

    export = commands.add_parser(
        "export",
        help="write one competition's log as NDJSON",
        description="Write one stream's log, one envelope per line, with its hash. "
        "The log holds no secret: tokens live outside it.",
    )
    export.add_argument("path", help="database file or store URL")
    export.add_argument("--stream", required=True, help="the competition id")
    export.add_argument("--format", choices=["ndjson"], default="ndjson")
    export.add_argument("--output", "-o", help="file to write (default: standard output)")
    export.set_defaults(run=_export)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code: int = args.run(args)
    except LogError as exc:
        print(f"leitai: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return code


if __name__ == "__main__":
    sys.exit(main())
