"""Every page in zh-CN has no English left, in English no Chinese; screenshots of each.

Text that comes from the competition (names, organisations, ids) is marked
``translate="no"`` by the pages and left out; everything else must be in the
page's language, and no message of the other language may appear at all.
"""

from __future__ import annotations

import re
from typing import Any, get_args

import pytest
from playwright.sync_api import Page, expect

from projections.standings import NotCounted, Status
from server.exports.headings import STATUSES
from tests.pages.conftest import OUTPUT, PHONE, ROOT, SCREEN, Server

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")

VISIBLE_TEXT = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || el.closest('[translate="no"], script, style, .hidden, [hidden], .print-sheet')) continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    if (node.textContent.trim()) out.push(node.textContent.trim());
  }
  for (const el of document.querySelectorAll('[aria-label], [placeholder]')) {
    if (el.closest('[translate="no"]')) continue;
    for (const name of ['aria-label', 'placeholder']) if (el.getAttribute(name)) out.push(el.getAttribute(name));
  }
  out.push(document.title);
  return out;
}"""


def catalogue() -> dict[str, dict[str, str]]:
    """MESSAGES from static/js/i18n.js (an entry on one line or several)."""
    source = (ROOT / "static" / "js" / "i18n.js").read_text()
    entries = re.findall(r'"([\w.-]+)": \{\s*"zh-CN": "([^"]*)",\s*en: "([^"]*)",?\s*\}', source)
    assert len(entries) > 100
    keys = [key for key, _, _ in entries]
    # every entry written is read here, so that none escapes the checks
    assert sorted(keys) == sorted(re.findall(r'^\s*"([\w.-]+)": \{', source, re.MULTILINE))
    # a key written twice is not an error in a script: the later one silently wins
    assert sorted({k for k in keys if keys.count(k) > 1}) == []
    return {key: {"zh-CN": zh, "en": en} for key, zh, en in entries}


def fragments(message: str) -> list[str]:
    """The fixed parts of a message (placeholders cut out), long enough to mean something."""
    return [part.strip() for part in re.split(r"\{\w+\}", message) if len(part.strip()) >= 4]


def prepare(server: Server) -> None:
    """A show in progress: one contestant revealed, the next one scoring."""
    server.admin_post("stage", {"contestant": "101"})
    for judge, mark in (("J7", "90"), ("J8", "84.5"), ("J9", "77")):
        server.call(
            "POST",
            f"/api/competitions/{server.cid}/scores",
            {
                "contestant": "101",
                "points": {"content": mark, "delivery": mark, "presence": mark},
                "submission_id": f"language-{judge}",
            },
            server.judges[judge],
        )
    server.admin_post("close", {"contestant": "101"})
    server.admin_post("reveal", {"contestant": "101"})
    server.admin_post("stage", {"contestant": "102"})


def check(page: Page, lang: str, messages: dict[str, dict[str, str]]) -> None:
    texts = page.evaluate(VISIBLE_TEXT)
    other = "en" if lang == "zh-CN" else "zh-CN"
    joined = "\n".join(texts)
    for key, message in messages.items():
        for part in fragments(message[other]):
            if part != message[lang] and part not in fragments(message[lang]):
                assert part not in joined, f"{key}: {part!r} on a {lang} page"
    for text in texts:
        if lang == "zh-CN":
            assert not LATIN_WORD.search(text), f"English left on a zh-CN page: {text!r}"
        else:
            assert not CJK.search(text), f"Chinese on an English page: {text!r}"


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_pages_speak_one_language(server: Server, browser: Any, lang: str) -> None:
    prepare(server)
    messages = catalogue()
    shots = OUTPUT / "screens"
    pages: list[tuple[str, dict[str, Any], str, str | None]] = [
        ("screen", SCREEN, server.page("screen", lang=lang), "now-name"),
        ("live", PHONE, server.page("live", lang=lang), None),
        ("judge", PHONE, server.page("judge", server.judges["J7"], lang=lang), "review"),
        (
            "admin",
            {"viewport": {"width": 1440, "height": 1000}},
            server.page("admin", server.admin, lang=lang),
            "call-next",
        ),
        (
            "audit",
            {"viewport": {"width": 1440, "height": 1000}},
            server.page("audit", server.auditor, lang=lang),
            "board-table",
        ),
        ("index", {"viewport": {"width": 1024, "height": 700}}, f"{server.url}/?lang={lang}", None),
    ]
    for name, context, url, ready in pages:
        page = browser.new_context(**context).new_page()
        page.goto(url)
        expect(page.locator("html")).to_have_attribute("lang", lang)
        if ready:
            expect(page.get_by_test_id(ready)).to_be_visible()
        expect(page.locator(".conn.live").or_(page.locator(".comps li"))).to_be_visible()
        page.screenshot(path=str(shots / f"{name}-{lang}.png"), full_page=name != "screen")
        check(page, lang, messages)
        page.context.close()


def test_catalogue_is_complete() -> None:
    """Every key the scripts use is in the catalogue, in both languages."""
    scripts = "\n".join(p.read_text() for p in (ROOT / "static" / "js").glob("*.js"))
    html = "\n".join(p.read_text() for p in (ROOT / "static").glob("*.html"))
    used = set(re.findall(r'\bt\("([\w.-]+)"', scripts)) | set(
        re.findall(r'data-i18n="([\w.-]+)"', html)
    )
    messages = catalogue()
    assert used - messages.keys() == set()
    for key, message in messages.items():
        assert message["zh-CN"] and message["en"], key
        assert not CJK.search(message["en"]) or key.startswith("lang."), key


def test_catalogue_names_every_status_and_every_uncounted_mark() -> None:
    """The pages look these up by the board's value (`status.${r.status}`,
    `drop.${j.dropped}`), out of reach of the check above: each one the board can
    give has a message, and a withdrawn contestant reads as the exports print it
    (退赛), not as a judge's abstention (弃权)."""
    messages = catalogue()
    for status in get_args(Status):
        assert f"status.{status}" in messages, status
    for reason in get_args(NotCounted):
        assert f"drop.{reason}" in messages, reason
    withdrawn = STATUSES["withdrawn"]
    assert messages["status.withdrawn"] == {"zh-CN": withdrawn.zh_cn, "en": withdrawn.en}


QUOTE_WIDTH = """() => {
  const probe = document.createElement("span");
  probe.textContent = "\\u201c";
  document.body.append(probe);
  const width = probe.getBoundingClientRect().width / parseFloat(getComputedStyle(probe).fontSize);
  probe.remove();
  return width;
}"""


@pytest.mark.parametrize(("lang", "low", "high"), [("zh-CN", 0.9, 1.1), ("en", 0.2, 0.6)])
def test_quotation_marks_are_full_width_only_in_chinese(
    server: Server, browser: Any, lang: str, low: float, high: float
) -> None:
    """The CJK font's “ is one em wide, as Chinese sets it; English text (a
    title such as 5th “Voice of Youth” Contest) takes the proportional form."""
    page = browser.new_context(**SCREEN).new_page()
    page.goto(server.page("screen", lang=lang))
    expect(page.locator("html")).to_have_attribute("lang", lang)
    width = page.evaluate(QUOTE_WIDTH)
    assert low <= width <= high, f"“ is {width:.2f} em wide on a {lang} page"
    page.context.close()
