"""A long name on the venue screen, as the rehearsal had them: a bank's branch of
19 characters and an English team's name of 70, each with a long organisation,
on stage and in the reveal of a panel of 20 judges, at 1920×1080 in both
languages. The name shrinks on one line, then takes two; the organisation
shrinks on its two lines; neither is ever cut, nor smaller than the floor
legible from the back of a 30 m hall."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.pages.conftest import OUTPUT, SCREEN, Server, hurry_reveal, start_server
from tests.pages.test_screen_full_show import TEAM, TEAM_ORG, full_panel

LANGS = ("zh-CN", "en")
BANK = "中国建设银行股份有限公司北京分行营业部"
BANK_ORG = "中国建设银行股份有限公司北京市分行营业部党委宣传部青年理论宣讲团"
TEAM_EN = "Industrial and Commercial Bank of China Beijing Branch Youth Speakers Team"
TEAM_EN_ORG = (
    "Industrial and Commercial Bank of China Limited, Beijing Municipal Branch, Business Department"
)
TITLE_EN = "Municipal Striving in the New Era Youth Speech Contest of Jiangcheng"
# long enough to shrink below the organisation's own size on its two lines, under a short one
RIVERSIDE = "Riverside Community Volunteers Storytelling and Public Speaking Team"
NAMES = {
    "101": (BANK, BANK_ORG),
    "102": (TEAM_EN, TEAM_EN_ORG),
    "103": (RIVERSIDE, "市卫生健康委员会"),
}
NAME_FLOOR = 32  # px at 1920×1080: a name read from the back of a 30 m hall
ORG_FLOOR = 24  # three quarters of it, as the awards' organisations
JUDGES = 20


def long_names(folder: Path) -> Path:
    """Panel C (the agency group's) of 20 judges; 101 and 102 of that group under
    the longest names of the rehearsal, 103 under one that takes two lines
    smaller than its short organisation's size."""
    path = full_panel(folder, JUDGES)
    text = path.read_text().replace(f'name = "{TEAM}"', f'name = "{BANK}"')
    text = text.replace(f'organisation = "{TEAM_ORG}"', f'organisation = "{BANK_ORG}"')
    text = text.replace(
        'name = "王雨桐"\norganisation = "市教育局"',
        f'name = "{TEAM_EN}"\norganisation = "{TEAM_EN_ORG}"',
    )
    text = text.replace('name = "陈浩然"', f'name = "{RIVERSIDE}"')
    text = text.replace('en = "Jiangcheng 2nd Youth Speech Contest"', f'en = "{TITLE_EN}"')
    path.write_text(text)
    return path


@pytest.fixture
def named(tmp_path: Path) -> Iterator[Server]:
    yield from start_server(tmp_path, long_names(tmp_path))


def open_screen(server: Server, browser: Any, lang: str) -> Page:
    page: Page = browser.new_context(**SCREEN).new_page()
    page.clock.install()  # a reveal's clock the test may run ahead (hurry_reveal)
    page.goto(server.page("screen", lang=lang))
    # a screen plays the reveals it sees happen: wait until it is following
    expect(page.locator(".conn.live")).to_be_visible()
    expect(page.locator("#rows .row").first).to_be_visible()
    return page


# The name and organisation on the stage's left side: the text's own box (a range over
# it, so a part hidden by an ellipsis, a clamp or a clip still counts), the element's and
# the panel's (which clips), whether the element overflows sideways or clips, its size and
# how many lines the text takes.
TEXTS = """() => {
  const box = (r) => [r.left, r.top, r.right, r.bottom];
  const now = document.getElementById('now');
  return [...document.querySelectorAll('#now-body .now-name, #now-body .now-org')].map((el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    const text = range.getBoundingClientRect();
    const style = getComputedStyle(el);
    const size = parseFloat(style.fontSize);
    // a line is a run of fragments at one height (a Latin and a CJK font's differ by a few px)
    const tops = [...range.getClientRects()].map((r) => r.top).sort((a, b) => a - b);
    const lines = tops.filter((top, i) => i === 0 || top - tops[i - 1] > size / 2).length;
    return {
      part: el.classList.contains('now-name') ? 'name' : 'org',
      text: el.textContent,
      size,
      lines,
      scrolls: el.scrollWidth > el.clientWidth + 1,
      // an ellipsis, a clamp of lines, or a clip of the glyphs (a CJK font's rise above its line)
      clipped: style.webkitLineClamp !== 'none' || style.textOverflow === 'ellipsis'
        || style.overflowX !== 'visible' || style.overflowY !== 'visible',
      text_box: box(text), box: box(el.getBoundingClientRect()), now: box(now.getBoundingClientRect()),
    };
  });
}"""


def within(inner: list[float], outer: list[float]) -> bool:
    return (
        inner[0] >= outer[0] - 1
        and inner[1] >= outer[1] - 1
        and inner[2] <= outer[2] + 1
        and inner[3] <= outer[3] + 1
    )


def check_whole(page: Page, contestant: str, where: str) -> list[dict[str, Any]]:
    """The contestant's name and organisation are whole on the stage, at a size the
    back of the hall reads; the name on two lines at most."""
    name, organisation = NAMES[contestant]
    seen: list[dict[str, Any]] = page.evaluate(TEXTS)
    assert [(s["part"], s["text"]) for s in seen] == [("name", name), ("org", organisation)]
    screen = [0.0, 0.0, 1920.0, 1080.0]
    for s in seen:
        what = (where, s["part"], s["size"], s["lines"])
        assert not s["scrolls"] and not s["clipped"], what
        # sideways inside its own box; the glyphs of a line may rise a little above its
        # box (a CJK font's are taller than the line), never out of the panel
        left, _, right, _ = s["text_box"]
        assert s["box"][0] - 1 <= left and right <= s["box"][2] + 1, (what, s["text_box"], s["box"])
        assert within(s["text_box"], s["now"]) and within(s["text_box"], screen), what
        assert s["size"] >= (NAME_FLOOR if s["part"] == "name" else ORG_FLOOR), what
        assert s["lines"] <= 2, what
    # the organisation is never larger than the name it is under
    assert seen[1]["size"] <= seen[0]["size"], (where, seen[0]["size"], seen[1]["size"])
    return seen


def test_a_long_name_on_stage_shrinks_then_wraps_and_is_never_cut(
    named: Server, browser: Any
) -> None:
    pages = {lang: open_screen(named, browser, lang) for lang in LANGS}
    (OUTPUT / "screens").mkdir(parents=True, exist_ok=True)
    for contestant, (name, _) in NAMES.items():
        named.admin_post("stage", {"contestant": contestant})
        for lang, page in pages.items():
            expect(page.get_by_test_id("now-name")).to_have_text(name)
            name_seen, _ = check_whole(page, contestant, f"on stage {contestant} {lang}")
            # two lines only once one line would go below half its size
            assert name_seen["lines"] == 2, name_seen
            page.screenshot(
                path=str(OUTPUT / "screens" / f"screen-long-name-{contestant}-{lang}.png")
            )
            # the competition's long title shrinks beside the round, not cut
            title = page.locator("#title")
            expect(title).to_have_text(TITLE_EN if lang == "en" else re.compile(r"宣讲"))
            assert title.evaluate("t => t.scrollWidth <= t.clientWidth + 1")
            # the judges' dots and the count still on the stage under it
            state = page.locator(".now-state").bounding_box()
            assert state is not None and state["y"] + state["height"] <= name_seen["now"][3] + 1


REVEAL = """() => {
  const box = (el) => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  return {now: box(document.getElementById('now')),
    final: box(document.querySelector('[data-testid=reveal-final]')),
    ranks: [...document.querySelectorAll('.reveal-rank > span')].map(box),
    marks: [...document.querySelectorAll('.reveal-judge .num')].map(box)};
}"""


def test_a_long_name_in_a_full_panel_s_reveal_is_never_cut(named: Server, browser: Any) -> None:
    pages = {lang: open_screen(named, browser, lang) for lang in LANGS}
    panel = ["J7", "J8", "J9", *(f"J{10 + k}" for k in range(JUDGES - 3))]
    for contestant in NAMES:
        named.admin_post("stage", {"contestant": contestant})
        for k, judge in enumerate(panel):
            mark = str(70 + (k * 7) % 29)
            named.call(
                "POST",
                f"/api/competitions/{named.cid}/scores",
                {
                    "contestant": contestant,
                    "points": {"content": mark, "delivery": mark, "presence": mark},
                    "submission_id": f"names-{contestant}-{judge}",
                },
                named.judges[judge],
            )
        named.admin_post("close", {"contestant": contestant})
        named.admin_post("reveal", {"contestant": contestant})
        for lang, page in pages.items():
            # this contestant's reveal, not the last one's final still up
            expect(page.locator(".now-body.reveal .now-name")).to_have_text(NAMES[contestant][0])
            hurry_reveal(page)
            final = page.get_by_test_id("reveal-final")
            expect(final).to_have_attribute("data-final", re.compile(r"^\d+\.\d\d$"), timeout=30000)
            expect(page.get_by_test_id("reveal-rank")).to_have_css("opacity", "1")
            check_whole(page, contestant, f"reveal {contestant} {lang}")
            page.screenshot(
                path=str(OUTPUT / "screens" / f"screen-long-name-reveal-{contestant}-{lang}.png")
            )
            # and the result itself still whole: the final, both ranks, every mark
            seen = page.evaluate(REVEAL)
            visible = [seen["now"][0], seen["now"][1], seen["now"][2], min(seen["now"][3], 1080)]
            for part in [seen["final"], *seen["ranks"], *seen["marks"]]:
                assert within(part, visible), (lang, contestant, part, visible)
            assert len(seen["marks"]) == JUDGES and len(seen["ranks"]) == 2
