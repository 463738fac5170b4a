"""The awards step-through is driven from the console: each step is an
``awards_step_shown`` event in the log, folded into the board, and every
screen follows it instead of its own timer."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.error import HTTPError

import pytest
from playwright.sync_api import expect

from tests.pages.conftest import OUTPUT, PHONE, ROOT, SCREEN, Server, start_server

PANEL_JUDGES = {"1": ("J7", "J8", "J9"), "2": ("J1", "J2", "J3"), "3": ("J4", "J5", "J6")}


def run_the_round(server: Server) -> None:
    for group in ("1", "2", "3"):
        for n in range(1, 5):
            contestant = f"{group}0{n}"
            server.admin_post("stage", {"contestant": contestant})
            for k, judge in enumerate(PANEL_JUDGES[group]):
                mark = str(60 + (int(contestant) * 7 + k * 3) % 40)
                server.call(
                    "POST",
                    f"/api/competitions/{server.cid}/scores",
                    {
                        "contestant": contestant,
                        "points": {"content": mark, "delivery": mark, "presence": mark},
                        "submission_id": f"awards-{contestant}-{judge}",
                    },
                    server.judges[judge],
                )
            server.admin_post("close", {"contestant": contestant})
            server.admin_post("reveal", {"contestant": contestant})


def test_the_console_steps_the_awards_and_the_screen_follows(server: Server, browser: Any) -> None:
    run_the_round(server)
    with pytest.raises(HTTPError) as refused:  # nothing to step before publishing
        server.admin_post("awards/step", {"round": "prelim", "step": 1})
    assert refused.value.code == 409
    refused.value.close()  # the answer holds its socket open until the collector finds it
    server.admin_post("awards", {"round": "prelim"})

    screen = browser.new_context(**SCREEN).new_page()
    screen.goto(server.page("screen", lang="en"))
    console = browser.new_context(viewport={"width": 1440, "height": 1000}).new_page()
    console.goto(server.page("admin", server.admin, lang="en"))
    tiers = screen.locator("#awards .tier")
    expect(screen.locator("#awards")).to_be_visible()

    expect(console.get_by_test_id("awards-step")).to_have_text("Awards on the screens: 0 of 3")
    # the organiser knows a step does not wait for the pages, and where their names go
    expect(console.get_by_test_id("awards-roll")).to_contain_text("pages stepped past included")
    # published, none shown yet: the stage says what comes, not a bare heading
    expect(screen.get_by_test_id("awards-soon")).to_have_text("The awards are next")
    console.get_by_test_id("award-next").click()
    expect(tiers).to_have_count(1)
    expect(screen.get_by_test_id("awards-soon")).to_have_count(0)
    expect(tiers.first).to_have_attribute("data-award", "third")  # bottom up
    # the leaderboard badges the third prize in the third prize's colour, not
    # the first's because it is the only one shown so far
    badges = screen.locator("#rows .award")
    expect(badges.first).to_be_visible()
    assert set(badges.evaluate_all("els => els.map(e => e.className)")) == {"award a2"}
    console.get_by_test_id("award-next").click()
    expect(tiers).to_have_count(2)
    expect(console.get_by_test_id("awards-step")).to_have_text("Awards on the screens: 2 of 3")
    console.get_by_test_id("award-previous").click()
    expect(tiers).to_have_count(1)
    console.get_by_test_id("award-next").click()
    console.get_by_test_id("award-next").click()
    expect(tiers).to_have_count(3)
    expect(console.get_by_test_id("award-next")).to_be_disabled()
    # the screen's own keys no longer move it: the console drives
    screen.keyboard.press("Space")
    expect(tiers).to_have_count(3)

    board = server.call("GET", f"/api/competitions/{server.cid}/board")
    assert board["awards_step"] == 3
    # a screen opened now shows the same step at once
    late = browser.new_context(**SCREEN).new_page()
    late.goto(server.page("screen", lang="en"))
    expect(late.locator("#awards .tier")).to_have_count(3)
    (OUTPUT / "screens").mkdir(parents=True, exist_ok=True)
    screen.screenshot(path=str(OUTPUT / "screens" / "screen-awards-stepped-en.png"))
    console.screenshot(path=str(OUTPUT / "screens" / "admin-awards-step-en.png"), full_page=True)
    log = server.text(f"/api/competitions/{server.cid}/log", server.auditor)
    assert log.count('"awards_step_shown"') == 5


def test_a_phone_in_the_hall_learns_each_award_with_the_stage(server: Server, browser: Any) -> None:
    """The audience's board carries only the awards the screens were stepped to:
    a phone never announces the first prize while the stage is at the third."""
    run_the_round(server)
    server.admin_post("awards", {"round": "prelim"})
    server.admin_post("awards/step", {"round": "prelim", "step": 0})
    phone = browser.new_context(**PHONE).new_page()
    phone.goto(server.page("live", lang="en"))
    rows = phone.locator("#list li")
    expect(rows.first).to_be_visible()
    awards = phone.locator("#list .award")
    expect(awards).to_have_count(0)
    public = server.call("GET", f"/api/competitions/{server.cid}/board")
    assert not any(r["award"] for r in public["overall"])

    server.admin_post("awards/step", {"round": "prelim", "step": 1})
    third = sum(
        r["award"] == "third"
        for r in server.call("GET", f"/api/competitions/{server.cid}/board", server.admin)[
            "overall"
        ]
    )
    expect(awards).to_have_count(third)
    assert set(awards.all_inner_texts()) == {awards.first.inner_text()}  # one tier
    server.admin_post("awards/step", {"round": "prelim", "step": 3})
    expect(awards).not_to_have_count(third)
    assert len(set(awards.all_inner_texts())) == 3


# Every award tier a phone shows, from now on, as it shows them.
TIERS_SEEN = """() => {
  window.tiers = new Set();
  new MutationObserver(() => {
    for (const el of document.querySelectorAll('#list .award')) window.tiers.add(el.textContent);
  }).observe(document.getElementById('list'), {childList: true, subtree: true});
}"""


def test_awards_published_from_the_console_reach_no_phone_before_the_stage(
    server: Server, browser: Any
) -> None:
    """The rehearsal's phones showed every award between publishing and the first
    step, while the stage announced them one by one: published from the console to
    be stepped from it (the default), the ceremony starts at step 0 at once."""
    run_the_round(server)
    phone = browser.new_context(**PHONE).new_page()
    phone.goto(server.page("live", lang="en"))
    expect(phone.locator("#list li").first).to_be_visible()
    expect(phone.locator("#list .move").first).to_be_visible()  # the last reveal moved some
    phone.evaluate(TIERS_SEEN)
    console = browser.new_context(viewport={"width": 1440, "height": 1000}).new_page()
    console.goto(server.page("admin", server.admin, lang="en"))
    console.get_by_test_id("awards-form").locator("summary").click()
    expect(console.get_by_test_id("awards-by-steps")).to_be_checked()
    console.get_by_test_id("publish-awards").click()
    console.get_by_test_id("confirm").get_by_role("button", name="Publish the awards").click()
    expect(console.get_by_test_id("finalise")).to_be_enabled()  # published
    public = server.call("GET", f"/api/competitions/{server.cid}/board")
    assert public["awards_published"] and public["awards_step"] == 0
    assert not any(r["award"] for r in public["overall"])
    log = [
        json.loads(line)
        for line in server.text(f"/api/competitions/{server.cid}/log", server.auditor).splitlines()
    ]
    published = next(i for i, e in enumerate(log) if e["type"] == "awards_published")
    assert log[published + 1]["type"] == "awards_step_shown"
    assert log[published + 1]["data"]["step"] == 0

    console.get_by_test_id("award-next").click()
    expect(phone.locator("#list .award").first).to_be_visible()
    assert len(phone.evaluate("[...window.tiers]")) == 1  # the third prize, and only it
    # the ceremony has begun: the last contestant is no longer "on stage", and the
    # last reveal's moves are history (a rehearsal's phone kept both through it)
    expect(phone.get_by_test_id("now-note")).to_have_text(
        "The awards are being presented; the results below are provisional"
    )
    expect(phone.locator("#list .move")).to_have_count(0)
    # finalised: nobody is coming on, and the results are final (a rehearsal's phones
    # still said the next contestant would be on shortly)
    server.admin_post("finalise", {"round": "prelim"})
    expect(phone.get_by_test_id("now-note")).to_have_text(
        "The contest is over: these are the final results"
    )


def test_a_double_click_or_a_lagging_board_never_repeats_a_step(
    server: Server, browser: Any
) -> None:
    run_the_round(server)
    server.admin_post("awards", {"round": "prelim"})
    screen = browser.new_context(**SCREEN).new_page()
    screen.goto(server.page("screen", lang="en"))
    tiers = screen.locator("#awards .tier")

    console = browser.new_context(viewport={"width": 1440, "height": 1000}).new_page()
    held: list[str | bytes] = []  # board views kept back from the console while holding
    holding = [False]
    sockets: list[Any] = []

    def board_lags(ws: Any) -> None:
        sockets.append(ws)
        upstream = ws.connect_to_server()

        def down(message: str | bytes) -> None:
            if holding[0] and isinstance(message, str) and '"board_full"' in message:
                held.append(message)
            else:
                ws.send(message)

        upstream.on_message(down)

    console.route_web_socket("**/ws/competitions/**", board_lags)
    console.goto(server.page("admin", server.admin, lang="en"))
    step = console.get_by_test_id("awards-step")
    expect(step).to_have_text("Awards on the screens: 0 of 3")

    # a POST still in flight keeps both step buttons disabled
    answers: list[Any] = []
    console.route("**/awards/step", lambda route: answers.append(route))
    console.get_by_test_id("award-next").dblclick()
    expect(console.get_by_test_id("award-next")).to_be_disabled()
    expect(console.get_by_test_id("award-previous")).to_be_disabled()
    console.wait_for_timeout(300)  # room for a second POST the double-click must not send
    assert len(answers) == 1
    answers[0].continue_()
    console.unroute("**/awards/step")
    expect(tiers).to_have_count(1)
    expect(step).to_have_text("Awards on the screens: 1 of 3")

    # the board has not caught up, the server has answered: the next step follows the answer
    holding[0] = True
    console.get_by_test_id("award-next").click()
    expect(tiers).to_have_count(2)
    expect(step).to_have_text("Awards on the screens: 2 of 3")
    expect(console.get_by_test_id("award-next")).to_be_enabled()
    console.get_by_test_id("award-next").click()
    expect(tiers).to_have_count(3)
    expect(console.get_by_test_id("award-next")).to_be_disabled()
    holding[0] = False
    for message in held:
        sockets[-1].send(message)
    expect(step).to_have_text("Awards on the screens: 3 of 3")
    log = server.text(f"/api/competitions/{server.cid}/log", server.auditor)
    steps = [
        json.loads(line)["data"]["step"]
        for line in log.splitlines()
        if '"awards_step_shown"' in line
    ]
    assert steps == [1, 2, 3]


TIER_BOXES = """() => {
  const tiers = document.querySelector('#awards .tiers').getBoundingClientRect();
  return [...document.querySelectorAll('#awards .tier')].map((tier) => {
    const lis = [...tier.querySelectorAll('li')];
    const names = lis.map((li) => li.getBoundingClientRect());
    return {award: tier.dataset.award, top: tier.querySelector('h3').getBoundingClientRect().top,
      bottom: Math.max(...names.map((r) => r.bottom)), inside: [tiers.top, tiers.bottom],
      shown: lis.filter((li) => li.offsetParent !== null).length, names: lis.length};
  });
}"""


def test_the_highest_award_shows_when_the_winners_crowd_the_screen(
    tmp_path: Path, browser: Any
) -> None:
    """Twelve winners of three awards, with organisations named in both languages: the
    tiers stack from the bottom, and the first prize, shown last and on top, was pushed
    off the screen (the demo's awards did it)."""
    text = (ROOT / "examples" / "contest.toml").read_text()
    for was, now in ((1, 3), (2, 4), (3, 5)):
        text = text.replace(f'by = "rank"\ncount = {was}\n', f'by = "rank"\ncount = {now}\n')
    text = re.sub(
        r'organisation = "(.+?)"', r'organisation = "\1 (Jiangcheng Municipal Office)"', text
    )
    definition = tmp_path / "crowded.toml"
    definition.write_text(text)
    for server in start_server(tmp_path, definition):
        run_the_round(server)
        server.admin_post("awards", {"round": "prelim"})
        server.admin_post("awards/step", {"round": "prelim", "step": 3})
        screen = browser.new_context(**SCREEN).new_page()
        screen.goto(server.page("screen", lang="en"))
        expect(screen.locator("#awards .tier")).to_have_count(3)
        screen.wait_for_timeout(800)  # the tiers' rise
        screen.screenshot(path=str(OUTPUT / "screens" / "screen-awards-crowded-en.png"))
        tiers = screen.evaluate(TIER_BOXES)
        assert [t["award"] for t in tiers] == ["first", "second", "third"]
        for tier in tiers:
            top, bottom = tier["inside"]
            assert top - 1 <= tier["top"] and tier["bottom"] <= bottom + 1, tier
            # twelve names fit at once: none folded away or left for another page
            assert tier["shown"] == tier["names"] > 0, tier
