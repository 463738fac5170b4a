"""API fuzzing: schemathesis against ``/api/openapi.json`` with each role's
token (none, judge, auditor, admin). No 5xx, no response outside its
documented schema or media type, and the log changed only by requests that
were answered 200 with a receipt: every rejected request left the head hash
as it was.

``LEITAI_FUZZ_EXAMPLES`` sets the examples per operation and phase (default
20: about 1,200 requests a role, ~5,000 in all, under a minute); the nightly
mode sets more. ``LEITAI_HARDENING_SEED`` repeats a run.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hardening.conftest import read_log, seed
from tests.server.conftest import Server

CHECKS = "not_a_server_error,response_schema_conformance,content_type_conformance"


def schemathesis() -> str:
    """The schemathesis command beside this Python (the venv's, which need not
    be on PATH: the README runs ``.venv/bin/python -m pytest``), else on PATH."""
    beside = Path(sys.executable).parent / "schemathesis"
    found = str(beside) if beside.is_file() else shutil.which("schemathesis")
    if found is None:
        reason = "schemathesis is not installed (pip install -e '.[test]')"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return found


def receipts(har: Path) -> list[dict[str, object]]:
    """The receipts of the commands the server accepted, from the run's HAR file."""
    found = []
    for entry in json.loads(har.read_text())["log"]["entries"]:
        response = entry["response"]
        text = response["content"].get("text") or ""
        if entry["request"]["method"] == "POST" and response["status"] == 200:
            body = json.loads(text)
            if isinstance(body, dict) and "events" in body and "hash" in body:
                found.append(body)
    return found


@pytest.mark.settings(bad_tokens_before_delay=10**9, bad_tokens_before_block=10**9)
async def test_fuzzing_every_role_finds_no_5xx_and_rejections_append_nothing(
    venue: Server, tmp_path: Path
) -> None:
    program = schemathesis()
    run_seed = random.Random(seed()).randrange(2**31)
    examples = os.environ.get("LEITAI_FUZZ_EXAMPLES", "20")
    config = tmp_path / "schemathesis.toml"
    config.write_text(f'[parameters]\n"path.cid" = "{venue.stream}"\n"path.judge" = "A3"\n')
    roles = [
        ("public", None),
        ("judge", venue.judges["A1"]),
        ("auditor", venue.auditor),
        ("admin", venue.admin),  # last: it may revoke judges' tokens
    ]
    for role, token in roles:
        before = await read_log(str(venue.db), venue.stream)
        har = tmp_path / f"{role}.har"
        command = [
            program,
            "--config-file",
            str(config),
            "run",
            f"{venue.url}/api/openapi.json",
            "--checks",
            CHECKS,
            "--max-examples",
            examples,
            "--seed",
            str(run_seed),
            # One worker: with two threads, CPython 3.11's ast module (which
            # hypothesis calls to describe its strategies) can raise a spurious
            # "AST constructor recursion depth mismatch" (python/cpython#106905).
            "--workers",
            "1",
            "--report",
            "har",
            "--report-har-path",
            str(har),
            *(["--header", f"Authorization: Bearer {token}"] if token else []),
        ]
        run = await asyncio.to_thread(
            subprocess.run, command, capture_output=True, text=True, timeout=600
        )
        assert run.returncode == 0, f"{role}:\n{run.stdout[-6000:]}\n{run.stderr[-2000:]}"
        cases = [line.strip() for line in run.stdout.splitlines() if " generated, " in line]
        after = await read_log(str(venue.db), venue.stream)
        assert after[: len(before)] == before
        appended = {e.seq: e for e in after[len(before) :]}
        accepted = [r for r in receipts(har) if not r["duplicate"]]
        # every new event was answered to someone with its receipt, and nothing else was
        assert sum(len(r["events"]) for r in accepted) == len(appended)  # type: ignore[arg-type]
        for receipt in accepted:
            assert appended[receipt["seq"]].hash == receipt["hash"]  # type: ignore[index]
        print(f"{role}: {cases[-1]}; {len(appended)} events appended by accepted commands")
        if role in ("public", "auditor"):
            assert not appended, f"a {role} request appended"
