"""The end of the show is under a signed checkpoint: the step that makes the
results final, and the awards ceremony's steps, which may come after it.

Before, checkpoints were signed only at reveals and awards publications, so a
verifier proved the provisional results and nothing past them.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.audit.conftest import cli, contest_with_awards, parse, verify_receipt
from tests.server.conftest import Server, make_competition, serving

PANEL_OF = {"g1": "B", "g2": "A"}


@pytest.fixture
async def served(tmp_path: Path) -> AsyncIterator[Server]:
    data = contest_with_awards()
    db = tmp_path / "leitai.db"
    with serving(db, data, await make_competition(db, data)) as server:
        yield server


async def _post(client: httpx.AsyncClient, server: Server, path: str, **body: Any) -> Any:
    token = body.pop("token", server.admin)
    answer = await client.post(server.api(path), json=body, headers=server.bearer(token))
    assert answer.status_code == 200, answer.text
    return answer.json()


async def _signed_size(client: httpx.AsyncClient, server: Server) -> int:
    latest = (await client.get(server.api("/checkpoint.json"))).json()
    assert latest["size"] == parse(latest["checkpoint"]).size
    return int(latest["size"])


async def test_finalising_and_each_awards_step_are_signed(served: Server, tmp_path: Path) -> None:
    server = served
    async with httpx.AsyncClient(timeout=30) as client:
        for contestant in ("g1c1", "g1c2", "g2c1", "g2c2"):
            await _post(client, server, "/stage", contestant=contestant)
            panel = PANEL_OF[contestant[:2]]
            for i in range(1, 4):
                points = {"content": f"{30 + 5 * i + len(contestant) % 3}.5", "delivery": "20"}
                if contestant.endswith("2"):
                    points["delivery"] = f"{25 + i}"
                await _post(
                    client,
                    server,
                    "/scores",
                    token=server.judges[f"{panel}{i}"],
                    contestant=contestant,
                    points=points,
                    submission_id=uuid.uuid4().hex,
                )
            await _post(client, server, "/close", contestant=contestant)
            await _post(client, server, "/reveal", contestant=contestant)
        published = await _post(client, server, "/awards", round="r1", by_steps=True)
        assert published["events"] == ["awards_published", "awards_step_shown"]
        assert await _signed_size(client, server) == published["seq"]

        finalised = await _post(client, server, "/finalise", round="r1")
        assert finalised["events"] == ["results_finalised"]
        assert await _signed_size(client, server) == finalised["seq"]
        # what a judge or auditor keeps: the proof with the checkpoint signed at finalising
        proof = await client.get(
            server.api(f"/proof/inclusion?seq={finalised['seq']}"),
            headers=server.bearer(server.judges["B1"]),
        )
        assert proof.status_code == 200, proof.text
        assert parse(proof.json()["checkpoint"]).size == finalised["seq"]
        proof_file = tmp_path / "proof.json"
        proof_file.write_text(json.dumps(proof.json()))

        # the ceremony may go on after finalising: each step the hall sees is signed too
        step = await _post(client, server, "/awards/step", round="r1", step=1)
        assert step["seq"] == finalised["seq"] + 1
        assert await _signed_size(client, server) == step["seq"]

        key = (await client.get(f"{server.url}/api/public-key")).json()["key"]

    verified = verify_receipt(f"{finalised['seq']}:{finalised['hash']}", proof_file, key)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert f"verified: event seq {finalised['seq']} with hash " in verified.stdout
    log = cli("verify", str(server.db), "--public-key", key)
    assert log.returncode == 0, log.stdout + log.stderr
    # four reveals, the publication and its first step (two events, a checkpoint
    # at each: the sizes signed depend on the log alone, whichever host signs),
    # the finalisation, the step
    assert log.stdout.count("signature good, matches the log") == 8
