"""A judge's paper sheet keyed in by one admin counts only once a second admin
confirms it; finalising a round's results is a step of its own."""

from __future__ import annotations

from decimal import Decimal

from events.catalog import (
    AwardsPublished,
    AwardTier,
    JudgeRecused,
    Label,
    PaperSheetEntered,
    PaperSheetRejected,
    ResultsFinalised,
    RulesSet,
    ScoreSubmitted,
)
from events.envelope import Actor
from projections.audit import audit
from projections.board import board
from projections.commands import (
    AmendScore,
    CallContestant,
    CloseScoring,
    ConfirmPaperSheet,
    EnterPaperSheet,
    FinaliseResults,
    PublishAwards,
    RejectPaperSheet,
    SubmitScore,
)
from projections.progress import progress
from projections.recheck import recheck
from projections.standings import standings
from projections.state import Competition, replay
from tests.projections.log import Log, competition, envelopes, judge, perform

D = Decimal
LI = Actor(role="admin", id="admin.li")
WANG = Actor(role="admin", id="admin.wang")


def show() -> Log:
    """c1 on stage, scoring open; j1 and j2 have phones, j3's has failed."""
    log = Log()
    competition(
        log,
        contestants={"c1": ("Org A", "g1"), "c2": ("Org B", "g1")},
        judges={"j1": ("Org X", "p1"), "j2": ("Org Y", "p1"), "j3": ("Org Z", "p1")},
        panels={"p1": ("g1",)},
        rules=RulesSet(
            aggregation="mean",
            awards=(AwardTier(key="gold", name=Label(en="Gold"), by="rank", count=1),),
        ),
    )
    log.ok(CallContestant(contestant="c1"))
    for judge_id, value in (("j1", "8"), ("j2", "9")):
        log.ok(
            SubmitScore(
                contestant="c1", points={"score": D(value)}, submission_id=f"{judge_id}-c1-000"
            ),
            judge(judge_id),
        )
    return log


def paper(value: str = "7", sheet: str = "paper-j3-c1", who: str = "j3") -> EnterPaperSheet:
    return EnterPaperSheet(sheet=sheet, judge=who, contestant="c1", points={"score": D(value)})


def aggregate(state: Competition) -> Decimal | None:
    round_ = state.round()
    assert round_ is not None
    return standings(state, round_).results["c1"].aggregate


def test_a_paper_sheet_counts_only_once_a_second_admin_confirms_it() -> None:
    log = show()
    (entered,) = log.ok(paper("7.0"), LI)
    assert entered == PaperSheetEntered(
        sheet="paper-j3-c1", judge="j3", contestant="c1", points={"score": D("7")}
    )
    pending = log.state.paper_sheets["paper-j3-c1"]
    assert (pending.status, pending.entered_by) == ("pending", "admin.li")
    assert aggregate(log.state) == D("8.5")  # j1 and j2 only: the paper sheet waits
    assert "j3" not in log.state.entry_for("c1").marks  # type: ignore[union-attr]
    assert _grid(log.state) == {"j1": "scored", "j2": "scored", "j3": "paper"}

    assert log.refused(ConfirmPaperSheet(sheet="paper-j3-c1"), LI).code == "same_admin"
    (counted,) = log.ok(ConfirmPaperSheet(sheet="paper-j3-c1"), WANG)
    assert counted == ScoreSubmitted(
        judge="j3",
        contestant="c1",
        points={"score": D("7")},
        submission_id="paper-j3-c1",
        on_behalf="admin.li",
    )
    confirmed = log.state.paper_sheets["paper-j3-c1"]
    assert (confirmed.status, confirmed.settled_by) == ("confirmed", "admin.wang")
    assert aggregate(log.state) == D("8")  # (8 + 9 + 7) / 3
    mark = log.state.entry_for("c1").marks["j3"]  # type: ignore[union-attr]
    assert (mark.by, mark.submission_id) == ("admin.wang", "paper-j3-c1")
    assert _grid(log.state) == {"j1": "scored", "j2": "scored", "j3": "scored"}
    assert log.refused(ConfirmPaperSheet(sheet="paper-j3-c1"), WANG).code == "paper_sheet_settled"
    assert log.refused(RejectPaperSheet(sheet="paper-j3-c1", reason="x"), LI).code == (
        "paper_sheet_settled"
    )


def test_the_same_state_replays_from_the_log() -> None:
    log = show()
    log.ok(paper(), LI)
    log.ok(ConfirmPaperSheet(sheet="paper-j3-c1"), WANG)
    again = replay(envelopes(log.events))
    assert again.paper_sheets == log.state.paper_sheets
    assert aggregate(again) == aggregate(log.state) == D("8")


def test_a_rejected_paper_sheet_never_counts() -> None:
    log = show()
    log.ok(paper(), LI)
    (event,) = log.ok(RejectPaperSheet(sheet="paper-j3-c1", reason="keyed 7, paper says 9"), LI)
    assert event == PaperSheetRejected(sheet="paper-j3-c1", reason="keyed 7, paper says 9")
    rejected = log.state.paper_sheets["paper-j3-c1"]
    assert (rejected.status, rejected.settled_by, rejected.reason) == (
        "rejected",
        "admin.li",
        "keyed 7, paper says 9",
    )
    assert log.refused(ConfirmPaperSheet(sheet="paper-j3-c1"), WANG).code == "paper_sheet_settled"
    assert aggregate(log.state) == D("8.5")
    # a corrected sheet may be keyed in again, under a new id
    log.ok(paper("9", sheet="paper-j3-c1-b"), LI)
    log.ok(ConfirmPaperSheet(sheet="paper-j3-c1-b"), WANG)
    assert aggregate(log.state) == D("8.67")


def test_the_judges_own_later_sheet_supersedes_the_paper_one() -> None:
    log = show()
    log.ok(paper(), LI)
    log.ok(
        SubmitScore(contestant="c1", points={"score": D("6")}, submission_id="j3-c1-000"),
        judge("j3"),
    )
    superseded = log.state.paper_sheets["paper-j3-c1"]
    assert (superseded.status, superseded.settled_by) == ("superseded", "j3")
    refusal = log.refused(ConfirmPaperSheet(sheet="paper-j3-c1"), WANG)
    assert (refusal.code, refusal.status) == ("paper_sheet_superseded", 409)
    assert aggregate(log.state) == D("7.67")  # the phone's 6 counts


def test_a_confirmed_paper_sheet_gives_way_to_the_judges_own_later_one() -> None:
    log = show()
    log.ok(paper(), LI)
    log.ok(ConfirmPaperSheet(sheet="paper-j3-c1"), WANG)
    log.ok(
        SubmitScore(contestant="c1", points={"score": D("6")}, submission_id="j3-c1-000"),
        judge("j3"),
    )
    assert log.state.paper_sheets["paper-j3-c1"].status == "confirmed"
    assert aggregate(log.state) == D("7.67")


def test_refusals_when_entering() -> None:
    log = show()
    assert log.refused(paper(who="j9")).code == "unknown_judge"
    assert log.refused(paper("11")).code == "points_out_of_range"
    assert log.refused(paper("7.25")).code == "too_many_decimals"
    assert log.refused(paper(), judge("j1")).code == "forbidden"
    reused = log.refused(paper(sheet="j1-c1-000", who="j1"))
    assert reused.code == "submission_id_reused"
    log.ok(paper(), LI)
    again = log.run(paper(), LI)  # the console's retry: the first entry's seq
    assert not isinstance(again, list) and (again.code, again.status) == (
        "duplicate_submission",
        200,
    )
    assert log.refused(paper("8"), LI).code == "submission_id_reused"
    assert log.refused(paper(sheet="paper-j3-c1-b"), WANG).code == "paper_sheet_pending"
    log.add(JudgeRecused(judge="j3", reason="conflict", contestant="c1"))
    assert log.refused(ConfirmPaperSheet(sheet="paper-j3-c1"), WANG).code == "judge_recused"
    assert log.refused(ConfirmPaperSheet(sheet="nope-0000"), WANG).code == "unknown_paper_sheet"


def test_scoring_cannot_close_while_a_paper_sheet_waits() -> None:
    log = show()
    log.ok(paper(), LI)
    refusal = log.refused(CloseScoring(contestant="c1"))
    assert (refusal.code, refusal.status) == ("paper_sheet_pending", 409)
    log.ok(RejectPaperSheet(sheet="paper-j3-c1", reason="the judge will rescore"), WANG)
    log.ok(CloseScoring(contestant="c1"))
    # once closed, a correction is an amendment with a reason, not a paper sheet
    refusal = log.refused(paper(sheet="paper-j3-c1-b"), LI)
    assert refusal.code == "scoring_closed" and "amend" in refusal.message_en


def finished() -> Log:
    log = show()
    log.ok(CloseScoring(contestant="c1"))
    perform(log, "c2", {"j1": "9", "j2": "9", "j3": "9"}, reveal=True)
    return log


def test_results_stay_provisional_until_the_organiser_finalises() -> None:
    log = finished()
    assert log.refused(FinaliseResults(round="r1")).code == "awards_not_published"
    (published,) = log.ok(PublishAwards(round="r1"))
    assert isinstance(published, AwardsPublished) and published.final is False
    view = board(log.state, public=True)
    assert view.awards_published and not view.final
    assert recheck(log.state, published) == []

    assert not board(log.state, public=False).awards_outdated
    # an amendment after publishing: the awards must be published again first, and the
    # organisers' board says so from then (the public one never does)
    log.ok(AmendScore(judge="j1", contestant="c1", points={"score": D("10")}, reason="misread"))
    log.ok(AmendScore(judge="j2", contestant="c1", points={"score": D("10")}, reason="misread"))
    assert log.refused(FinaliseResults(round="r1")).code == "awards_outdated"
    assert board(log.state, public=False).awards_outdated
    assert not board(log.state, public=True).awards_outdated
    log.ok(PublishAwards(round="r1"))
    assert not board(log.state, public=False).awards_outdated
    assert log.ok(FinaliseResults(round="r1")) == [ResultsFinalised(round="r1")]
    assert board(log.state, public=True).final and board(log.state, public=False).final

    amend = AmendScore(judge="j1", contestant="c1", points={"score": D("1")}, reason="late")
    assert log.refused(amend).code == "results_final"
    assert log.refused(PublishAwards(round="r1")).code == "results_final"
    assert log.refused(FinaliseResults(round="r1")).code == "results_final"


def test_awards_published_as_final_in_one_step_read_as_final() -> None:
    """Logs written before finalising was a step: their awards were final."""
    log = finished()
    (published,) = log.ok(PublishAwards(round="r1", final=True))
    assert published == AwardsPublished(round="r1", awards=published.awards)  # final: the default
    assert board(log.state, public=True).final
    assert recheck(log.state, published) == []


def test_the_audit_shows_who_keyed_in_and_who_confirmed() -> None:
    log = show()
    log.ok(paper(), LI)
    waiting = audit(log.state).paper_sheets
    assert [(p.sheet, p.status, p.entered_by, p.total) for p in waiting] == [
        ("paper-j3-c1", "pending", "admin.li", D("7"))
    ]
    assert all(
        s.contestant != "c1" for j in audit(log.state).judges if j.judge == "j3" for s in j.sheets
    )
    log.ok(ConfirmPaperSheet(sheet="paper-j3-c1"), WANG)
    view = audit(log.state)
    (confirmed,) = view.paper_sheets
    assert (confirmed.status, confirmed.settled_by) == ("confirmed", "admin.wang")
    (j3,) = [j for j in view.judges if j.judge == "j3"]
    (version,) = j3.sheets[0].versions
    assert (version.by, version.on_behalf) == ("admin.wang", "admin.li")
    (j1,) = [j for j in view.judges if j.judge == "j1"]
    assert j1.sheets[0].versions[0].on_behalf is None


def _grid(state: Competition) -> dict[str, str]:
    """The organisers' judges' grid for the contestant on stage, from the progress view."""
    on_stage = progress(state).on_stage
    assert on_stage is not None
    return {
        j.judge: "scored" if j.scored else "paper" if j.paper else "missing"
        for j in on_stage.expected
    }
