"""What the README promises a newcomer: `leitai demo` shows a live board."""

from __future__ import annotations

import json
import re
import signal
from pathlib import Path

import httpx
import websockets

from events.store import open_store
from server.demo import _prepare, run_show
from server.live import Live
from server.sample import sample_definition
from tests.server.conftest import ROOT, launch, wait_for_line


def readme_blocks() -> list[str]:
    text = (ROOT / "README.md").read_text()
    return re.findall(r"```\n(.*?)\n```", text, re.DOTALL)


def test_readme_opens_with_the_two_commands() -> None:
    demo, tests = readme_blocks()[:2]
    assert demo.strip().endswith("leitai demo")
    assert "pytest" in tests


async def test_the_demo_reveals_results_live_and_stops_cleanly(tmp_path: Path) -> None:
    output = tmp_path / "demo.out"
    process = launch(output, "demo", "--port", "0", "--speed", "20")
    try:
        screen = wait_for_line(
            process, output, r"Venue screen:\s+(http://127\.0\.0\.1:\d+)/screen/(\S+)"
        )
        base, stream = screen.groups()
        auditor = wait_for_line(process, output, r"Auditor page:\s+\S+/audit/\S+#token=(\S+)")
        async with httpx.AsyncClient() as client:
            log = await client.get(
                f"{base}/api/competitions/{stream}/log",
                headers={"Authorization": f"Bearer {auditor.group(1)}"},
            )
        assert log.status_code == 200 and '"competition_created"' in log.text
        ws_url = base.replace("http://", "ws://") + f"/ws/competitions/{stream}"
        async with websockets.connect(ws_url, compression=None) as ws:
            await ws.send(json.dumps({"type": "subscribe", "view": "board"}))
            while True:  # the simulated show reveals its first result in about a second
                message = json.loads(await ws.recv())
                if message["type"] == "view" and any(
                    r["revealed"] for r in message["data"]["overall"]
                ):
                    break
        revealed = [r for r in message["data"]["overall"] if r["revealed"]]
        assert revealed[0]["final"] is not None and revealed[0]["rank"] == 1
        process.send_signal(signal.SIGINT)
        assert process.wait(15) == 0
        assert "Traceback" not in output.read_text()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


async def test_the_demo_steps_through_the_awards_before_finalising(tmp_path: Path) -> None:
    """The simulated organiser reveals the awards tier by tier, as the console
    does, so that phones in the hall learn each award with the stage."""
    definition = sample_definition()
    store = await open_store(str(tmp_path / "demo.db"))
    try:
        await _prepare(str(tmp_path / "demo.db"), definition)
        live = await Live.load(store, definition.stream)
        try:
            await run_show(live, speed=1e6)
        finally:
            await live.close()
        events = [e async for e in store.read(definition.stream)]
    finally:
        await store.close()
    tail = [(e.type, getattr(e.data, "step", None)) for e in events]
    published = next(i for i, (kind, _) in enumerate(tail) if kind == "awards_published")
    steps = tail[published + 1 :]
    assert steps[-1] == ("results_finalised", None)
    assert [step for kind, step in steps[:-1]] == list(range(len(steps) - 1))
    assert {kind for kind, _ in steps[:-1]} == {"awards_step_shown"}
    assert len(steps) - 2 >= 2  # the sample competition gives two awards at least
