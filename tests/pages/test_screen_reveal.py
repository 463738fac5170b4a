"""The venue screen's reveal, as the hall sees it: the leaderboard keeps the
result back until the count-up ends, the composite is shown term by term,
judges' totals are the exact ones the exports print, a struck mark says why
in words, calling the next contestant lets a started reveal finish, and a
result amended while it is up is shown as it now stands."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.pages.conftest import OUTPUT, SCREEN, Server, example_edited, hurry_reveal, start_server

# Weights of 0.45 / 0.35 / 0.2 make totals of three decimals, as in the demo
# (77.055), where the board has two: the screen must not round them.
SHEETS = {
    "J7": {"content": "90", "delivery": "93.3", "presence": "92"},  # 91.555, counted
    "J8": {"content": "80", "delivery": "77.3", "presence": "70"},  # 77.055, lowest dropped
    "J9": {"content": "95", "delivery": "96", "presence": "97"},  # 95.75, highest dropped
}
TOTALS = {"J7": "91.555", "J8": "77.055", "J9": "95.75"}
SHOWN = {"J7": "91.555", "J8": "77.055", "J9": "95.750"}
"""As the exports print them: with the places any total can have, zeros added, never rounded."""
FINAL_101 = "89.53"  # round(0.4 × 86.5 + 0.6 × 91.555)


def three_decimal_totals(folder: Path) -> Path:
    return example_edited(
        folder,
        "reveal.toml",
        lambda text: text.replace(
            "maximum = 100\nweight = 0.5", "maximum = 100\nweight = 0.45"
        ).replace("maximum = 100\nweight = 0.3", "maximum = 100\nweight = 0.35"),
    )


@pytest.fixture
def show(tmp_path: Path) -> Iterator[Server]:
    yield from start_server(tmp_path, three_decimal_totals(tmp_path))


def score(server: Server, contestant: str, sheets: dict[str, dict[str, str]]) -> None:
    server.admin_post("stage", {"contestant": contestant})
    for judge, points in sheets.items():
        server.call(
            "POST",
            f"/api/competitions/{server.cid}/scores",
            {
                "contestant": contestant,
                "points": points,
                "submission_id": f"r-{contestant}-{judge}",
            },
            server.judges[judge],
        )
    server.admin_post("close", {"contestant": contestant})


def open_screen(server: Server, browser: Any, lang: str, clock: bool = False) -> Page:
    """The screen, following; with ``clock``, its clock installed for the test to run
    ahead (``hurry_reveal``)."""
    page = browser.new_context(**SCREEN).new_page()
    if clock:
        page.clock.install()
    page.goto(server.page("screen", lang=lang))
    # a screen plays the reveals it sees happen: wait until it is following
    expect(page.locator(".conn.live")).to_be_visible()
    expect(page.locator("#rows .row").first).to_be_visible()
    return page


# Every change to the leaderboard or the stage's left side, recorded in the page as it
# happens, with whether the reveal's final had been shown by then.
WATCH = """(contestant) => {
  window.seen = [];
  const finalShown = () => Boolean(document.querySelector('[data-testid=reveal-final][data-final]'));
  new MutationObserver(() => {
    const row = document.querySelector(`#rows .row[data-contestant="${contestant}"]`);
    window.seen.push({at: performance.now(), finalShown: finalShown(),
      pending: row ? row.classList.contains('pending') : null,
      flash: row ? row.classList.contains('flash') : null,
      rank: row ? row.querySelector('.rank').textContent : null,
      hasFinal: row ? Boolean(row.querySelector('.final')) : null,
      sliding: row ? row.getAnimations().length > 0 : false,
      first: document.querySelector('#rows .row')?.dataset.contestant});
  }).observe(document.getElementById('rows'), {childList: true});
  window.stage = [];
  new MutationObserver(() => {
    const final = document.querySelector('[data-testid=reveal-final]');
    const components = [...document.querySelectorAll('.reveal-component')];
    window.stage.push({at: performance.now(), finalShown: finalShown(),
      final: final ? final.textContent.trim() : null,
      components: components.length, componentsShown: components.filter((el) => el.classList.contains('shown')).length,
      name: document.querySelector('[data-testid=now-name]')?.textContent ?? null});
  }).observe(document.getElementById('now-body'), {childList: true, subtree: true, characterData: true, attributes: true});
}"""


def test_the_leaderboard_keeps_a_result_back_until_its_reveal_ends(
    show: Server, browser: Any
) -> None:
    score(show, "101", SHEETS)
    show.admin_post("reveal", {"contestant": "101"})
    page = open_screen(show, browser, "en")
    expect(page.locator('#rows .row[data-contestant="101"] .final')).to_have_text(FINAL_101)
    page.evaluate(WATCH, "102")
    higher = {judge: {key: "98" for key in points} for judge, points in SHEETS.items()}
    score(show, "102", higher)
    show.admin_post("reveal", {"contestant": "102"})
    expect(page.locator(".reveal-judge.shown").first).to_be_visible()
    # another change to the board while the reveal plays: shown once it ends, not lost
    show.admin_post("withdraw", {"contestant": "104", "reason": "ill"})
    (OUTPUT / "screens").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUTPUT / "screens" / "screen-reveal-playing-en.png"))
    row = page.locator('#rows .row[data-contestant="102"]')
    expect(row.locator(".final")).to_have_text("95.20", timeout=15000)
    expect(row.locator(".rank")).to_have_text("1")
    expect(page.locator('#rows .row[data-contestant="104"] .status')).to_have_text("Withdrawn")
    seen = page.evaluate("window.seen")
    early = [s for s in seen if not s["finalShown"]]
    late = [s for s in seen if s["finalShown"]]
    assert early, "the leaderboard was not drawn while the reveal played"
    for s in early:  # as it was before the reveal: pending, unranked, below 101
        if s["pending"] is None:
            continue  # the screen paged to a table without 102
        assert s["pending"] and not s["hasFinal"] and s["rank"] == "—" and not s["flash"], s
        assert s["first"] == "101", s
    # then it takes its place, sliding up past 101, highlighted
    shown = next(s for s in late if s["pending"] is False)
    assert shown["first"] == "102" and shown["flash"] and shown["sliding"], shown


def test_the_reveal_shows_the_composite_and_why_marks_were_struck(
    show: Server, browser: Any
) -> None:
    pages = {lang: open_screen(show, browser, lang) for lang in ("zh-CN", "en")}
    for page in pages.values():
        page.evaluate(WATCH, "101")
    score(show, "101", SHEETS)
    show.admin_post("reveal", {"contestant": "101"})
    expected = {
        "zh-CN": (
            ["专家评审", "86.50", "× 0.4"],  # with the final's places, as the exports
            ["现场评分", "91.56", "× 0.6"],
            "去掉最低分",
            "去掉最高分",
        ),
        "en": (
            ["Expert review", "86.50", "× 0.4"],
            ["Live score", "91.56", "× 0.6"],
            "Lowest dropped",
            "Highest dropped",
        ),
    }
    (OUTPUT / "screens").mkdir(parents=True, exist_ok=True)
    for lang, page in pages.items():
        expert, live, low, high = expected[lang]
        final = page.get_by_test_id("reveal-final")
        expect(final).to_have_attribute("data-final", FINAL_101, timeout=15000)
        expect(final).to_have_text(FINAL_101)
        components = page.locator(".reveal-component")
        expect(components).to_have_count(2)
        for component, parts in zip(components.all(), (expert, live), strict=True):
            expect(component).to_be_visible()
            assert [c.strip() for c in component.locator("> *").all_inner_texts()] == parts, lang
        # each term in the hall's view before the final starts counting
        stage = page.evaluate("window.stage")
        counting = next(s for s in stage if s["final"] not in (None, "", "\u00a0"))
        assert counting["components"] == counting["componentsShown"] == 2, (lang, counting)
        # a struck mark says why on the screen itself, not in a tooltip
        struck = page.locator(".reveal-judge.dropped .why")
        expect(struck).to_have_count(2)
        assert sorted(struck.all_inner_texts()) == sorted([low, high]), lang
        for el in struck.all():
            expect(el).to_be_visible()
        fits = page.evaluate(
            """() => [...document.querySelectorAll('.reveal-component *, .reveal-judge *')]
              .filter((el) => el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).textOverflow !== 'ellipsis')
              .map((el) => el.textContent)"""
        )
        assert fits == [], (lang, fits)
        page.wait_for_timeout(600)  # the rank's fade, for the picture only
        page.screenshot(path=str(OUTPUT / "screens" / f"screen-reveal-composite-{lang}.png"))


def test_judges_totals_are_shown_exactly_as_the_exports_print_them(
    show: Server, browser: Any
) -> None:
    page = open_screen(show, browser, "zh-CN", clock=True)
    score(show, "101", SHEETS)
    show.admin_post("reveal", {"contestant": "101"})
    hurry_reveal(page)
    expect(page.get_by_test_id("reveal-final")).to_have_attribute(
        "data-final", FINAL_101, timeout=15000
    )
    board = show.call("GET", f"/api/competitions/{show.cid}/board")
    row = next(r for r in board["overall"] if r["contestant"] == "101")
    assert {j["judge"]: j["total"] for j in row["judges"]} == TOTALS
    marks = page.locator(".reveal-judge .num")
    expect(marks).to_have_count(len(SHOWN))
    assert sorted(marks.all_inner_texts()) == sorted(SHOWN.values())


def test_calling_the_next_contestant_lets_a_started_reveal_finish(
    show: Server, browser: Any
) -> None:
    page = open_screen(show, browser, "en")
    page.evaluate(WATCH, "101")
    score(show, "101", SHEETS)
    show.admin_post("reveal", {"contestant": "101"})
    expect(page.locator(".reveal-judge.shown").first).to_be_visible()  # mid-reveal
    show.admin_post("stage", {"contestant": "102"})
    expect(page.get_by_test_id("now-name")).to_have_text("王雨桐", timeout=15000)
    stage = page.evaluate("window.stage")
    # the count-up reached the final (the switch may come in the same task as its last step)
    ended = next((s for s in stage if s["final"] == FINAL_101), None)
    assert ended is not None, "the reveal was cut off before its final"
    switched = next(s for s in stage if s["name"] == "王雨桐")
    # the final stays up for the hall to read, then the stage turns to the next one
    assert 3900 <= switched["at"] - ended["at"] < 5000, switched["at"] - ended["at"]


def test_a_result_amended_while_it_is_up_shows_what_it_now_is(show: Server, browser: Any) -> None:
    """A show-day review amended a mark of the result on the screen: the board's row
    changed, the stage's reveal kept the old marks and final until the next call."""
    page = open_screen(show, browser, "en", clock=True)
    score(show, "101", SHEETS)
    show.admin_post("reveal", {"contestant": "101"})
    hurry_reveal(page)
    final = page.get_by_test_id("reveal-final")
    expect(final).to_have_attribute("data-final", FINAL_101)
    # J7's 91.555 becomes 79.055 (80 / 77.3 / 80), still the one counted between the others
    amended = {"content": "80", "delivery": "77.3", "presence": "80"}
    show.admin_post(
        "amend", {"judge": "J7", "contestant": "101", "reason": "mistyped", "points": amended}
    )
    expect(final).to_have_attribute("data-final", "82.03", timeout=5000)  # 34.6 + 0.6 × 79.055
    expect(final).to_have_text("82.03")
    marks = page.locator(".reveal-judge .mark .num")
    expect(marks).to_have_text(["79.055", "77.055", "95.750"])
    expect(page.locator(".reveal-judge.shown")).to_have_count(3)  # no count-up again
