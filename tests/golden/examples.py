"""One example of every event type, in the order the golden log holds them.

Add an example for each new event type at the END, then run
``python -m tests.golden.generate``: lines already written must never change.
"""

from decimal import Decimal

from events import catalog as c
from events.envelope import Actor

ADMIN = Actor(role="admin", id="admin")
JUDGE = Actor(role="judge", id="j01")
SECOND_ADMIN = Actor(role="admin", id="admin.wang")

EXAMPLES: list[tuple[Actor, c.AnyEvent]] = [
    (ADMIN, c.CompetitionCreated(title=c.Label(zh_cn="青年理论宣讲大赛", en="Youth Talks"))),
    (ADMIN, c.SettingsChanged(decimals=3, rounding="half_even")),
    (ADMIN, c.GroupDefined(group="g1", name=c.Label(zh_cn="第一组", en="Group 1"))),
    (ADMIN, c.RoundOpened(round="r1", name=c.Label(zh_cn="初赛", en="Heats"))),
    (
        ADMIN,
        c.ContestantRegistered(
            contestant="c01", name="张三团队", organisation="市图书馆", group="g1", round="r1"
        ),
    ),
    (ADMIN, c.JudgeRegistered(judge="j01", name="李四", organisation="区文化馆", panel="p1")),
    (ADMIN, c.PanelAssigned(panel="p1", groups=("g1",))),
    (
        ADMIN,
        c.ScoresheetDefined(
            criteria=(
                c.Criterion(
                    key="content",
                    label=c.Label(zh_cn="内容", en="Content"),
                    maximum=Decimal("40"),
                    weight=Decimal("1"),
                ),
                c.Criterion(
                    key="delivery",
                    label=c.Label(zh_cn='表达\t"台风"', en="Delivery\n"),
                    maximum=Decimal("60"),
                ),
            ),
            places=1,
        ),
    ),
    (
        ADMIN,
        c.RulesSet(
            composite=(
                c.Component(source="expert", weight=Decimal("0.4")),
                c.Component(source="live", weight=Decimal("0.6")),
            ),
            tie_breaks=(c.TieBreak(kind="live"), c.TieBreak(kind="shared")),
            awards=(
                c.AwardTier(
                    key="top10", name=c.Label(zh_cn="十佳", en="Top ten"), by="rank", count=10
                ),
                c.AwardTier(
                    key="model",
                    name=c.Label(zh_cn="标兵", en="Model"),
                    by="share",
                    share=Decimal("0.17"),
                ),
            ),
            advancement=c.Advancement(count=3),
        ),
    ),
    (ADMIN, c.PriorScoreRecorded(contestant="c01", source="expert", value=Decimal("88.50"))),
    (ADMIN, c.RunningOrderDrawn(round="r1", seed="2026-11-22 draw", order=("c01",))),
    (ADMIN, c.ContestantCalled(contestant="c01")),
    (ADMIN, c.ScoringOpened(contestant="c01")),
    (
        JUDGE,
        c.ScoreSubmitted(
            judge="j01",
            contestant="c01",
            points={"content": Decimal("35.5"), "delivery": Decimal("50")},
            submission_id="sub-0001-aaaa",
        ),
    ),
    (ADMIN, c.ScoringClosed(contestant="c01")),
    (
        ADMIN,
        c.ScoreAmended(
            judge="j01",
            contestant="c01",
            points={"content": Decimal("36"), "delivery": Decimal("50")},
            reason="录入错误 / keyed wrongly",
        ),
    ),
    (ADMIN, c.JudgeRecused(judge="j01", reason="亲属关系", contestant="c01")),
    (
        ADMIN,
        c.ResultRevealed(
            contestant="c01", aggregate=Decimal("86.00"), final=Decimal("87.00"), rank=1
        ),
    ),
    (
        ADMIN,
        c.AwardsPublished(
            round="r1",
            awards=(c.AwardGiven(contestant="c01", award="top10", rank=1, final=Decimal("87.00")),),
        ),
    ),
    (ADMIN, c.ContestantsAdvanced(from_round="r1", to_round="r2", contestants=("c01",))),
    (ADMIN, c.RoundClosed(round="r1")),
    (ADMIN, c.ContestantWithdrawn(contestant="c01", reason="illness")),
    (ADMIN, c.ContestantDisqualified(contestant="c01", reason="over time")),
    (ADMIN, c.AwardsStepShown(round="r1", step=2)),
    (
        SECOND_ADMIN,
        c.PaperSheetEntered(
            sheet="paper-0001-bbbb",
            judge="j01",
            contestant="c01",
            points={"content": Decimal("30"), "delivery": Decimal("45.5")},
        ),
    ),
    (ADMIN, c.PaperSheetRejected(sheet="paper-0001-bbbb", reason="抄错 / mistyped")),
    (
        ADMIN,
        c.ScoreSubmitted(
            judge="j01",
            contestant="c01",
            points={"content": Decimal("31"), "delivery": Decimal("45.5")},
            submission_id="paper-0002-cccc",
            on_behalf="admin.wang",
        ),
    ),
    (ADMIN, c.AwardsPublished(round="r1", awards=(), final=False)),
    (ADMIN, c.ResultsFinalised(round="r1")),
    (
        ADMIN,
        c.PriorScoreRecorded(contestant="c01", source="expert", value=Decimal("90.00"), round="r2"),
    ),
    (ADMIN, c.JudgeRecused(judge="j01", reason="决赛前离开 / left before the final", round="r2")),
]
