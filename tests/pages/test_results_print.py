"""The printable results on an A4 landscape page, in Chromium with print
media at the printable width (297 mm − 2 × 12 mm of margin = 1032 CSS px),
in both languages: ``leitai demo`` (24 contestants, 4 groups, 12 judges in
cross-scoring panels of 3) from a real server, and shows of two panels of
25 and of 40 judges (``tests/exports/full_size.py``: a full-size show's
group tables, with judges who stand aside, abstain or never score, and
names and organisations as long as a real roster's)."""

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

from projections.state import Competition
from server.exports import FORMATS
from server.exports import headings as h
from server.exports.headings import ExportLanguage
from server.exports.table import Score, results_tables
from server.sample import sample_definition
from tests.exports.full_size import PANEL, full_size_show
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
    keys: [...document.querySelectorAll('p.key')].map((p) => ({
      width: p.getBoundingClientRect().width,
      judges: [...p.querySelectorAll('span')].map((span) => span.textContent),
    })),
    tables: [...document.querySelectorAll('table')].map((table) => ({
      name: table.closest('section').querySelector('h2').textContent,
      kind: table.classList[0],
      width: table.getBoundingClientRect().width,
      headings: [...table.querySelectorAll('thead th')].map((th) => [th.textContent, lines(th)]),
      rows: [...table.querySelectorAll('tbody tr')].map((tr) => [...tr.cells].map(lines)),
      heights: [...table.querySelectorAll('tbody tr')].map((tr) => tr.getBoundingClientRect().height),
      texts: [...table.querySelectorAll('tbody tr')].map((tr) => [...tr.cells].map((td) => td.textContent)),
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
    definition = sample_definition()
    judges = {judge.name for judge in definition.judges}
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
    # each group: its results, then its panel's marks under the judges' ids
    assert [table["kind"] for table in groups] == ["results", "marks"] * 4
    ids = {judge.id for judge in definition.judges}
    for results, marks, key in zip(groups[::2], groups[1::2], layout["keys"], strict=True):
        assert not (judges | ids) & {heading for heading, _ in results["headings"]}
        labels = {heading for heading, _ in marks["headings"]} & ids
        assert len(labels) == 3, marks["headings"]  # the group's own panel, nobody else
        assert len(key["judges"]) == 3 and all(j.split(" ", 1)[0] in labels for j in key["judges"])
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


@pytest.fixture(scope="module")
def full_size() -> Competition:
    return full_size_show()


def _print(
    browser: Any, state: Competition, lang: ExportLanguage, name: str
) -> tuple[dict[str, Any], int]:
    """The page of ``state``'s results in print media at the printable width:
    its layout (``LAYOUT``) and how many pages its PDF has."""
    tables = results_tables(state, None, lang)
    context = browser.new_context(viewport={"width": PRINTABLE, "height": 730})
    page = context.new_page()
    page.emulate_media(media="print")
    page.set_content(FORMATS["html"].write(tables).decode())
    OUTPUT.mkdir(exist_ok=True)
    pdf = page.pdf(path=str(OUTPUT / f"results-print-{name}-{lang}.pdf"), prefer_css_page_size=True)
    layout = page.evaluate(LAYOUT)
    context.close()
    return layout, len(re.findall(rb"/Type\s*/Page\b", pdf))


def _assert_legible(layout: dict[str, Any], lang: ExportLanguage) -> None:
    """Every table within the page's width; every row one or two lines; no
    name or organisation broken a character or two a line."""
    assert layout["page"] <= PRINTABLE, "the page scrolls sideways"
    for table in layout["tables"]:
        name = (table["name"], table["kind"])
        assert table["width"] <= PRINTABLE, (name, table["width"])
        headings = [heading for heading, _ in table["headings"]]
        # one or two lines a row: 8 pt (7 pt for marks) at 1.5 lines plus padding
        assert max(table["heights"]) <= 40, (name, max(table["heights"]))
        for lines, texts in zip(table["rows"], table["texts"], strict=True):
            assert max(lines) <= 2, (name, list(zip(headings, lines, texts, strict=True)))
            for heading, count, text in zip(headings, lines, texts, strict=True):
                if heading in {h.CONTESTANT.pick(lang), h.ORGANISATION.pick(lang)}:
                    # a name wraps, if at all, at a dozen characters or more a line
                    assert count == 1 or len(text) / count >= 8, (name, heading, text, count)
    for key in layout["keys"]:
        assert key["width"] <= PRINTABLE


@pytest.mark.parametrize("lang", LANGS)
def test_panels_of_25_judges_print_legibly_on_a4_landscape(
    full_size: Competition, browser: Any, lang: ExportLanguage
) -> None:
    """Every table within the page's width, every row one or two lines;
    every judge's mark in its group's marks table, a judge with none saying why."""
    layout, pages = _print(browser, full_size, lang, "25")
    _assert_legible(layout, lang)
    kinds = [table["kind"] for table in layout["tables"]]
    assert kinds == ["ranking", "results", "marks", "results", "marks", "judges"], kinds
    for marks, key in zip(layout["tables"][2:5:2], layout["keys"], strict=True):
        labels = [heading for heading, _ in marks["headings"]][3:-1]
        assert len(labels) == PANEL and all(re.fullmatch(r"J\d\d", label) for label in labels)
        assert all(lines == 1 for _, lines in marks["headings"][3:-1])
        assert [entry.split(" ", 1)[0] for entry in key["judges"]] == labels
        cells = [text for row in marks["texts"] for text in row[3:-1]]
        assert len(cells) == 10 * PANEL
        words = h.NO_TOTAL_SHORT
        assert {cell for cell in cells if not re.fullmatch(r"\d+\.\d{3}", cell)} == {
            words[reason].pick(lang) for reason in ("same_organisation", "abstained", "not_scored")
        }
    assert pages <= 12, pages  # the rehearsal's 20-judge panels printed 57 pages


WIDE = 40
"""A panel wider than one printed marks table can hold (29 judges overflowed the page)."""


@pytest.fixture(scope="module")
def wide() -> Competition:
    return full_size_show(panel=WIDE)


@pytest.mark.parametrize("lang", LANGS)
def test_a_panel_of_40_judges_prints_its_marks_in_two_tables_of_20(
    wide: Competition, browser: Any, lang: ExportLanguage
) -> None:
    """Each group's marks in two tables within the page's width, each with
    the rank, ID and contestant of every row, 20 judges and a key of them;
    the aggregate closes the second. Every judge's mark is printed once,
    with its value or why there is none."""
    layout, pages = _print(browser, wide, lang, "40")
    _assert_legible(layout, lang)
    kinds = [table["kind"] for table in layout["tables"]]
    assert kinds == ["ranking", *(["results", "marks", "marks"] * 2), "judges"], kinds
    tables = results_tables(wide, None, lang)
    contestant = [h.RANK.pick(lang), h.CONTESTANT_ID.pick(lang), h.CONTESTANT.pick(lang)]
    marks = [table for table in layout["tables"] if table["kind"] == "marks"]
    for g, group in enumerate(tables.groups):
        first, second = marks[2 * g : 2 * g + 2]
        keys = layout["keys"][2 * g : 2 * g + 2]
        assert [heading for heading, _ in first["headings"]][:3] == contestant
        assert [heading for heading, _ in second["headings"]][:3] == contestant
        assert [heading for heading, _ in second["headings"]][-1] == h.AGGREGATE.pick(lang)
        assert [row[:3] for row in first["texts"]] == [row[:3] for row in second["texts"]]
        labels = [heading for heading, _ in first["headings"][3:]] + [
            heading for heading, _ in second["headings"][3:-1]
        ]
        judges = [column for column in group.columns if column.key == "judge"]
        assert labels == [column.label for column in judges]
        assert len(first["headings"][3:]) == len(second["headings"][3:-1]) == WIDE // 2
        for table, key in ((first, keys[0]), (second, keys[1])):
            shown = [heading for heading, _ in table["headings"][3:]]
            assert [entry.split(" ", 1)[0] for entry in key["judges"]] == [
                label for label in shown if label in labels
            ]
        printed = {
            (row[1], label): text
            for table in (first, second)
            for row in table["texts"]
            for (label, _), text in zip(table["headings"], row, strict=True)
            if label in labels
        }
        expected = {}
        for row in group.rows:
            for column, value in zip(group.columns, row, strict=True):
                if column.key != "judge":
                    continue
                assert isinstance(value, Score)
                expected[(row[1], column.label)] = (
                    tables.about.number(column, value.value)
                    if value.value is not None
                    else h.NO_TOTAL_SHORT[value.reason or ""].pick(lang)
                )
        assert printed == expected
        assert len(printed) == 10 * WIDE
    assert pages <= 12, pages
