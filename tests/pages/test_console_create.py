"""A competition created from the console: what its check says is worth a look,
and its judges' cards printed from the links the creation answered, issuing none."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.pages.conftest import OUTPUT, ROOT, Server
from tests.pages.test_languages import catalogue, check
from tests.server.test_upload import with_stand_asides_and_missing_priors

CREATED = "jiangcheng-created"
PRINTS = "() => { window.__printed = 0; window.print = () => { window.__printed += 1; }; }"


def _setup_token(db: Path) -> str:
    printed = subprocess.run(
        [sys.executable, "-m", "server.cli", "setup-token", "--db", str(db)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return printed.strip().rsplit("#token=", 1)[1]


def _printed_cards(page: Any, prints: int) -> Any:
    page.wait_for_function(f"window.__printed === {prints}")
    cards = page.locator("#print .print-card")
    expect(cards).to_have_count(10)  # the example's nine judges and J10
    expect(page.locator("#print .print-card .qr svg")).to_have_count(10)
    return cards


def _checked(server: Server, browser: Any, db: Path, lang: str) -> Any:
    """The console in ``lang`` (its print stubbed), the example with a stand-aside
    and two missing prior scores checked."""
    text = (ROOT / "examples" / "contest.toml").read_text(encoding="utf-8")
    text = with_stand_asides_and_missing_priors(text).replace(server.cid, CREATED, 1)
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    context.add_init_script(f"({PRINTS})()")
    page = context.new_page()
    token = _setup_token(db)
    page.goto(f"{server.url}/admin?lang={lang}#token={token}")  # the link setup-token prints
    page.get_by_test_id("definition-file").set_input_files(
        {"name": "contest.toml", "mimeType": "text/plain", "buffer": text.encode()}
    )
    expect(page.get_by_test_id("setup-token")).to_have_value(token)
    page.locator(".new-competition button.secondary").click()
    return page


def test_the_checks_notes_speak_the_pages_language(
    server: Server, browser: Any, tmp_path: Path
) -> None:
    page = _checked(server, browser, tmp_path / "t.db", "zh-CN")
    for note in ("check-stand-asides", "check-missing-expert"):
        page.get_by_test_id(note).locator("summary").click()
    expect(page.get_by_test_id("check-missing-expert").locator("p")).to_have_text("李思远、王雨桐")
    expect(page.get_by_test_id("check-stand-asides")).to_contain_text(
        "1 对评委与选手同属一个单位，评委不为该选手评分"
    )
    page.screenshot(path=str(OUTPUT / "screens" / "admin-file-check-notes-zh-CN.png"))
    check(page, "zh-CN", catalogue())


def test_the_judges_cards_print_the_links_just_created(
    server: Server, browser: Any, tmp_path: Path
) -> None:
    page = _checked(server, browser, tmp_path / "t.db", "en")

    asides = page.get_by_test_id("check-stand-asides")
    expect(asides).to_contain_text(
        "1 judge–contestant pair of one organisation: the judge will not score that contestant"
    )
    asides.locator("summary").click()
    expect(asides.locator("li")).to_have_text("钱志远 J10 → 刘子涵 (江城轨道交通集团)")
    missing = page.get_by_test_id("check-missing-expert")
    expect(missing.locator("summary")).to_have_text(
        "2 contestants have no Expert review score: their results stay incomplete until it is recorded"
    )
    missing.locator("summary").click()
    expect(missing.locator("p")).to_have_text("李思远, 王雨桐")
    page.screenshot(path=str(OUTPUT / "screens" / "admin-file-check-notes-en.png"))

    page.get_by_role("button", name="Create the competition").click()
    page.get_by_test_id("confirm").get_by_role("button", name="Create the competition").click()
    result = page.get_by_test_id("check-result")
    expect(result).to_contain_text("Created.")
    links = result.locator("td.link").all_inner_texts()
    admin_link = next(link for link in links if f"/admin/{CREATED}#token=" in link)
    judge_tokens = [
        link.rsplit("#token=", 1)[1] for link in links if f"/judge/{CREATED}#token=" in link
    ]
    assert len(judge_tokens) == 10 and all(f"{server.url}/" in link for link in links)
    # each link beside its judge's name, not the id alone
    expect(result.locator('td[data-judge="J10"]')).to_contain_text("J10")
    expect(result.locator("td[data-judge]").first).not_to_have_text(re.compile(r"^J\d+$"))

    page.get_by_test_id("print-created").click()
    cards = _printed_cards(page, 1)
    expect(cards.filter(has_text="钱志远")).to_contain_text("Panel A")
    expect(cards.first).to_contain_text("马建国")
    expect(cards.first).to_contain_text("Jiangcheng 2nd Youth Speech Contest")

    # the console opened next in this tab prints the same links: no confirmation
    # that new ones will be issued, and none is
    page.goto(admin_link)
    expect(page.locator("#judges .issued .qr svg")).to_have_count(10)  # listed as issued
    page.get_by_role("button", name="Print the judges' QR codes").click()
    _printed_cards(page, 1)  # a new page: its print stub counts from 0
    expect(page.get_by_test_id("confirm")).to_have_count(0)

    for token in judge_tokens:  # the links handed out at the creation still work
        who = server.call("GET", f"/api/competitions/{CREATED}/whoami", token=token)
        assert who["role"] == "judge", who


def test_a_file_not_in_utf_8_is_refused_not_garbled(
    server: Server, browser: Any, tmp_path: Path
) -> None:
    """Saved in GBK (Notepad's "ANSI" on Chinese Windows), the example was read by
    the page as UTF-8, every Chinese character replaced by U+FFFD: the check said
    the file was sound and the competition was created with names of "��"."""
    text = (ROOT / "examples" / "contest.toml").read_text(encoding="utf-8")
    page = browser.new_context(viewport={"width": 1440, "height": 1000}).new_page()
    page.goto(f"{server.url}/admin?lang=zh-CN#token={_setup_token(tmp_path / 't.db')}")
    page.get_by_test_id("definition-file").set_input_files(
        {"name": "contest.toml", "mimeType": "text/plain", "buffer": text.encode("gbk")}
    )
    page.locator(".new-competition button.secondary").click()
    expect(page.locator(".toast")).to_contain_text("不是 UTF-8 文本")
    expect(page.locator(".toast")).to_contain_text("另存为 UTF-8 编码")
    expect(page.get_by_test_id("check-result")).to_be_empty()
