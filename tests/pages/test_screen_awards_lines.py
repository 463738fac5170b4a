"""A long name in the awards' grid wraps in balanced lines: the rehearsal's
「…宣讲小分 / 队」 left one character alone on its line. Names of every length
from 6 to 37 Chinese characters, and English ones of 20 to 90, so that whatever
size and columns the grid takes, some name is one character longer than its
column's line; in both languages, at 1920×1080."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.pages.conftest import OUTPUT, SCREEN, Server, serve, start_server
from tests.pages.one_judge import contest_file, score_and_reveal

CID = "awards-lines-2025"
LANGS = ("zh-CN", "en")
CHINESE = "国网江苏省电力有限公司南通供电分公司调度控制中心红色引擎宣讲小分队青年突击队"
ENGLISH = (
    "Jiangsu Provincial Electric Power Company Nantong Branch Dispatch and Control Centre "
    "Red Engine Youth Speakers Team"
)
ORGANISATIONS = (
    "国网江苏省电力有限公司南通供电分公司",
    "中国移动通信集团江苏有限公司宿迁分公司综合部",
    "Jiangcheng Institute of Technology, School of Electrical Engineering",
)


def names() -> list[str]:
    """A Chinese name of each length from 6 to 37 characters, and English ones of whole
    words from 20 to about 90 characters."""
    chinese = [CHINESE[:n] for n in range(6, 38)]
    words = ENGLISH.split(" ")
    english = [" ".join(words[:n]) for n in range(3, len(words) + 1)]
    return chinese + [name for name in english if len(name) >= 20]


def definition(folder: Path) -> Path:
    everyone = names()
    half = len(everyone) // 2
    roster = [
        (f"c{i:03d}", name, ORGANISATIONS[i % len(ORGANISATIONS)], "open")
        for i, name in enumerate(everyone)
    ]
    awards = [
        ("excellent", "优秀宣讲团队", "Outstanding speakers", "rank", half),
        ("passed", "合格", "Passed", "rank", len(everyone) - half),
    ]
    return contest_file(folder / "lines.toml", CID, roster, awards)


@pytest.fixture(scope="module")
def show(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Server]:
    """Every contestant scored and revealed, the awards published: half of them each.
    Run once for the module; its server has stopped, its log is whole on disk."""
    folder = tmp_path_factory.mktemp("awards-lines")
    for server in start_server(folder, definition(folder)):
        marks = [(f"c{i:03d}", f"{60 + i * 0.5:.1f}") for i in range(len(names()))]
        score_and_reveal(server, marks, "lines")
        server.admin_post("awards", {"round": "final"})
        done = server
    return folder, done


@pytest.fixture
def awarded(show: tuple[Path, Server], tmp_path: Path) -> Iterator[Server]:
    """The show served from a copy of its log: each test starts with no awards step."""
    folder, ran = show
    for path in folder.glob("t.db*"):
        shutil.copy(path, tmp_path / path.name)
    yield from serve(tmp_path / "t.db", CID, ran.admin, ran.auditor, ran.judges)


# Each name and organisation on the stage now, as the lines it takes: the characters
# of each line (a line is a run of characters at one height) and the line's width.
LINES = """() => [...document.querySelectorAll('#awards .tier li')].filter((li) => li.offsetParent !== null)
  .flatMap((li) => [...li.querySelectorAll('.name, .org')].map((el) => {
    const node = el.firstChild;
    const size = parseFloat(getComputedStyle(el).fontSize);
    const lines = [];
    for (let i = 0; i < node.length; i += 1) {
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const r = range.getClientRects()[0];
      if (!r) continue;
      const line = lines.at(-1);
      if (!line || r.top - line.top > size / 2) lines.push({top: r.top, left: r.left, right: r.right, text: node.data[i]});
      else { line.text += node.data[i]; line.left = Math.min(line.left, r.left); line.right = Math.max(line.right, r.right); }
    }
    return {part: el.className, text: el.textContent, size,
      inline: el.closest('.tiers').classList.contains('inline'),
      lines: lines.map((l) => ({text: l.text.trim(), width: l.right - l.left}))};
  }))"""


def open_screen(server: Server, browser: Any, lang: str, tiers: int) -> Page:
    page: Page = browser.new_context(**SCREEN).new_page()
    page.goto(server.page("screen", lang=lang))
    expect(page.locator("#awards .tier")).to_have_count(tiers)
    page.wait_for_timeout(800)  # the tier's rise
    return page


@pytest.mark.parametrize("lang", LANGS)
def test_a_wrapped_name_in_the_awards_is_balanced(awarded: Server, browser: Any, lang: str) -> None:
    wrapped = 0
    for step in (1, 2):
        awarded.admin_post("awards/step", {"round": "final", "step": step})
        page = open_screen(awarded, browser, lang, step)
        (OUTPUT / "screens").mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(OUTPUT / "screens" / f"screen-awards-lines-{lang}-{step}.png"))
        for text in page.evaluate(LINES):
            lines = text["lines"]
            # beside its name, an organisation is on the name's line: the grid chose that
            # form because each fits one line (balancing must not wrap them)
            assert not text["inline"] or len(lines) == 1, (lang, step, text)
            if len(lines) < 2:
                continue
            wrapped += 1
            widths = [line["width"] for line in lines]
            at = (lang, step, text["part"], text["size"], [line["text"] for line in lines])
            # no line left with a character or two: each at least half as wide as the
            # widest, or (English, whose words are not broken) holding two words at least
            words = [len(line["text"].split()) for line in lines]
            for width, count in zip(widths, words, strict=True):
                assert width >= 0.5 * max(widths) or count > 1, (at, widths)
        page.context.close()
    assert wrapped >= 10, wrapped  # else the grid wrapped nothing and this tests nothing
