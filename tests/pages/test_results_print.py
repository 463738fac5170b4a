"""The printable results of ``leitai demo`` (24 contestants, 4 groups, 12
judges in cross-scoring panels of 3) on an A4 landscape page: the HTML
export from a real server, in Chromium with print media at the printable
width (297 mm − 2 × 12 mm of margin = 1032 CSS px), in both languages."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from server.exports import headings as h
from server.sample import sample_definition
from tests.pages.conftest import OUTPUT, ROOT

PRINTABLE = 1032
DEMO = (sys.executable, "-m", "server.cli", "demo")
LANGS = ("zh-CN", "en")

LAYOUT = """() => {
  const lines = (cell) => {  // the lines of text a cell takes, from its text boxes
    const range = document.createRange();
    range.selectNodeContents(cell);
    const tops = [...range.getClientRects()].filter((r) => r.width > 0).map((r) => r.top).sort((a, b) => a - b);
    return tops.filter((top, i) => i === 0 || top > tops[i - 1] + 4).length;
  };
  return {
    page: document.documentElement.scrollWidth,
    issued: document.querySelector('header dd.issued')?.textContent ?? null,
    tables: [...document.querySelectorAll('table')].map((table) => ({
      name: table.closest('section').querySelector('h2').textContent,
      width: table.getBoundingClientRect().width,
      headings: [...table.querySelectorAll('thead th')].map((th) => [th.textContent, lines(th)]),
      rows: [...table.querySelectorAll('tbody tr')].map((tr) => [...tr.cells].map(lines)),
    })),
  };
}"""


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """``leitai demo`` run to its finalised results: (base URL, admin token)."""
    folder = tmp_path_factory.mktemp("demo")
    output = folder / "demo.out"
    with output.open("wb") as sink:
        process = subprocess.Popen(
            [*DEMO, "--db", str(folder / "demo.db"), "--port", "0", "--speed", "1000"],
            cwd=ROOT,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    try:
        found = None
        for _ in range(1500):  # bounded: the demo prints its links within seconds
            found = re.search(
                r"Organiser page:\s+(http://\S+?)/admin/\S+#token=(\S+)", output.read_text()
            )
            if found or process.poll() is not None:
                break
            time.sleep(0.02)
        assert found is not None, output.read_text()
        base, token = found.groups()
        for _ in range(1500):  # at 1000× the show takes under a second of pauses
            if _get(f"{base}/api/competitions/demo/board", token)["final"]:
                break
            time.sleep(0.02)
        else:
            raise AssertionError("the demo never finalised its results")
        yield base, token
    finally:
        process.terminate()
        process.wait(10)


def _get(url: str, token: str) -> Any:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read())


@pytest.mark.parametrize("lang", LANGS)
def test_the_printed_results_fit_a4_landscape(
    demo: tuple[str, str], browser: Any, lang: str
) -> None:
    base, token = demo
    context = browser.new_context(
        viewport={"width": PRINTABLE, "height": 730},
        extra_http_headers={"Authorization": f"Bearer {token}"},
    )
    page = context.new_page()
    page.emulate_media(media="print")
    page.goto(f"{base}/api/competitions/demo/results.html?lang={lang}")
    OUTPUT.mkdir(exist_ok=True)
    page.pdf(path=str(OUTPUT / f"results-print-{lang}.pdf"), prefer_css_page_size=True)
    layout = page.evaluate(LAYOUT)
    context.close()

    assert layout["page"] <= PRINTABLE, "the page scrolls sideways"
    judges = {judge.name for judge in sample_definition().judges}
    short = {label.pick(lang) for label in (h.RANK, h.AWARD, h.STATUS, h.GROUP)}
    overall, *groups, audit = layout["tables"]
    assert overall["name"] == h.OVERALL.pick(lang)
    headings = [heading for heading, _ in overall["headings"]]
    # the ranking a notice board needs; judges' marks are in the group tables
    assert not judges & set(headings), headings
    assert [label.pick(lang) for label in (h.RANK, h.CONTESTANT, h.ORGANISATION, h.GROUP)] == (
        headings[:4]
    )
    expert, live = ("专家评审", "现场评分") if lang == "zh-CN" else ("Expert review", "Live score")
    assert headings[4].startswith(expert) and headings[5].startswith(live), headings
    assert headings[6:8] == [h.FINAL.pick(lang), h.AWARD.pick(lang)], headings
    assert len(groups) == 4
    for group in groups:  # the group's own panel of three, nobody else
        assert len(judges & {heading for heading, _ in group["headings"]}) == 3, group["headings"]
    for table in layout["tables"]:
        assert table["width"] <= PRINTABLE, (table["name"], table["width"])
        names = [heading for heading, _ in table["headings"]]
        for heading, lines in table["headings"]:
            assert lines == 1 or heading not in short, (table["name"], heading, lines)
        for row in table["rows"]:
            assert max(row) <= 2, (table["name"], list(zip(names, row, strict=True)))
            for heading, lines in zip(names, row, strict=True):
                assert lines <= 1 or heading not in short, (table["name"], heading, lines)
    assert audit["name"] == h.JUDGES_SHEET.pick(lang)
    assert layout["issued"] and re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d", layout["issued"])
