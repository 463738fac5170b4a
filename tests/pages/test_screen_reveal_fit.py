"""The reveal of a panel of 20 judges at 1920×1080, as the rehearsal had it: an
incomplete result's status (待补成绩 / "Awaiting a score") is fitted with the
marks, not drawn after them over two lines that pushed marks out of the
panel (the rehearsal lost 8 of its 20 in English, this panel 6); and judges'
names, long Latin ones among them, shrink or wrap rather than end in
"Catherin…"."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.pages.conftest import OUTPUT, Server, hurry_reveal, start_server
from tests.pages.test_screen_full_show import LANGS, REVEAL, full_panel, open_screen, within

JUDGES = 20
PANEL = ["J7", "J8", "J9", *(f"J{10 + k}" for k in range(JUDGES - 3))]
LONG_NAMES = {  # the rehearsal's English panel: Chinese names of two or three characters beside them
    "赵欣": "Catherine Montgomery-Whitfield",
    "钱欣然": "Maximilian Featherstonehaugh",
    "李欣": "Anastasia Papadopoulou-Richardson",
}
STATUS = {"zh-CN": "待补成绩", "en": "Awaiting a score"}
NAME_FLOOR = 12  # px: a judge's name under the mark, three fifths of the smallest mark's 20


def panel_of_twenty(folder: Path) -> Path:
    """Panel C of 20 judges, three of them with long Latin names; 101 (of its group)
    without the expert review, so that its result is incomplete."""
    path = full_panel(folder, JUDGES)
    text = path.read_text()
    prior = "prior = { expert = 86.5 }\n"
    assert text.count(prior) == 1
    text = text.replace(prior, "")
    for short, long in LONG_NAMES.items():
        assert f'name = "{short}"\n' in text
        text = text.replace(f'name = "{short}"\n', f'name = "{long}"\n')
    path.write_text(text)
    return path


@pytest.fixture
def twenty(tmp_path: Path) -> Iterator[Server]:
    yield from start_server(tmp_path, panel_of_twenty(tmp_path))


def reveal(server: Server, contestant: str) -> None:
    server.admin_post("stage", {"contestant": contestant})
    for k, judge in enumerate(PANEL):
        mark = str(70 + (k * 7) % 29)
        server.call(
            "POST",
            f"/api/competitions/{server.cid}/scores",
            {
                "contestant": contestant,
                "points": {"content": mark, "delivery": mark, "presence": mark},
                "submission_id": f"fit-{contestant}-{judge}",
            },
            server.judges[judge],
        )
    server.admin_post("close", {"contestant": contestant})
    server.admin_post("reveal", {"contestant": contestant})


def visible_marks(seen: dict[str, Any]) -> int:
    """The marks whole inside the grid and on the display."""
    left, top, right, bottom = seen["now"]
    shown = [max(left, 0), top, right, min(bottom, 1080)]
    return sum(within(m["box"], seen["grid"]) and within(m["box"], shown) for m in seen["marks"])


def test_an_incomplete_result_s_status_is_fitted_with_every_mark(
    twenty: Server, browser: Any
) -> None:
    pages = {lang: open_screen(twenty, browser, lang) for lang in LANGS}
    reveal(twenty, "101")
    for page in pages.values():
        hurry_reveal(page)
    for lang, page in pages.items():
        final = page.get_by_test_id("reveal-final")
        # the status is shown with the ranks' line, once every mark is
        expect(page.get_by_test_id("reveal-rank")).to_have_css("opacity", "1", timeout=30000)
        expect(final).to_be_visible()
        expect(final).to_have_text(STATUS[lang])
        seen = page.evaluate(REVEAL)
        (OUTPUT / "screens").mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(OUTPUT / "screens" / f"screen-reveal-incomplete-20-{lang}.png"))
        assert len(seen["marks"]) == JUDGES
        assert visible_marks(seen) == JUDGES, (lang, seen)
        left, top, right, bottom = seen["now"]
        assert within(seen["final"], [max(left, 0), top, right, min(bottom, 1080)]), (lang, seen)
        lines = page.evaluate(
            """() => { const el = document.querySelector('[data-testid=reveal-final]');
              return Math.round(el.offsetHeight / parseFloat(getComputedStyle(el).lineHeight)); }"""
        )
        assert lines == 1, (lang, lines)


# Each judge's name under their mark: whether its text is cut (wider than its box, or
# ending in an ellipsis), its text's box and its cell's, its size.
NAMES = """() => [...document.querySelectorAll('.reveal-judge small')].map((el) => {
  const range = document.createRange();
  range.selectNodeContents(el);
  const r = range.getBoundingClientRect();
  const c = el.parentElement.getBoundingClientRect();
  return {name: el.textContent, cut: el.scrollWidth > el.clientWidth + 1,
    text: [r.left, r.top, r.right, r.bottom], cell: [c.left, c.top, c.right, c.bottom],
    size: parseFloat(getComputedStyle(el).fontSize)};
})"""


def test_judges_names_shrink_or_wrap_and_are_never_cut(twenty: Server, browser: Any) -> None:
    twenty.call(  # 101's result complete: the marks, the final and the ranks in the panel
        "POST",
        f"/api/competitions/{twenty.cid}/prior-scores",
        {"contestant": "101", "source": "expert", "value": "86.5"},
        twenty.admin,
    )
    pages: dict[str, Page] = {lang: open_screen(twenty, browser, lang) for lang in LANGS}
    reveal(twenty, "101")
    for page in pages.values():
        hurry_reveal(page)
    for lang, page in pages.items():
        expect(page.get_by_test_id("reveal-final")).to_have_attribute(
            "data-final", "85.20", timeout=30000
        )
        names = page.evaluate(NAMES)
        assert len(names) == JUDGES
        for long in LONG_NAMES.values():
            assert long in [n["name"] for n in names]
        for name in names:
            assert not name["cut"], (lang, name)
            left, _, right, _ = name["text"]  # its glyphs may rise above a line of 1.15
            assert name["cell"][0] - 1 <= left and right <= name["cell"][2] + 1, (lang, name)
            assert name["size"] >= NAME_FLOOR, (lang, name)
        seen = page.evaluate(REVEAL)
        assert visible_marks(seen) == JUDGES, (lang, seen)
        page.screenshot(path=str(OUTPUT / "screens" / f"screen-reveal-judge-names-{lang}.png"))
