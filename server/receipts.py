"""``leitai verify-receipt``: a judge's receipt checked against a signed checkpoint.

Needs nothing but the receipt (seq and event hash, as ``POST /scores``
answered), a checkpoint, an inclusion proof (``GET …/proof/inclusion``) and
the server's public key: no log, no database, no network.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path
from typing import Any, NamedTuple

from events.checkpoint import CheckpointError, open_note
from events.errors import LogFormatError
from events.merkle import leaf_hash, root_from_inclusion_proof
from server.signing import read_public_key

_RECEIPT = re.compile(r"^([1-9][0-9]*):([0-9a-f]{64})$")
_HASH = re.compile(r"^[0-9a-f]{64}$")


class Receipt(NamedTuple):
    seq: int
    hash: str


def read_receipt(text: str) -> Receipt:
    """``SEQ:HASH``, or a file holding the receipt JSON (``seq`` and ``hash``)."""
    match = _RECEIPT.match(text.strip())
    if match is not None:
        return Receipt(int(match[1]), match[2])
    data = _json_file(text, "receipt")
    seq, hash_ = data.get("seq"), data.get("hash")
    if not isinstance(seq, int) or not isinstance(hash_, str) or not _HASH.match(hash_):
        raise LogFormatError(f"{text}: a receipt needs an integer seq and a 64-digit hex hash")
    return Receipt(seq, hash_)


def _json_file(path: str, what: str) -> dict[str, Any]:
    try:
        data = json.loads(Path(path).read_text())
    except OSError as exc:
        raise LogFormatError(f"{what} {path!r}: expected SEQ:HASH or a file ({exc})") from None
    except ValueError:
        raise LogFormatError(f"{path}: the {what} is not JSON") from None
    if not isinstance(data, dict):
        raise LogFormatError(f"{path}: the {what} is not a JSON object")
    return data


def check_receipt(
    receipt: Receipt, note: str, proof_data: dict[str, Any], key_text: str
) -> tuple[bool, str]:
    """Whether the receipt's event is in the checkpointed log, and why (not)."""
    try:
        key = read_public_key(key_text)
        checkpoint = open_note(note, key)
    except CheckpointError as exc:
        return False, f"checkpoint refused: {exc}"
    hashes = proof_data.get("proof")
    size = proof_data.get("size", checkpoint.size)
    if not isinstance(hashes, list) or not all(
        isinstance(h, str) and _HASH.match(h) for h in hashes
    ):
        return False, "the proof file has no list of 64-digit hex hashes under 'proof'"
    if size != checkpoint.size:
        return (
            False,
            f"the proof is for a log of {size} events, the checkpoint is of {checkpoint.size}",
        )
    stream = proof_data.get("stream", checkpoint.stream)
    if stream != checkpoint.stream:
        return (
            False,
            f"the proof is for stream {stream!r}, the checkpoint for {checkpoint.stream!r}",
        )
    if receipt.seq > checkpoint.size:
        return False, (
            f"seq {receipt.seq} is after this checkpoint (size {checkpoint.size}): "
            "check it against a later one"
        )
    root = root_from_inclusion_proof(
        receipt.seq - 1,
        checkpoint.size,
        leaf_hash(bytes.fromhex(receipt.hash)),
        [bytes.fromhex(h) for h in hashes],
    )
    where = f"{checkpoint.origin} at size {checkpoint.size}"
    if root != checkpoint.root:
        return False, (
            f"NOT IN THE LOG: event seq {receipt.seq} with hash {receipt.hash[:16]}… is not "
            f"in {where} (the proof does not lead to the signed root)"
        )
    return True, (
        f"verified: event seq {receipt.seq} with hash {receipt.hash[:16]}… is in {where}, "
        f"signed by key {key.name}+{key.id.hex()}"
    )


def run(args: argparse.Namespace) -> int:
    """``leitai verify-receipt``."""
    receipt = read_receipt(args.receipt)
    proof = _json_file(args.proof, "proof")
    if args.checkpoint is not None:
        note = Path(args.checkpoint).read_text()
    elif isinstance(proof.get("checkpoint"), str):
        note = proof["checkpoint"]
    else:
        raise LogFormatError("give --checkpoint FILE (the proof file holds no checkpoint)")
    ok, message = check_receipt(receipt, note, proof, args.public_key)
    print(message)
    return 0 if ok else 1


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "verify-receipt",
        help="prove a score receipt is in a signed checkpoint",
        description="Check that the event of a receipt (seq and hash, as the judge's page "
        "shows it) is in the log a signed checkpoint states, with an inclusion proof from "
        "GET /api/competitions/ID/proof/inclusion?seq=N. Needs no database. Exits 0 when "
        "verified, 1 when not.",
    )
    parser.add_argument(
        "--receipt", required=True, help="SEQ:HASH, or a file holding the receipt's JSON"
    )
    parser.add_argument(
        "--proof", required=True, help="the inclusion proof's JSON file, as the server answers it"
    )
    parser.add_argument(
        "--checkpoint",
        help="the signed checkpoint's file (default: the one inside the proof file)",
    )
    parser.add_argument(
        "--public-key", required=True, metavar="KEY", help="the server's key, or a file holding it"
    )
    parser.set_defaults(run=run)
