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
from tests.pages.one_judge import score_and_reveal
from tests.pages.test_screen_board_names import definition as rehearsal_roster

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


@pytest.fixture
def long_groups(tmp_path: Path) -> Iterator[Server]:
    """The rehearsal's roster (tests/pages/test_screen_board_names.py): 100 contestants
    with names of up to 90 letters, in groups such as 国有企业组（电力、通信及能源类）;
    three revealed, one left open (Close on its row), the next on stage."""
    for server in start_server(tmp_path, rehearsal_roster(tmp_path)):
        score_and_reveal(server, [(f"c{i:03d}", f"{95 - i:.1f}") for i in range(3)], "groups")
        server.admin_post("stage", {"contestant": "c003"})
        server.admin_post("stage", {"contestant": "c004"})
        yield server


# Each group cell of the run of show: how many characters each line of its name holds
# (a range over each character, by the line it lands on); the buttons of its row, by line.
GROUP_CELLS = """() => [...document.querySelectorAll('#show tbody tr')].map((tr) => {
  const span = tr.children[2].querySelector('span');
  const text = span.firstChild;
  const lines = new Map();
  for (let i = 0; i < text.length; i += 1) {
    const range = document.createRange();
    range.setStart(text, i);
    range.setEnd(text, i + 1);
    const top = Math.round(range.getBoundingClientRect().top / 4);
    lines.set(top, (lines.get(top) ?? 0) + 1);
  }
  const buttons = [...tr.querySelectorAll('td.actions button')];
  return { contestant: tr.dataset.contestant, text: text.textContent, lines: [...lines.values()],
    buttons: buttons.length,
    button_lines: new Set(buttons.map((b) => Math.round(b.getBoundingClientRect().top))).size };
})"""


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_a_long_group_name_in_the_run_of_show_keeps_whole_words_a_line(
    long_groups: Server, browser: Any, lang: str
) -> None:
    """The rehearsal's run of show broke 国有企业组（电力、通信及能源类） one or two
    characters a line, beside the long names: each line now holds at least five
    characters (or the whole name), in at most four lines, and the table
    still fits its card, a row's buttons on one line unless it has three."""
    page = console(long_groups, browser, lang)
    expect(page.locator("#show tbody tr")).to_have_count(100)
    expect(
        page.locator('#show tr[data-contestant="c003"] [data-testid="row-close"]')
    ).to_be_visible()
    cells = page.evaluate(GROUP_CELLS)
    page.screenshot(path=str(OUTPUT / "screens" / f"admin-1366-long-groups-{lang}.png"))
    for cell in cells:
        assert len(cell["lines"]) <= 4, cell
        assert min(cell["lines"]) >= min(5, len(cell["text"])), cell
        assert cell["button_lines"] == 1 or cell["buttons"] > 2, cell
    assert page.locator("#show").evaluate("(el) => el.scrollWidth <= el.clientWidth")
    on_screen(page.locator('#show tr[data-contestant="c004"] td.actions button').last)
