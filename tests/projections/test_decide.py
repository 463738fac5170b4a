"""decide: every refusal has its code and status, and nothing is appended."""

from __future__ import annotations

import hashlib
from decimal import Decimal

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from events.catalog import Label, RulesSet, RunningOrderDrawn, ScoreSubmitted
from events.envelope import Actor
from projections.commands import (
    AdvanceRound,
    AmendScore,
    CallContestant,
    CloseScoring,
    Command,
    DrawOrder,
    FinaliseResults,
    OpenScoring,
    PublishAwards,
    RecordPriorScore,
    RecuseJudge,
    Reveal,
    SubmitScore,
    WithdrawContestant,
)
from projections.decide import decide, fixed, places_of
from projections.draw import draw_by_group, draw_order
from tests.projections.log import Log, competition, judge, sheet

D = Decimal


def show() -> Log:
    """Two contestants in g1 scored by panel p1 on a two-criteria sheet;
    j1 is from c1's organisation; j9's panel scores nobody."""
    log = Log()
    competition(
        log,
        contestants={"c1": ("Org A", "g1"), "c2": ("Org B", "g1"), "c3": ("Org C", "g1")},
        judges={"j1": ("Org A", "p1"), "j2": ("Org X", "p1"), "j9": ("Org Y", "p9")},
        panels={"p1": ("g1",), "p9": ("g2",)},
        rules=RulesSet(aggregation="mean"),
        scoresheet=sheet(("voice", "10", "0.6"), ("stage", "5", "2"), places=1),
    )
    return log


def submit(contestant: str = "c1", sid: str = "sub-0001", **points: str) -> SubmitScore:
    given = points or {"voice": "8.5", "stage": "4"}
    return SubmitScore(
        contestant=contestant, points={k: D(v) for k, v in given.items()}, submission_id=sid
    )


def test_a_judge_on_the_panel_scores_an_open_contestant() -> None:
    log = show()
    log.ok(CallContestant(contestant="c1"))
    (event,) = log.ok(submit(voice="8.50", stage="4.0"), judge("j2"))
    # trailing zeros dropped: events hold fixed-point decimals in one form
    assert event == ScoreSubmitted(
        judge="j2",
        contestant="c1",
        points={"voice": D("8.5"), "stage": D("4")},
        submission_id="sub-0001",
    )


@pytest.mark.parametrize(
    ("points", "code"),
    [
        ({"voice": "10.1", "stage": "4"}, "points_out_of_range"),
        ({"voice": "-1", "stage": "4"}, "points_out_of_range"),
        ({"voice": "NaN", "stage": "4"}, "points_out_of_range"),
        ({"voice": "8.25", "stage": "4"}, "too_many_decimals"),
        ({"voice": "8", "stage": "4", "dance": "1"}, "unknown_criterion"),
        ({"voice": "8"}, "missing_criterion"),
    ],
)
def test_invalid_points_are_rejected_never_clamped(points: dict[str, str], code: str) -> None:
    log = show()
    log.ok(CallContestant(contestant="c2"))
    refused = log.refused(submit("c2", **points), judge("j2"))
    assert (refused.code, refused.status) == (code, 422)


def test_who_may_score_whom() -> None:
    log = show()
    assert log.refused(submit("c2"), judge("j2")).code == "not_on_stage"
    log.ok(CallContestant(contestant="c2", open_scoring=False))
    assert log.refused(submit("c2"), judge("j2")).code == "scoring_closed"
    log.ok(OpenScoring(contestant="c2"))
    assert log.refused(submit("nobody"), judge("j2")).code == "unknown_contestant"
    refused = log.refused(submit("c2"), judge("j9"))
    assert (refused.code, refused.status) == ("not_on_panel", 403)
    # named as the pages name people, ids beside: not the groups' and judges' bare ids
    assert "Judge j9 (j9)" in refused.message_en and "the group g1" in refused.message_en
    assert "Judge j9（j9）" in refused.message_zh and "不负责「g1」" in refused.message_zh
    assert log.refused(submit("c2"), judge("ghost")).code == "unknown_judge"
    assert log.refused(submit("c2"), Actor(role="admin", id="admin")).code == "forbidden"
    log.ok(CallContestant(contestant="c1"))
    same = log.refused(submit("c1"), judge("j1"))
    assert same.code == "judge_recused"
    assert "Judge j1（j1）与选手 Contestant c1 同一单位" in same.message_zh
    log.ok(RecuseJudge(judge="j2", reason="relative", contestant="c1"))
    assert log.refused(submit("c1", "sub-0002"), judge("j2")).code == "judge_recused"
    assert log.refused(RecuseJudge(judge="j2", reason="x", contestant="c1")).code == (
        "already_recused"
    )


def test_a_repeated_submission_is_recognised_and_a_reused_id_refused() -> None:
    log = show()
    log.ok(CallContestant(contestant="c2"))
    log.ok(submit("c2"), judge("j2"))
    first_seq = log.state.seq
    duplicate = log.refused(submit("c2", voice="8.50", stage="4"), judge("j2"))
    assert (duplicate.code, duplicate.status, duplicate.seq) == (
        "duplicate_submission",
        200,
        first_seq,
    )
    reused = log.refused(submit("c2", voice="7", stage="4"), judge("j2"))
    assert (reused.code, reused.status) == ("submission_id_reused", 409)
    # after closing, a retry still finds its receipt
    log.ok(CloseScoring(contestant="c2"))
    assert log.refused(submit("c2"), judge("j2")).code == "duplicate_submission"


def test_run_of_show_order() -> None:
    log = show()
    assert log.refused(CloseScoring(contestant="c2")).code == "not_open"
    assert log.refused(OpenScoring(contestant="c2")).code == "not_on_stage"
    assert log.refused(Reveal(contestant="c2")).code == "not_closed"
    log.ok(CallContestant(contestant="c2"))
    assert log.refused(OpenScoring(contestant="c2")).code == "already_open"
    assert log.refused(Reveal(contestant="c2")).code == "not_closed"
    amend = AmendScore(
        judge="j2", contestant="c2", points={"voice": D(1), "stage": D(1)}, reason="r"
    )
    assert log.refused(amend).code == "scoring_open"
    log.ok(submit("c2"), judge("j2"))
    log.ok(CloseScoring(contestant="c2"))
    # a sheet that waited on a phone offline meets the close: said as it is
    late = log.refused(submit("c2", sid="sub-late"), judge("j2"))
    assert late.code == "scoring_closed"
    assert late.message_zh == "选手 Contestant c2（c2）的评分已结束，请联系工作人员"
    log.ok(Reveal(contestant="c2"))
    refused = log.refused(Reveal(contestant="c2"))
    assert (refused.code, refused.status) == ("already_revealed", 409)
    # people by their names, as the console shows them, ids beside
    assert refused.message_en.startswith("The result of Contestant c2 (c2) is already revealed")
    assert refused.message_zh.startswith("选手 Contestant c2（c2）的成绩已公布")
    for command in (Reveal(contestant="c2"), CloseScoring(contestant="c2")):
        assert "'c2'" not in log.refused(command).message_en
    assert log.refused(OpenScoring(contestant="c2")).code == "already_revealed"
    unfinished = log.refused(PublishAwards(round="r1"))
    assert unfinished.code == "round_incomplete"
    # named as the console names them: a contestant and a round by name, the id beside
    assert (
        "Contestant c1 (c1)" in unfinished.message_en and "round “Final”" in unfinished.message_en
    )
    assert unfinished.message_zh == "选手 Contestant c1（c1）在“Final”中尚未完成评分"
    assert log.refused(PublishAwards(round="r9")).code == "unknown_round"
    assert log.refused(AdvanceRound(from_round="r1", to_round="r2", name=Label(en="x"))).code == (
        "no_advancement"
    )
    log.ok(WithdrawContestant(contestant="c3", reason="ill"))
    assert log.refused(CallContestant(contestant="c3")).code == "contestant_withdrawn"
    assert log.refused(RecordPriorScore(contestant="c1", source="live", value=D(1))).code == (
        "invalid_source"
    )
    assert log.refused(RecordPriorScore(contestant="c1", source="e", value=D("1.00001"))).code == (
        "too_many_decimals"
    )


@pytest.mark.parametrize(
    "command",
    [
        CallContestant(contestant="c1"),
        OpenScoring(contestant="c1"),
        Reveal(contestant="c1"),
        DrawOrder(round="r1", seed="s"),
        PublishAwards(round="r1"),
        RecuseJudge(judge="j2", reason="r"),
    ],
)
def test_judges_may_only_submit_scores(command: Command) -> None:
    log = show()
    refused = log.refused(command, judge("j2"))
    assert (refused.code, refused.status) == ("forbidden", 403)
    auditor = log.refused(command, Actor(role="auditor", id="a1"))
    assert auditor.code == "forbidden"


def test_decide_is_pure() -> None:
    log = show()
    before = (log.state.seq, log.state.epoch, dict(log.state.active))
    decide(log.state, CallContestant(contestant="c1"), Actor(role="admin", id="admin"))
    assert (log.state.seq, log.state.epoch, dict(log.state.active)) == before


def reference_draw(seed: str, items: list[str]) -> list[str]:
    """docs/rules.md's draw, written again from the text."""
    order = sorted(items)
    counter = 0
    i = len(order) - 1
    while i > 0:
        block = hashlib.sha256(seed.encode("utf-8") + counter.to_bytes(8, "big")).digest()
        j = int(block.hex(), 16) % (i + 1)
        order[i], order[j] = order[j], order[i]
        counter += 1
        i -= 1
    return order


def test_the_running_order_draw_is_reproducible_from_its_seed() -> None:
    log = show()
    (drawn,) = log.ok(DrawOrder(round="r1", seed="2026-05-01 public draw"))
    assert isinstance(drawn, RunningOrderDrawn)
    assert list(drawn.order) == reference_draw("2026-05-01 public draw", ["c3", "c1", "c2"])
    assert log.refused(DrawOrder(round="r1", seed="again")).code == "already_drawn"
    many = [f"c{i:02d}" for i in range(40)]
    assert list(draw_order("seed", many)) == reference_draw("seed", many)
    assert draw_order("seed", many) != draw_order("seee", many)
    assert sorted(draw_order("seed", many)) == many


def test_a_draw_by_group_runs_the_groups_in_order_each_drawn_on_its_own() -> None:
    """A show run group by group (机关组, then 企业组 …) draws within each group."""
    log = Log()
    competition(
        log,
        contestants={
            "a1": ("Org 1", "g2"),
            "a2": ("Org 2", "g2"),
            "a3": ("Org 3", "g2"),
            "b1": ("Org 4", "g1"),
            "b2": ("Org 5", "g1"),
        },
        judges={"j1": ("Org J", "p1")},
        panels={"p1": ("g1", "g2")},
        rules=RulesSet(aggregation="mean"),
    )
    (drawn,) = log.ok(DrawOrder(round="r1", seed="现场抽签", by_group=True))
    assert isinstance(drawn, RunningOrderDrawn)
    assert drawn.method == "sha256-fisher-yates-by-group"
    # the groups in the competition's order (g1 was defined first), each its own draw
    expected = reference_draw("现场抽签/g1", ["b1", "b2"])
    expected += reference_draw("现场抽签/g2", ["a1", "a2", "a3"])
    assert list(drawn.order) == expected
    assert log.state.rounds["r1"].order == drawn.order
    # the groups' order is the competition's, not the ids'
    placed = [("a1", "g2"), ("b1", "g1"), ("a2", "g2")]
    assert draw_by_group("s", placed, ["g2", "g1"])[2] == "b1"


def test_no_draw_once_the_show_has_started() -> None:
    """A first draw after someone was called would reshuffle those who have
    performed, and send "call next" past those still waiting."""
    log = show()
    log.ok(CallContestant(contestant="c2", open_scoring=False))
    refused = log.refused(DrawOrder(round="r1", seed="late draw"))
    assert (refused.code, refused.status) == ("show_started", 409)
    # the round by its name, which the organiser knows, not its id
    assert "round “Final”" in refused.message_en and "“Final”已有选手上场" in refused.message_zh
    assert not log.state.rounds["r1"].order


def test_commands_refuse_unknown_fields_and_decode_by_tag() -> None:
    decoder = msgspec.json.Decoder(Command)
    command = decoder.decode(
        b'{"type":"submit_score","contestant":"c1","points":{"voice":"8.5"},'
        b'"submission_id":"abcdefgh"}'
    )
    assert command == SubmitScore(
        contestant="c1", points={"voice": D("8.5")}, submission_id="abcdefgh"
    )
    with pytest.raises(msgspec.ValidationError, match="unknown field"):
        msgspec.json.decode(b'{"contestant":"c1","extra":1}', type=Reveal)


def test_fixed_point_form() -> None:
    assert str(fixed(D("1E+1"))) == "10"
    assert str(fixed(D("8.50"))) == "8.5"
    assert str(fixed(D("-0.0"))) == "0"
    assert str(fixed(D("0.0001"))) == "0.0001"


@given(st.integers(0, 10**20), st.integers(-4, 6))  # a sheet allows at most 4 places
def test_fixed_keeps_the_value_in_plain_form_and_counts_its_places(
    digits: int, exponent: int
) -> None:
    value = D(digits).scaleb(exponent)
    text = str(fixed(value))
    assert D(text) == value
    assert "E" not in text and not (("." in text) and text.endswith("0"))
    assert places_of(value) == (len(text.split(".")[1]) if "." in text else 0)


def test_calling_the_contestant_already_on_stage_is_refused() -> None:
    log = show()
    log.ok(CallContestant(contestant="c1", open_scoring=False))
    assert log.refused(CallContestant(contestant="c1", open_scoring=False)).code == (
        "already_on_stage"
    )
    log.ok(CallContestant(contestant="c1"))  # on stage, scoring not yet open: opens it
    assert log.refused(CallContestant(contestant="c1")).code == "already_on_stage"
    log.ok(CallContestant(contestant="c2"))
    log.ok(CallContestant(contestant="c1"))  # called back after another: allowed


def test_a_round_nobody_has_competed_in_takes_no_awards() -> None:
    """Awards published (then finalised) for the planned final before anyone
    advanced made it final and empty, and the finalists could never be called."""
    log = Log()
    competition(
        log,
        contestants={"c1": ("Org A", "g1"), "c2": ("Org B", "g1")},
        judges={"j2": ("Org X", "p1")},
        panels={"p1": ("g1",)},
        rules=RulesSet(aggregation="mean"),
        planned=("r2",),
    )
    for command in (PublishAwards(round="r2"), PublishAwards(round="r2", final=True)):
        refused = log.refused(command)
        assert (refused.code, refused.status) == ("round_not_opened", 409)
        assert refused.message_en == (
            "Nobody has competed in the round “r2” yet: advance contestants to it first"
        )
        assert refused.message_zh == "“r2”尚未开始，还没有选手参赛：请先让选手晋级到该轮"
    assert log.refused(FinaliseResults(round="r2")).code == "awards_not_published"
    for contestant in ("c1", "c2"):
        log.ok(CallContestant(contestant=contestant))
        log.ok(submit(contestant, sid=f"s-{contestant}", score="7"), judge("j2"))
        log.ok(CloseScoring(contestant=contestant))
    log.ok(PublishAwards(round="r1"))  # the round under way takes them as before
