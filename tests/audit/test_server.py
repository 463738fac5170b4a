"""The audit trail as served by a real ``leitai serve``: checkpoints signed at each
reveal, proofs a judge checks with ``leitai verify-receipt``, the board at any seq."""

from __future__ import annotations

import json
import stat
import uuid
from pathlib import Path
from typing import Any

import httpx

from events.merkle import consistent
from tests.audit.conftest import cli, parse, verify_receipt
from tests.server.conftest import ROOT, Server


async def _post(
    client: httpx.AsyncClient, server: Server, path: str, token: str, **body: Any
) -> Any:
    answer = await client.post(server.api(path), json=body, headers=server.bearer(token))
    assert answer.status_code == 200, answer.text
    return answer.json()


async def _perform(
    client: httpx.AsyncClient, server: Server, contestant: str, boards: dict[int, Any]
) -> dict[str, Any]:
    """Stage, score (panel B scores g1), close and reveal; the first judge's receipt."""
    steps: list[tuple[str, str, dict[str, Any]]] = [("/stage", server.admin, {})]
    for i, judge in enumerate(("B1", "B2", "B3")):
        points = {"content": f"{40 + 7 * i}.5", "delivery": f"{20 + 3 * i}.0"}
        steps.append(
            ("/scores", server.judges[judge], {"points": points, "submission_id": uuid.uuid4().hex})
        )
    steps += [("/close", server.admin, {}), ("/reveal", server.admin, {})]
    receipts = []
    for path, token, extra in steps:
        receipts.append(await _post(client, server, path, token, contestant=contestant, **extra))
        board = (await client.get(server.api("/board"), headers=server.bearer(server.admin))).json()
        boards[board["seq"]] = board
    return receipts[1]


async def test_checkpoints_proofs_receipts_and_the_board_at_any_seq(
    server: Server, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    boards: dict[int, Any] = {}
    missing = await client.get(server.api("/checkpoint"))
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "no_checkpoint"
    # the same, for a client that polls until one is signed: not an error
    none_yet = await client.get(server.api("/checkpoint.json"))
    assert none_yet.status_code == 200, none_yet.text
    assert none_yet.json() == {"stream": "t", "size": 0, "checkpoint": None}

    receipt = await _perform(client, server, "g1c1", boards)
    key = (await client.get(f"{server.url}/api/public-key")).json()
    # Made by the server on its first start, readable by its owner only:
    assert stat.S_IMODE(Path(f"{server.db}.key").stat().st_mode) == 0o600  # noqa: ASYNC240
    assert key["algorithm"] == "ed25519" and key["key"].startswith("leitai+")
    first = (await client.get(server.api("/checkpoint"))).text
    assert parse(first).size == max(boards)  # signed at the reveal
    latest = (await client.get(server.api("/checkpoint.json"))).json()
    assert latest == {"stream": "t", "size": parse(first).size, "checkpoint": first}

    judge = server.bearer(server.judges["B1"])
    proof = await client.get(server.api(f"/proof/inclusion?seq={receipt['seq']}"), headers=judge)
    assert proof.status_code == 200, proof.text
    bundle = proof.json()
    assert bundle["hash"] == receipt["hash"] and bundle["checkpoint"] == first
    proof_file = tmp_path / "proof.json"
    proof_file.write_text(json.dumps(bundle))
    verified = verify_receipt(f"{receipt['seq']}:{receipt['hash']}", proof_file, key["key"])
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert verified.stdout.startswith(f"verified: event seq {receipt['seq']} with hash ")
    assert f"is in leitai/t at size {parse(first).size}, signed by key leitai+" in verified.stdout

    forged = "0" * 64
    refused = verify_receipt(f"{receipt['seq']}:{forged}", proof_file, key["key"])
    assert refused.returncode == 1
    assert refused.stdout.strip() == (
        f"NOT IN THE LOG: event seq {receipt['seq']} with hash {forged[:16]}… is not in "
        f"leitai/t at size {parse(first).size} (the proof does not lead to the signed root)"
    )

    await _perform(client, server, "g1c2", boards)
    second = (await client.get(server.api("/checkpoint"))).text
    old, new = parse(first), parse(second)
    assert new.size == max(boards) > old.size
    answer = await client.get(server.api(f"/proof/consistency?from={old.size}"), headers=judge)
    proof_hashes = [bytes.fromhex(h) for h in answer.json()["proof"]]
    assert consistent(old.size, new.size, old.root, new.root, proof_hashes)
    checkpoint_file = tmp_path / "checkpoint.txt"
    checkpoint_file.write_text(second)
    later = (
        await client.get(
            server.api(f"/proof/inclusion?seq={receipt['seq']}&size={new.size}"), headers=judge
        )
    ).json()
    assert later["checkpoint"] is None
    proof_file.write_text(json.dumps(later))
    again = verify_receipt(
        f"{receipt['seq']}:{receipt['hash']}",
        proof_file,
        key["key"],
        "--checkpoint",
        str(checkpoint_file),
    )
    assert again.returncode == 0, again.stdout

    auditor = server.bearer(server.auditor)
    for seq, board in boards.items():
        replayed = await client.get(server.api(f"/board?at={seq}"), headers=auditor)
        assert replayed.json() == board, seq
    for query, headers, status in (
        (f"/board?at={max(boards) + 1}", auditor, 404),
        ("/board?at=-1", auditor, 422),
        ("/board?at=3", {}, 401),
        (f"/proof/inclusion?seq={receipt['seq']}", {}, 401),
        ("/proof/inclusion?seq=0", judge, 422),
        (f"/proof/inclusion?seq=1&size={max(boards) + 1}", judge, 404),
        ("/proof/consistency?from=5&to=4", judge, 422),
    ):
        answer = await client.get(server.api(query), headers=headers)
        assert answer.status_code == status, (query, answer.text)
        assert set(answer.json()) == {"error"}

    verified_log = cli("verify", str(server.db), "--public-key", key["key"])
    assert verified_log.returncode == 0, verified_log.stdout
    assert verified_log.stdout.count("signature good, matches the log") == 2
    assert "2 published results recomputed from the log: all match" in verified_log.stdout


def test_init_makes_the_signing_key_and_prints_its_public_half(tmp_path: Path) -> None:
    db = tmp_path / "contest.db"
    made = cli("init", str(ROOT / "examples" / "contest.toml"), "--db", str(db))
    assert made.returncode == 0, made.stderr
    key_file = Path(f"{db}.key")
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    public = next(line for line in made.stdout.splitlines() if "public key:" in line)
    assert public.split("public key: ")[1].startswith("leitai+")
    export = cli("export", str(db), "--stream", "jiangcheng-speech-2025")
    # PRIVATE+KEY+<name>+<key id>+<base64 seed>: the base64 may hold "+" too
    secret = key_file.read_text().strip().removeprefix("PRIVATE+KEY+").split("+", 2)[2]
    assert len(secret) == 44  # base64 of 0x01 and the 32-byte seed
    assert export.returncode == 0 and secret not in export.stdout
