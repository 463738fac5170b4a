"""``leitai verify`` and docs/verifier.py on valid and tampered logs, with checkpoints.

Each kind of tampering must be found by both verifiers (the independent one
cannot recompute results, so a re-sealed result change is caught there only
through a checkpoint), with a message that says what and where.
"""

from __future__ import annotations

import base64
import json
import re
import sqlite3
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from events.envelope import GENESIS, canonical, chain_hash
from events.merkle import consistent
from events.store import open_store
from server.signing import Signer
from server.transparency import Transparency
from tests.audit.conftest import STREAM, Written, cli, doc_verifier, export_of, parse


def _envelopes(lines: list[bytes]) -> list[dict[str, Any]]:
    return [json.loads(line) for line in lines]


def _resealed(envelopes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The envelopes with seq, prev and hash recomputed: what a forger with the
    database (but not the key) can make of a changed history."""
    prev = GENESIS
    out = []
    for seq, envelope in enumerate(envelopes, start=1):
        body = {k: v for k, v in envelope.items() if k != "hash"} | {"seq": seq, "prev": prev}
        prev = chain_hash(prev, canonical(body))
        out.append(body | {"hash": prev})
    return out


def _write(path: Path, envelopes: list[dict[str, Any]]) -> Path:
    path.write_bytes(b"".join(canonical(e) + b"\n" for e in envelopes))
    return path


def _index(envelopes: list[dict[str, Any]], type_: str, nth: int = 0) -> int:
    return [i for i, e in enumerate(envelopes) if e["type"] == type_][nth]


async def test_a_valid_log_passes_both_verifiers(show: Written, tmp_path: Path) -> None:
    export = tmp_path / "t.ndjson"
    export.write_bytes(b"".join(await export_of(show.db)))
    first, last = show.checkpoint_file(0, tmp_path), show.checkpoint_file(-1, tmp_path)

    ours = cli("verify", str(show.db), "--public-key", show.public_key)
    assert ours.returncode == 0, ours.stdout + ours.stderr
    lines = ours.stdout.splitlines()
    assert lines[0].startswith("t: intact, 47 events, head seq 47, head hash ")
    assert lines[1] == "t: 5 published results recomputed from the log: all match"
    sizes = [parse(note).size for note in show.notes]
    assert lines[2:] == [
        f"t: checkpoint of size {size} (stored): signature good, matches the log" for size in sizes
    ]
    head = lines[0].rsplit(" ", 1)[1]

    from_export = cli(
        "verify", str(export), "--public-key", show.public_key, "--checkpoint", str(first)
    )
    assert from_export.returncode == 0, from_export.stdout
    expected = f"t: checkpoint of size {sizes[0]} ({first}): signature good, matches the log"
    assert expected in from_export.stdout

    theirs = doc_verifier(
        str(export),
        "--public-key",
        show.public_key,
        "--checkpoint",
        str(first),
        "--checkpoint",
        str(last),
    )
    assert theirs.returncode == 0, theirs.stdout
    assert f"t: intact, head seq 47, head hash {head}" in theirs.stdout
    assert theirs.stdout.count("matches") == 2

    unchecked = cli("verify", str(show.db))
    assert unchecked.returncode == 0
    assert "t: 5 signed checkpoints not checked (give --public-key)" in unchecked.stdout

    # an export holds no checkpoint: the key alone proves nothing, and says so
    keyed_only = cli("verify", str(export), "--public-key", show.public_key)
    assert keyed_only.returncode == 0
    assert (
        "t: no signed checkpoint to check the key against: the log may have been rewritten"
        " whole (give --checkpoint FILE, kept from the show)" in keyed_only.stdout
    )


async def test_a_changed_score_is_named_by_both(show: Written, tmp_path: Path) -> None:
    envelopes = _envelopes(await export_of(show.db))
    at = _index(envelopes, "score_submitted", 4)
    envelopes[at]["data"]["points"]["content"] = "59.9"
    export = _write(tmp_path / "tampered.ndjson", envelopes)
    ours = cli("verify", str(export))
    assert ours.returncode == 1
    assert f"t: BROKEN at seq {at + 1}: hash mismatch" in ours.stdout
    assert "the event was altered" in ours.stdout
    theirs = doc_verifier(str(export))
    assert theirs.returncode == 1 and f"bad hash at seq {at + 1}" in theirs.stdout


async def test_reordered_and_truncated_exports(show: Written, tmp_path: Path) -> None:
    envelopes = _envelopes(await export_of(show.db))
    swapped = [*envelopes[:20], envelopes[21], envelopes[20], *envelopes[22:]]
    reordered = _write(tmp_path / "reordered.ndjson", swapped)
    ours = cli("verify", str(reordered))
    assert ours.returncode == 1 and "t: BROKEN at seq 21: seq 21 is missing" in ours.stdout
    theirs = doc_verifier(str(reordered))
    assert theirs.returncode == 1 and "seq 21 is missing or out of order" in theirs.stdout

    # A clean cut leaves a valid chain: only a checkpoint shows what is gone.
    last = parse(show.notes[-1]).size
    truncated = _write(tmp_path / "truncated.ndjson", envelopes[:40])
    note = show.checkpoint_file(-1, tmp_path)
    ours = cli("verify", str(truncated), "--public-key", show.public_key, "--checkpoint", str(note))
    assert ours.returncode == 1
    assert "t: intact, 40 events" in ours.stdout
    assert (
        f"t: CHECKPOINT of size {last} ({note}) NOT MET: the log holds only 40 events: "
        f"events 41…{last} are missing (a truncated log)"
    ) in ours.stdout
    theirs = doc_verifier(
        str(truncated), "--public-key", show.public_key, "--checkpoint", str(note)
    )
    assert theirs.returncode == 1
    assert f"CHECKPOINT NOT MET: size {last}, the intact log holds 40" in theirs.stdout


async def test_a_resealed_result_is_recomputed_and_fails_the_checkpoint(
    show: Written, tmp_path: Path
) -> None:
    envelopes = _envelopes(await export_of(show.db))
    at = _index(envelopes, "result_revealed", 1)
    revealed = envelopes[at]["data"]
    revealed["final"] = "99.99"
    forged = _resealed(envelopes)
    export = _write(tmp_path / "forged.ndjson", forged)
    note = show.checkpoint_file(-1, tmp_path)

    ours = cli("verify", str(export), "--public-key", show.public_key, "--checkpoint", str(note))
    assert ours.returncode == 1
    assert "t: intact, 47 events" in ours.stdout  # the chain alone cannot tell
    assert (
        f"t: RESULT DIFFERS at seq {at + 1}: the reveal of contestant "
        f"{revealed['contestant']!r}: final written 99.99, recomputed "
    ) in ours.stdout
    assert f"history was rewritten between seq 1 and seq {parse(show.notes[-1]).size}" in (
        ours.stdout
    )
    theirs = doc_verifier(str(export), "--public-key", show.public_key, "--checkpoint", str(note))
    assert theirs.returncode == 1 and "the first 47 events have another root" in theirs.stdout

    awards = _index(envelopes, "awards_published")
    envelopes = _envelopes(await export_of(show.db))
    given = envelopes[awards]["data"]["awards"]
    given[0]["award"], given[1]["award"] = given[1]["award"], given[0]["award"]
    export = _write(tmp_path / "awards.ndjson", _resealed(envelopes))
    ours = cli("verify", str(export))
    assert ours.returncode == 1
    assert f"t: RESULT DIFFERS at seq {awards + 1}: the awards of round 'r1': contestant " in (
        ours.stdout
    )


async def test_wrong_key_and_forged_checkpoint(show: Written, tmp_path: Path) -> None:
    stranger = Signer("leitai", Ed25519PrivateKey.generate())
    wrong = cli("verify", str(show.db), "--public-key", str(stranger.key))
    assert wrong.returncode == 1
    assert wrong.stdout.count("CHECKPOINT REFUSED (stored): checkpoint leitai/t size ") == 5
    assert f"has no signature by key {stranger.key.name}+{stranger.key.id.hex()}" in wrong.stdout

    body, signature = show.notes[0].split("\n\n")
    origin, size, _ = body.split("\n")
    forged = tmp_path / "forged.txt"
    root = parse(show.notes[-1]).root  # a real root of this log, at another size
    forged.write_text(f"{origin}\n{size}\n{base64.b64encode(root).decode()}\n\n{signature}")
    ours = cli("verify", str(show.db), "--public-key", show.public_key, "--checkpoint", str(forged))
    assert ours.returncode == 1
    assert (
        f"t: CHECKPOINT REFUSED ({forged}): checkpoint leitai/t size {size}: the signature of "
        f"key {show.key.key.name}+{show.key.key.id.hex()} does not verify (forged or altered)"
    ) in ours.stdout
    theirs = doc_verifier(str(tmp_path / "none.ndjson"), "--public-key", show.public_key)
    assert theirs.returncode == 2
    export = tmp_path / "t.ndjson"
    export.write_bytes(b"".join(await export_of(show.db)))
    theirs = doc_verifier(str(export), "--public-key", show.public_key, "--checkpoint", str(forged))
    assert theirs.returncode == 1 and "CHECKPOINT REFUSED: the signature does not verify" in (
        theirs.stdout
    )
    stranger_file = tmp_path / "stranger.pub"
    stranger_file.write_text(str(stranger.key))
    note = show.checkpoint_file(0, tmp_path)
    theirs = doc_verifier(
        str(export), "--public-key", str(stranger_file), "--checkpoint", str(note)
    )
    assert theirs.returncode == 1 and "no signature by this key" in theirs.stdout


async def test_history_rewritten_after_a_checkpoint_fails_consistency(
    show: Written, tmp_path: Path
) -> None:
    """The operator keeps the key, rewrites a score before a published
    checkpoint, re-seals the chain and signs anew: a kept checkpoint catches it."""
    kept = show.checkpoint_file(0, tmp_path)
    old = parse(show.notes[0])
    envelopes = _envelopes(await export_of(show.db))
    at = _index(envelopes, "score_submitted", 1)
    envelopes[at]["data"]["points"]["delivery"] = "39.5"
    forged = _resealed(envelopes)
    database = sqlite3.connect(show.db, isolation_level=None)
    try:
        database.execute("DROP TRIGGER events_no_update")
        database.execute("DELETE FROM checkpoints")
        for envelope in forged[at:]:
            body = canonical({k: v for k, v in envelope.items() if k != "hash"})
            database.execute(
                "UPDATE events SET body = ?, hash = ? WHERE stream = ? AND seq = ?",
                (body, envelope["hash"], STREAM, envelope["seq"]),
            )
    finally:
        database.close()
    store = await open_store(str(show.db), create=False)
    transparency = await Transparency.open(store, str(show.db))
    assert transparency is not None
    try:
        await transparency.sign(STREAM, 47)
        tree = await transparency.tree(STREAM, 47)
        proof = tree.consistency_proof(old.size, 47)
    finally:
        await transparency.close()
        await store.close()
    assert not consistent(old.size, 47, old.root, tree.root(47), proof)

    ours = cli("verify", str(show.db), "--public-key", show.public_key, "--checkpoint", str(kept))
    assert ours.returncode == 1
    lines = ours.stdout.splitlines()
    assert lines[0].startswith("t: intact, 47 events")
    assert "t: checkpoint of size 47 (stored): signature good, matches the log" in lines
    assert (
        f"t: CHECKPOINT of size {old.size} ({kept}) NOT MET: the log's first {old.size} events "
        f"do not hash to the signed root: history was rewritten between seq 1 and seq {old.size}"
    ) in lines
    assert (
        f"t: CONSISTENCY FAILS between the checkpoints of size {old.size} and 47: the log "
        f"signed at size 47 does not extend the one signed at size {old.size}"
    ) in lines


def _intact_up_to(output: str) -> int | None:
    """Where a verifier says the chain holds up to (None: it says it is intact)."""
    found = re.search(r"intact up to seq (\d+)", output)
    return int(found[1]) if found else None


async def test_both_verifiers_agree_on_every_kind_of_damage(show: Written, tmp_path: Path) -> None:
    envelopes = _envelopes(await export_of(show.db))
    changed = _envelopes(await export_of(show.db))
    changed[_index(changed, "score_submitted", 2)]["data"]["points"]["content"] = "31.0"
    wrong_prev = _envelopes(await export_of(show.db))
    wrong_prev[14]["prev"] = envelopes[12]["hash"]
    other_stream = _envelopes(await export_of(show.db))
    other_stream[4]["stream"] = "u"
    extra_member = _envelopes(await export_of(show.db))
    extra_member[7]["note"] = "x"  # sorts before the link: only the members' list tells
    variants = {
        "intact": (envelopes, None),
        "changed score": (changed, _index(changed, "score_submitted", 2)),
        "dropped": ([*envelopes[:29], *envelopes[30:]], 29),
        "repeated": ([*envelopes[:30], envelopes[29], *envelopes[30:]], 30),
        "swapped": ([*envelopes[:9], envelopes[10], envelopes[9], *envelopes[11:]], 9),
        "wrong prev": (wrong_prev, 14),
        "rewritten and resealed": (_resealed(changed), None),
        "an unknown member, resealed": (_resealed(extra_member), 7),
    }
    kept = show.checkpoint_file(-1, tmp_path)
    for name, (content, intact) in variants.items():
        path = _write(tmp_path / f"{name}.ndjson", content)
        args = (str(path), "--public-key", show.public_key, "--checkpoint", str(kept))
        ours, theirs = cli("verify", *args), doc_verifier(*args)
        good = name == "intact"
        assert (ours.returncode, theirs.returncode) == ((0, 0) if good else (1, 1)), (
            name,
            ours.stdout,
            theirs.stdout,
        )
        assert _intact_up_to(ours.stdout) == _intact_up_to(theirs.stdout) == intact, name
    split = _write(tmp_path / "split.ndjson", other_stream)
    ours, theirs = cli("verify", str(split)), doc_verifier(str(split))
    assert ours.returncode == theirs.returncode == 1
    assert "t: BROKEN at seq 5: seq 5 is missing" in ours.stdout
    assert "t: BROKEN: seq 5 is missing or out of order" in theirs.stdout


async def test_receipts_in_and_not_in_the_log_by_both(show: Written, tmp_path: Path) -> None:
    envelopes = _envelopes(await export_of(show.db))
    score = envelopes[_index(envelopes, "score_submitted", 3)]
    checkpoint = parse(show.notes[1])
    store = await open_store(str(show.db), create=False)
    transparency = await Transparency.open(store, str(show.db))
    assert transparency is not None
    try:
        tree = await transparency.tree(STREAM, checkpoint.size)
        path = tree.inclusion_proof(score["seq"] - 1, checkpoint.size)
    finally:
        await transparency.close()
        await store.close()
    proof = tmp_path / "proof.json"
    proof.write_text(
        json.dumps(
            {
                "stream": STREAM,
                "seq": score["seq"],
                "size": checkpoint.size,
                "proof": [h.hex() for h in path],
            }
        )
    )
    note = show.checkpoint_file(1, tmp_path)
    another = envelopes[score["seq"]]["hash"]  # the next event's: in the log, not at this leaf
    for receipt, ok in (
        (f"{score['seq']}:{score['hash']}", True),
        (f"{score['seq']}:{another}", False),
    ):
        args = ("--receipt", receipt, "--proof", str(proof), "--checkpoint", str(note))
        ours = cli("verify-receipt", *args, "--public-key", show.public_key)
        theirs = doc_verifier(*args, "--public-key", show.public_key)
        assert (ours.returncode, theirs.returncode) == ((0, 0) if ok else (1, 1)), receipt
        if not ok:
            assert ours.stdout.startswith(f"NOT IN THE LOG: event seq {score['seq']} with hash ")
            assert f"NOT IN THE LOG leitai/t at size {checkpoint.size}" in theirs.stdout
    late = cli(
        "verify-receipt",
        "--receipt",
        f"{checkpoint.size + 1}:{score['hash']}",
        "--proof",
        str(proof),
        "--checkpoint",
        str(note),
        "--public-key",
        show.public_key,
    )
    assert late.returncode == 1
    assert (
        f"seq {checkpoint.size + 1} is after this checkpoint (size {checkpoint.size})"
        in late.stdout
    )
    other = show.checkpoint_file(2, tmp_path)
    mismatched = cli(
        "verify-receipt",
        "--receipt",
        f"{score['seq']}:{score['hash']}",
        "--proof",
        str(proof),
        "--checkpoint",
        str(other),
        "--public-key",
        show.public_key,
    )
    assert mismatched.returncode == 1
    assert f"the proof is for a log of {checkpoint.size} events, the checkpoint is of " in (
        mismatched.stdout
    )
