"""The judge's phone reloaded without network, as a rehearsal found it (390×844): the
page came up blank, because the service worker had not kept a module (patch.js) that
the page's list of files to keep did not name, and stayed blank when the network came
back; once it opened, its list of scored contestants said "None yet" for a judge with
receipts and sheets waiting, and its pill said "Connecting…"."""

from __future__ import annotations

import posixpath
import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.pages.conftest import PHONE, ROOT, Server
from tests.pages.test_scoring import score_on_phone

REVIEWER_PHONE = PHONE | {"viewport": {"width": 390, "height": 844}}
STATIC = ROOT / "static"
STATIC_IMPORT = re.compile(
    r"""^\s*(?:import|export)\b[^;"'()]*?\bfrom\s*["']([^"']+)["']"""  # import {a} from "./x.js"
    r"""|^\s*import\s*["']([^"']+)["']"""  # import "./x.js"
    r"""|\bimport\s*\(\s*["']([^"']+)["']\s*\)""",  # import("./x.js")
    re.MULTILINE,
)
PAGE_ASSET = re.compile(
    r"""<(?:script|link rel="stylesheet")[^>]*\b(?:src|href)="(/static/[^"]+)\""""
)
KEPT = "async () => (await (await caches.open('leitai-judge')).keys()).map((r) => new URL(r.url).pathname)"
CONTROLLED = "navigator.serviceWorker.controller !== null && window.leitaiOffline === true"


def module_graph(entry: str) -> set[str]:
    """Every module the module at address ``entry`` imports, at any depth, itself included:
    read from the sources under static/, as the browser would follow them."""
    seen: set[str] = set()
    todo = [entry]
    while todo:
        address = todo.pop()
        if address in seen:
            continue
        seen.add(address)
        source = (STATIC / address.removeprefix("/static/")).read_text()
        for found in STATIC_IMPORT.finditer(source):
            spec = next(group for group in found.groups() if group)
            todo.append(
                spec
                if spec.startswith("/")
                else posixpath.normpath(posixpath.join(posixpath.dirname(address), spec))
            )
    return seen


def judge_page_assets() -> set[str]:
    """The judge page's styles and scripts, and every module its scripts import."""
    assets = set(PAGE_ASSET.findall((STATIC / "judge.html").read_text()))
    for script in [a for a in assets if a.endswith(".js")]:
        assets |= module_graph(script)
    return assets


def test_the_module_graph_is_read_from_the_sources() -> None:
    """The graph the next test holds the cache to follows imports at any depth
    (patch.js is imported by socket.js, not by judge.js)."""
    assets = judge_page_assets()
    assert {"/static/js/judge.js", "/static/js/socket.js", "/static/js/patch.js"} <= assets
    assert "/static/css/judge.css" in assets
    assert all((STATIC / a.removeprefix("/static/")).is_file() for a in assets), assets


def open_phone(server: Server, browser: Any, judge: str, lang: str) -> tuple[Any, Page]:
    context = browser.new_context(**REVIEWER_PHONE)
    phone = context.new_page()
    phone.goto(server.page("judge", server.judges[judge], lang=lang))
    phone.wait_for_function(CONTROLLED)
    return context, phone


def test_the_first_visit_keeps_the_pages_whole_module_graph(server: Server, browser: Any) -> None:
    """On the first visit the service worker does not control the page yet: what it
    keeps then is all a reload without network can have."""
    server.admin_post("stage", {"contestant": "101"})
    _, phone = open_phone(server, browser, "J8", "en")
    kept = set(phone.evaluate(KEPT))
    assert judge_page_assets() - kept == set()


@pytest.mark.parametrize(
    ("lang", "offline", "waiting", "no_network"),
    [
        ("zh-CN", "离线", "待发送", "无网络"),
        ("en", "Offline", "waiting to send", "No network"),
    ],
)
def test_a_reload_without_network_shows_what_the_phone_knows(
    server: Server, browser: Any, lang: str, offline: str, waiting: str, no_network: str
) -> None:
    context, phone = open_phone(server, browser, "J8", lang)
    receipt = phone.locator("#receipt")
    # 0.5 × 80 + 0.3 × 81 + 0.2 × 79 = 80.1, and 84.35: shown alike, as the exports print them
    for contestant, name, marks, total in (
        ("102", "王雨桐", {"content": "80", "delivery": "81", "presence": "79"}, "80.10"),
        ("103", "陈浩然", {"content": "85.5", "delivery": "77", "presence": "92.5"}, "84.35"),
    ):
        server.admin_post("stage", {"contestant": contestant})
        expect(phone.get_by_test_id("on-name")).to_have_text(name)
        score_on_phone(phone, marks)
        expect(receipt).to_contain_text(name)
        expect(receipt.locator(".num")).to_have_text(total)
        expect(phone.get_by_test_id("receipt")).to_be_visible()
        server.admin_post("close", {"contestant": contestant})
    server.admin_post("stage", {"contestant": "104"})
    expect(phone.get_by_test_id("on-name")).to_have_text("赵一诺")
    context.set_offline(True)
    score_on_phone(phone, {"content": "90", "delivery": "80", "presence": "70"})
    expect(phone.locator("#outbox")).to_be_visible()
    # queued, not yet recorded: no correction of a sheet the server never had
    waiting_sheet = {"zh-CN": "评分待发送（发送前可修改）", "en": "Your sheet, waiting to be sent"}
    expect(phone.get_by_test_id("sheet-heading")).to_contain_text(waiting_sheet[lang])

    failed: list[str] = []
    phone.on("requestfailed", lambda r: failed.append(r.url) if "/static/" in r.url else None)
    phone.on("pageerror", lambda error: failed.append(str(error)))
    phone.reload()
    expect(phone.locator("#who")).not_to_be_empty()  # the page ran: the rehearsal's was blank
    expect(phone.locator("#conn")).to_have_text(offline)
    expect(phone.get_by_test_id("state")).to_contain_text(no_network)
    items = phone.get_by_test_id("scored-item")
    expect(items.locator(".name")).to_have_text(["王雨桐", "陈浩然", "赵一诺"])
    expect(items.get_by_test_id("sent-total")).to_have_text(["80.10", "84.35", "83.00"])
    expect(items.nth(0)).to_contain_text("✓")
    expect(items.nth(1)).to_contain_text("✓")
    expect(items.nth(2)).to_contain_text(waiting)
    expect(phone.get_by_test_id("outbox")).to_be_visible()
    assert failed == []

    context.set_offline(False)
    expect(phone.get_by_test_id("outbox")).to_be_hidden(timeout=20000)
    expect(items.nth(2)).to_contain_text("✓")
    expect(phone.locator("#conn")).not_to_have_text(offline)


def test_a_page_whose_module_could_not_load_recovers_when_the_network_returns(
    server: Server, browser: Any
) -> None:
    """Should a module still be missing offline (one added by an upgrade the phone has
    not opened online since), the page says so and loads itself again when it can:
    the rehearsal's stayed blank, its outbox unsent, until reloaded by hand."""
    server.admin_post("stage", {"contestant": "101"})
    context, phone = open_phone(server, browser, "J8", "zh-CN")
    phone.evaluate("async () => (await caches.open('leitai-judge')).delete('/static/js/patch.js')")
    context.set_offline(True)
    phone.reload()
    stage = phone.locator("#stage")
    expect(stage).to_contain_text("网络恢复后自动重新载入")
    expect(stage).to_contain_text("reloads by itself when the network returns")
    context.set_offline(False)
    expect(phone.get_by_test_id("state")).to_have_text("评分进行中")
    assert "/static/js/patch.js" in phone.evaluate(KEPT)
