"""What ``leitai serve`` says at start, where the operator looks: the
competitions it serves or that it has none (behind a load balancer, a host
pointed at the wrong database answers every judge 404), and a database that
does not exist named as the store's, not as the checkpoints'."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.conftest import PG_URL, require_postgres
from tests.server.conftest import ROOT, contest, make_competition, start_server, stop_server


async def test_the_banner_lists_the_competitions_or_says_there_are_none(tmp_path: Path) -> None:
    empty, full = tmp_path / "empty", tmp_path / "full"
    empty.mkdir()
    full.mkdir()
    await make_competition(full / "leitai.db", contest())
    for folder in (empty, full):
        process, _ = start_server(folder / "leitai.db")
        stop_server(process)
    said = {f.name: (f / "server.0.out").read_bytes().decode() for f in (empty, full)}
    assert "No competition in this store yet" in said["empty"]
    assert "t: screen http://" in said["full"]
    assert "No competition" not in said["full"]


@pytest.mark.postgres
async def test_a_database_that_does_not_exist_is_named_as_the_store(tmp_path: Path) -> None:
    await require_postgres()
    url = f"{PG_URL.rsplit('/', 1)[0]}/leitai_missing_{uuid.uuid4().hex[:8]}"
    refused = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "server.cli", "serve", "--store", url, "--port", "0"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        # with the key file every host is given, the checkpoints were opened first
        env={**os.environ, "PYTHONPATH": str(ROOT), "LEITAI_KEY_FILE": str(tmp_path / "k.key")},
    )
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert "no such database" in refused.stderr and "checkpoints" not in refused.stderr
