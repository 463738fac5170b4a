"""The leaderboard at the rehearsal's size: 100 contestants in 4 groups, whose
names run to 20 Chinese characters or 60-90 Latin ones and whose organisations
are longer still. On every page of every table, in both languages, at
1920×1080, each name and organisation is whole: shrunk no further than the floor
legible from the back of a 30 m hall, then on two lines, never cut with "…", and
every row of a page on the board."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.pages.conftest import OUTPUT, SCREEN, Server, start_server
from tests.pages.one_judge import contest_file, score_and_reveal

CID = "rehearsal-board-2025"
CONTESTANTS = 100
REVEALED = 12
NAME_FLOOR = 32  # px at 1920×1080: a name read from the back of a 30 m hall
ORG_FLOOR = 24  # three quarters of it
LANGS = ("zh-CN", "en")
GROUPS = {
    "power": ("国有企业组（电力、通信及能源类）", "State-owned enterprises (power, telecoms)"),
    "health": ("医疗卫生及教育事业单位组", "Hospitals, schools and public institutions"),
    "agency": ("党政机关组", "Government departments"),
    "youth": ("高校及青年组", "Universities and youth"),
}
# As the rehearsal's roster had them: people, teams, units named in full, and English
# names of a bank's or a company's team.
NAMES = (
    "Jiangsu Provincial Electric Power Company Nantong Branch Dispatch and Control Centre Team",
    "中国建设银行股份有限公司北京分行营业部",
    "Industrial and Commercial Bank of China Beijing Branch Youth Speakers Team",
    "国网江苏省电力有限公司南通供电分公司宣讲团",
    "李思远",
    "调度控制中心“红色引擎”宣讲小分队",
    "Maximilian Featherstonehaugh-Worthington",
    "中国移动通信集团江苏有限公司宿迁分公司",
    "常州市财政局“光明使者”服务队",
    "阿卜杜热合曼·买买提明",
    "滨江轨道交通集团 Binjiang Rail Transit Youth Speakers",
    "张晓雯 Zhang Xiaowen",
    "China Construction Bank Beijing Branch Business Department Youth League",
)
ORGANISATIONS = (
    "Industrial and Commercial Bank of China Limited, Beijing Municipal Branch, Business Department",
    "中国建设银行股份有限公司北京市分行营业部党委宣传部青年理论宣讲团",
    "国网江苏省电力有限公司连云港供电分公司输电运检中心",
    "中国石油天然气股份有限公司江城分公司第二采油厂党委宣传部",
    "市发展和改革委员会 (Development and Reform Commission)",
    "Jiangcheng Institute of Technology, School of Electrical Engineering",
    "市教育局",
)


def roster() -> dict[str, tuple[str, str]]:
    """Each contestant's name and organisation."""
    return {
        f"c{i:03d}": (NAMES[i % len(NAMES)], ORGANISATIONS[i % len(ORGANISATIONS)])
        for i in range(CONTESTANTS)
    }


def definition(folder: Path) -> Path:
    # the top six have an award (provisional until published): its column on the first pages
    awards = [
        ("first", "一等奖", "First prize", "rank", 1),
        ("second", "二等奖", "Second prize", "rank", 2),
        ("third", "三等奖", "Third prize", "rank", 3),
    ]
    rows = [
        (contestant, name, organisation, list(GROUPS)[i % len(GROUPS)])
        for i, (contestant, (name, organisation)) in enumerate(roster().items())
    ]
    return contest_file(folder / "rehearsal.toml", CID, rows, awards, GROUPS)


@pytest.fixture(scope="module")
def rehearsal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The roster with the first twelve revealed, the first ones best: the longest names
    rank first, so they sit on the pages with an award column. One server for the
    module: its tests only read the board."""
    folder = tmp_path_factory.mktemp("rehearsal")
    for server in start_server(folder, definition(folder)):
        marks = [(f"c{i:03d}", f"{95 - i:.1f}") for i in range(REVEALED)]
        score_and_reveal(server, marks, "board-names")
        yield server


# The page of the board on the screen: each row's box and its name's and organisation's
# text (a range over it, so that a part hidden by an ellipsis or a clip still counts),
# their boxes, whether they overflow or could clip, their size and how many lines they take.
PAGE = """() => {
  const box = (r) => [r.left, r.top, r.right, r.bottom];
  const text = (el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    const style = getComputedStyle(el);
    const size = parseFloat(style.fontSize);
    // a line is a run of fragments at one height (a Latin and a CJK font's differ by a few px)
    const tops = [...range.getClientRects()].map((r) => r.top).sort((a, b) => a - b);
    return {
      text: el.textContent, size,
      lines: tops.filter((top, i) => i === 0 || top - tops[i - 1] > size / 2).length,
      scrolls: el.scrollWidth > el.clientWidth + 1,
      clipped: style.textOverflow === 'ellipsis' || style.webkitLineClamp !== 'none'
        || style.overflowX !== 'visible' || style.overflowY !== 'visible',
      text_box: box(range.getBoundingClientRect()), box: box(el.getBoundingClientRect()),
    };
  };
  return {
    table: document.getElementById('table-name').textContent,
    page: document.getElementById('page').textContent,
    list: box(document.getElementById('rows').getBoundingClientRect()),
    rows: [...document.querySelectorAll('#rows .row')].map((row) => ({
      id: row.dataset.contestant, box: box(row.getBoundingClientRect()),
      // the rank, the score, the award and the movement
      cells: [...row.querySelectorAll(':scope > :not(.who)')].map((c) => box(c.getBoundingClientRect())),
      award: Boolean(row.querySelector('.award')),
      name: text(row.querySelector('.name')), org: text(row.querySelector('.org')),
    })),
  };
}"""


def within(inner: list[float], outer: list[float]) -> bool:
    return (
        inner[0] >= outer[0] - 1
        and inner[1] >= outer[1] - 1
        and inner[2] <= outer[2] + 1
        and inner[3] <= outer[3] + 1
    )


def overlap(a: list[float], b: list[float]) -> bool:
    return a[0] < b[2] - 1 and b[0] < a[2] - 1 and a[1] < b[3] - 1 and b[1] < a[3] - 1


def check_page(seen: dict[str, Any], where: str) -> None:
    """Every row on the board, every name and organisation whole and legible."""
    names = roster()
    assert seen["rows"], where
    for i, row in enumerate(seen["rows"]):
        name, organisation = names[row["id"]]
        what = (where, row["id"])
        # whole on the board: the list clips what is below it
        assert within(row["box"], seen["list"]), (what, row["box"], seen["list"])
        for other in seen["rows"][i + 1 :]:
            assert not overlap(row["box"], other["box"]), (what, other["id"])
        for part, text, floor in (("name", name, NAME_FLOOR), ("org", organisation, ORG_FLOOR)):
            s = row[part]
            at = (what, part, s["size"], s["lines"], text)
            assert s["text"] == text, at
            assert not s["scrolls"] and not s["clipped"], at
            # sideways inside its own box, which is inside the row and clear of the score
            # beside it; the glyphs of a line may rise a little above its box (a CJK font's
            # are taller than the line)
            left, _, right, _ = s["text_box"]
            assert s["box"][0] - 1 <= left and right <= s["box"][2] + 1, (
                at,
                s["text_box"],
                s["box"],
            )
            assert within(s["box"], row["box"]), (at, s["box"], row["box"])
            for cell in row["cells"]:
                assert within(cell, row["box"]), (what, cell, row["box"])
                assert not overlap(s["box"], cell), (at, s["box"], cell)
            assert s["size"] >= floor, at
        # a name that fits one line at the board's size keeps it; two lines at the floor
        # hold 36 Chinese characters or about 65 Latin ones, a longer English name takes three
        name_seen, org_seen = row["name"], row["org"]
        if len(name) <= 15:
            assert (name_seen["size"], name_seen["lines"]) == (38, 1), (what, name_seen)
        assert name_seen["lines"] <= (2 if len(name) <= 45 else 3), (what, name_seen)
        # the organisation runs under the score too: a Chinese one of 32 characters is on
        # one line at its full size
        if not organisation.isascii() and len(organisation) <= 32:
            assert (org_seen["size"], org_seen["lines"]) == (26, 1), (what, org_seen)


def open_screen(server: Server, browser: Any, lang: str) -> Page:
    page: Page = browser.new_context(**SCREEN).new_page()
    page.clock.install()  # the board's pages turn only when the test turns them
    page.goto(server.page("screen", lang=lang))
    expect(page.locator(".conn.live")).to_be_visible()
    expect(page.locator("#rows .row").first).to_be_visible()
    page.clock.pause_at(page.evaluate("Date.now()") / 1000 + 1)  # in seconds
    return page


# The next page of the board, as the ↓ key turns it, and what it shows.
TURN = "() => { dispatchEvent(new KeyboardEvent('keydown', {key: 'ArrowDown'})); }"


def every_page(page: Page) -> list[dict[str, Any]]:
    """Each page of each table, from the overall table's first until it comes round again."""
    seen: list[dict[str, Any]] = []
    for _ in range(80):
        now = page.evaluate(PAGE)
        if seen and (now["table"], now["page"]) == (seen[0]["table"], seen[0]["page"]):
            return seen
        seen.append(now)
        page.evaluate(TURN)
    raise AssertionError("the board never came round to its first page")


@pytest.mark.parametrize("lang", LANGS)
def test_every_name_on_the_board_is_whole_on_every_page(
    rehearsal: Server, browser: Any, lang: str
) -> None:
    page = open_screen(rehearsal, browser, lang)
    pages = every_page(page)
    (OUTPUT / "screens").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUTPUT / "screens" / f"screen-board-names-{lang}.png"))
    for seen in pages:
        check_page(seen, f"{lang} {seen['table']} {seen['page']}")
    # every contestant once in the overall table, and once in their group's
    tables: dict[str, list[str]] = {}
    for seen in pages:
        tables.setdefault(seen["table"], []).extend(row["id"] for row in seen["rows"])
    assert len(tables) == 1 + len(GROUPS), list(tables)
    assert all(len(ids) == len(set(ids)) for ids in tables.values())
    overall, *groups = tables.values()
    assert sorted(overall) == sorted(roster()), len(overall)
    assert sorted(x for ids in groups for x in ids) == sorted(roster())
