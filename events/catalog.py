"""Every event type of a competition's log.

Each event is a frozen ``msgspec.Struct`` naming one fact that happened. The
envelope (``events.envelope``) carries the event's ``type`` and ``v``
(version) beside its ``data``; ``TYPE`` and ``VERSION`` below give them.

Evolution rule (see docs/log-format.md): an event type only grows. A new field
gets a default; a field's type never changes; a change that cannot be made
that way is a new ``VERSION`` whose old shape is upcast when read
(``events.codec``). Points and weights are ``Decimal`` and are written as
strings in fixed-point notation, never as JSON numbers.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, ClassVar, Literal

import msgspec
from msgspec import Meta

Id = Annotated[str, Meta(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$", max_length=64)]
"""Identifier of a contestant, judge, group, panel, round, source or award tier."""

CriterionKey = Annotated[str, Meta(pattern=r"^[a-z][a-z0-9_]{0,31}$")]
"""Key of one criterion of the scoresheet; ASCII so canonical key order is plain."""

Name = Annotated[str, Meta(min_length=1, max_length=200)]
Reason = Annotated[str, Meta(min_length=1, max_length=1000)]
SubmissionId = Annotated[
    str, Meta(pattern=r"^[A-Za-z0-9_-]{8,64}$"), Meta(extra={"remember": False})
]
"""Chosen by a judge's device for each sheet: new in every event, so the
decoder of stored events checks it without remembering it (``events.decoding``)."""
Language = Literal["zh-CN", "en"]
Rounding = Literal["half_up", "half_even"]
Decimals = Annotated[int, Meta(ge=0, le=4)]


class Value(msgspec.Struct, frozen=True, forbid_unknown_fields=True, omit_defaults=True, gc=False):
    """Base of the values inside events. Members equal to their default are
    not written, so adding a member with a default leaves the canonical
    bytes of every existing event unchanged. Values and events are left out
    of the cyclic GC (``gc=False``): they hold only values, never anything
    that refers back to them, and a replay makes millions of them."""


class Label(Value, frozen=True, rename={"zh_cn": "zh-CN"}):
    """A text shown to people, in Chinese and in English (either may be empty)."""

    zh_cn: str = ""
    en: str = ""

    def pick(self, language: str) -> str:
        """The text in ``language``, falling back to the other one."""
        if language == "en":
            return self.en or self.zh_cn
        return self.zh_cn or self.en


class Event(msgspec.Struct, frozen=True, forbid_unknown_fields=True, omit_defaults=True, gc=False):
    """Base of every event; ``TYPE`` and ``VERSION`` name it in the envelope.
    As with ``Value``, members equal to their default are not written."""

    TYPE: ClassVar[str]
    VERSION: ClassVar[int] = 1


# --- the competition -------------------------------------------------------


class RoundPlan(Value, frozen=True):
    """One round the competition is planned to have."""

    round: Id
    name: Label


class CompetitionCreated(Event, frozen=True):
    """The first event of every stream: what the competition is called and how
    it writes numbers. ``decimals`` and ``rounding`` govern every published
    score; ``languages`` lists the languages of its pages and exports, the
    first being the default. ``rounds`` lists the planned rounds in order: the
    first is opened by ``RoundOpened`` at once, each later one when
    contestants advance into it (empty: rounds are opened as they come)."""

    TYPE: ClassVar[str] = "competition_created"
    title: Label
    languages: tuple[Language, ...] = ("zh-CN", "en")
    decimals: Decimals = 2
    rounding: Rounding = "half_up"
    rounds: tuple[RoundPlan, ...] = ()


class SettingsChanged(Event, frozen=True):
    """A change to the competition's settings; a field left ``None`` keeps its value."""

    TYPE: ClassVar[str] = "settings_changed"
    title: Label | None = None
    languages: tuple[Language, ...] | None = None
    decimals: Decimals | None = None
    rounding: Rounding | None = None


class RoundOpened(Event, frozen=True):
    """A round begins. ``contestants`` lists who takes part when the round is
    entered by advancement; empty means every contestant registered to it."""

    TYPE: ClassVar[str] = "round_opened"
    round: Id
    name: Label
    contestants: tuple[Id, ...] = ()


class RoundClosed(Event, frozen=True):
    """A round ends; its results stay queryable."""

    TYPE: ClassVar[str] = "round_closed"
    round: Id


class GroupDefined(Event, frozen=True):
    """A group (section, track) that contestants are split into."""

    TYPE: ClassVar[str] = "group_defined"
    group: Id
    name: Label


# --- people ----------------------------------------------------------------


class ContestantRegistered(Event, frozen=True):
    """A contestant (person, team, branch, unit) from an organisation joins a
    group, in the round it first competes in."""

    TYPE: ClassVar[str] = "contestant_registered"
    contestant: Id
    name: Name
    organisation: Name
    group: Id
    round: Id


class ContestantWithdrawn(Event, frozen=True):
    """The contestant withdrew: listed, but no longer ranked."""

    TYPE: ClassVar[str] = "contestant_withdrawn"
    contestant: Id
    reason: Reason


class ContestantDisqualified(Event, frozen=True):
    """The contestant was disqualified: listed, but no longer ranked."""

    TYPE: ClassVar[str] = "contestant_disqualified"
    contestant: Id
    reason: Reason


class JudgeRegistered(Event, frozen=True):
    """A judge joins a panel. A ``shadow`` judge (a trainee) scores, and the
    marks are kept for the audit, but never counted. Tokens are never here:
    credentials live outside the log."""

    TYPE: ClassVar[str] = "judge_registered"
    judge: Id
    name: Name
    organisation: Name
    panel: Id
    shadow: bool = False


class JudgeRecused(Event, frozen=True):
    """A judge stands aside, for one contestant or (``contestant`` None) for
    all. Recusal for a contestant of the judge's own organisation is implied
    by the rules and needs no event; this one records an admin's decision."""

    TYPE: ClassVar[str] = "judge_recused"
    judge: Id
    reason: Reason
    contestant: Id | None = None
    round: Id | None = None
    """The first round the judge stands aside in, and every later one (a
    conflict, or a departure, does not end with the round); None: every
    round, as in every log before rounds could be named."""


class PanelAssigned(Event, frozen=True):
    """The panel scores these groups (cross-scoring); replaces the panel's
    earlier assignment."""

    TYPE: ClassVar[str] = "panel_assigned"
    panel: Id
    groups: tuple[Id, ...]


# --- how scores are given and combined -------------------------------------


class Criterion(Value, frozen=True):
    """One line of the scoresheet: points from ``0`` to ``maximum``; the
    judge's total is the sum of ``weight × points`` over all criteria."""

    key: CriterionKey
    label: Label
    maximum: Decimal
    weight: Decimal = Decimal(1)


class ScoresheetDefined(Event, frozen=True):
    """The criteria each judge scores. One criterion makes a single-score
    sheet (e.g. 0-100). ``places`` is how many decimals a judge may enter."""

    TYPE: ClassVar[str] = "scoresheet_defined"
    criteria: tuple[Criterion, ...]
    places: Decimals = 1


Aggregation = Literal["mean", "trimmed_mean", "median", "closest_pair"]
TieBreakKind = Literal["live", "component", "untrimmed_mean", "spread", "shared"]
AwardScope = Literal["group", "overall"]


class Component(Value, frozen=True):
    """One term of the composite: ``weight × score from source``. The source
    ``live`` is the judges' aggregate on the day; any other source names prior
    scores recorded with ``PriorScoreRecorded`` (expert review, self-assessment)."""

    source: Id
    weight: Decimal
    label: Label = Label()


class TieBreak(Value, frozen=True):
    """One step of the tie-break chain, tried in order after the rounded
    final: ``live`` (higher live aggregate), ``component`` (higher score from
    ``source``), ``untrimmed_mean`` (higher mean of all counted totals),
    ``spread`` (smaller max − min of the totals) or ``shared`` (stop: the
    contestants share the rank)."""

    kind: TieBreakKind
    source: Id | None = None


class AwardTier(Value, frozen=True):
    """One award, given in list order to the contestants not yet awarded:
    by rank (``count`` places) or by share (``share`` of the ranked field,
    count = half-up of share × size), within each group or overall.
    ``from_bottom`` takes the worst ranks instead (elimination). Contestants
    tied at the cut all take the better tier."""

    key: Id
    name: Label
    by: Literal["rank", "share"]
    count: int | None = None
    share: Decimal | None = None
    scope: AwardScope = "overall"
    from_bottom: bool = False
    eliminates: bool = False


class Advancement(Value, frozen=True):
    """The best ``count`` of each group (or overall) go on to the next round."""

    count: int
    scope: AwardScope = "group"


class RulesSet(Event, frozen=True):
    """How the judges' totals become a result and a result becomes a rank and
    an award. ``trim`` is k for ``trimmed_mean`` (drop k highest and k lowest);
    ``quorum`` is the least number of counted scores for a result; with
    ``normalise`` each judge's totals are turned into z-scores over the
    contestants that judge scored and rescaled to the sheet's range.
    ``compose_from`` says what the composite weighs: each component
    ``exact`` (one rounding, of the final) or ``rounded`` to the competition's
    decimals first, as a results table prints them, so that the table adds up."""

    TYPE: ClassVar[str] = "rules_set"
    aggregation: Aggregation = "trimmed_mean"
    trim: Annotated[int, Meta(ge=0, le=10)] = 1
    quorum: Annotated[int, Meta(ge=1, le=1000)] = 1
    normalise: bool = False
    composite: tuple[Component, ...] = (Component(source="live", weight=Decimal(1)),)
    compose_from: Literal["exact", "rounded"] = "exact"
    tie_breaks: tuple[TieBreak, ...] = (TieBreak(kind="shared"),)
    awards: tuple[AwardTier, ...] = ()
    advancement: Advancement | None = None


class PriorScoreRecorded(Event, frozen=True):
    """A score the contestant earned before the stage (expert review,
    self-assessment …), entered as one component of the composite. Its weight
    is the composite weight of ``source`` in the rules."""

    TYPE: ClassVar[str] = "prior_score_recorded"
    contestant: Id
    source: Id
    value: Decimal
    round: Id | None = None
    """The first round it counts in, and every later one until another is
    recorded for a later round (a new review for the final); None: from the
    first round on, as the competition file's ``prior``."""


# --- the run of show -------------------------------------------------------


class RunningOrderDrawn(Event, frozen=True):
    """The order contestants take the stage in a round. ``order`` is what
    ``method`` gives for ``seed``, so anyone can reproduce the draw."""

    TYPE: ClassVar[str] = "running_order_drawn"
    round: Id
    seed: Annotated[str, Meta(min_length=1, max_length=128)]
    order: tuple[Id, ...]
    method: Literal["sha256-fisher-yates", "sha256-fisher-yates-by-group"] = "sha256-fisher-yates"


class ContestantCalled(Event, frozen=True):
    """The contestant is now on stage."""

    TYPE: ClassVar[str] = "contestant_called"
    contestant: Id


class ScoringOpened(Event, frozen=True):
    """The expected judges may now score this contestant."""

    TYPE: ClassVar[str] = "scoring_opened"
    contestant: Id


class ScoreSubmitted(Event, frozen=True):
    """A judge's scoresheet for a contestant. While scoring is open a later
    submission by the same judge replaces the earlier one. ``abstain`` means
    the judge declines to score (counted as no score). ``submission_id`` is
    chosen by the judge's device and makes retries idempotent. ``on_behalf``
    names the admin who keyed in a paper sheet (``PaperSheetEntered``): such a
    sheet is written here only when a second admin, the envelope's actor,
    confirms it, with the paper sheet's ``sheet`` as its ``submission_id``."""

    TYPE: ClassVar[str] = "score_submitted"
    judge: Id
    contestant: Id
    points: dict[CriterionKey, Decimal]
    submission_id: SubmissionId
    abstain: bool = False
    on_behalf: Id | None = None


class PaperSheetEntered(Event, frozen=True):
    """An admin (the envelope's actor) keyed in a judge's paper sheet, when the
    judge's phone failed. It does not count: it waits until a different admin
    confirms it (a ``ScoreSubmitted`` with ``on_behalf`` and this ``sheet`` as
    its ``submission_id``) or rejects it (``PaperSheetRejected``). A later
    sheet from the judge's own phone supersedes it."""

    TYPE: ClassVar[str] = "paper_sheet_entered"
    sheet: SubmissionId
    judge: Id
    contestant: Id
    points: dict[CriterionKey, Decimal]
    abstain: bool = False


class PaperSheetRejected(Event, frozen=True):
    """An admin (the envelope's actor) refused a keyed-in paper sheet: it never counts."""

    TYPE: ClassVar[str] = "paper_sheet_rejected"
    sheet: SubmissionId
    reason: Reason


class ScoreAmended(Event, frozen=True):
    """An admin changed a judge's score, with a reason; the earlier score
    stays in the log and in the audit."""

    TYPE: ClassVar[str] = "score_amended"
    judge: Id
    contestant: Id
    points: dict[CriterionKey, Decimal]
    reason: Reason
    abstain: bool = False


class ScoringClosed(Event, frozen=True):
    """No more scores for this contestant, except an admin's amendment."""

    TYPE: ClassVar[str] = "scoring_closed"
    contestant: Id


class ResultRevealed(Event, frozen=True):
    """The contestant's result is shown to the hall. The figures are the ones
    computed at that moment, written down so an auditor can check that what
    was shown is what the log gives (``None``: withheld below quorum or
    incomplete)."""

    TYPE: ClassVar[str] = "result_revealed"
    contestant: Id
    aggregate: Decimal | None = None
    final: Decimal | None = None
    rank: int | None = None


class AwardGiven(Value, frozen=True):
    """One line of a published award list."""

    contestant: Id
    award: Id
    rank: int
    final: Decimal


class AwardsPublished(Event, frozen=True):
    """The awards of a round, as computed when published; ``final`` marks the
    results as no longer provisional. Since ``ResultsFinalised`` exists, the
    organiser publishes with ``final`` false and finalises as a step of its
    own; logs written before still read as final when published."""

    TYPE: ClassVar[str] = "awards_published"
    round: Id
    awards: tuple[AwardGiven, ...]
    final: bool = True


class AwardsStepShown(Event, frozen=True):
    """The organiser stepped the screens' awards presentation of a round: the
    lowest ``step`` awards of its published list are shown, from the bottom up
    (0: none yet). A presentation, not a result: it changes no score or rank."""

    TYPE: ClassVar[str] = "awards_step_shown"
    round: Id
    step: Annotated[int, Meta(ge=0, le=1000)]


class ResultsFinalised(Event, frozen=True):
    """The organiser declared the round's results and published awards final:
    no longer provisional, and no more amendments."""

    TYPE: ClassVar[str] = "results_finalised"
    round: Id


class ContestantsAdvanced(Event, frozen=True):
    """These contestants go on from one round to the next."""

    TYPE: ClassVar[str] = "contestants_advanced"
    from_round: Id
    to_round: Id
    contestants: tuple[Id, ...]


AnyEvent = (
    CompetitionCreated
    | SettingsChanged
    | RoundOpened
    | RoundClosed
    | GroupDefined
    | ContestantRegistered
    | ContestantWithdrawn
    | ContestantDisqualified
    | JudgeRegistered
    | JudgeRecused
    | PanelAssigned
    | ScoresheetDefined
    | RulesSet
    | PriorScoreRecorded
    | RunningOrderDrawn
    | ContestantCalled
    | ScoringOpened
    | ScoreSubmitted
    | ScoreAmended
    | ScoringClosed
    | ResultRevealed
    | AwardsPublished
    | ContestantsAdvanced
    | AwardsStepShown
    | PaperSheetEntered
    | PaperSheetRejected
    | ResultsFinalised
)
"""The union of every event type; ``match`` on it in the folds."""

EVENT_TYPES: dict[str, type[Event]] = {cls.TYPE: cls for cls in AnyEvent.__args__}
"""Every event class by its ``TYPE``."""
