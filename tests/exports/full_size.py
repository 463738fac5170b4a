"""A full-size show to export: groups of contestants with the long names
and organisations of a real roster, each scored by its own panel of judges
(25 by default; the rehearsal's 20, or 40), with judges who stand aside,
abstain or never score. Built in memory from the log, in a few seconds."""

from __future__ import annotations

import random
from decimal import Decimal

from events.catalog import (
    AwardTier,
    CompetitionCreated,
    Component,
    ContestantRegistered,
    GroupDefined,
    JudgeRegistered,
    Label,
    PanelAssigned,
    RoundOpened,
    RulesSet,
)
from projections.commands import (
    CallContestant,
    CloseScoring,
    FinaliseResults,
    PublishAwards,
    RecordPriorScore,
    Reveal,
    SubmitScore,
)
from projections.decide import Rejection
from projections.state import Competition
from tests.projections.log import Log, judge, sheet

PANEL = 25
"""Judges on each of the two panels: the most the page is made to fit."""
NAMES = (
    "市生态环境局巾帼志愿服务队",
    "中国移动通信集团江苏有限公司宿迁分公司综合部党员先锋队",
    "国网江苏省电力有限公司南通供电分公司调度控制中心“红色引擎”宣讲小分队",
    "张晓雯 Zhang Xiaowen",
    "Maximilian Featherstonehaugh-Worthington",
    "韩冰",
    "常州市财政局“光明使者”服务队",
    "李浩然 Li Haoran",
    "滨江轨道交通集团 Binjiang Rail Transit Youth Speakers",
    "陆诗",
)
ORGANISATIONS = (
    "中国移动通信集团江苏有限公司南京分公司政企客户部",
    "国网江苏省电力有限公司连云港供电分公司输电运检中心",
    "市发展和改革委员会 (Development and Reform Commission)",
    "Jiangcheng Institute of Technology, School of Electrical Engineering",
    "镇江市人力资源和社会保障局",
)
JUDGE_NAMES = ("欧阳晓雯", "方志强 Fang Zhiqiang", "曹敏", "Catherine Montgomery", "谭曦佳")


def full_size_show(panel: int = PANEL, groups: int = 2, members: int = 10) -> Competition:
    """``groups`` groups of ``members`` (two of ten by default), each scored
    by its own panel of ``panel`` judges: trimmed mean, a composite with an
    expert review, totals with three places (weights 0.4, 0.35, 0.25),
    awards published and finalised. On each panel two judges share an
    organisation with contestants of the group (they stand aside for them),
    one judge abstains once and another never scores one contestant."""
    log = Log("full")
    log.add(
        CompetitionCreated(title=Label(zh_cn="满员评委组", en="Full panels"), decimals=2),
        RoundOpened(round="final", name=Label(zh_cn="决赛", en="Final")),
        sheet(("content", "100", "0.4"), ("delivery", "100", "0.35"), ("presence", "100", "0.25")),
        RulesSet(
            aggregation="trimmed_mean",
            trim=1,
            quorum=15,
            composite=(
                Component(source="expert", weight=Decimal("0.4"), label=EXPERT),
                Component(source="live", weight=Decimal("0.6"), label=LIVE),
            ),
            awards=(
                AwardTier(key="first", name=Label(zh_cn="一等奖", en="First"), by="rank", count=2),
                AwardTier(
                    key="second", name=Label(zh_cn="二等奖", en="Second"), by="rank", count=4
                ),
                AwardTier(key="merit", name=Label(zh_cn="优秀奖", en="Merit"), by="rank"),
            ),
        ),
    )
    names = dict(list(GROUPS.items())[:groups])
    for group, group_name in names.items():
        log.add(GroupDefined(group=group, name=group_name))
    roster: dict[str, list[str]] = {group: [] for group in names}
    for g, group in enumerate(names):
        for n in range(members):
            name = NAMES[n % len(NAMES)] + ("" if n < len(NAMES) else f" {n + 1}")
            contestant = f"{g + 1}{n + 1:02d}"
            roster[group].append(contestant)
            organisation = ORGANISATIONS[(n + g) % len(ORGANISATIONS)]
            log.add(
                ContestantRegistered(
                    contestant=contestant,
                    name=name,
                    organisation=organisation,
                    group=group,
                    round="final",
                )
            )
    panels: dict[str, list[str]] = {}
    for g, group in enumerate(names):
        log.add(PanelAssigned(panel=f"P{g + 1}", groups=(group,)))
        for n in range(panel):
            ident = f"J{g * panel + n + 1:02d}"
            panels.setdefault(group, []).append(ident)
            # two of the panel share an organisation with contestants of the group
            organisation = ORGANISATIONS[n] if n in (2, 3) else f"Judges' organisation {ident}"
            judge_name = f"{JUDGE_NAMES[n % len(JUDGE_NAMES)]}{n + 1}"
            log.add(
                JudgeRegistered(
                    judge=ident, name=judge_name, organisation=organisation, panel=f"P{g + 1}"
                )
            )
    marks = random.Random(2025)
    for group, contestants in roster.items():
        for i, contestant in enumerate(contestants):
            log.ok(
                RecordPriorScore(
                    contestant=contestant,
                    source="expert",
                    value=Decimal(marks.randint(700, 990)) / 10,
                )
            )
            log.ok(CallContestant(contestant=contestant))
            for j, ident in enumerate(panels[group]):
                if j == 5 and i == 1:
                    continue  # never scores the second contestant
                abstain = j == 6 and i == 2
                points = {
                    key: Decimal(marks.randint(600, 999)) / 10
                    for key in ("content", "delivery", "presence")
                }
                command = SubmitScore(
                    contestant=contestant,
                    points={} if abstain else points,
                    abstain=abstain,
                    submission_id=f"{ident}-{contestant}-sheet",
                )
                if isinstance(log.run(command, judge(ident)), Rejection):
                    continue  # stands aside: same organisation
            log.ok(CloseScoring(contestant=contestant))
            log.ok(Reveal(contestant=contestant))
    log.ok(PublishAwards(round="final"))
    log.ok(FinaliseResults(round="final"))
    return log.state


GROUPS = {
    "g1": Label(
        zh_cn="国有企业组（电力、通信及能源类）", en="State-owned enterprises (power, telecoms)"
    ),
    "g2": Label(zh_cn="医疗卫生及教育事业单位组", en="Hospitals, schools and public institutions"),
    "g3": Label(zh_cn="党政机关组", en="Government departments"),
    "g4": Label(zh_cn="高校及青年组", en="Universities and youth"),
}
EXPERT = Label(zh_cn="专家评审", en="Expert review")
LIVE = Label(zh_cn="现场评分", en="Live score")
