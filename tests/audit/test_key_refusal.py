"""A host never signs with a key of its own beside checkpoints signed by another.

Two keys for one store meant judges' pages reporting "no signature by the
server's key" in the middle of a show: a host whose ``LEITAI_KEY_FILE``
named a missing file made a new key at start. On a store holding
checkpoints it now refuses to start, makes no key, and names the key that
signed them and the page saying what to do (docs/deploy.md).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from events.store import open_store
from server.signing import load_or_create
from server.transparency import Transparency
from tests.conftest import Backend
from tests.server.conftest import ROOT, contest, make_competition, start_server, stop_server


def serve(store: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``leitai serve`` that is expected to refuse to start (so it returns)."""
    return subprocess.run(
        [sys.executable, "-m", "server.cli", "serve", "--store", store, "--port", "0"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
    )


async def signed_store(url: str, key: Path) -> str:
    """A competition at ``url`` with a checkpoint signed by ``key``; the key's id."""
    await make_competition(url, contest())
    store = await open_store(url)
    transparency = await Transparency.open(store, url, str(key))
    try:
        await transparency.sign("t", (await store.head("t")).seq)
        assert transparency.signer is not None
        return transparency.signer.key.id.hex()
    finally:
        await transparency.close()
        await store.close()


def exists(path: Path) -> bool:
    return path.exists()


def output(folder: Path) -> str:
    """What the (one) server started in ``folder`` printed."""
    return next(folder.glob("server.*.out")).read_text()


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LEITAI_KEY_FILE", raising=False)
    monkeypatch.delenv("LEITAI_NEW_KEY", raising=False)


@pytest.mark.usefixtures("env")
async def test_a_missing_key_file_is_not_made_beside_others_checkpoints(
    backend: Backend, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = tmp_path / "first.key"
    signed_by = await signed_store(backend.url, first)
    missing = tmp_path / "second-host.key"

    refused = serve(backend.url, {"LEITAI_KEY_FILE": str(missing)})
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert signed_by in refused.stderr and "docs/deploy.md" in refused.stderr
    assert str(missing) in refused.stderr
    assert not exists(missing)  # no second key made

    # a key of its own, made elsewhere, is refused the same way, naming both
    other, _ = load_or_create(tmp_path / "other.key")
    refused = serve(backend.url, {"LEITAI_KEY_FILE": str(tmp_path / "other.key")})
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert signed_by in refused.stderr and other.key.id.hex() in refused.stderr

    # the key that signed them starts, and serves its public half
    monkeypatch.setenv("LEITAI_KEY_FILE", str(first))
    process, url = start_server(backend.url, logs=tmp_path)
    try:
        async with httpx.AsyncClient(timeout=30) as client:
            answer = await client.get(f"{url}/api/public-key")
        assert signed_by in answer.json()["key"]
    finally:
        stop_server(process)


@pytest.mark.usefixtures("env")
async def test_the_key_beside_a_sqlite_database_is_not_made_either(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Beside a SQLite database the key is found without the setting: a
    database copied without its key is refused too, until told to make one."""
    db = tmp_path / "leitai.db"
    signed_by = await signed_store(str(db), tmp_path / "elsewhere.key")
    refused = serve(str(db), {})
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert signed_by in refused.stderr
    assert not exists(Path(f"{db}.key"))

    # a key lost for good is replaced only when asked to, and says so
    monkeypatch.setenv("LEITAI_NEW_KEY", "1")
    process, _ = start_server(db, logs=tmp_path)
    stop_server(process)
    assert exists(Path(f"{db}.key"))
    assert signed_by in output(tmp_path)


def init(store: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "server.cli",
            "init",
            str(ROOT / "examples/contest.toml"),
            "--db",
            store,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
    )


@pytest.mark.usefixtures("env")
async def test_init_refuses_the_wrong_key_before_it_creates_anything(
    backend: Backend, tmp_path: Path
) -> None:
    """``leitai init`` created the competition, then refused the key: the
    tokens, shown only once and stored as hashes, were never printed, and
    running it again met "already exists"."""
    first = tmp_path / "first.key"
    signed_by = await signed_store(backend.url, first)
    refused = init(backend.url, {"LEITAI_KEY_FILE": str(tmp_path / "missing.key")})
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert signed_by in refused.stderr and "Created" not in refused.stdout
    store = await open_store(backend.url)
    try:
        assert await store.streams() == ["t"]  # nothing created
    finally:
        await store.close()

    created = init(backend.url, {"LEITAI_KEY_FILE": str(first)})
    assert created.returncode == 0, created.stdout + created.stderr
    assert "#token=" in created.stdout and signed_by in created.stdout
