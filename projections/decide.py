"""``decide``: a command and the state give events to append, or a rejection.

Pure: it reads the state, never changes it, and returns either the events
to append (after which ``apply`` folds them) or a ``Rejection`` with a
machine-readable code and an HTTP status: 403 permission, 404 unknown
thing, 409 conflict with the state, 422 invalid value.

A repeated ``submission_id`` from the same judge with the same content is
not an error: the rejection code ``duplicate_submission`` (status 200)
carries the ``seq`` of the first submission, whose receipt the server
returns. The same id with different content is ``submission_id_reused``.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

import msgspec

from events.catalog import (
    AnyEvent,
    AwardGiven,
    AwardsPublished,
    AwardsStepShown,
    ContestantCalled,
    ContestantDisqualified,
    ContestantsAdvanced,
    ContestantWithdrawn,
    JudgeRecused,
    JudgeRegistered,
    Label,
    PaperSheetEntered,
    PaperSheetRejected,
    PriorScoreRecorded,
    ResultRevealed,
    ResultsFinalised,
    RoundClosed,
    RoundOpened,
    RunningOrderDrawn,
    ScoreAmended,
    ScoreSubmitted,
    ScoringClosed,
    ScoringOpened,
)
from events.envelope import Actor
from projections import rules
from projections.commands import (
    MAX_JUDGES,
    AdvanceRound,
    AmendScore,
    CallContestant,
    CloseScoring,
    Command,
    ConfirmPaperSheet,
    DisqualifyContestant,
    DrawOrder,
    EnterPaperSheet,
    FinaliseResults,
    OpenScoring,
    PublishAwards,
    RecordPriorScore,
    RecuseJudge,
    RegisterJudge,
    RejectPaperSheet,
    Reveal,
    ShowAwardsStep,
    SubmitScore,
    WithdrawContestant,
)
from projections.draw import draw_by_group, draw_order
from projections.spelling import visible, written_apart
from projections.standings import rank_fields, sheet_maximum, standings
from projections.state import (
    Competition,
    Contestant,
    Entry,
    Judge,
    PaperSheet,
    Round,
)

PRIOR_MAXIMUM = Decimal(1_000_000)
"""The largest prior score accepted before a scoresheet is defined; after, the
sheet's scale (Σ weight × maximum), as the live score's (at most ``PRIOR_PLACES``)."""
PRIOR_PLACES = 4
"""The most decimal places of a prior score (a competition file's too)."""


class Rejection(msgspec.Struct, frozen=True):
    """Why a command was refused; nothing is appended."""

    code: str
    message_en: str
    message_zh: str
    status: int
    seq: int | None = None
    """For ``duplicate_submission``: the seq of the first submission."""


Decision = list[AnyEvent] | Rejection


def decide(state: Competition, command: Command, actor: Actor) -> Decision:
    """The events ``command`` by ``actor`` gives in ``state``, or why not."""
    if isinstance(command, SubmitScore):
        if actor.role != "judge":
            return _forbidden("Only a judge submits scores", "只有评委可以提交评分")
        return _submit(state, command, actor.id)
    if actor.role not in ("admin", "system"):
        return _forbidden("Only an admin may do this", "只有管理员可以执行此操作")
    match command:
        case CallContestant():
            return _call(state, command)
        case OpenScoring():
            return _open(state, command.contestant)
        case CloseScoring():
            return _close(state, command.contestant)
        case Reveal():
            return _reveal(state, command.contestant)
        case AmendScore():
            return _amend(state, command)
        case EnterPaperSheet():
            return _enter_paper(state, command, actor.id)
        case ConfirmPaperSheet():
            return _confirm_paper(state, command, actor.id)
        case RejectPaperSheet():
            return _reject_paper(state, command)
        case FinaliseResults():
            return _finalise(state, command)
        case RecuseJudge():
            return _recuse(state, command)
        case RegisterJudge():
            return _register_judge(state, command)
        case WithdrawContestant() | DisqualifyContestant():
            return _remove(state, command)
        case DrawOrder():
            return _draw(state, command)
        case AdvanceRound():
            return _advance(state, command)
        case PublishAwards():
            return _publish(state, command)
        case RecordPriorScore():
            return _prior(state, command)
        case ShowAwardsStep():
            return _awards_step(state, command)


# --- rejections ----------------------------------------------------------------


def _forbidden(en: str, zh: str) -> Rejection:
    return Rejection("forbidden", en, zh, 403)


def _unknown_contestant(contestant: str) -> Rejection:
    return Rejection(
        "unknown_contestant",
        f"No contestant {contestant!r}",
        f"没有选手 {contestant!r}",
        404,
    )


def _unknown_judge(judge: str, status: int = 404) -> Rejection:
    return Rejection("unknown_judge", f"No judge {judge!r}", f"没有评委 {judge!r}", status)


def _unknown_round(round_id: str) -> Rejection:
    return Rejection("unknown_round", f"No round {round_id!r}", f"没有轮次 {round_id!r}", 404)


def _contestant(state: Competition, contestant_id: str) -> Contestant | Rejection:
    """The contestant, if registered and still competing."""
    contestant = state.contestants.get(contestant_id)
    if contestant is None:
        return _unknown_contestant(contestant_id)
    if contestant.withdrawn is not None:
        return Rejection(
            "contestant_withdrawn",
            f"Contestant {contestant.name} ({contestant.id}) has withdrawn",
            f"选手 {contestant.name}（{contestant.id}）已退赛",
            409,
        )
    if contestant.disqualified is not None:
        return Rejection(
            "contestant_disqualified",
            f"Contestant {contestant.name} ({contestant.id}) is disqualified",
            f"选手 {contestant.name}（{contestant.id}）已被取消资格",
            409,
        )
    return contestant


def _eligible(
    state: Competition, judge: Judge, contestant: Contestant, round_id: str
) -> Rejection | None:
    """Why ``judge`` may not score ``contestant`` in round ``round_id``, or None."""
    # people are named as the pages name them: a judge and a group by name, ids beside
    if contestant.group not in state.panels.get(judge.panel, ()):
        group = state.groups.get(contestant.group, Label())
        return Rejection(
            "not_on_panel",
            f"Judge {judge.name} ({judge.id}) is on panel {judge.panel!r}, which does not "
            f"score the group {group.pick('en') or contestant.group}",
            f"评委 {judge.name}（{judge.id}）所在的评委组 {judge.panel!r} "
            f"不负责「{group.pick('zh-CN') or contestant.group}」的评分",
            403,
        )
    if judge.organisation_key == contestant.organisation_key:
        return Rejection(
            "judge_recused",
            f"Judge {judge.name} ({judge.id}) is from {contestant.name}'s organisation "
            "and is recused",
            f"评委 {judge.name}（{judge.id}）与选手 {contestant.name} 同一单位，须回避",
            403,
        )
    reason = state.recusal(judge, contestant.id, round_id)
    if reason is not None:
        return Rejection(
            "judge_recused",
            f"Judge {judge.name} ({judge.id}) is recused: {reason}",
            f"评委 {judge.name}（{judge.id}）已回避：{reason}",
            403,
        )
    return None


# --- numbers -------------------------------------------------------------------


def places_of(value: Decimal) -> int:
    """Decimal places of a finite ``value``, trailing zeros not counted."""
    if value.is_zero():
        return 0
    _, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    zeros = 0
    for digit in reversed(digits):
        if digit:
            break
        zeros += 1
    return max(0, -exponent - zeros)


def fixed(value: Decimal) -> Decimal:
    """``value`` without trailing zeros or exponent, as written into events (a
    value already checked: its digits fit ``rules.EXACT``'s precision)."""
    if value.is_zero():
        return Decimal(0)
    normal = value.normalize(rules.EXACT)
    exponent = normal.as_tuple().exponent
    assert isinstance(exponent, int)
    return normal.quantize(_ONE, context=rules.EXACT) if exponent > 0 else normal


_ONE = Decimal(1)


def _number(value: Decimal, maximum: Decimal, places: int, what: str) -> Decimal | Rejection:
    if not value.is_finite() or value < 0 or value > maximum:
        return Rejection(
            "points_out_of_range",
            f"Out of range for {what}: {value} is not between 0 and {maximum}",
            f"{what}：{value} 不在 0 到 {maximum} 之间",
            422,
        )
    if places_of(value) > places:
        return Rejection(
            "too_many_decimals",
            f"Too many decimal places for {what}: {value} has more than {places}",
            f"{what}：{value} 的小数位超过 {places} 位",
            422,
        )
    return fixed(value)


def _points(
    state: Competition, points: Mapping[str, Decimal], abstain: bool
) -> dict[str, Decimal] | Rejection:
    """The sheet's points checked against the scoresheet, in fixed form."""
    if abstain:
        if points:
            return Rejection(
                "points_with_abstention",
                "An abstention carries no points",
                "弃权时不能填写分数",
                422,
            )
        return {}
    sheet = state.scoresheet
    if not sheet.criteria:
        return Rejection("no_scoresheet", "No scoresheet is defined", "尚未设置评分表", 409)
    keys = {c.key for c in sheet.criteria}
    unknown = sorted(set(points) - keys)
    if unknown:
        return Rejection(
            "unknown_criterion",
            f"Unknown criterion {unknown[0]!r}; expected {sorted(keys)}",
            f"未知评分项 {unknown[0]!r}",
            422,
        )
    checked: dict[str, Decimal] = {}
    for criterion in sheet.criteria:
        if criterion.key not in points:
            return Rejection(
                "missing_criterion",
                f"Criterion {criterion.key!r} has no points",
                f"评分项 {criterion.key!r} 未评分",
                422,
            )
        value = _number(points[criterion.key], criterion.maximum, sheet.places, criterion.key)
        if isinstance(value, Rejection):
            return value
        checked[criterion.key] = value
    return checked


# --- scoring -------------------------------------------------------------------


def _scoring_entry(state: Competition, contestant: Contestant) -> Entry | Rejection:
    """The contestant's entry if scoring is open for them."""
    entry = state.entry_for(contestant.id)
    if entry is not None and entry.scoring_open:
        return entry
    if state.on_stage != contestant.id and (entry is None or not entry.called):
        return Rejection(
            "not_on_stage",
            f"Contestant {contestant.name} ({contestant.id}) has not been called to the stage",
            f"选手 {contestant.name}（{contestant.id}）尚未上场",
            409,
        )
    if entry is not None and entry.closed:
        return Rejection(
            "scoring_closed",
            f"Scoring for {contestant.name} ({contestant.id}) has closed: tell the organisers",
            f"选手 {contestant.name}（{contestant.id}）的评分已结束，请联系工作人员",
            409,
        )
    return Rejection(
        "scoring_closed",
        f"Scoring for {contestant.name} ({contestant.id}) has not opened yet",
        f"选手 {contestant.name}（{contestant.id}）的评分尚未开始",
        409,
    )


def _submit(state: Competition, command: SubmitScore, judge_id: str) -> Decision:
    judge = state.judges.get(judge_id)
    if judge is None:
        return _unknown_judge(judge_id, 403)
    first = state.submissions.get(judge_id, {}).get(command.submission_id)
    if first is not None:
        same = (
            first.contestant == command.contestant
            and first.abstain == command.abstain
            and first.points == command.points
        )
        if same:
            return Rejection(
                "duplicate_submission",
                "This submission was already recorded",
                "该评分已记录",
                200,
                first.seq,
            )
        return Rejection(
            "submission_id_reused",
            f"Submission id {command.submission_id!r} was used for a different sheet",
            f"提交编号 {command.submission_id!r} 已用于另一份评分",
            409,
        )
    contestant = _contestant(state, command.contestant)
    if isinstance(contestant, Rejection):
        return contestant
    entry_or = _scoring_entry(state, contestant)
    if isinstance(entry_or, Rejection):
        return entry_or
    refused = _eligible(state, judge, contestant, entry_or.round)
    if refused is not None:
        return refused
    points = _points(state, command.points, command.abstain)
    if isinstance(points, Rejection):
        return points
    return [
        ScoreSubmitted(
            judge=judge.id,
            contestant=contestant.id,
            points=points,
            submission_id=command.submission_id,
            abstain=command.abstain,
        )
    ]


def _amend(state: Competition, command: AmendScore) -> Decision:
    judge = state.judges.get(command.judge)
    if judge is None:
        return _unknown_judge(command.judge)
    contestant = state.contestants.get(command.contestant)
    if contestant is None:
        return _unknown_contestant(command.contestant)
    entry = state.entry_for(contestant.id)
    if entry is not None and entry.scoring_open:
        return Rejection(
            "scoring_open",
            "Scoring is open: the judge submits again instead",
            "评分进行中，请评委重新提交",
            409,
        )
    if entry is None or not entry.closed:
        return Rejection(
            "not_closed",
            f"Scoring for {contestant.name} ({contestant.id}) has not been closed",
            f"选手 {contestant.name}（{contestant.id}）的评分尚未结束",
            409,
        )
    if state.rounds[entry.round].final:
        return _results_final(state.rounds[entry.round])
    refused = _eligible(state, judge, contestant, entry.round)
    if refused is not None:
        return refused
    points = _points(state, command.points, command.abstain)
    if isinstance(points, Rejection):
        return points
    return [
        ScoreAmended(
            judge=judge.id,
            contestant=contestant.id,
            points=points,
            reason=command.reason,
            abstain=command.abstain,
        )
    ]


# --- paper sheets keyed in by an admin -----------------------------------------


def _pending_paper(state: Competition, contestant: str) -> PaperSheet | None:
    """A paper sheet for ``contestant`` still waiting for a second admin."""
    return next(
        (
            p
            for p in state.paper_sheets.values()
            if p.contestant == contestant and p.status == "pending"
        ),
        None,
    )


def _enter_paper(state: Competition, command: EnterPaperSheet, admin: str) -> Decision:
    known = state.paper_sheets.get(command.sheet)
    if known is not None:
        same = (
            known.entered_by == admin
            and known.judge == command.judge
            and known.contestant == command.contestant
            and known.abstain == command.abstain
            and known.points == command.points
        )
        if same:
            return Rejection(
                "duplicate_submission",
                "This paper sheet was already entered",
                "该纸质评分表已录入",
                200,
                known.seq,
            )
        return Rejection(
            "submission_id_reused",
            f"Paper sheet id {command.sheet!r} was used for a different sheet",
            f"纸质评分表编号 {command.sheet!r} 已用于另一份评分",
            409,
        )
    judge = state.judges.get(command.judge)
    if judge is None:
        return _unknown_judge(command.judge)
    if command.sheet in state.submissions.get(judge.id, {}):
        return Rejection(
            "submission_id_reused",
            f"The id {command.sheet!r} is already one of judge {judge.id!r}'s submissions",
            f"编号 {command.sheet!r} 已是评委 {judge.id!r} 的提交编号",
            409,
        )
    contestant = _contestant(state, command.contestant)
    if isinstance(contestant, Rejection):
        return contestant
    entry = _scoring_entry(state, contestant)
    if isinstance(entry, Rejection):
        if entry.code == "scoring_closed":
            return Rejection(
                "scoring_closed",
                f"Scoring is not open for {contestant.name} ({contestant.id}): once it is closed, "
                "amend the judge's score with a reason instead",
                f"选手 {contestant.name}（{contestant.id}）的评分未开放：评分结束后请填写理由修改评委评分",
                409,
            )
        return entry
    refused = _eligible(state, judge, contestant, entry.round)
    if refused is not None:
        return refused
    waiting = _paper_waiting(state, judge.id, contestant.id)
    if waiting is not None:
        return Rejection(
            "paper_sheet_pending",
            f"The paper sheet {waiting.sheet!r} of judge {judge.name} ({judge.id}) for "
            f"{contestant.name} ({contestant.id}) awaits a second admin: confirm or reject it "
            "first",
            f"评委 {judge.name}（{judge.id}）对选手 {contestant.name}（{contestant.id}）的纸质评分表 "
            f"{waiting.sheet!r} 待另一位管理员确认：请先确认或驳回",
            409,
        )
    points = _points(state, command.points, command.abstain)
    if isinstance(points, Rejection):
        return points
    return [
        PaperSheetEntered(
            sheet=command.sheet,
            judge=judge.id,
            contestant=contestant.id,
            points=points,
            abstain=command.abstain,
        )
    ]


def _waiting_paper(state: Competition, sheet: str) -> PaperSheet | Rejection:
    """The paper sheet ``sheet`` if it still waits for a second admin."""
    paper = state.paper_sheets.get(sheet)
    if paper is None:
        return Rejection(
            "unknown_paper_sheet", f"No paper sheet {sheet!r}", f"没有纸质评分表 {sheet!r}", 404
        )
    if paper.status == "superseded":
        return Rejection(
            "paper_sheet_superseded",
            f"Judge {paper.judge!r} scored contestant {paper.contestant!r} from their own "
            f"phone (seq {paper.settled_seq}) after paper sheet {sheet!r} was entered: "
            "the judge's own sheet counts",
            f"纸质评分表 {sheet!r} 录入后，评委 {paper.judge!r} 已用手机为选手 "
            f"{paper.contestant!r} 评分（序号 {paper.settled_seq}），以评委本人提交为准",
            409,
        )
    if paper.status != "pending":
        return Rejection(
            "paper_sheet_settled",
            f"Paper sheet {sheet!r} was already {paper.status} by {paper.settled_by!r}",
            f"纸质评分表 {sheet!r} 已由 {paper.settled_by!r} "
            + ("确认" if paper.status == "confirmed" else "驳回"),
            409,
        )
    return paper


def _confirm_paper(state: Competition, command: ConfirmPaperSheet, admin: str) -> Decision:
    paper = _waiting_paper(state, command.sheet)
    if isinstance(paper, Rejection):
        return paper
    if paper.entered_by == admin:
        return Rejection(
            "same_admin",
            f"Admin {admin!r} keyed in paper sheet {paper.sheet!r}: a different admin "
            "must confirm it",
            f"纸质评分表 {paper.sheet!r} 由管理员 {admin!r} 录入，须由另一位管理员确认",
            403,
        )
    judge = state.judges.get(paper.judge)
    if judge is None:
        return _unknown_judge(paper.judge)
    contestant = _contestant(state, paper.contestant)
    if isinstance(contestant, Rejection):
        return contestant
    entry = _scoring_entry(state, contestant)
    if isinstance(entry, Rejection):
        return entry
    refused = _eligible(state, judge, contestant, entry.round)
    if refused is not None:
        return refused
    return [
        ScoreSubmitted(
            judge=paper.judge,
            contestant=paper.contestant,
            points=paper.points,
            submission_id=paper.sheet,
            abstain=paper.abstain,
            on_behalf=paper.entered_by,
        )
    ]


def _reject_paper(state: Competition, command: RejectPaperSheet) -> Decision:
    paper = _waiting_paper(state, command.sheet)
    if isinstance(paper, Rejection):
        return paper
    return [PaperSheetRejected(sheet=paper.sheet, reason=command.reason)]


# --- the run of show -----------------------------------------------------------


def _already_revealed(contestant: Contestant) -> Rejection:
    return Rejection(
        "already_revealed",
        f"The result of {contestant.name} ({contestant.id}) is already revealed; nothing to "
        "do (to correct it, amend a judge's score with a reason)",
        f"选手 {contestant.name}（{contestant.id}）的成绩已公布，无需再操作"
        "（如需更正，请填写理由修改评委评分）",
        409,
    )


def _still_incomplete(contestant: Contestant) -> Rejection:
    return Rejection(
        "already_revealed",
        f"The result of {contestant.name} ({contestant.id}) was revealed incomplete and is "
        "still incomplete: record the missing prior score, then reveal it again",
        f"选手 {contestant.name}（{contestant.id}）的成绩已公布，但仍不完整："
        "请先录入所缺的前期成绩，再重新揭晓",
        409,
    )


def _call(state: Competition, command: CallContestant) -> Decision:
    contestant = _contestant(state, command.contestant)
    if isinstance(contestant, Rejection):
        return contestant
    current = state.round()
    if (
        state.current_round is not None
        and current is not None
        and contestant.id not in current.members
    ):
        return Rejection(
            "not_in_round",
            f"Contestant {contestant.name} ({contestant.id}) is not in {_en(current)}",
            f"选手 {contestant.name}（{contestant.id}）不在本轮（{_zh(current)}）",
            409,
        )
    entry = current.entries.get(contestant.id) if current is not None else None
    if state.on_stage == contestant.id and (
        not command.open_scoring or (entry is not None and entry.scoring_open)
    ):
        return Rejection(
            "already_on_stage",
            f"Contestant {contestant.name} ({contestant.id}) is already on stage",
            f"选手 {contestant.name}（{contestant.id}）已在台上",
            409,
        )
    events: list[AnyEvent] = [ContestantCalled(contestant=contestant.id)]
    if command.open_scoring:
        if entry is not None and entry.revealed is not None:
            return _already_revealed(contestant)
        if current is not None and current.final:
            return _results_final(current)
        if entry is None or not entry.scoring_open:
            events.append(ScoringOpened(contestant=contestant.id))
    return events


def _open(state: Competition, contestant_id: str) -> Decision:
    contestant = _contestant(state, contestant_id)
    if isinstance(contestant, Rejection):
        return contestant
    if state.on_stage != contestant.id:
        return Rejection(
            "not_on_stage",
            f"Contestant {contestant.name} ({contestant.id}) is not on stage",
            f"选手 {contestant.name}（{contestant.id}）不在台上",
            409,
        )
    entry = state.entry_for(contestant.id)
    if entry is not None and entry.revealed is not None:
        return _already_revealed(contestant)
    if entry is not None and state.rounds[entry.round].final:
        return _results_final(state.rounds[entry.round])
    if entry is not None and entry.scoring_open:
        return Rejection(
            "already_open",
            f"Scoring is already open for {contestant.name} ({contestant.id})",
            f"选手 {contestant.name}（{contestant.id}）的评分已开放",
            409,
        )
    return [ScoringOpened(contestant=contestant.id)]


def _close(state: Competition, contestant_id: str) -> Decision:
    contestant = state.contestants.get(contestant_id)
    if contestant is None:
        return _unknown_contestant(contestant_id)
    who, who_zh = f"{contestant.name} ({contestant.id})", f"{contestant.name}（{contestant.id}）"
    entry = state.entry_for(contestant_id)
    if entry is None or not entry.scoring_open:
        return Rejection(
            "not_open",
            f"Scoring is not open for {who}",
            f"选手 {who_zh} 的评分未开放",
            409,
        )
    if (waiting := _pending_paper(state, contestant_id)) is not None:
        judge = state.judges.get(waiting.judge)
        by = f"{judge.name} ({judge.id})" if judge else waiting.judge
        by_zh = f"{judge.name}（{judge.id}）" if judge else waiting.judge
        return Rejection(
            "paper_sheet_pending",
            f"Judge {by}'s paper sheet for {who} awaits a second admin: confirm or reject it first",
            f"评委 {by_zh} 对选手 {who_zh} 的纸质评分表待另一位管理员确认：请先确认或驳回",
            409,
        )
    if not entry.marks:
        return Rejection(
            "no_scores",
            f"No judge has scored {who} yet: wait for the scores, or withdraw the contestant",
            f"尚无评委给选手 {who_zh} 评分：请等待评分，或将该选手退赛",
            409,
        )
    return [ScoringClosed(contestant=contestant_id)]


def _reveal(state: Competition, contestant_id: str) -> Decision:
    contestant = state.contestants.get(contestant_id)
    if contestant is None:
        return _unknown_contestant(contestant_id)
    entry = state.entry_for(contestant_id)
    # revealed incomplete, it is revealed again once complete: the hall sees the final
    if entry is not None and entry.revealed is not None and not entry.revealed_incomplete:
        return _already_revealed(contestant)
    if entry is None or entry.scoring_open or not entry.closed:
        return Rejection(
            "not_closed",
            f"Close scoring for {contestant.name} ({contestant.id}) first, then reveal the result",
            f"请先结束选手 {contestant.name}（{contestant.id}）的评分，再公布成绩",
            409,
        )
    round_ = state.rounds[entry.round]
    table = standings(state, round_)
    result = table.results.get(contestant_id)
    if result is None:
        return _unknown_contestant(contestant_id)
    if entry.revealed is not None and result.final is None:
        return _still_incomplete(contestant)
    # ranked among the results the hall has seen: not one revealed incomplete and
    # completed since, until it is revealed again (docs/rules.md §12)
    shown = [
        table.results[c]
        for c in dict.fromkeys((*round_.reveals, contestant_id))
        if c in table.results and (c == contestant_id or not round_.entries[c].revealed_incomplete)
    ]
    overall, _ = rank_fields(state, shown)
    return [
        ResultRevealed(
            contestant=contestant_id,
            aggregate=result.aggregate,
            final=result.final,
            rank=dict(overall).get(contestant_id),
        )
    ]


# --- people ----------------------------------------------------------------------


def _final_with_mark(
    state: Competition, judge: str, contestant: str | None, rounds: list[Round]
) -> Round | None:
    """One of ``rounds``, final, holding a mark of ``judge`` (for
    ``contestant``, or any): recusing the judge there would strike it from
    results that may not change."""
    for round_ in rounds:
        if round_.final and any(
            judge in entry.marks
            for c, entry in round_.entries.items()
            if contestant is None or c == contestant
        ):
            return round_
    return None


def _recuse(state: Competition, command: RecuseJudge) -> Decision:
    judge = state.judges.get(command.judge)
    if judge is None:
        return _unknown_judge(command.judge)
    if command.contestant is not None and command.contestant not in state.contestants:
        return _unknown_contestant(command.contestant)
    if command.round is not None and command.round not in state.rounds:
        return _unknown_round(command.round)
    rounds = list(state.rounds.values())
    ids = [r.id for r in rounds]
    # from its round on (docs/rules.md §4): the rounds before it keep the judge's marks
    counting = rounds[ids.index(command.round) :] if command.round is not None else rounds
    if command.keep_marks:
        last = next((r for r in reversed(counting) if _has_given(state, judge.id, r)), None)
        if last is not None:
            return _leave(state, judge, command, last, rounds[ids.index(last.id) + 1 :])
    final = _final_with_mark(state, judge.id, command.contestant, counting)
    if final is not None:
        return _results_final(final)
    # standing aside from a round on holds from every later one: already so there?
    first = command.round if command.round is not None else next(iter(ids), None)
    in_force = state.recusal_in_force(judge, command.contestant, first)
    if in_force is not None:
        return _already_recused(state, judge, *in_force)
    return [
        JudgeRecused(
            judge=judge.id,
            reason=command.reason,
            contestant=command.contestant,
            round=command.round,
        )
    ]


def _register_judge(state: Competition, command: RegisterJudge) -> Decision:
    """A judge added during the show, on a panel already assigned; their
    organisation written as every other one is (``projections.spelling``)."""
    if command.judge in state.judges:
        known = state.judges[command.judge]
        return Rejection(
            "judge_exists",
            f"There is a judge {command.judge!r} already ({known.name})",
            f"已有评委 {command.judge!r}（{known.name}）",
            409,
        )
    if len(state.judges) >= MAX_JUDGES:
        return Rejection(
            "too_many_judges",
            f"A competition has at most {MAX_JUDGES} judges",
            f"一场赛事最多 {MAX_JUDGES} 位评委",
            409,
        )
    if command.panel not in state.panels:
        panels = ", ".join(f'"{p}"' for p in state.panels)
        return Rejection(
            "unknown_panel",
            f"No panel {command.panel!r} (the panels: {panels})",
            f"没有评委组 {command.panel!r}（现有评委组：{panels.replace(', ', '、')}）",
            404,
        )
    organisations = [j.organisation for j in state.judges.values()]
    organisations += [c.organisation for c in state.contestants.values()]
    for other in organisations:
        if written_apart(command.organisation, other):
            return Rejection(
                "organisation_spelling",
                f'The organisation "{visible(command.organisation)}" differs from'
                f' "{visible(other)}" only by spaces or characters one cannot see: write it'
                " alike if it is that organisation (a judge never scores their own)",
                f"单位“{visible(command.organisation)}”与“{visible(other)}”仅差空格或不可见字符："
                "如为同一单位请写成一样（评委不为本单位选手评分）",
                422,
            )
    return [
        JudgeRegistered(
            judge=command.judge,
            name=command.name,
            organisation=command.organisation,
            panel=command.panel,
            shadow=command.shadow,
        )
    ]


def _paper_waiting(state: Competition, judge: str, contestant: str) -> PaperSheet | None:
    """``judge``'s paper sheet for ``contestant`` keyed in and not yet confirmed."""
    return next(
        (
            p
            for p in state.paper_sheets.values()
            if p.status == "pending" and p.judge == judge and p.contestant == contestant
        ),
        None,
    )


def _has_given(state: Competition, judge: str, round_: Round) -> bool:
    """Whether ``judge`` has given a mark in ``round_``, on a phone or on paper."""
    return any(judge in entry.marks for entry in round_.entries.values()) or any(
        paper.judge == judge and paper.status == "pending" and paper.contestant in round_.members
        for paper in state.paper_sheets.values()
    )


def _leave(
    state: Competition, judge: Judge, command: RecuseJudge, last: Round, later: list[Round]
) -> Decision:
    """A judge who leaves (``keep_marks``), having given marks in round
    ``last`` and none after: they stand aside for each contestant of that
    round they would score and have not (a mark on paper still waiting
    counts as given), and for everyone (or the one named) from the next
    round on. A recusal for everyone from ``last`` on would strike the marks
    already given, results revealed included."""
    events: list[AnyEvent] = []
    if not last.final:
        for contestant_id in last.members:
            contestant = state.contestants[contestant_id]
            entry = last.entries.get(contestant_id)
            if (
                (command.contestant is None or contestant_id == command.contestant)
                and not contestant.out
                and state.judge_expected(judge, contestant, last.id)
                and (entry is None or judge.id not in entry.marks)
                and _paper_waiting(state, judge.id, contestant_id) is None
            ):
                events.append(
                    JudgeRecused(
                        judge=judge.id,
                        reason=command.reason,
                        contestant=contestant_id,
                        round=last.id,
                    )
                )
    if later and state.recusal_in_force(judge, command.contestant, later[0].id) is None:
        events.append(
            JudgeRecused(
                judge=judge.id,
                reason=command.reason,
                contestant=command.contestant,
                round=later[0].id,
            )
        )
    if not events:
        return Rejection(
            "nothing_to_recuse",
            f"Judge {judge.name} ({judge.id}) has given every mark they would give"
            f" in {_en(last)}, and no later round is named: their marks stand,"
            " and there is nobody left to stand aside from",
            f"评委 {judge.name}（{judge.id}）在{_zh(last)}应评的选手均已评分，且没有后续轮次："
            "已给的评分不变，无需回避",
            409,
        )
    return events


def _already_recused(
    state: Competition, judge: Judge, contestant: str | None, from_round: str | None
) -> Rejection:
    """Refused: the recusal in force, for whom and from which round on (the
    console recuses from the round under way on; the one in force may be earlier)."""
    who_en = who_zh = ""
    if contestant is not None:
        person = state.contestants.get(contestant)
        name = person.name if person is not None else contestant
        who_en = f" for contestant {name} ({contestant})"
        who_zh = f"选手 {name}（{contestant}）"
    round_ = state.rounds.get(from_round) if from_round is not None else None
    if round_ is None:  # a recusal naming no round (older logs): every round
        return Rejection(
            "already_recused",
            f"Judge {judge.name} ({judge.id}) is already recused{who_en} in every round",
            f"评委 {judge.name}（{judge.id}）已在所有轮次回避{who_zh}",
            409,
        )
    return Rejection(
        "already_recused",
        f"Judge {judge.name} ({judge.id}) is already recused{who_en} from {_en(round_)} on",
        f"评委 {judge.name}（{judge.id}）已自{_zh(round_)}起回避{who_zh}",
        409,
    )


def _remove(state: Competition, command: WithdrawContestant | DisqualifyContestant) -> Decision:
    contestant = _contestant(state, command.contestant)
    if isinstance(contestant, Rejection):
        return contestant
    rounds = [r for r in state.rounds.values() if contestant.id in r.members]
    if rounds and all(r.final for r in rounds):  # a later round's results are theirs to leave
        return _results_final(rounds[-1])
    if isinstance(command, WithdrawContestant):
        return [ContestantWithdrawn(contestant=contestant.id, reason=command.reason)]
    return [ContestantDisqualified(contestant=contestant.id, reason=command.reason)]


def _prior(state: Competition, command: RecordPriorScore) -> Decision:
    if command.contestant not in state.contestants:
        return _unknown_contestant(command.contestant)
    if command.source == "live":
        return Rejection(
            "invalid_source",
            "The source 'live' is the judges' aggregate, not a prior score",
            "来源 'live' 指现场评分，不能作为前期成绩",
            422,
        )
    component = next((c for c in state.rules.composite if c.source == command.source), None)
    label = component.label.pick("en") if component is not None else ""
    what = f"{label} ({command.source})" if label else command.source
    # on the live score's scale, as the competition file's prior (a typo of 935 for
    # 93.5 would otherwise weigh in at ten times the rest)
    scale = sheet_maximum(state) if state.scoresheet.criteria else PRIOR_MAXIMUM
    value = _number(command.value, Decimal(f"{scale.normalize():f}"), PRIOR_PLACES, what)
    if isinstance(value, Rejection):
        return value
    if command.round is not None and command.round not in state.rounds:
        return _unknown_round(command.round)
    if any(c.source == command.source for c in state.rules.composite):
        final = next(
            (
                r
                for r in _rounds_counting(state, command)
                if r.final and command.contestant in r.members
            ),
            None,
        )
        if final is not None:
            return _results_final(final)
    return [
        PriorScoreRecorded(
            contestant=command.contestant, source=command.source, value=value, round=command.round
        )
    ]


def _rounds_counting(state: Competition, command: RecordPriorScore) -> list[Round]:
    """The rounds a prior score would count in: from its round (the first, if
    none) up to the next that has one of its own (``Competition.prior``)."""
    recorded = state.priors.get(command.contestant, {}).get(command.source, {})
    rounds = list(state.rounds.values())
    begin = 0 if command.round is None else [r.id for r in rounds].index(command.round)
    counting = []
    for round_ in rounds[begin:]:
        if round_.id != command.round and round_.id in recorded:
            break
        counting.append(round_)
    return counting


# --- rounds ----------------------------------------------------------------------


def _draw(state: Competition, command: DrawOrder) -> Decision:
    round_ = state.rounds.get(command.round)
    if round_ is None:
        return _unknown_round(command.round)
    if round_.order:
        return Rejection(
            "already_drawn",
            f"The running order of {_en(round_)} is already drawn",
            f"{_zh(round_)}的出场顺序已抽定",
            409,
        )
    if round_.entries:
        return Rejection(
            "show_started",
            f"Contestants of {_en(round_)} have already been called: the running order "
            "can no longer be drawn",
            f"{_zh(round_)}已有选手上场，不能再抽签排序",
            409,
        )
    members = [c for c in round_.members if c in state.contestants and not state.contestants[c].out]
    if not members:
        return Rejection(
            "empty_round",
            f"There are no contestants in {_en(round_)}",
            f"{_zh(round_)}没有选手",
            409,
        )
    if not command.by_group:
        return [
            RunningOrderDrawn(
                round=round_.id, seed=command.seed, order=draw_order(command.seed, members)
            )
        ]
    placed = [(c, state.contestants[c].group) for c in members]
    groups = [g for g in state.groups if any(group == g for _, group in placed)]
    groups += sorted({group for _, group in placed} - set(groups))
    return [
        RunningOrderDrawn(
            round=round_.id,
            seed=command.seed,
            order=draw_by_group(command.seed, placed, groups),
            method="sha256-fisher-yates-by-group",
        )
    ]


def _unfinished(state: Competition, round_: Round) -> Rejection | None:
    """A rejection if a contestant still competing has not been scored and closed."""
    for contestant_id in round_.members:
        contestant = state.contestants.get(contestant_id)
        entry = round_.entries.get(contestant_id)
        if contestant is not None and not contestant.out and (entry is None or not entry.closed):
            return Rejection(
                "round_incomplete",
                f"Contestant {contestant.name} ({contestant_id}) has not been scored in {_en(round_)}",
                f"选手 {contestant.name}（{contestant_id}）在{_zh(round_)}中尚未完成评分",
                409,
            )
    return None


def _publish(state: Competition, command: PublishAwards) -> Decision:
    round_ = state.rounds.get(command.round)
    if round_ is None:
        return _unknown_round(command.round)
    if round_.final and not command.final:
        return _results_final(round_)
    if not round_.opened:
        return Rejection(
            "round_not_opened",
            f"Nobody has competed in {_en(round_)} yet: advance contestants to it first",
            f"{_zh(round_)}尚未开始，还没有选手参赛：请先让选手晋级到该轮",
            409,
        )
    if not any(c in state.contestants for c in round_.members):
        return Rejection(
            "empty_round",
            f"There are no contestants in {_en(round_)}",
            f"{_zh(round_)}没有选手",
            409,
        )
    if (unfinished := _unfinished(state, round_)) is not None:
        return unfinished
    table = standings(state, round_)
    given: list[AwardGiven] = []
    for tier in state.rules.awards:
        fields = [table.overall] if tier.scope == "overall" else list(table.groups.values())
        for field in fields:
            given.extend(
                AwardGiven(
                    contestant=ident,
                    award=tier.key,
                    rank=rank,
                    final=final,
                )
                for ident, rank in field
                if table.awards.get(ident) is tier
                and (final := table.results[ident].final) is not None
            )
    published: list[AnyEvent] = [
        AwardsPublished(round=round_.id, awards=tuple(given), final=command.final)
    ]
    if command.by_steps and round_.awards_step is None:
        published.append(AwardsStepShown(round=round_.id, step=0))
    return published


def _results_final(round_: Round) -> Rejection:
    return Rejection(
        "results_final",
        f"The results of {_en(round_)} are final: nothing may change them",
        f"{_zh(round_)}的成绩已确定为最终成绩，不能再更改",
        409,
    )


def _en(round_: Round) -> str:
    """The round as an English refusal names it: by its name, else its id."""
    name = round_.name.pick("en")
    return f"the round “{name}”" if name else f"round {round_.id!r}"


def _zh(round_: Round) -> str:
    """The round as a Chinese refusal names it: by its name, else its id."""
    name = round_.name.pick("zh-CN")
    return f"“{name}”" if name else f"轮次 {round_.id!r} "


def _finalise(state: Competition, command: FinaliseResults) -> Decision:
    round_ = state.rounds.get(command.round)
    if round_ is None:
        return _unknown_round(command.round)
    if round_.final:
        return _results_final(round_)
    if round_.awards is None:
        return Rejection(
            "awards_not_published",
            f"Publish the awards of {_en(round_)} first, then finalise",
            f"请先公布{_zh(round_)}的奖项，再确定最终成绩",
            409,
        )
    if (unfinished := _unfinished(state, round_)) is not None:
        return unfinished
    published = _publish(state, PublishAwards(round=round_.id))
    if isinstance(published, Rejection):
        return published
    assert isinstance(published[0], AwardsPublished)
    if published[0].awards != round_.awards.awards:
        return Rejection(
            "awards_outdated",
            f"The results of {_en(round_)} changed since its awards were published: "
            "publish the awards again, then finalise",
            f"{_zh(round_)}的成绩在公布奖项后有变动：请重新公布奖项后再确定最终成绩",
            409,
        )
    return [ResultsFinalised(round=round_.id)]


def _awards_step(state: Competition, command: ShowAwardsStep) -> Decision:
    round_ = state.rounds.get(command.round)
    if round_ is None:
        return _unknown_round(command.round)
    if round_.awards is None:
        return Rejection(
            "awards_not_published",
            f"The awards of {_en(round_)} are not published yet: publish them first",
            f"{_zh(round_)}的奖项尚未公布，请先公布奖项",
            409,
        )
    tiers = round_.award_tiers(state.rules)
    if command.step > tiers:
        return Rejection(
            "no_such_step",
            f"There are {tiers} awards to show in {_en(round_)}; step {command.step} is past them",
            f"{_zh(round_)}只有 {tiers} 个奖项，没有第 {command.step} 步",
            409,
        )
    return [AwardsStepShown(round=round_.id, step=command.step)]


def _advance(state: Competition, command: AdvanceRound) -> Decision:
    round_ = state.rounds.get(command.from_round)
    if round_ is None:
        return _unknown_round(command.from_round)
    rule = state.rules.advancement
    if rule is None:
        return Rejection(
            "no_advancement",
            "The rules name no advancement",
            "规则未设置晋级办法",
            409,
        )
    target = state.rounds.get(command.to_round)
    if command.to_round == round_.id or (target is not None and target.opened):
        return Rejection(
            "round_exists",
            f"Cannot open {_en(target or round_)} again: it was already opened",
            f"{_zh(target or round_)}已开始过",
            409,
        )
    if (unfinished := _unfinished(state, round_)) is not None:
        return unfinished
    table = standings(state, round_)
    fields = [table.overall] if rule.scope == "overall" else list(table.groups.values())
    chosen = tuple(
        rules.advancing(
            rule.count,
            fields,
            lambda c: (tier := table.awards.get(c)) is not None and tier.eliminates,
        )
    )
    events: list[AnyEvent] = []
    if state.current_round is not None:
        events.append(RoundClosed(round=state.current_round))
    events.append(
        ContestantsAdvanced(from_round=round_.id, to_round=command.to_round, contestants=chosen)
    )
    events.append(RoundOpened(round=command.to_round, name=command.name, contestants=chosen))
    return events
