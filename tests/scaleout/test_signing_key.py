"""The signing key of a PostgreSQL deployment: a host started without the key
file (docs/deploy.md says every host gets the same one) signs nothing, says so
where the operator looks, and still serves the checkpoints the others signed."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.audit.conftest import parse, verify_receipt
from tests.conftest import PostgresBackend, require_postgres
from tests.server.conftest import Server, contest, make_competition, start_server, stop_server
from tests.server.test_live import points, subscribe, until

pytestmark = pytest.mark.postgres


@pytest.fixture
async def keyed_and_keyless(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[Server, Server, Path]]:
    """Two processes on one database: the first with ``LEITAI_KEY_FILE``, the
    second without (the output of each in ``tmp_path``)."""
    await require_postgres()
    pg = PostgresBackend()
    data = contest()
    admin, auditor, judges = await make_competition(pg.url, data)
    started = []
    try:
        monkeypatch.setenv("LEITAI_KEY_FILE", str(tmp_path / "leitai.key"))
        started.append(start_server(pg.url, logs=tmp_path))
        monkeypatch.delenv("LEITAI_KEY_FILE")
        started.append(start_server(pg.url, logs=tmp_path))
        keyed, keyless = (
            Server(url, tmp_path, data["id"], admin, auditor, judges, process)
            for process, url in started
        )
        yield keyed, keyless, tmp_path / "server.1.out"
    finally:
        for process, _ in started:
            stop_server(process)
        await pg.drop()


async def test_a_host_without_the_key_serves_the_checkpoints_others_signed(
    keyed_and_keyless: tuple[Server, Server, Path], tmp_path: Path
) -> None:
    keyed, keyless, keyless_output = keyed_and_keyless
    async with httpx.AsyncClient(timeout=30) as client:

        async def post(server: Server, path: str, token: str, **body: object) -> dict[str, str]:
            answer = await client.post(server.api(path), json=body, headers=server.bearer(token))
            assert answer.status_code == 200, answer.text
            result: dict[str, str] = answer.json()
            return result

        # before any checkpoint: the same answer from both (api.md)
        for server in (keyed, keyless):
            none_yet = await client.get(server.api("/checkpoint.json"))
            assert none_yet.status_code == 200, none_yet.text
            assert none_yet.json() == {"stream": "t", "size": 0, "checkpoint": None}

        await post(keyed, "/stage", keyed.admin, contestant="g1c1")
        receipts = [
            await post(
                keyed,
                "/scores",
                keyed.judges[judge],
                contestant="g1c1",
                points=points(judge, "g1c1"),
                submission_id=uuid.uuid4().hex,
            )
            for judge in ("B1", "B2", "B3")
        ]
        await post(keyed, "/close", keyed.admin, contestant="g1c1")
        revealed = await post(keyed, "/reveal", keyed.admin, contestant="g1c1")

        signed = (await client.get(keyed.api("/checkpoint"))).text
        assert parse(signed).size == int(revealed["seq"])
        served = await client.get(keyless.api("/checkpoint.json"))
        assert served.status_code == 200, served.text
        assert served.json() == {"stream": "t", "size": revealed["seq"], "checkpoint": signed}
        text = await client.get(keyless.api("/checkpoint"))
        assert (text.status_code, text.text) == (200, signed)
        judge = keyless.bearer(keyless.judges["B1"])
        proof = await client.get(
            keyless.api(f"/proof/inclusion?seq={receipts[0]['seq']}"), headers=judge
        )
        assert proof.status_code == 200, proof.text
        assert proof.json()["checkpoint"] == signed

        # the public key cannot be known without the key (nor read from the
        # database it is there to check): refused, saying what to do
        missing = await client.get(f"{keyless.url}/api/public-key")
        assert missing.status_code == 503
        assert missing.json()["error"]["code"] == "no_signing_key"
        assert "LEITAI_KEY_FILE" in missing.json()["error"]["message"]
        key = (await client.get(f"{keyed.url}/api/public-key")).json()["key"]

    # what the keyless host served is what the keyed host signed, and proves the receipt
    proof_file = tmp_path / "proof.json"
    proof_file.write_text(json.dumps(proof.json()))
    verified = verify_receipt(f"{receipts[0]['seq']}:{receipts[0]['hash']}", proof_file, key)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    # said at the default log level, where the operator looks, naming the fix
    assert "docs/deploy.md" in keyless_output.read_text()
    assert "LEITAI_KEY_FILE" in keyless_output.read_text()


async def test_a_keyed_host_signs_what_a_keyless_host_commits(
    keyed_and_keyless: tuple[Server, Server, Path], tmp_path: Path
) -> None:
    """A reveal committed through the host without the key is signed by the
    host with it, from the log it follows: the hall's last result is covered
    whichever host the organiser's console happened to reach."""
    keyed, keyless, _ = keyed_and_keyless
    async with httpx.AsyncClient(timeout=30) as client:

        async def post(path: str, token: str, **body: object) -> dict[str, Any]:
            answer = await client.post(keyless.api(path), json=body, headers=keyless.bearer(token))
            assert answer.status_code == 200, answer.text
            result: dict[str, Any] = answer.json()
            return result

        ws = await subscribe(keyed, "progress")
        try:
            await post("/stage", keyless.admin, contestant="g1c1")
            receipt = await post(
                "/scores",
                keyless.judges["B1"],
                contestant="g1c1",
                points=points("B1", "g1c1"),
                submission_id=uuid.uuid4().hex,
            )
            for judge in ("B2", "B3"):
                await post(
                    "/scores",
                    keyless.judges[judge],
                    contestant="g1c1",
                    points=points(judge, "g1c1"),
                    submission_id=uuid.uuid4().hex,
                )
            await post("/close", keyless.admin, contestant="g1c1")
            revealed = await post("/reveal", keyless.admin, contestant="g1c1")
            # the keyed host has applied the reveal (a position, not a pause) ...
            await until(ws, "progress", revealed["seq"])
        finally:
            await ws.close()
        # ... and answers with the checkpoint it signed at it
        latest = await client.get(keyed.api("/checkpoint.json"))
        assert latest.status_code == 200, latest.text
        assert latest.json()["size"] == revealed["seq"]
        signed = latest.json()["checkpoint"]
        assert parse(signed).size == revealed["seq"]
        # the host that committed it serves the same note
        served = await client.get(keyless.api("/checkpoint.json"))
        assert served.json()["checkpoint"] == signed
        proof = await client.get(
            keyless.api(f"/proof/inclusion?seq={receipt['seq']}"),
            headers=keyless.bearer(keyless.judges["B1"]),
        )
        assert proof.status_code == 200, proof.text
        assert proof.json()["checkpoint"] == signed
        key = (await client.get(f"{keyed.url}/api/public-key")).json()["key"]

    proof_file = tmp_path / "proof.json"
    proof_file.write_text(json.dumps(proof.json()))
    verified = verify_receipt(f"{receipt['seq']}:{receipt['hash']}", proof_file, key)
    assert verified.returncode == 0, verified.stdout + verified.stderr
