"""The ``leitai`` command."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from events.credentials import open_credentials
from events.errors import LogError
from events.store import open_store
from server import logtools, receipts, replay, signing, transparency, verification
from server.definition import DefinitionError, load_definition
from server.errors import ApiError
from server.settings import HELP, Settings

if TYPE_CHECKING:
    from server.definition import Definition
    from server.setup import Created


def _export(args: argparse.Namespace) -> int:
    if args.output is None:
        count = asyncio.run(logtools.export(args.path, args.stream, sys.stdout.buffer))
    else:
        with Path(args.output).open("wb") as out:
            count = asyncio.run(logtools.export(args.path, args.stream, out))
    print(f"exported {count} events of {args.stream}", file=sys.stderr)
    return 0


def _export_results(args: argparse.Namespace) -> int:
    from server.exports.offline import export_results

    chosen, tables, content = asyncio.run(
        export_results(args.path, args.stream, args.format, args.lang, args.round)
    )
    if args.output is None:
        sys.stdout.buffer.write(content)
        sys.stdout.buffer.flush()
    else:
        Path(args.output).write_bytes(content)
    about = tables.about
    print(
        f"exported the results of {about.stream} round {about.round} as {chosen.extension} "
        f"({about.language}), log head seq {about.seq} hash {about.head_hash}",
        file=sys.stderr,
    )
    return 0


def _settings(args: argparse.Namespace) -> Settings:
    return Settings.from_env(
        host=args.host,
        port=args.port,
        store=getattr(args, "db", None),
        workers=args.workers,
        public_url=args.public_url,
    )


def _serve(args: argparse.Namespace) -> int:
    from server import runner  # the web stack loads only for the commands that serve

    settings = _settings(args)
    # the store first: a wrong address is then named as the store's, not the checkpoints'
    streams = asyncio.run(_streams(settings.store))
    asyncio.run(transparency.check_key(settings.store, settings.key_file, new_key=settings.new_key))
    sock = runner.bind(settings)
    settings = replace(settings, port=sock.getsockname()[1])  # port 0: the one given
    base = settings.base_url()
    print(f"Leitai is serving {settings.store} at {base}/", flush=True)
    for stream in streams:
        print(f"  {stream}: screen {base}/screen/{stream}   admin {base}/admin/{stream}")
    if not streams:  # behind a load balancer, a host on the wrong database answers 404s
        print("  No competition in this store yet: create one with leitai init, or check --store.")
    if settings.workers > 1:
        runner.serve_workers(settings, sock)
    else:
        asyncio.run(runner.serve(settings, sock))
    return 0


async def _streams(store_url: str) -> list[str]:
    store = await open_store(store_url)
    try:
        return await store.streams()
    finally:
        await store.close()


def _init(args: argparse.Namespace) -> int:
    definition = load_definition(Path(args.file))
    settings = Settings.from_env(public_url=args.public_url)
    key = signing.key_path(args.db, settings.key_file)
    key_made = key is not None and not key.exists()
    created = asyncio.run(_create(args.db, definition, settings))
    base = settings.base_url()
    print(f"Created competition {created.stream!r}: {created.head_seq} events in {args.db}")
    _print_signing_key(key, key_made)
    print("Tokens are shown only now; keep them secret (they are stored only as hashes).")
    _where(args.public_url, base)
    print(f"  admin:   {base}/admin/{created.stream}#token={created.admin_token}")
    print(f"  auditor: {base}/audit/{created.stream}#token={created.auditor_token}")
    print(f"  screen:  {base}/screen/{created.stream}")
    print("Judges' links:")
    for judge in definition.judges:
        link = f"{base}/judge/{created.stream}#token={created.judge_tokens[judge.id]}"
        print(f"  {judge.id} {judge.name} ({judge.panel}): {link}")
    _print_stand_asides(definition)
    _print_missing_priors(definition)
    return 0


def _print_stand_asides(definition: Definition) -> None:
    """The judges who will not score a contestant of their own organisation:
    worth a look before the show (a branch spelt two ways is not the same)."""
    pairs = definition.stand_asides()
    if not pairs:
        print("No judge shares an organisation with a contestant their panel scores.")
        return
    print(f"Judges standing aside for their own organisation ({len(pairs)}):")
    for judge, contestant in pairs:
        print(
            f"  {judge.judge} {judge.name} - {contestant.contestant} {contestant.name}"
            f" ({contestant.organisation})"
        )


def _print_missing_priors(definition: Definition) -> None:
    """The contestants without a prior score the composite needs (an expert
    review the file did not hold): their results would be incomplete at the
    reveal, as the stand-asides, worth a look before the show."""
    needed = definition.missing_priors()
    if not needed:
        return
    lacking = [(c, component) for component, contestants in needed for c in contestants]
    if not lacking:
        names = ", ".join(component.label.pick("en") or component.source for component, _ in needed)
        print(f"Every contestant has the prior scores the rules need ({names}).")
        return
    print(
        f"Contestants without a prior score the rules need ({len(lacking)}): each result stays "
        "incomplete until the score is recorded (the console's card “Prior scores not recorded”):"
    )
    for contestant, component in lacking:
        what = component.label.pick("en")
        print(
            f"  {contestant.contestant} {contestant.name} - "
            + (f"{what} ({component.source})" if what else component.source)
        )


def _print_signing_key(path: Path | None, made: bool) -> None:
    """Show the checkpoint signing key's public half (``check_key`` made it if missing)."""
    if path is None:
        print(
            "No signing key: set LEITAI_KEY_FILE for checkpoints of a PostgreSQL store,"
            " the same file on every host (docs/deploy.md)."
        )
        return
    signer = signing.read_key(path)
    print(f"Checkpoints are signed with {path} ({'new' if made else 'existing'}, keep it private);")
    print(f"  public key: {signer.key}")


async def _create(store_url: str, definition: Definition, settings: Settings) -> Created:
    from server.setup import create_competition

    store = await open_store(store_url)
    credentials = await open_credentials(store_url)
    try:
        # The key is checked (and made if missing) with the store open, before
        # anything is appended: refused after, the competition would be there
        # and its tokens, shown only once, never printed.
        await transparency.check_key(store_url, settings.key_file, new_key=settings.new_key)
        return await create_competition(store, credentials, definition)
    finally:
        await credentials.close()
        await store.close()


def _demo(args: argparse.Namespace) -> int:
    from server.demo import run_demo

    asyncio.run(run_demo(_settings(args), keep=args.db is not None, speed=args.speed))
    return 0


def _add_server_options(parser: argparse.ArgumentParser) -> None:
    for name, kind in (("host", str), ("port", int), ("workers", int), ("public_url", str)):
        parser.add_argument(f"--{name.replace('_', '-')}", type=kind, help=HELP[name])


def _setup_token(args: argparse.Namespace) -> int:
    from server.setup_api import issue_setup_token

    async def issue() -> str:
        await (await open_store(args.db)).close()  # a new file becomes a Leitai database first
        credentials = await open_credentials(args.db)
        try:
            return await issue_setup_token(credentials)
        finally:
            await credentials.close()

    token = asyncio.run(issue())
    base = Settings.from_env(public_url=args.public_url).base_url()
    print("A server-wide setup token, shown only now (stored only as a hash):")
    _where(args.public_url, base)
    print(f"  {base}/admin#token={token}")
    return 0


def _where(public_url: str | None, base: str) -> None:
    """Say that a printed link names the default address, when no --public-url said another."""
    if not public_url and not os.environ.get("LEITAI_PUBLIC_URL"):
        print(f"  (for a server at {base}: give --public-url, or change the address in the link)")


def _admin_token(args: argparse.Namespace) -> int:
    from server.setup import issue_admin_token

    async def issue() -> str:
        store = await open_store(args.db)
        credentials = await open_credentials(args.db)
        try:
            return await issue_admin_token(store, credentials, args.stream, args.admin)
        finally:
            await credentials.close()
            await store.close()

    token = asyncio.run(issue())
    base = Settings.from_env(public_url=args.public_url).base_url()
    print(f"An admin token for {args.admin!r}, shown only now (stored only as a hash):")
    _where(args.public_url, base)
    print(f"  {base}/admin/{args.stream}#token={token}")
    return 0


def _copy(args: argparse.Namespace) -> int:
    from_export = logtools.target_kind(args.source) == "export"
    for stream, head, checkpoints in asyncio.run(
        logtools.copy(args.source, args.target, args.stream)
    ):
        print(
            f"{stream}: copied, head seq {head.seq}, head hash {head.hash}, "
            f"{checkpoints} checkpoints"
        )
        if from_export:
            print(
                f"{stream}: an export holds no tokens: issue the organisers' anew "
                f"(leitai admin-token --db {args.target} --stream {stream} --admin admin), "
                "then the judges' links from the console (every earlier link stops working)"
            )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="leitai",
        description="Leitai (擂台): a live scoreboard for judged stage competitions.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser(
        "serve",
        help="serve the competitions of a store",
        description="Serve every competition in the store: the API, the WebSocket feed and "
        "the pages. Binds 127.0.0.1 unless told otherwise.",
    )
    serve.add_argument("--db", "--store", dest="db", help=HELP["store"] + " (default leitai.db)")
    _add_server_options(serve)
    serve.set_defaults(run=_serve)

    demo = commands.add_parser(
        "demo",
        help="run a sample competition with simulated judges",
        description="Create a bilingual sample competition, serve it, and run the show: "
        "contestants are called, simulated judges score, results are revealed. Open the "
        "printed screen URL. The log goes to a fresh temporary file unless --db is given.",
    )
    demo.add_argument("--db", "--store", dest="db", help="keep the demo's log in this store")
    demo.add_argument(
        "--speed", type=float, default=1.0, help="run the show this many times faster"
    )
    _add_server_options(demo)
    demo.set_defaults(run=_demo)

    init = commands.add_parser(
        "init",
        help="create a competition from its definition file",
        description="Create a competition from a TOML file (see docs/competition-file.md) and "
        "print the admin token and one link per judge. Nothing is created if the file has a "
        "mistake.",
    )
    init.add_argument("file", help="the competition's TOML file")
    init.add_argument("--db", "--store", dest="db", default="leitai.db", help=HELP["store"])
    init.add_argument("--public-url", help=HELP["public_url"])
    init.set_defaults(run=_init)

    verify = commands.add_parser(
        "verify",
        help="check a log's hash chain, its published results and its checkpoints",
        description="Check seq continuity and every hash of each stream in a database "
        "(a SQLite file, or a postgresql:// URL) or an NDJSON export, recompute every revealed "
        "result and published award list from the log before it, and with --public-key check "
        "the signed checkpoints against the log. Prints each stream's head seq and hash; exits "
        "1 naming the first bad seq, each differing result and each unmet checkpoint.",
    )
    verify.add_argument("path", help="database file, store URL or NDJSON export")
    verify.add_argument("--stream", help="verify only this competition's stream")
    verification.add_options(verify)
    replay.add_parser(commands)
    receipts.add_parser(commands)

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

    setup_token = commands.add_parser(
        "setup-token",
        help="issue a token that may create competitions from the organiser's page",
        description="Print a new server-wide setup token once: with it, the organiser's page "
        "(/admin) checks an uploaded competition file and creates the competition.",
    )
    setup_token.add_argument("--db", "--store", dest="db", default="leitai.db", help=HELP["store"])
    setup_token.add_argument("--public-url", help=HELP["public_url"])
    setup_token.set_defaults(run=_setup_token)

    admin_token = commands.add_parser(
        "admin-token",
        help="issue a token for another organiser, under an id of their own",
        description="Print a new admin token for one competition once. Its commands are "
        "logged under --admin (the first admin, from `leitai init`, is 'admin'): a paper "
        "sheet keyed in by one admin counts only once an admin with another id confirms it. "
        "Another token for an id already given is the same person (a lost link).",
    )
    admin_token.add_argument("--db", "--store", dest="db", default="leitai.db", help=HELP["store"])
    admin_token.add_argument("--stream", required=True, help="the competition id")
    admin_token.add_argument(
        "--admin", required=True, help="the organiser's id, e.g. 'wang' (letters, digits, _ . -)"
    )
    admin_token.add_argument("--public-url", help=HELP["public_url"])
    admin_token.set_defaults(run=_admin_token)

    copy = commands.add_parser(
        "copy",
        help="copy competitions between stores (SQLite, PostgreSQL)",
        description="Copy every stream (or one) from SOURCE to TARGET with every seq and hash "
        "unchanged, and the token digests with them, so judges' links keep working, and the "
        "signed checkpoints, each checked against the copied log (the key is a file: name it "
        "with LEITAI_KEY_FILE on the target's hosts, docs/deploy.md). A "
        "target that already holds the start of a stream is completed; a different log is "
        "refused. Run `leitai verify TARGET` afterwards. SOURCE may be an NDJSON export "
        "(`leitai export`): its events are checked as they are written, and it brings no "
        "tokens and no checkpoints.",
    )
    copy.add_argument("source", help="database file, store URL or NDJSON export to copy from")
    copy.add_argument("target", help="database file or store URL to copy to (created if new)")
    copy.add_argument("--stream", help="copy only this competition")
    copy.set_defaults(run=_copy)

    results = commands.add_parser(
        "export-results",
        help="write a round's results as XLSX, CSV or a printable HTML page",
        description="Write the results of a round (default: the round being run) as an XLSX "
        "announcement (one sheet overall, one per group, one of the judges), a CSV of the "
        "overall table (UTF-8 with BOM) or a printable HTML page. Each names the log's head "
        "seq and hash; results are marked provisional until the organiser finalises them. "
        "See docs/exports.md.",
    )
    results.add_argument("path", help="database file or store URL")
    results.add_argument("--stream", required=True, help="the competition id")
    results.add_argument("--format", choices=["xlsx", "csv", "html"], default="xlsx")
    results.add_argument(
        "--lang", choices=["zh-CN", "en"], help="default: the competition's first language"
    )
    results.add_argument("--round", help="the round id (default: the round being run)")
    results.add_argument("--output", "-o", help="file to write (default: standard output)")
    results.set_defaults(run=_export_results)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code: int = args.run(args)
    except (LogError, DefinitionError, ApiError, OSError) as exc:
        print(f"leitai: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return code


if __name__ == "__main__":
    sys.exit(main())
