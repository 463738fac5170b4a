"""What the README promises a newcomer: `leitai demo` shows a live board."""

from __future__ import annotations

import json
import re
import signal
from pathlib import Path

import websockets

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
