"""Rounds: advancement by group, share tiers, and earlier rounds staying queryable."""

from __future__ import annotations

from decimal import Decimal

from events.catalog import (
    Advancement,
    AwardsPublished,
    AwardsStepShown,
    AwardTier,
    Component,
    Label,
    PriorScoreRecorded,
    RulesSet,
)
from projections import rules
from projections.audit import audit
from projections.board import board
from projections.commands import (
    AdvanceRound,
    CallContestant,
    CloseScoring,
    DisqualifyContestant,
    DrawOrder,
    FinaliseResults,
    OpenScoring,
    PublishAwards,
    RecordPriorScore,
    RecuseJudge,
    ShowAwardsStep,
    SubmitScore,
    WithdrawContestant,
)
from projections.progress import progress, show_stage
from tests.projections.log import Log, competition, judge, perform

FINALS = {
    # group g1: 9, 8, 8, 5 ; group g2: 7, 6, 4
    "a1": ("g1", "9"),
    "a2": ("g1", "8"),
    "a3": ("g1", "8"),
    "a4": ("g1", "5"),
    "b1": ("g2", "7"),
    "b2": ("g2", "6"),
    "b3": ("g2", "4"),
}


def entered(awards: tuple[AwardTier, ...] = (), advancement: Advancement | None = None) -> Log:
    """The finals' contestants in two groups, one judge scoring both; nobody called."""
    log = Log()
    competition(
        log,
        contestants={c: (f"Org {c}", group) for c, (group, _) in FINALS.items()},
        judges={"j1": ("Org J", "p1")},
        panels={"p1": ("g1", "g2")},
        rules=RulesSet(aggregation="mean", awards=awards, advancement=advancement),
    )
    return log


def two_groups(
    awards: tuple[AwardTier, ...], advancement: Advancement | None, *, reveal: bool = False
) -> Log:
    log = entered(awards, advancement)
    for contestant, (_, value) in FINALS.items():
        perform(log, contestant, {"j1": value}, reveal=reveal)
    return log


def test_the_best_of_each_group_advance_with_ties_and_the_next_round_starts_with_them() -> None:
    out = AwardTier(
        key="out",
        name=Label(en="Out"),
        by="rank",
        count=1,
        scope="group",
        from_bottom=True,
        eliminates=True,
    )
    log = two_groups((out,), Advancement(count=2, scope="group"))
    # g1: a1 first, a2 and a3 tied second: all three advance; g2: b1, b2
    # (b3 is eliminated in g2 and a4 in g1: neither could advance anyway)
    events = log.ok(AdvanceRound(from_round="r1", to_round="r2", name=Label(en="Final")))
    assert [e.TYPE for e in events] == ["round_closed", "contestants_advanced", "round_opened"]
    assert log.state.rounds["r2"].members.keys() == {"a1", "a2", "a3", "b1", "b2"}
    assert log.state.current_round == "r2"
    # the new round starts empty-handed; the old one is still there
    assert all(row.status == "pending" for row in board(log.state, public=False).overall)
    earlier = board(log.state, "r1", public=False)
    assert [(r.contestant, r.rank, r.award) for r in earlier.groups[1].rows] == [
        ("b1", 1, None),
        ("b2", 2, None),
        ("b3", 3, "out"),
    ]
    log.ok(DrawOrder(round="r2", seed="final draw"))
    first = log.state.rounds["r2"].order[0]
    log.ok(CallContestant(contestant=first))
    on_stage = progress(log.state).on_stage
    assert on_stage is not None and on_stage.round == "r2" and on_stage.missing == ("j1",)
    refused = log.refused(CallContestant(contestant="a4"))
    assert refused.code == "not_in_round"


def test_advancing_leaves_the_stage_empty_for_the_next_round() -> None:
    """The rehearsal's last heats contestant went through to the final and stayed
    "on stage" on the screen and the console, though nobody had been called in it
    (and calling them without opening scoring was refused as already on stage)."""
    log = entered((), Advancement(count=2, scope="group"))
    for contestant, (_, value) in reversed(FINALS.items()):  # the best, a1, last
        perform(log, contestant, {"j1": value}, reveal=True)
    on_stage = progress(log.state).on_stage
    assert on_stage is not None and on_stage.contestant == "a1"
    log.ok(AdvanceRound(from_round="r1", to_round="r2", name=Label(en="Final")))
    assert "a1" in log.state.rounds["r2"].members
    assert progress(log.state).on_stage is None
    assert board(log.state, public=True).on_stage is None
    assert board(log.state, public=False).on_stage is None
    # called into the final, they are on stage there, with nothing open yet
    log.ok(CallContestant(contestant="a1", open_scoring=False))
    on_stage = progress(log.state).on_stage
    assert on_stage is not None and on_stage.contestant == "a1" and on_stage.round == "r2"
    assert not on_stage.scoring_open and not on_stage.revealed


def test_share_tiers_count_half_up_of_the_field() -> None:
    # 7 ranked: 30% of 7 = 2.1 → 2 places; 50% of 7 = 3.5 → 4 places
    assert rules.share_count(Decimal("0.3"), 7) == 2
    assert rules.share_count(Decimal("0.5"), 7) == 4
    tiers = (
        AwardTier(key="top", name=Label(en="Top"), by="share", share=Decimal("0.3")),
        AwardTier(key="good", name=Label(en="Good"), by="share", share=Decimal("0.5")),
    )
    log = two_groups(tiers, None)
    got = {r.contestant: r.award for r in board(log.state, public=False).overall}
    # overall order 9 8 8 7 6 5 4: top takes a1 and the tied a2, a3 (2 places,
    # tie at the cut); good takes the next 4 of those left: b1, b2, a4, b3
    assert got == {
        "a1": "top",
        "a2": "top",
        "a3": "top",
        "b1": "good",
        "b2": "good",
        "a4": "good",
        "b3": "good",
    }


def test_the_public_board_carries_only_the_awards_the_screens_were_stepped_to() -> None:
    tiers = (
        AwardTier(key="first", name=Label(en="First"), by="rank", count=1),
        AwardTier(key="second", name=Label(en="Second"), by="rank", count=2),
        AwardTier(key="third", name=Label(en="Third"), by="rank", count=2),
    )
    log = two_groups(tiers, None, reveal=True)
    log.ok(PublishAwards(round="r1"))

    def public() -> dict[str, str | None]:
        return {r.contestant: r.award for r in board(log.state, public=True).overall}

    everyone = {"a1": "first", "a2": "second", "a3": "second", "b1": "third", "b2": "third"}
    # the screens pace themselves: nothing to hold back
    assert {c: a for c, a in public().items() if a} == everyone
    for step, shown in (
        (0, set()),
        (1, {"third"}),
        (2, {"third", "second"}),
        (3, set(everyone.values())),
    ):
        log.ok(ShowAwardsStep(round="r1", step=step))
        assert {c: a for c, a in public().items() if a} == {
            c: a for c, a in everyone.items() if a in shown
        }
        names = {r.contestant: r.award_name for r in board(log.state, public=True).overall}
        assert all(names[c] is None for c, a in everyone.items() if a not in shown)
        # the organisers' board holds every award all along
        assert {
            r.contestant: r.award for r in board(log.state, public=False).overall if r.award
        } == everyone
        # every board names all the tiers, best first, so the screens colour
        # the third prize as the third prize from its first step on
        assert board(log.state, public=True).award_order == ("first", "second", "third")
    assert log.state.rounds["r1"].award_tiers(log.state.rules) == 3


def test_an_eliminating_tier_is_no_step_of_the_awards_and_shows_once_they_are_all_up() -> None:
    """A rehearsal's first step put the two eliminated under the screen's
    "awards" heading, and the step bar counted them as an award."""
    tiers = (
        AwardTier(key="first", name=Label(en="First"), by="rank", count=1),
        AwardTier(
            key="out", name=Label(en="Out"), by="rank", count=1, from_bottom=True, eliminates=True
        ),
        AwardTier(key="second", name=Label(en="Second"), by="rank"),
    )
    log = two_groups(tiers, None, reveal=True)
    log.ok(PublishAwards(round="r1", by_steps=True))
    everyone = {r.contestant: r.award for r in board(log.state, public=False).overall if r.award}
    assert sorted(everyone.values()).count("out") == 1
    assert board(log.state, public=True).award_order == ("first", "second")
    assert log.state.rounds["r1"].award_tiers(log.state.rules) == 2
    assert log.refused(ShowAwardsStep(round="r1", step=3)).code == "no_such_step"

    def public() -> dict[str, str]:
        return {r.contestant: r.award for r in board(log.state, public=True).overall if r.award}

    log.ok(ShowAwardsStep(round="r1", step=1))
    assert set(public().values()) == {"second"}
    log.ok(ShowAwardsStep(round="r1", step=2))
    assert public() == everyone  # every award up: the elimination is no secret now


def test_awards_published_to_be_stepped_start_at_step_0_in_the_same_append() -> None:
    """Published for a ceremony run by steps, no award is public until the first
    step: the rehearsal's phones showed them all between publishing and step 1."""
    tiers = (
        AwardTier(key="first", name=Label(en="First"), by="rank", count=1),
        AwardTier(key="second", name=Label(en="Second"), by="rank", count=2),
    )
    log = two_groups(tiers, None, reveal=True)
    events = log.ok(PublishAwards(round="r1", by_steps=True))
    assert [type(e) for e in events] == [AwardsPublished, AwardsStepShown]
    assert events[1] == AwardsStepShown(round="r1", step=0)
    assert not any(r.award for r in board(log.state, public=True).overall)
    assert board(log.state, public=True).awards_step == 0
    log.ok(ShowAwardsStep(round="r1", step=2))
    # published again (an amendment since): the ceremony keeps its step
    assert [type(e) for e in log.ok(PublishAwards(round="r1", by_steps=True))] == [AwardsPublished]
    assert log.state.rounds["r1"].awards_step == 2
    # not run by steps: the screens pace themselves, as before
    paced = two_groups(tiers, None, reveal=True)
    assert [type(e) for e in paced.ok(PublishAwards(round="r1"))] == [AwardsPublished]
    assert paced.state.rounds["r1"].awards_step is None


def test_the_show_stage_is_not_started_then_running_then_final() -> None:
    log = entered()
    assert show_stage(log.state) == "not_started"
    for contestant, (_, value) in FINALS.items():
        perform(log, contestant, {"j1": value}, reveal=True)
        assert show_stage(log.state) == "running"
    log.ok(PublishAwards(round="r1"))
    assert show_stage(log.state) == "running"  # provisional until finalised
    log.ok(FinaliseResults(round="r1"))
    assert show_stage(log.state) == "final"


def finalised_heats() -> Log:
    """Round r1 scored (a4 closed, not revealed), its awards published and
    finalised; each contestant's expert review, recorded from the first
    round on, is their live mark."""
    composite = (
        Component(source="expert", weight=Decimal("0.4")),
        Component(source="live", weight=Decimal("0.6")),
    )
    log = Log()
    competition(
        log,
        contestants={c: (f"Org {c}", group) for c, (group, _) in FINALS.items()},
        judges={"j1": ("Org J", "p1"), "j2": ("Org K", "p1")},
        panels={"p1": ("g1", "g2")},
        rules=RulesSet(aggregation="mean", composite=composite, advancement=Advancement(count=2)),
    )
    for contestant, (_, value) in FINALS.items():
        log.add(PriorScoreRecorded(contestant=contestant, source="expert", value=Decimal(value)))
        perform(log, contestant, {"j1": value}, reveal=contestant != "a4")  # a4: closed only
    log.ok(PublishAwards(round="r1"))
    log.ok(FinaliseResults(round="r1"))
    return log


def test_a_prior_score_for_a_later_round_counts_from_it_and_leaves_a_final_round_as_it_was() -> (
    None
):
    """The final has an expert review of its own: recorded for the final, it
    counts there (and in any round after), while the heats, final, keep theirs.
    Recorded from the first round on, it would change the heats: refused."""
    log = finalised_heats()
    log.ok(AdvanceRound(from_round="r1", to_round="r2", name=Label(en="Grand final")))
    heats = board(log.state, "r1", public=False).overall

    def scored_in_the_final(contestant: str, mark: str) -> tuple[Decimal | None, Decimal | None]:
        """The contestant's expert review and final in r2, once scored there."""
        log.ok(CallContestant(contestant=contestant))
        submission = f"final-{contestant}-j1"
        points = {"score": Decimal(mark)}
        log.ok(
            SubmitScore(contestant=contestant, points=points, submission_id=submission), judge("j1")
        )
        log.ok(CloseScoring(contestant=contestant))
        row = next(
            r for r in board(log.state, "r2", public=False).overall if r.contestant == contestant
        )
        return next(c.value for c in row.components if c.source == "expert"), row.final

    assert log.state.prior("a1", "expert", "r2") == Decimal(9)  # the heats' review carries on
    refused = log.refused(RecordPriorScore(contestant="a1", source="expert", value=Decimal(3)))
    assert refused.code == "results_final" and "round “Final”" in refused.message_en  # r1
    assert (
        log.refused(
            RecordPriorScore(contestant="a1", source="expert", value=Decimal(3), round="r1")
        ).code
        == "results_final"
    )
    assert (
        log.refused(
            RecordPriorScore(contestant="a1", source="expert", value=Decimal(3), round="r9")
        ).code
        == "unknown_round"
    )

    log.ok(RecordPriorScore(contestant="a1", source="expert", value=Decimal(3), round="r2"))

    assert scored_in_the_final("a1", "10") == (Decimal(3), Decimal("7.20"))  # .4 × 3 + .6 × 10
    assert scored_in_the_final("a2", "10") == (Decimal(8), Decimal("9.20"))
    assert board(log.state, "r1", public=False).overall == heats
    assert log.state.prior("a1", "expert", "r1") == Decimal(9)
    # and once the final has its own, the one from the first round on may
    # change only what is not final: here nothing
    assert (
        log.refused(RecordPriorScore(contestant="a1", source="expert", value=Decimal(4))).code
        == "results_final"
    )


def test_the_audit_view_says_whose_prior_score_is_the_round_s_own_and_whose_is_carried() -> None:
    """The console's card listed only contestants with no prior score, so in a
    final with a review of its own the finalists carrying the heats' could not be
    given the final's. The audit view gives every member's score in the round and
    the round it was recorded for."""
    log = finalised_heats()
    heats = audit(log.state, "r1").priors
    assert [p.source for p in heats] == ["expert"]
    assert {(h.contestant, h.round) for h in heats[0].contestants} == {(c, "r1") for c in FINALS}
    log.ok(AdvanceRound(from_round="r1", to_round="r2", name=Label(en="Grand final")))
    log.ok(RecordPriorScore(contestant="a2", source="expert", value=Decimal(3), round="r2"))
    (final,) = audit(log.state).priors
    assert [(h.contestant, h.value, h.round) for h in final.contestants] == [
        ("a1", Decimal(9), "r1"),
        ("a2", Decimal(3), "r2"),
        ("a3", Decimal(8), "r1"),
        ("b1", Decimal(7), "r1"),
        ("b2", Decimal(6), "r1"),
    ]
    assert audit(log.state).missing_priors == ()


def test_nothing_changes_the_results_of_a_final_round() -> None:
    """A full-size rehearsal withdrew, disqualified, recused and re-recorded expert
    reviews after the results were final, and the final board moved: first place lost
    its rank, a final went from 77.70 to 85.10. Each is refused now, and a contestant
    who goes on to a later round may still leave it without changing this one."""
    log = finalised_heats()

    def rows(round_: str = "r1") -> list[tuple[str, int | None, Decimal | None, str]]:
        return [
            (r.contestant, r.rank, r.final, r.status)
            for r in board(log.state, round_, public=False).overall
        ]

    final = rows()
    for command in (
        WithdrawContestant(contestant="a4", reason="left"),
        DisqualifyContestant(contestant="b3", reason="late"),
        RecordPriorScore(contestant="a1", source="expert", value=Decimal(1)),
        RecuseJudge(judge="j1", reason="conflict"),
        RecuseJudge(judge="j1", contestant="a2", reason="conflict"),
        CallContestant(contestant="a4"),  # and scoring opened
    ):
        assert log.refused(command).code == "results_final", command
    log.ok(CallContestant(contestant="a4", open_scoring=False))
    assert log.refused(OpenScoring(contestant="a4")).code == "results_final"
    assert rows() == final
    # a judge with no mark in the final round may still stand aside
    log.ok(RecuseJudge(judge="j2", reason="conflict"))

    log.ok(AdvanceRound(from_round="r1", to_round="r2", name=Label(en="Final")))
    assert "a1" in log.state.rounds["r2"].members
    log.ok(WithdrawContestant(contestant="a1", reason="withdrew before the final"))
    assert rows() == final  # the heats' winner keeps the result earned there
    assert next(r for r in rows("r2") if r[0] == "a1")[3] == "withdrawn"


def test_a_prior_score_is_on_the_live_score_s_scale() -> None:
    """As the competition file's: a review typed 935 for 93.5 on a sheet of
    10 points would otherwise outweigh every judge together."""
    log = finalised_heats()
    log.ok(AdvanceRound(from_round="r1", to_round="r2", name=Label(en="Grand final")))
    command = RecordPriorScore(contestant="a1", source="expert", value=Decimal("93.5"), round="r2")
    refused = log.refused(command)
    assert (refused.code, refused.status) == ("points_out_of_range", 422)
    assert refused.message_en == "Out of range for expert: 93.5 is not between 0 and 10"
    log.ok(RecordPriorScore(contestant="a1", source="expert", value=Decimal("9.35"), round="r2"))
