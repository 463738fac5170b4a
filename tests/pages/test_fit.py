"""What a user sees at the real sizes, checked from element boxes in both languages:
the judge's phone (360×640, 412×915) never overflows sideways or clips text, and
shows the receipt without scrolling; the venue screen's reveal keeps the rank on
the display with a five-judge panel and long names; board names are not cut."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.pages.conftest import OUTPUT, Server, example_edited, hurry_reveal, start_server

LONG_NAME = "阿卜杜热合曼·买买提明"
LONG_ORG = "中国石油天然气股份有限公司江城分公司第二采油厂党委宣传部"
PANEL_C = ("J7", "J8", "J9", "J10", "J11")  # scores the agency group
LANGS = ("zh-CN", "en")


def long_names(folder: Path) -> Path:
    """The example with a long name and organisation first, and five judges on panel C."""

    def edit(text: str) -> str:
        return text.replace(
            'name = "李思远"\norganisation = "市发展和改革委员会"',
            f'name = "{LONG_NAME}"\norganisation = "{LONG_ORG}"',
        ) + (
            '\n[[judges]]\nid = "J10"\nname = "诸葛长青"\norganisation = "江城日报社"\npanel = "C"\n'
            '\n[[judges]]\nid = "J11"\nname = "Alexandra Konstantinopoulou"\norganisation = "江城外国语学院"\npanel = "C"\n'
        )

    return example_edited(folder, "long.toml", edit)


@pytest.fixture
def long(tmp_path: Path) -> Iterator[Server]:
    yield from start_server(tmp_path, long_names(tmp_path))


OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const bad = [];
  if (document.documentElement.scrollWidth > width + 1) bad.push(['page scrolls sideways', document.documentElement.scrollWidth]);
  const scrolls = (el) => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
  const inScroller = (el) => { for (let p = el.parentElement; p; p = p.parentElement) if (scrolls(p)) return true; return false; };
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height || el.closest('.hidden, .toast') || getComputedStyle(el).position === 'fixed') continue;
    if (scrolls(el) || inScroller(el)) continue; // a row of tabs that scrolls sideways on purpose
    const what = `${el.tagName}.${el.className} ${el.textContent.trim().slice(0, 30)}`;
    if (r.left < -1 || r.right > width + 1) bad.push(['outside the screen', what, r.left, r.right]);
    if (['INPUT', 'SELECT', 'TEXTAREA', 'svg'].includes(el.tagName) || el.closest('svg')) continue;
    if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).textOverflow !== 'ellipsis')
      bad.push(['text runs out of its box', what, el.scrollWidth, el.clientWidth]);
  }
  return bad;
}"""

IN_VIEW = """(el) => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }"""


def no_overflow(page: Page, what: str) -> None:
    assert page.evaluate(OVERFLOW) == [], what


def tappable(page: Page, selector: str) -> None:
    """At least 44 CSS px tall: a thumb's reach (Apple's and Google's guidance)."""
    height = page.locator(selector).first.evaluate("(el) => el.getBoundingClientRect().height")
    assert height >= 44, f"{selector}: {height} px tall"


@pytest.mark.parametrize("size", [(360, 640), (412, 915)], ids=["360x640", "412x915"])
def test_judge_phone_fits_and_shows_the_receipt(
    long: Server, browser: Any, size: tuple[int, int]
) -> None:
    long.admin_post("stage", {"contestant": "101"})
    for lang, judge in zip(LANGS, ("J7", "J8"), strict=True):
        context = browser.new_context(
            viewport={"width": size[0], "height": size[1]},
            device_scale_factor=2,
            is_mobile=True,
            has_touch=True,
        )
        page = context.new_page()
        page.goto(long.page("judge", long.judges[judge], lang=lang))
        expect(page.get_by_test_id("on-name")).to_have_text(LONG_NAME)
        no_overflow(page, f"sheet {lang}")
        tappable(page, ".bar .lang-switch")
        page.get_by_test_id("mark-content").fill("101")
        page.get_by_test_id("mark-delivery").fill("9.55")
        expect(page.get_by_role("alert")).to_have_count(2)
        no_overflow(page, f"refused marks {lang}")
        for key, value in (("content", "92.5"), ("delivery", "88"), ("presence", "90")):
            page.get_by_test_id(f"mark-{key}").fill(value)
        page.get_by_test_id("review").click()
        expect(page.get_by_test_id("send")).to_be_visible()
        no_overflow(page, f"confirm {lang}")
        page.get_by_test_id("send").click()
        receipt = page.get_by_test_id("receipt")
        expect(receipt).to_be_visible()
        # a judge who has just sent sees that it arrived without scrolling for it
        assert receipt.evaluate(IN_VIEW), f"receipt below the fold {lang} {size}"
        no_overflow(page, f"receipt {lang}")
        page.screenshot(path=str(OUTPUT / "screens" / f"judge-receipt-{lang}-{size[0]}.png"))
        context.close()
    long.admin_post("close", {"contestant": "101"})


REVEAL_BOXES = """() => {
  const box = (el) => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const cut = (el) => el.scrollWidth > el.clientWidth + 1;
  return {
    now: box(document.getElementById('now')),
    rank: box(document.querySelector('[data-testid=reveal-rank]')),
    final: box(document.querySelector('[data-testid=reveal-final]')),
    judges: [...document.querySelectorAll('.reveal-judge')].map(box),
    components: [...document.querySelectorAll('.reveal-component')].map(box),
    cutRank: [...document.querySelectorAll('.reveal-rank span')].filter(cut).map((el) => el.textContent),
    cutNames: [...document.querySelectorAll('#rows .name')].filter(cut).map((el) => el.textContent),
    slivers: [...document.querySelectorAll('#rows .org')].filter((el) => getComputedStyle(el).visibility !== 'hidden'
      && el.getBoundingClientRect().width > 0 && el.getBoundingClientRect().width < 40).map((el) => el.textContent),
  };
}"""


@pytest.mark.parametrize("size", [(1920, 1080), (3840, 2160)], ids=["1920x1080", "3840x2160"])
def test_screen_reveal_keeps_the_rank_on_the_display(
    long: Server, browser: Any, size: tuple[int, int]
) -> None:
    pages = {}
    for lang in LANGS:
        page = browser.new_context(viewport={"width": size[0], "height": size[1]}).new_page()
        page.clock.install()  # a reveal's clock the test may run ahead (hurry_reveal)
        page.goto(long.page("screen", lang=lang))
        # a screen plays the reveals it sees happen: wait until it is following
        expect(page.locator(".conn.live")).to_be_visible()
        expect(page.locator("#rows .row").first).to_be_visible()
        pages[lang] = page
    long.admin_post("stage", {"contestant": "101"})
    for k, judge in enumerate(PANEL_C):
        mark = str(80 + 3 * k)
        long.call(
            "POST",
            f"/api/competitions/{long.cid}/scores",
            {
                "contestant": "101",
                "points": {"content": mark, "delivery": mark, "presence": mark},
                "submission_id": f"fit-sheet-{judge}",
            },
            long.judges[judge],
        )
    long.admin_post("close", {"contestant": "101"})
    long.admin_post("reveal", {"contestant": "101"})
    for page in pages.values():
        hurry_reveal(page)
    for lang, page in pages.items():
        final = page.get_by_test_id("reveal-final")
        expect(final).to_have_attribute("data-final", re.compile(r"^\d+\.\d\d$"), timeout=10000)
        expect(page.get_by_test_id("reveal-rank")).to_have_css("opacity", "1")
        boxes = page.evaluate(REVEAL_BOXES)
        page.screenshot(
            path=str(OUTPUT / "screens" / f"screen-reveal-five-judges-{lang}-{size[0]}.png")
        )
        now = boxes["now"]
        assert len(boxes["judges"]) == 5
        assert len(boxes["components"]) == 2  # expert review × 0.4, live score × 0.6
        for part in [boxes["final"], boxes["rank"], *boxes["judges"], *boxes["components"]]:
            assert now[1] - 1 <= part[1] and part[3] <= min(now[3], size[1]) + 1, (lang, part, now)
        assert boxes["cutRank"] == [], lang
        # long names shrink before they are cut; an organisation with no room is left out, not shown as a sliver
        assert boxes["cutNames"] == [], lang
        assert boxes["slivers"] == [], lang


@pytest.mark.parametrize("lang", LANGS)
def test_audience_phone_fits(long: Server, browser: Any, lang: str) -> None:
    long.admin_post("stage", {"contestant": "101"})
    context = browser.new_context(
        viewport={"width": 360, "height": 640},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.goto(long.page("live", lang=lang))
    expect(page.locator(".now .name")).to_have_text(LONG_NAME)
    expect(page.locator("#list li")).to_have_count(12)
    no_overflow(page, f"live {lang}")
    # every group's tab in sight (a rehearsal's English "Enterprises" was cut at the edge)
    tabs = page.locator("#tabs button")
    expect(tabs).to_have_count(4)
    right = tabs.evaluate_all("els => Math.max(...els.map((e) => e.getBoundingClientRect().right))")
    assert right <= 360, (lang, right)
    tappable(page, ".bar .lang-switch")
    context.close()


BADGES = """() => [...document.querySelectorAll('.badge')].filter((el) => el.getClientRects().length > 1
  || el.getBoundingClientRect().height > 2 * parseFloat(getComputedStyle(el).fontSize)).map((el) => el.textContent)"""


@pytest.mark.parametrize("lang", LANGS)
def test_console_at_1366_keeps_badges_on_one_line(long: Server, browser: Any, lang: str) -> None:
    long.admin_post("stage", {"contestant": "101"})
    page = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    page.goto(long.page("admin", long.admin, lang=lang))
    expect(page.get_by_test_id("stage-state")).to_be_visible()
    expect(page.locator("#show tbody tr")).to_have_count(12)
    assert page.evaluate(BADGES) == [], lang
    # the run of show scrolls by itself: the judges' links and the exports stay near
    show = page.locator("#show").bounding_box()
    assert show is not None and show["height"] <= 768, show
    page.screenshot(path=str(OUTPUT / "screens" / f"admin-1366-{lang}.png"))


def test_console_without_a_competition_has_no_connection_to_wait_for(
    server: Server, browser: Any
) -> None:
    page = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    page.goto(f"{server.url}/admin?lang=en")
    expect(page.get_by_test_id("setup-token")).to_be_visible()
    expect(page.locator("#conn")).to_be_hidden()
