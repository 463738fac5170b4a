"""A judge who leaves mid-show (``RecuseJudge.keep_marks``): the marks given
stand, results revealed included, and nobody waits for the judge from then on
(docs/rules.md §4). A show-day review recused a judge who fell ill from the
round under way, as the console offered, and two revealed results changed."""

from __future__ import annotations

from decimal import Decimal

import msgspec
import pytest

from events.catalog import JudgeRecused, JudgeRegistered, RulesSet
from projections.board import board
from projections.commands import (
    MAX_JUDGES,
    CallContestant,
    Command,
    EnterPaperSheet,
    RecuseJudge,
    RegisterJudge,
    SubmitScore,
)
from projections.progress import progress
from tests.projections.log import Log, competition, judge, perform

PANEL = {f"j{n}": (f"Org {n}", "p1") for n in range(1, 6)}
CONTESTANTS = {f"c{n}": ("Org C", "g1") for n in range(1, 5)}
TRIMMED = RulesSet(aggregation="trimmed_mean", trim=1, quorum=3)


def show(planned: tuple[str, ...] = ()) -> Log:
    """c1 and c2 revealed with all five judges' marks, c3 on stage with two."""
    log = Log()
    competition(
        log,
        contestants=CONTESTANTS,
        judges=PANEL,
        panels={"p1": ("g1",)},
        rules=TRIMMED,
        planned=planned,
    )
    perform(log, "c1", {"j1": "6", "j2": "7", "j3": "10", "j4": "8", "j5": "5"}, reveal=True)
    perform(log, "c2", {"j1": "9", "j2": "4", "j3": "3", "j4": "8", "j5": "7"}, reveal=True)
    log.ok(CallContestant(contestant="c3"))
    for judge_id, value in (("j3", "9"), ("j1", "6")):
        points = {"score": Decimal(value)}
        log.ok(
            SubmitScore(contestant="c3", points=points, submission_id=f"{judge_id}-c3"),
            judge(judge_id),
        )
    return log


def finals(log: Log) -> dict[str, tuple[Decimal | None, int]]:
    return {
        r.contestant: (r.aggregate, r.judges_counted)
        for r in board(log.state, "r1", public=False).overall
    }


def test_a_judge_who_leaves_keeps_the_marks_given_and_is_expected_by_nobody_after() -> None:
    log = show()
    before = finals(log)
    assert before["c1"] == (Decimal("7.00"), 3) and before["c2"] == (Decimal("6.33"), 3)

    events = log.ok(RecuseJudge(judge="j3", reason="fell ill", round="r1", keep_marks=True))

    # c1, c2 and c3 have j3's marks; c4 is the one j3 would have scored and has not
    assert events == [JudgeRecused(judge="j3", reason="fell ill", contestant="c4", round="r1")]
    assert finals(log) == before
    on_stage = progress(log.state).on_stage
    assert on_stage is not None and on_stage.contestant == "c3" and on_stage.scored == 2
    assert "j3" in [j.judge for j in on_stage.expected]  # c3's mark from j3 stands
    log.ok(CallContestant(contestant="c4"))
    on_stage = progress(log.state).on_stage
    assert on_stage is not None and [j.judge for j in on_stage.expected] == ["j1", "j2", "j4", "j5"]
    sheet = SubmitScore(contestant="c4", points={"score": Decimal(5)}, submission_id="j3-c4")
    assert log.refused(sheet, judge("j3")).code == "judge_recused"


def test_without_keep_marks_the_same_recusal_strikes_the_marks_given() -> None:
    """What the console did before: the revealed results change."""
    log = show()
    log.ok(RecuseJudge(judge="j3", reason="fell ill", round="r1"))
    after = finals(log)
    assert after["c1"] == (Decimal("6.50"), 2) and after["c2"] == (Decimal("7.50"), 2)


def test_a_judge_who_leaves_stands_aside_for_everyone_in_the_later_rounds() -> None:
    log = show(planned=("r2",))
    events = log.ok(RecuseJudge(judge="j3", reason="fell ill", round="r1", keep_marks=True))
    assert events == [
        JudgeRecused(judge="j3", reason="fell ill", contestant="c4", round="r1"),
        JudgeRecused(judge="j3", reason="fell ill", contestant=None, round="r2"),
    ]
    assert log.state.recusal(log.state.judges["j3"], "c1", "r2") == "fell ill"
    assert log.state.recusal(log.state.judges["j3"], "c1", "r1") is None


def test_a_mark_on_paper_waiting_for_confirmation_counts_as_given() -> None:
    log = show()
    log.ok(
        EnterPaperSheet(
            sheet="paper-j2-c3", judge="j2", contestant="c3", points={"score": Decimal(8)}
        )
    )
    events = log.ok(RecuseJudge(judge="j2", reason="fell ill", round="r1", keep_marks=True))
    assert events == [JudgeRecused(judge="j2", reason="fell ill", contestant="c4", round="r1")]


def test_a_judge_who_has_given_every_mark_and_has_no_later_round_is_told_so() -> None:
    log = show()
    log.ok(CallContestant(contestant="c4"))
    log.ok(
        EnterPaperSheet(
            sheet="paper-j3-c4", judge="j3", contestant="c4", points={"score": Decimal(8)}
        )
    )
    refused = log.refused(RecuseJudge(judge="j3", reason="fell ill", round="r1", keep_marks=True))
    assert (refused.code, refused.status) == ("nothing_to_recuse", 409)
    assert "Judge j3 (j3) has given every mark they would give" in refused.message_en
    assert "已给的评分不变" in refused.message_zh


def test_a_judge_who_has_given_no_mark_is_recused_as_any_other() -> None:
    log = Log()
    competition(log, contestants=CONTESTANTS, judges=PANEL, panels={"p1": ("g1",)}, rules=TRIMMED)
    events = log.ok(RecuseJudge(judge="j5", reason="left", round="r1", keep_marks=True))
    assert events == [JudgeRecused(judge="j5", reason="left", contestant=None, round="r1")]


def test_one_contestant_named_keeps_a_mark_given_to_them_and_recuses_the_rest() -> None:
    """Named with ``keep_marks``: the judge stands aside for them from now on, the
    mark already given to them standing; none given, a recusal as any other."""
    log = show(planned=("r2",))
    events = log.ok(
        RecuseJudge(judge="j3", reason="coaches c1", contestant="c1", round="r1", keep_marks=True)
    )
    assert events == [JudgeRecused(judge="j3", reason="coaches c1", contestant="c1", round="r2")]
    assert finals(log)["c1"] == (Decimal("7.00"), 3)


def test_a_substitute_joins_the_panel_and_scores_from_then_on() -> None:
    log = show()
    log.ok(RecuseJudge(judge="j3", reason="fell ill", round="r1", keep_marks=True))
    before = finals(log)
    events = log.ok(RegisterJudge(judge="s1", name="Substitute", organisation="Org S", panel="p1"))
    assert events == [
        JudgeRegistered(judge="s1", name="Substitute", organisation="Org S", panel="p1")
    ]
    assert finals(log) == before  # the results revealed keep their marks and counts
    log.ok(CallContestant(contestant="c4"))
    on_stage = progress(log.state).on_stage
    assert on_stage is not None
    assert [j.judge for j in on_stage.expected] == ["j1", "j2", "j4", "j5", "s1"]
    sheet = SubmitScore(contestant="c4", points={"score": Decimal(9)}, submission_id="s1-c4")
    log.ok(sheet, judge("s1"))


def test_a_substitute_is_refused_an_id_taken_a_panel_unknown_or_an_organisation_misspelt() -> None:
    log = show()
    taken = RegisterJudge(judge="j2", name="Another", organisation="Org S", panel="p1")
    assert (log.refused(taken).code, log.refused(taken).status) == ("judge_exists", 409)
    nowhere = RegisterJudge(judge="s1", name="S", organisation="Org S", panel="p9")
    assert log.refused(nowhere).code == "unknown_panel"
    spaced = RegisterJudge(judge="s1", name="S", organisation="Org\u200b2", panel="p1")
    refused = log.refused(spaced)
    assert (refused.code, refused.status) == ("organisation_spelling", 422)
    assert refused.message_en.startswith('The organisation "Org[U+200B]2" differs from "Org 2"')


def test_a_substitute_s_name_with_a_control_character_is_refused_before_deciding() -> None:
    """Fuzzing found a judge added with a name of U+0001 broke the results' XLSX."""
    body = (
        b'{"type":"register_judge","judge":"s1","name":"S\\u0001","organisation":"O","panel":"p1"}'
    )
    with pytest.raises(msgspec.ValidationError, match="matching regex"):
        msgspec.json.decode(body, type=Command)
    tabbed = body.replace(b"S\\u0001", b"S\\tT\\nU")
    assert msgspec.json.decode(tabbed, type=Command) == RegisterJudge(
        judge="s1", name="S\tT\nU", organisation="O", panel="p1"
    )


@pytest.mark.parametrize("name", ["   ", "\u3000", "A\uffff"])
def test_a_substitute_s_blank_or_unwritable_name_is_refused_before_deciding(name: str) -> None:
    command = RegisterJudge(judge="s1", name="S", organisation=name, panel="p1")
    with pytest.raises(msgspec.ValidationError, match="matching regex"):
        msgspec.json.decode(msgspec.json.encode(command), type=Command)


def test_a_substitute_beyond_the_judges_limit_is_refused() -> None:
    log = show()
    for n in range(MAX_JUDGES - len(log.state.judges)):
        log.ok(RegisterJudge(judge=f"x{n}", name="X", organisation=f"Org x{n}", panel="p1"))
    refused = log.refused(RegisterJudge(judge="s1", name="S", organisation="Org S", panel="p1"))
    assert (refused.code, refused.status) == ("too_many_judges", 409)
