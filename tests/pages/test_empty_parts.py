"""A part a page leaves out (``cond ? h(…) : null``) is left out, not written as the
word: the DOM's ``append`` and ``replaceChildren`` turn null, undefined and false into
the text "null", "undefined", "false". The pages draw through ``h`` and ``fill``
(static/js/ui.js), which drop them; a competition without a composite, the default,
once showed "null" under every result revealed on the venue screen."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.pages.conftest import PHONE, SCREEN, Server, example_edited, hurry_reveal, start_server
from tests.pages.test_screen_reveal import SHEETS, score

STRAY = re.compile(r"\b(null|undefined|false)\b")

DRAWN = """async () => {
  const { fill, h } = await import("/static/js/ui.js");
  const el = document.createElement("div");
  fill(el, null, "x", undefined, false, [h("b", {}, "y"), null]);
  return {
    h: h("p", {}, "a", null, false, undefined, ["b", [null, "c"]]).outerHTML,
    fill: el.outerHTML,
  };
}"""


def test_h_and_fill_leave_empty_parts_out(server: Server, browser: Any) -> None:
    page = browser.new_context().new_page()
    page.goto(server.url)
    assert page.evaluate(DRAWN) == {"h": "<p>abc</p>", "fill": "<div>x<b>y</b></div>"}
    page.context.close()


def live_score_only(folder: Path) -> Path:
    """The example with no composite: the final is the live score alone (one term)."""

    def edit(text: str) -> str:
        text = re.sub(r"\[\[rules\.composite\]\]\n(?:\w.*\n)*\n", "", text)
        text = text.replace('[[rules.tie_breaks]]\nkind = "component"\nsource = "expert"\n\n', "")
        return re.sub(r"^prior = .*\n", "", text, flags=re.MULTILINE)

    return example_edited(folder, "live-only.toml", edit)


@pytest.fixture
def show(tmp_path: Path) -> Iterator[Server]:
    yield from start_server(tmp_path, live_score_only(tmp_path))


def no_stray_words(page: Page, where: str) -> None:
    text = page.locator("body").inner_text()
    assert not STRAY.search(text), (where, STRAY.findall(text), text)


def test_a_result_of_one_term_is_revealed_without_a_stray_word(show: Server, browser: Any) -> None:
    screen = browser.new_context(**SCREEN).new_page()
    screen.clock.install()  # a reveal's clock the test may run ahead (hurry_reveal)
    screen.goto(show.page("screen", lang="en"))
    expect(screen.locator(".conn.live")).to_be_visible()
    score(show, "101", SHEETS)
    show.admin_post("reveal", {"contestant": "101"})
    hurry_reveal(screen)
    expect(screen.locator("[data-testid=reveal-final]")).to_have_attribute(
        "data-final", re.compile(r"\d"), timeout=15000
    )
    # one term: no list of terms, and nothing in its place
    expect(screen.locator(".reveal-components")).to_have_count(0)
    no_stray_words(screen, "screen")
    screen.context.close()
    for name, token, context in (
        ("live", None, PHONE),
        ("admin", show.admin, {}),
        ("audit", show.auditor, {}),
        ("judge", show.judges["J7"], PHONE),
    ):
        page = browser.new_context(**context).new_page()
        page.goto(show.page(name, token, lang="en"))
        expect(page.locator("#conn.live")).to_be_visible()
        no_stray_words(page, name)
        page.context.close()
