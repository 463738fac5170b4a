"""The venue screen at a full-size show, at 1920×1080 in both languages: a panel
of 20 or 25 judges, a group with a long name, team names as long as real ones.
The reveal keeps the final and both ranks whole on the display, every judge's
dot shows whole, the leaderboard stays on the stage and gives an unused award
column to the names, and a withdrawn contestant reads 退赛 / Withdrawn."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.pages.conftest import OUTPUT, SCREEN, Server, example_edited, hurry_reveal, start_server
from tests.pages.test_screen_layout import hundred_contestants

LANGS = ("zh-CN", "en")
LONG_GROUP = {
    "zh-CN": "国有企业组（电力、通信及能源类）",
    "en": "State-owned enterprises (power, telecoms, energy)",
}
TEAM = "扬州市第八人民医院党员先锋队"
TEAM_ORG = "中国石油天然气股份有限公司江城分公司第二采油厂党委宣传部"
FIFTEEN = "常州理工学院机关党委青年突击队"  # 570 px at the board's 38 px: not beside an empty award column
LONG_ORG = "国网江苏省电力有限公司连云港供电分公司输电运检中心"  # 624 px at 26 px: whole at 24
RANKS = {
    "zh-CN": [f"{LONG_GROUP['zh-CN']}第 1 名", "总排名第 1 名"],
    "en": [f"{LONG_GROUP['en']}: rank 1", "Overall rank 1"],
}
REASONS = {"zh-CN": ["去掉最低分", "去掉最高分"], "en": ["Lowest dropped", "Highest dropped"]}
SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张"


def long_group(text: str) -> str:
    """The agency group (scored by panel C) under a long name in both languages."""
    return text.replace(
        'name = { zh-CN = "机关组", en = "Public agencies" }',
        f'name = {{ zh-CN = "{LONG_GROUP["zh-CN"]}", en = "{LONG_GROUP["en"]}" }}',
    )


def full_panel(folder: Path, judges: int) -> Path:
    """The example with panel C (the agency group's) grown to ``judges`` judges, one of
    them with a long Latin name, that group's name long, and 101 a team with a long name."""

    def edit(text: str) -> str:
        text = long_group(text).replace(
            'name = "李思远"\norganisation = "市发展和改革委员会"',
            f'name = "{TEAM}"\norganisation = "{TEAM_ORG}"',
        )
        extra = [
            f'[[judges]]\nid = "J{10 + k}"\n'
            f'name = "{"Alexandra Konstantinopoulou" if k == 5 else SURNAMES[k] + "欣然怡"[: 1 + k % 3]}"\n'
            f'organisation = "评委单位{k}"\npanel = "C"\n'
            for k in range(judges - 3)
        ]
        return text + "\n" + "\n".join(extra)

    return example_edited(folder, f"panel-{judges}.toml", edit)


def open_screen(server: Server, browser: Any, lang: str) -> Page:
    page: Page = browser.new_context(**SCREEN).new_page()
    page.clock.install()  # a reveal's clock the test may run ahead (hurry_reveal)
    page.goto(server.page("screen", lang=lang))
    # a screen plays the reveals it sees happen: wait until it is following
    expect(page.locator(".conn.live")).to_be_visible()
    expect(page.locator("#rows .row").first).to_be_visible()
    return page


REVEAL = """() => {
  const box = (el) => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const size = (el) => parseFloat(getComputedStyle(el).fontSize);
  const grid = document.querySelector('.reveal-judges');
  return {
    now: box(document.getElementById('now')),
    final: box(document.querySelector('[data-testid=reveal-final]')),
    finalSize: size(document.querySelector('[data-testid=reveal-final]')),
    ranks: [...document.querySelectorAll('.reveal-rank > span')].map((el) => ({text: el.textContent, box: box(el),
      size: size(el), cut: el.scrollWidth > el.clientWidth + 1})),
    grid: box(grid),
    marks: [...document.querySelectorAll('.reveal-judge .num')].map((el) => ({box: box(el), size: size(el)})),
    whys: [...document.querySelectorAll('.reveal-judge .why')].map((el) => ({text: el.textContent, box: box(el)})),
  };
}"""


def within(inner: list[float], outer: list[float]) -> bool:
    return (
        inner[0] >= outer[0] - 1
        and inner[1] >= outer[1] - 1
        and inner[2] <= outer[2] + 1
        and inner[3] <= outer[3] + 1
    )


@pytest.mark.parametrize("judges", [20, 25])
def test_a_large_panel_s_reveal_keeps_the_final_and_the_ranks_whole(
    tmp_path: Path, browser: Any, judges: int
) -> None:
    for server in start_server(tmp_path, full_panel(tmp_path, judges)):
        pages = {lang: open_screen(server, browser, lang) for lang in LANGS}
        server.admin_post("stage", {"contestant": "101"})
        panel = ["J7", "J8", "J9", *(f"J{10 + k}" for k in range(judges - 3))]
        for k, judge in enumerate(panel):
            mark = str(70 + (k * 7) % 29)
            server.call(
                "POST",
                f"/api/competitions/{server.cid}/scores",
                {
                    "contestant": "101",
                    "points": {"content": mark, "delivery": mark, "presence": mark},
                    "submission_id": f"panel-{judges}-{judge}",
                },
                server.judges[judge],
            )
        for page in pages.values():
            expect(page.locator(".dot.on")).to_have_count(judges)
        server.admin_post("close", {"contestant": "101"})
        server.admin_post("reveal", {"contestant": "101"})
        for page in pages.values():
            hurry_reveal(page)
        for lang, page in pages.items():
            final = page.get_by_test_id("reveal-final")
            expect(final).to_have_attribute("data-final", re.compile(r"^\d+\.\d\d$"), timeout=30000)
            expect(page.get_by_test_id("reveal-rank")).to_have_css("opacity", "1")
            seen = page.evaluate(REVEAL)
            (OUTPUT / "screens").mkdir(parents=True, exist_ok=True)
            shot = OUTPUT / "screens" / f"screen-reveal-{judges}-judges-{lang}.png"
            page.screenshot(path=str(shot))
            left, top, right, bottom = seen["now"]
            visible = [max(left, 0), top, right, min(bottom, 1080)]  # the panel, on the display
            # the final and both ranks whole on the stage, at a size the back of the hall reads
            assert within(seen["final"], visible), (lang, seen)
            assert seen["finalSize"] >= 100, (lang, seen["finalSize"])
            assert [r["text"] for r in seen["ranks"]] == RANKS[lang]
            for line in seen["ranks"]:
                assert within(line["box"], visible) and not line["cut"], (lang, line, visible)
                assert line["size"] >= 36, (lang, line)
            # every judge's mark in view (none cut off under the grid), and still legible
            assert len(seen["marks"]) == judges
            for mark in seen["marks"]:
                assert within(mark["box"], seen["grid"]), (lang, mark, seen["grid"])
                assert within(mark["box"], visible), (lang, mark, visible)
                assert mark["size"] >= 20, (lang, mark)
            assert sorted(w["text"] for w in seen["whys"]) == sorted(REASONS[lang])
            for why in seen["whys"]:
                assert within(why["box"], seen["grid"]), (lang, why)


DOTS = """() => {
  const box = (el) => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  return {now: box(document.getElementById('now')), dots: [...document.querySelectorAll('.dot')].map(box),
    state: box(document.querySelector('.now-state'))};
}"""


@pytest.mark.parametrize("judges", [20, 25])
def test_every_judge_s_dot_and_the_count_show_whole(
    tmp_path: Path, browser: Any, judges: int
) -> None:
    for server in start_server(tmp_path, full_panel(tmp_path, judges)):
        pages = {lang: open_screen(server, browser, lang) for lang in LANGS}
        server.admin_post("stage", {"contestant": "101"})
        for k, judge in enumerate(["J7", "J8", "J9", *(f"J{10 + k}" for k in range(judges - 3))]):
            server.call(
                "POST",
                f"/api/competitions/{server.cid}/scores",
                {
                    "contestant": "101",
                    "points": {"content": "90", "delivery": "90", "presence": "90"},
                    "submission_id": f"dots-{judges}-{k:02d}",
                },
                server.judges[judge],
            )
        for lang, page in pages.items():
            expect(page.locator(".dot.on")).to_have_count(judges)
            page.wait_for_timeout(400)  # a scored dot grows (scale 1.08) over 300 ms
            seen = page.evaluate(DOTS)
            now = [seen["now"][0], seen["now"][1], seen["now"][2], min(seen["now"][3], 1080)]
            # a grown dot at the left edge is not clipped by the panel, nor a row by its foot
            for dot in seen["dots"]:
                assert within(dot, now), (lang, dot, now)
            assert within(seen["state"], now), (lang, seen["state"], now)


BOARD = """() => {
  const box = (el) => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const cut = (el) => el.scrollWidth > el.clientWidth + 1;
  return {
    stage: document.getElementById('stage').scrollWidth,
    board: box(document.getElementById('board')),
    heading: box(document.getElementById('table-name')),
    headingSize: parseFloat(getComputedStyle(document.getElementById('table-name')).fontSize),
    headingCut: cut(document.getElementById('table-name')),
    page: box(document.getElementById('page')),
    marks: box(document.querySelector('.top .marks')),
    cells: [...document.querySelectorAll('#rows .row > *')].map(box),
    awards: document.querySelectorAll('#rows .award').length,
    cutNames: [...document.querySelectorAll('#rows .name')].filter(cut).map((el) => el.textContent),
    cutOrgs: [...document.querySelectorAll('#rows .org')].filter(cut).map((el) => el.textContent),
  };
}"""


@pytest.fixture(scope="module")
def hundred_long_group(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """100 contestants (33 in the agency group), the agency group under a long name.
    One server for the module: its tests only read the board."""
    tmp_path = tmp_path_factory.mktemp("hundred-long-group")
    path = hundred_contestants(tmp_path)
    text = long_group(path.read_text()).replace('"欧阳思远 Ouyang Siyuan 0"', f'"{FIFTEEN}"', 1)
    path.write_text(text.replace('"江城市第3中学附属国际双语实验学校"', f'"{LONG_ORG}"', 1))
    yield from start_server(tmp_path, path)


@pytest.mark.parametrize("lang", LANGS)
def test_the_leaderboard_stays_on_the_stage_with_a_long_group_name(
    hundred_long_group: Server, browser: Any, lang: str
) -> None:
    page = open_screen(hundred_long_group, browser, lang)
    heading = page.locator("#table-name")
    for _ in range(20):  # the overall table's pages first, then the groups'
        if heading.inner_text() == LONG_GROUP[lang]:
            break
        page.keyboard.press("ArrowDown")
    expect(heading).to_have_text(LONG_GROUP[lang])
    expect(page.locator("#page")).to_have_text("第 1/4 页" if lang == "zh-CN" else "Page 1 of 4")
    seen = page.evaluate(BOARD)
    page.screenshot(path=str(OUTPUT / "screens" / f"screen-long-group-{lang}.png"))
    assert seen["stage"] <= 1920, seen["stage"]
    assert seen["board"][2] <= 1920 - 48 + 1, seen["board"]
    assert seen["marks"][2] <= 1920 - 48 + 1, seen["marks"]
    # the heading shrinks, not the page counter: both whole, side by side
    assert seen["heading"][2] <= seen["page"][0], seen
    assert seen["page"][2] <= seen["board"][2] + 1 and seen["page"][2] > seen["page"][0], seen
    assert seen["headingSize"] >= 32 and not seen["headingCut"], seen
    for cell in seen["cells"]:
        assert cell[2] <= seen["board"][2] + 1, cell


@pytest.mark.parametrize("lang", LANGS)
def test_names_take_the_room_of_an_award_column_with_no_award(
    hundred_long_group: Server, browser: Any, lang: str
) -> None:
    """Before the awards no row has one: a team's name of fifteen characters and
    the organisations (江城市第7中学附属国际双语实验学校) show whole and at full size,
    as they would not beside an empty 150 px column; an organisation of 24
    characters shrinks a little rather than be cut."""
    page = open_screen(hundred_long_group, browser, lang)
    expect(page.locator("#rows .row")).to_have_count(10)
    seen = page.evaluate(BOARD)
    assert seen["awards"] == 0
    assert seen["cutNames"] == [], seen["cutNames"]
    assert seen["cutOrgs"] == [], seen["cutOrgs"]
    team = page.locator('#rows .row[data-contestant="c000"] .name')
    expect(team).to_have_text(FIFTEEN)
    # at the board's own size, not shrunk to fit
    assert team.evaluate(
        "(el) => getComputedStyle(el).fontSize === getComputedStyle(el.closest('.row')).fontSize"
    )


@pytest.mark.parametrize("lang", LANGS)
def test_a_withdrawn_contestant_reads_withdrawn_not_abstained(
    tmp_path: Path, browser: Any, lang: str
) -> None:
    """退赛 on the screen and the audience's phones, as in the console and the
    exports; 弃权 is a judge's abstention."""
    definition = example_edited(tmp_path, "withdraw.toml", lambda text: text)
    for server in start_server(tmp_path, definition):
        server.admin_post("withdraw", {"contestant": "101", "reason": "ill"})
        word = "退赛" if lang == "zh-CN" else "Withdrawn"
        screen = open_screen(server, browser, lang)
        row = screen.locator('#rows .row[data-contestant="101"]')
        for _ in range(4):  # on whichever page of the board it is
            if row.count():
                break
            screen.keyboard.press("ArrowDown")
        expect(row.locator(".status")).to_have_text(word)
        phone = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
        phone.goto(server.page("live", lang=lang))
        expect(phone.locator("#list")).to_contain_text(word)
        expect(phone.locator("#list")).not_to_contain_text("弃权")
