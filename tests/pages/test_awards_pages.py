"""An award too big for the stage: 78 winners of 100 (合格, a share of 78 %) under
17 优秀. The screen shows the newest award in pages of names, turned by its own
timer or the ↓ key; the awards announced before fold to their heading and count
when the newest needs the room; and no name is cut, off the stage or smaller than
the floor legible from the back of the hall.

The show is run once for the module (100 contestants called, scored, revealed and
the awards published) and each test serves a copy of its log, so each starts with
no awards step in it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.pages.conftest import OUTPUT, SCREEN, Server, serve, start_server
from tests.pages.one_judge import contest_file, score_and_reveal

CID = "big-awards-2025"
CONTESTANTS = 100
PAGE_MS = 10000  # static/js/screen.js
AWARD_STEP_MS = 12000
ROLL_AFTER_MS = 30000  # the last award up alone before the closing roll
NAME_FLOOR = 32  # px: a name still legible from 30 m
ORG_FLOOR = 24

# Individuals and teams, as a provincial contest lists them: team names run to 35
# characters, and two teams of one name come from two organisations.
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ("思远", "雨桐", "浩然", "静怡", "子轩", "梦琪", "博文", "佳宁", "一诺", "天宇")
CITIES = ("南京", "无锡", "徐州", "常州", "苏州", "南通", "连云港", "淮安", "盐城", "扬州")
UNITS = (
    ("国网江苏省电力有限公司{city}供电分公司", "调度控制中心“红色引擎”宣讲小分队"),
    ("中国移动通信集团江苏有限公司{city}分公司", "政企客户部青年宣讲团"),
    ("{city}市第一人民医院", "党员先锋队"),
    ("{city}市发展和改革委员会", "青年突击队宣讲组"),
    ("{city}职业技术学院", "团委“光明使者”服务队"),
)


def contestant(i: int) -> tuple[str, str]:
    """The name and organisation of contestant ``i`` (0-99)."""
    city = CITIES[i % len(CITIES)]
    organisation, team = UNITS[i % len(UNITS)]
    organisation = organisation.format(city=city)
    if i % 3 == 0:
        return SURNAMES[i % len(SURNAMES)] + GIVEN[i // 3 % len(GIVEN)], organisation
    if i % 5 == 0:  # the longest: the organisation's whole name before the team's
        return organisation + team, organisation
    return team, organisation


def definition(folder: Path) -> Path:
    roster = [(f"c{i:03d}", *contestant(i), "open") for i in range(CONTESTANTS)]
    awards = [
        ("excellent", "优秀", "Advanced", "share", "0.17"),
        ("passed", "合格", "Passed", "share", "0.78"),
    ]
    return contest_file(folder / "big.toml", CID, roster, awards)


@dataclass
class Show:
    """The log of a finished show with the awards published, and its tokens."""

    folder: Path
    admin: str
    auditor: str
    judges: dict[str, str]


@pytest.fixture(scope="module")
def show(tmp_path_factory: pytest.TempPathFactory) -> Show:
    folder = tmp_path_factory.mktemp("big-awards")
    for server in start_server(folder, definition(folder)):
        # no two marks alike: no ties at a cut
        marks = [(f"c{i:03d}", f"{60 + i * 0.3:.1f}") for i in range(CONTESTANTS)]
        score_and_reveal(server, marks, "big-sheet")
        server.admin_post("awards", {"round": "final"})
        done = Show(folder, server.admin, server.auditor, server.judges)
    return done  # the server has stopped: its log is whole on disk


@pytest.fixture
def server(show: Show, tmp_path: Path) -> Iterator[Server]:
    for path in show.folder.glob("t.db*"):
        shutil.copy(path, tmp_path / path.name)
    yield from serve(tmp_path / "t.db", CID, show.admin, show.auditor, show.judges)


def winners(server: Server, award: str) -> set[str]:
    board = server.call("GET", f"/api/competitions/{CID}/board", token=server.admin)
    return {r["contestant"] for r in board["overall"] if r["award"] == award}


def step(server: Server, n: int) -> None:
    server.admin_post("awards/step", {"round": "final", "step": n})


# Each tier as shown: its heading, count and page, and every name on the stage now,
# with its box, whether its text overflows its cell, and its sizes.
TIERS = """() => {
  const stage = document.querySelector('#stage').getBoundingClientRect();
  const box = document.querySelector('#awards .tiers').getBoundingClientRect();
  const shown = (el) => el && el.offsetParent !== null;
  return [...document.querySelectorAll('#awards .tier')].map((tier) => {
    const head = tier.querySelector('h3').getBoundingClientRect();
    const count = tier.querySelector('.tier-count');
    const page = tier.querySelector('.tier-page');
    return {
      award: tier.dataset.award,
      heading: tier.querySelector('h3').textContent,
      headingBox: [head.top, head.bottom],
      count: shown(count) ? count.textContent : null,
      page: shown(page) && page.textContent ? page.textContent : null,
      names: [...tier.querySelectorAll('li')].filter(shown).map((li) => {
        const r = li.getBoundingClientRect();
        const org = li.querySelector('.org');
        return {
          id: li.dataset.contestant ?? null,
          box: [r.left, r.top, r.right, r.bottom],
          overflows: li.scrollWidth > li.clientWidth + 1,
          name: parseFloat(getComputedStyle(li.querySelector('.name') ?? li).fontSize),
          org: org ? parseFloat(getComputedStyle(org).fontSize) : null,
        };
      }),
      tiers: [box.left, box.top, box.right, box.bottom],
      stage: [stage.left, stage.top, stage.right, stage.bottom],
    };
  });
}"""


def check_names(tier: dict[str, Any]) -> None:
    """Every name shown lies whole on the stage, inside the awards' area, uncut and
    no smaller than the floor."""
    left, top, right, bottom = tier["tiers"]
    s_left, s_top, s_right, s_bottom = tier["stage"]
    assert s_left <= left and right <= s_right and s_top <= top and bottom <= s_bottom + 1
    assert top - 1 <= tier["headingBox"][0] and tier["headingBox"][1] <= bottom + 1, tier["award"]
    for name in tier["names"]:
        x0, y0, x1, y1 = name["box"]
        assert left - 1 <= x0 and x1 <= right + 1 and top - 1 <= y0 and y1 <= bottom + 1, name
        assert not name["overflows"], name
        assert name["name"] >= NAME_FLOOR, name
        assert name["org"] is None or name["org"] >= ORG_FLOOR, name


def screen_at(browser: Any, server: Server, lang: str) -> Any:
    """The screen in ``lang`` with its clock under the test's hand: the page and award
    timers run only when the test runs the clock."""
    page = browser.new_context(**SCREEN).new_page()
    page.clock.install()
    page.goto(server.page("screen", lang=lang))
    expect(page.locator("#awards")).to_be_visible()
    page.clock.pause_at(page.evaluate("Date.now()") / 1000 + 1)  # in seconds
    return page


def read_pages(page: Any, turn: Any, label: str, pages: int) -> list[list[str]]:
    """The names on each page of the newest tier, turning with ``turn``; checks each."""
    seen: list[list[str]] = []
    for n in range(1, pages + 1):
        expect(page.get_by_test_id("award-page").first).to_have_text(label.format(n=n, m=pages))
        page.wait_for_timeout(700)  # the page's fade, the tier's rise
        newest = page.evaluate(TIERS)[0]
        check_names(newest)
        seen.append([name["id"] for name in newest["names"]])
        turn()
    return seen


def test_every_winner_of_a_big_award_is_on_a_page(server: Server, browser: Any) -> None:
    """Stepped from the console: the 78 winners of 合格 in pages turned by the ↓ key,
    then 优秀 on top, whole, and 合格 folded to its heading and count."""
    passed, excellent = winners(server, "passed"), winners(server, "excellent")
    assert (len(passed), len(excellent)) == (78, 17)
    step(server, 1)
    page = screen_at(browser, server, "zh-CN")
    expect(page.locator("#awards .tier")).to_have_count(1)
    page.wait_for_timeout(800)  # the tier's rise
    first = page.evaluate(TIERS)[0]
    check_names(first)
    assert first["award"] == "passed" and first["count"] == "共 78 名"
    assert first["page"] is not None, "a tier of 78 shows in pages"
    pages = int(first["page"].split("/")[1].split()[0])
    assert 2 <= pages <= 5
    page.screenshot(path=str(OUTPUT / "screens" / "screen-awards-pages-zh-CN.png"))

    seen = read_pages(page, lambda: page.keyboard.press("ArrowDown"), "第 {n}/{m} 页", pages)
    assert sorted(x for names in seen for x in names) == sorted(passed)  # each once
    expect(page.get_by_test_id("award-page").first).to_have_text(f"第 1/{pages} 页")  # round again

    step(server, 2)
    tiers = page.locator("#awards .tier")
    expect(tiers).to_have_count(2)
    page.wait_for_timeout(800)
    top, below = page.evaluate(TIERS)
    assert (top["award"], top["heading"], top["page"]) == ("excellent", "优秀", None)
    check_names(top)
    assert {name["id"] for name in top["names"]} == excellent  # the award just announced, whole
    assert (below["award"], below["heading"], below["count"]) == ("passed", "合格", "共 78 名")
    assert below["names"] == []  # folded: the newest needs the room
    check_names(below)
    page.screenshot(path=str(OUTPUT / "screens" / "screen-awards-folded-zh-CN.png"))


def test_a_big_award_turns_its_pages_on_the_screens_timer(server: Server, browser: Any) -> None:
    """The pages turn every PAGE_MS, as the leaderboard's do, in English too."""
    passed = winners(server, "passed")
    step(server, 1)
    page = screen_at(browser, server, "en")
    expect(page.locator("#awards .tier")).to_have_count(1)
    label = page.get_by_test_id("award-page").first
    expect(label).to_contain_text("Page 1 of ")
    pages = int(label.inner_text().rsplit(" ", 1)[1])
    expect(page.locator("#awards .tier-count")).to_have_text("78 winners")
    # each run of the clock by PAGE_MS turns one page: the tier came up less than that ago
    seen = read_pages(page, lambda: page.clock.run_for(PAGE_MS), "Page {n} of {m}", pages)
    assert {x for names in seen for x in names} == passed
    page.screenshot(path=str(OUTPUT / "screens" / "screen-awards-pages-en.png"))

    step(server, 2)
    expect(page.locator("#awards .tier")).to_have_count(2)
    expect(page.locator("#awards .tier").nth(1).locator(".tier-count")).to_have_text("78 winners")
    expect(page.get_by_test_id("award-page")).to_have_text(["", ""])  # 17 fit at once


def test_the_screen_paces_a_big_award_by_its_pages(server: Server, browser: Any) -> None:
    """No step from the console: the screen moves to the next award only once every
    page of the one up has been shown, however many pages that takes."""
    page = screen_at(browser, server, "en")
    tiers = page.locator("#awards .tier")
    expect(page.get_by_test_id("awards-soon")).to_be_visible()
    page.clock.run_for(AWARD_STEP_MS)
    expect(tiers).to_have_count(1)
    label = page.get_by_test_id("award-page").first
    expect(label).to_contain_text("Page 1 of ")
    pages = int(label.inner_text().rsplit(" ", 1)[1])
    assert pages * PAGE_MS > AWARD_STEP_MS  # else this tests nothing
    page.clock.run_for((pages - 1) * PAGE_MS)
    expect(label).to_have_text(f"Page {pages} of {pages}")
    expect(tiers).to_have_count(1)  # the last page, up a whole PAGE_MS
    page.clock.run_for(PAGE_MS)
    expect(tiers).to_have_count(2)
    expect(tiers.first).to_have_attribute("data-award", "excellent")


def test_names_stepped_past_come_back_in_the_closing_roll(server: Server, browser: Any) -> None:
    """The rehearsal: the console steps to 优秀 while 合格 is on page 1 of 4. 优秀 goes
    up at once (the organiser leads: stage, phones and MC agree), and once the last award
    has been up ROLL_AFTER_MS the screen rolls through every award, best first from the
    one after it, each alone on the stage: all 78 of 合格 come back, page by page, then
    优秀, then 合格 again."""
    passed, excellent = winners(server, "passed"), winners(server, "excellent")
    step(server, 1)
    page = screen_at(browser, server, "zh-CN")
    tiers = page.locator("#awards .tier")
    heading = page.locator("#awards h2")
    expect(tiers).to_have_count(1)
    label = page.get_by_test_id("award-page").first
    expect(label).to_contain_text("第 1/")
    step(server, 2)  # pages 2-4 of 合格 never shown
    expect(tiers).to_have_count(2)
    expect(tiers.first).to_have_attribute("data-award", "excellent")
    expect(heading).to_have_text("获奖名单")
    page.clock.run_for(ROLL_AFTER_MS - 1000)
    expect(tiers).to_have_count(2)  # the last award has its moment, whole
    page.clock.run_for(1000)
    expect(heading).to_have_text("全体获奖名单")
    expect(tiers).to_have_count(1)
    expect(tiers.first).to_have_attribute("data-award", "passed")
    expect(page.locator("#awards .tier-count")).to_have_text("共 78 名")
    pages = int(label.inner_text().split("/")[1].split()[0])
    page.wait_for_timeout(800)  # the tier's rise
    page.screenshot(path=str(OUTPUT / "screens" / "screen-awards-roll-zh-CN.png"))
    seen = read_pages(page, lambda: page.clock.run_for(PAGE_MS), "第 {n}/{m} 页", pages)
    assert sorted(x for names in seen for x in names) == sorted(passed)  # each once
    # then the best, whole, and round again
    expect(tiers).to_have_count(1)
    expect(tiers.first).to_have_attribute("data-award", "excellent")
    page.wait_for_timeout(800)  # the tier's rise
    (top,) = page.evaluate(TIERS)
    check_names(top)
    assert {name["id"] for name in top["names"]} == excellent and top["page"] is None
    page.clock.run_for(PAGE_MS)
    expect(tiers.first).to_have_attribute("data-award", "passed")
    expect(label).to_have_text(f"第 1/{pages} 页")
    # the console steps back: the roll stops, the stage shows what it is stepped to
    step(server, 1)
    expect(heading).to_have_text("获奖名单")
    expect(tiers).to_have_count(1)
    expect(tiers.first).to_have_attribute("data-award", "passed")
