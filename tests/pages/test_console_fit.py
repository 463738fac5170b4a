"""The console on an organiser's laptop (1366×768) with a full-size field: 80 judges
(four panels of 20) and 40 contestants. A rehearsal found every action of the stage
card below the fold (the grid of 20 judges above them, 80 before the show) and the
run of show never scrolled to the contestant called."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.pages.conftest import OUTPUT, PHONE, Server, example_edited, start_server

LAPTOP = {"viewport": {"width": 1366, "height": 768}}
PANEL_C = ("J7", "J8", "J9", *(f"J{n}" for n in range(10, 27)))  # 20 judges: the agency group
EXTRA = [f"{n}" for n in range(105, 133)]  # 28 more agency contestants, after the example's 12


def full_size(folder: Path) -> Path:
    """The example with 80 judges (panels A, B, C and a fourth, D, of 20 each) and 40 contestants."""

    def edit(text: str) -> str:
        text = text.replace(
            '[[panels]]\nid = "C"',
            '[[panels]]\nid = "D"\ngroups = ["school"]\n\n[[panels]]\nid = "C"',
        )
        panels = ["C"] * 17 + ["A"] * 17 + ["B"] * 17 + ["D"] * 20
        judges = "".join(
            f'\n[[judges]]\nid = "J{n}"\nname = "评委{n:02d}"\norganisation = "评委单位{n}"\npanel = "{panel}"\n'
            for n, panel in zip(range(10, 81), panels, strict=True)
        )
        contestants = "".join(
            f'\n[[contestants]]\nid = "{c}"\nname = "选手{c}"\norganisation = "单位{c}"\n'
            f'group = "agency"\nprior = {{ expert = 85 }}\n'
            for c in EXTRA
        )
        return text + contestants + judges

    return example_edited(folder, "full-size.toml", edit)


@pytest.fixture
def field(tmp_path: Path) -> Iterator[Server]:
    yield from start_server(tmp_path, full_size(tmp_path))


def on_screen(locator: Locator) -> None:
    """Seen at once on the laptop: wholly inside the window, no scrolling (an
    assertion that waits: the console draws its cards again at every view,
    and a box read between two drawings was None, one run in four)."""
    expect(locator).to_be_in_viewport(ratio=1)


def console(server: Server, browser: Any, lang: str) -> Page:
    page = browser.new_context(**LAPTOP).new_page()
    page.goto(server.page("admin", server.admin, lang=lang))
    return page


@pytest.mark.parametrize(
    ("lang", "none", "one"),
    [
        ("zh-CN", "0/80 位评委手机在线", "1/80 位评委手机在线"),
        ("en", "0 of 80 judges' phones connected", "1 of 80 judges' phones connected"),
    ],
)
def test_before_the_show_the_judges_phones_are_counted(
    field: Server, browser: Any, lang: str, none: str, one: str
) -> None:
    page = console(field, browser, lang)
    count = page.get_by_test_id("phones-connected")
    expect(count).to_have_text(none)
    on_screen(page.get_by_test_id("call-next"))
    expect(page.get_by_test_id("judge-grid")).to_be_hidden()  # 80 cells, behind a toggle
    stage = page.locator("#stage").bounding_box()
    assert stage is not None and stage["height"] < 400, stage

    phone = browser.new_context(**PHONE).new_page()
    phone.goto(field.page("judge", field.judges["J42"], lang=lang))
    expect(count).to_have_text(one)
    page.screenshot(path=str(OUTPUT / "screens" / f"admin-1366-80-judges-{lang}.png"))

    page.get_by_test_id("judges-toggle").locator("summary").click()
    expect(page.get_by_test_id("judge-grid").locator(".judge-cell")).to_have_count(80)
    expect(page.get_by_test_id("presence-J42")).to_have_text(
        "手机在线" if lang == "zh-CN" else "Phone connected"
    )
    phone.close()
    expect(count).to_have_text(none)  # drawn again, still open as the organiser left it
    expect(page.get_by_test_id("judge-grid")).to_be_visible()


@pytest.mark.parametrize(
    ("lang", "scoring", "closed"), [("zh-CN", "评分中", "评分结束"), ("en", "Scoring", "Closed")]
)
def test_the_stage_cards_actions_fit_a_laptop_with_twenty_judges(
    field: Server, browser: Any, lang: str, scoring: str, closed: str
) -> None:
    field.admin_post("stage", {"contestant": "101"})
    for judge in PANEL_C[:12]:
        field.call(
            "POST",
            f"/api/competitions/{field.cid}/scores",
            {
                "contestant": "101",
                "points": {"content": "80", "delivery": "80", "presence": "80"},
                "submission_id": f"fit-sheet-{judge}",
            },
            field.judges[judge],
        )
    page = console(field, browser, lang)
    expect(page.get_by_test_id("stage-state")).to_have_text(scoring)
    expect(page.locator("#stage .judge-cell")).to_have_count(20)
    expect(page.locator("#stage .judge-cell.scored")).to_have_count(12)
    for action in ("close", "reveal", "call-next"):
        on_screen(page.get_by_test_id(action))
    page.screenshot(path=str(OUTPUT / "screens" / f"admin-1366-20-judges-{lang}.png"))

    page.get_by_test_id("close").click()
    page.get_by_test_id("confirm").locator('button[value="yes"]').click()  # 8 have not scored
    expect(page.get_by_test_id("stage-state")).to_have_text(closed)
    on_screen(page.get_by_test_id("reveal"))
    expect(page.get_by_test_id("reveal")).to_be_enabled()


IN_VIEW = """(id) => {
  const row = document.querySelector(`#show tr[data-contestant="${id}"]`);
  if (!row?.classList.contains("current")) return false;
  const r = row.getBoundingClientRect(), box = document.getElementById("show").getBoundingClientRect();
  return r.top >= box.top && r.bottom <= box.bottom;
}"""


def test_the_run_of_show_follows_the_contestant_on_stage(field: Server, browser: Any) -> None:
    field.admin_post("stage", {"contestant": "130"})  # the 38th of 40
    page = console(field, browser, "en")
    show = page.locator("#show")

    def in_view(contestant: str) -> None:
        """The row of ``contestant`` is the current one and wholly inside the run of show's box."""
        page.wait_for_function(IN_VIEW, arg=contestant, timeout=5000)

    expect(page.locator("#show tbody tr")).to_have_count(40)
    in_view("130")
    field.admin_post("stage", {"contestant": "106"})
    in_view("106")

    # between calls the organiser scrolls where they like: a score does not pull it back
    show.evaluate("(el) => { el.scrollTop = el.scrollHeight; }")
    field.call(
        "POST",
        f"/api/competitions/{field.cid}/scores",
        {
            "contestant": "106",
            "points": {"content": "80", "delivery": "80", "presence": "80"},
            "submission_id": "follow-J7",
        },
        field.judges["J7"],
    )
    expect(page.locator('[data-testid="judge-J7"].scored')).to_have_count(1)
    assert show.evaluate("(el) => el.scrollTop + el.clientHeight >= el.scrollHeight - 1")

    page.get_by_test_id("call-next").click()
    page.get_by_test_id("confirm").locator('button[value="yes"]').click()  # 106 stays open
    in_view("107")
