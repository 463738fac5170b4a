"""The competition's state: the fold of its log.

``apply`` folds one envelope into the state and returns it. For speed (a
million score events replay in seconds) the state is updated in place:
``apply`` consumes its argument, so keep the returned state, not the one
passed in. Same log, same state: nothing here reads the clock or does I/O,
and results (ranks, awards) are derived lazily by ``projections.standings``
from what is folded here, so folding a score costs O(1) whatever the size
of the competition.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from decimal import Decimal
from operator import attrgetter
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import msgspec

from events.catalog import (
    AnyEvent,
    AwardsPublished,
    AwardsStepShown,
    CompetitionCreated,
    ContestantCalled,
    ContestantDisqualified,
    ContestantRegistered,
    ContestantsAdvanced,
    ContestantWithdrawn,
    GroupDefined,
    JudgeRecused,
    JudgeRegistered,
    Label,
    Language,
    PanelAssigned,
    PaperSheetEntered,
    PaperSheetRejected,
    PriorScoreRecorded,
    ResultRevealed,
    ResultsFinalised,
    RoundClosed,
    Rounding,
    RoundOpened,
    RulesSet,
    RunningOrderDrawn,
    ScoreAmended,
    ScoresheetDefined,
    ScoreSubmitted,
    ScoringClosed,
    ScoringOpened,
    SettingsChanged,
)
from events.envelope import GENESIS, Envelope
from projections.errors import OutOfSequence

if TYPE_CHECKING:
    from projections.standings import Result, RoundTable


_D = TypeVar("_D")
OutStatus = Literal["withdrawn", "disqualified"]
StandAside = Literal["same_organisation", "recused"]


def shallow_copier(cls: type[_D]) -> Callable[[_D], _D]:
    """A shallow copy of a dataclass instance, every field passed through
    (fields added later included). ``dataclasses.replace`` costs ~5 µs a
    call, and start-up copies every contestant's entry (a replay of 10,000
    contestants spent 0.1 s in it); this is a C getter and ``__init__``."""
    values: Callable[[Any], tuple[Any, ...]] = attrgetter(*(f.name for f in fields(cls)))  # type: ignore[arg-type]
    return lambda instance: cls(*values(instance))


def organisation_key(name: str) -> str:
    """Organisations are the same when equal after NFKC, case folding and
    trimming white space (the automatic recusal rule compares these)."""
    return unicodedata.normalize("NFKC", name).casefold().strip()


@dataclass(slots=True)
class Contestant:
    id: str
    name: str
    organisation: str
    group: str
    round: str
    organisation_key: str
    withdrawn: str | None = None
    disqualified: str | None = None

    @property
    def out(self) -> bool:
        """Withdrawn or disqualified: listed, never ranked."""
        return self.withdrawn is not None or self.disqualified is not None

    @property
    def out_status(self) -> OutStatus | None:
        if self.disqualified is not None:
            return "disqualified"
        return "withdrawn" if self.withdrawn is not None else None


@dataclass(slots=True)
class Judge:
    id: str
    name: str
    organisation: str
    panel: str
    shadow: bool
    organisation_key: str
    recusals: dict[tuple[str | None, str | None], str] = field(default_factory=dict)
    """An admin's recusals: (contestant, the round from which it counts) →
    reason; None for everyone, and for every round. Read them with
    ``Competition.recusal``."""
    joined: int = 0
    """The seq of the judge's registration: a substitute's comes after the
    entries closed before they joined, which were never theirs to score."""

    def copy(self) -> Judge:
        new = _copy_judge(self)
        new.recusals = dict(self.recusals)
        return new


class Mark(msgspec.Struct, frozen=True, gc=False):
    """One version of a judge's sheet for a contestant. A million of them
    live as long as the state in a large replay: a struct outside the cyclic
    GC (it holds no containers that could refer back to it) is made faster
    and weighs less than a tuple."""

    seq: int
    judge: str
    contestant: str
    points: dict[str, Decimal]
    abstain: bool
    kind: Literal["submitted", "amended"]
    by: str
    reason: str | None = None
    submission_id: str | None = None


@dataclass(slots=True)
class PaperSheet:
    """A judge's paper sheet keyed in by an admin: it counts only once
    ``confirmed`` by another admin (see docs/rules.md)."""

    sheet: str
    seq: int
    judge: str
    contestant: str
    points: dict[str, Decimal]
    abstain: bool
    entered_by: str
    status: Literal["pending", "confirmed", "rejected", "superseded"] = "pending"
    settled_seq: int | None = None
    settled_by: str | None = None
    """The admin who confirmed or rejected it (superseded: the judge)."""
    reason: str | None = None


@dataclass(slots=True)
class Entry:
    """One contestant in one round: the judges' current marks and the run of show."""

    round: str
    contestant: str
    marks: dict[str, Mark] = field(default_factory=dict)
    superseded: list[Mark] = field(default_factory=list)
    scoring_open: bool = False
    called: bool = False
    closed: bool = False
    revealed: ResultRevealed | None = None
    closed_seq: int = 0
    """The seq at which scoring last closed (0: never)."""
    cache: tuple[int, Result] | None = None
    """The result computed for ``Competition.epoch``, if still valid."""

    @property
    def revealed_incomplete(self) -> bool:
        """Last revealed without a final for want of a prior score (docs/rules.md §7:
        the aggregate shown, the final not). The public board shows it so until it is
        revealed again, once the score is recorded (§12)."""
        shown = self.revealed
        return shown is not None and shown.final is None and shown.aggregate is not None

    def copy(self) -> Entry:
        """A copy to change apart (marks are immutable and shared; the cached
        result, which refers to this entry, is left to be computed again)."""
        new = _copy_entry(self)
        new.marks = dict(self.marks)
        new.superseded = list(self.superseded)
        new.cache = None
        return new


def eliminating(rules: RulesSet) -> set[str]:
    """The award tiers of ``rules`` that eliminate: no award the hall is shown."""
    return {tier.key for tier in rules.awards if tier.eliminates}


@dataclass(slots=True)
class Round:
    id: str
    name: Label = field(default_factory=Label)
    opened: bool = False
    closed: bool = False
    members: dict[str, None] = field(default_factory=dict)
    order: tuple[str, ...] = ()
    seed: str | None = None
    entries: dict[str, Entry] = field(default_factory=dict)
    reveals: list[str] = field(default_factory=list)
    awards: AwardsPublished | None = None
    awards_step: int | None = None
    """How many awards the screens show (``AwardsStepShown``); None: never stepped."""
    final: bool = False
    """Results finalised (``ResultsFinalised``, or awards published as final)."""
    out_when_final: dict[str, OutStatus] | None = None
    """Once final: the members then withdrawn or disqualified. Nothing changes a
    final round's results, so a contestant who advanced and withdraws from a
    later round keeps the result earned here."""
    changed: set[str] = field(default_factory=set)
    """Members whose result may have changed since ``table`` was brought up to date."""
    table: RoundTable | None = None
    """The round's rankings as ``projections.standings`` last brought them up to date."""

    def out_status(self, contestant: Contestant) -> OutStatus | None:
        """Whether ``contestant`` is out of this round's results, and how."""
        if self.out_when_final is not None:
            return self.out_when_final.get(contestant.id)
        return contestant.out_status

    def award_tiers(self, rules: RulesSet) -> int:
        """How many award tiers were published (the screens' steps), those that
        eliminate left out (the hall is not shown them as awards); 0 before."""
        if self.awards is None:
            return 0
        return len({given.award for given in self.awards.awards} - eliminating(rules))

    def copy(self) -> Round:
        """A copy to change apart; its rankings are ranked again when asked for."""
        new = _copy_round(self)
        new.members = dict(self.members)
        new.entries = {c: entry.copy() for c, entry in self.entries.items()}
        new.reveals = list(self.reveals)
        new.changed = set()
        new.table = None
        return new


_copy_contestant = shallow_copier(Contestant)
_copy_judge = shallow_copier(Judge)
_copy_paper_sheet = shallow_copier(PaperSheet)
_copy_entry = shallow_copier(Entry)
_copy_round = shallow_copier(Round)


class Competition:
    """Everything the log says about one competition, as of ``seq``."""

    __slots__ = (
        "_submissions",
        "active",
        "contestants",
        "current_round",
        "decimals",
        "epoch",
        "groups",
        "head_hash",
        "judges",
        "languages",
        "on_stage",
        "origin",
        "panels",
        "paper_sheets",
        "priors",
        "rounding",
        "rounds",
        "rules",
        "scoresheet",
        "seq",
        "stream",
        "title",
    )

    def __init__(self, stream: str) -> None:
        self.stream = stream
        self.seq = 0
        self.head_hash = GENESIS
        self.origin = GENESIS
        """The hash of the stream's first event: which log this is (a log made
        again under the same id has another)."""
        self.title = Label()
        self.languages: tuple[Language, ...] = ("zh-CN", "en")
        self.decimals = 2
        self.rounding: Rounding = "half_up"
        self.groups: dict[str, Label] = {}
        self.contestants: dict[str, Contestant] = {}
        self.judges: dict[str, Judge] = {}
        self.panels: dict[str, tuple[str, ...]] = {}
        self.scoresheet = ScoresheetDefined(criteria=())
        self.rules = RulesSet()
        self.rounds: dict[str, Round] = {}
        self.current_round: str | None = None
        self.on_stage: str | None = None
        self.active: dict[str, Entry] = {}
        self.priors: dict[str, dict[str, dict[str | None, Decimal]]] = {}
        """Prior scores: contestant → source → the round from which each counts
        (None: from the first) → value; read them with ``prior``."""
        self._submissions: dict[str, dict[str, Mark]] | None = None
        """Built from the marks when first asked for (``submissions``), then kept."""
        self.paper_sheets: dict[str, PaperSheet] = {}
        """Keyed-in paper sheets by their ``sheet`` id, in log order."""
        self.epoch = 0
        """Bumped by every event that may change any contestant's result."""

    @classmethod
    def empty(cls, stream: str) -> Competition:
        """The state before the stream's first event."""
        return cls(stream)

    def copy(self) -> Competition:
        """A copy to change apart from this one (``apply`` changes a state in
        place): every mutable part is copied, what never changes (marks,
        events, labels, numbers, strings) is shared, and derived caches are
        left to be computed again. A million marks are not copied: pickling a
        replayed state took 16 s and doubled its memory; this takes a fraction
        of a second. A mutable field added to the state must be copied here
        (tests/projections/test_copy.py finds one that is not)."""
        new = Competition.__new__(Competition)
        for name in (
            "stream",
            "seq",
            "head_hash",
            "origin",
            "title",
            "languages",
            "decimals",
            "rounding",
            "scoresheet",
            "rules",
            "current_round",
            "on_stage",
            "epoch",
        ):
            setattr(new, name, getattr(self, name))
        new.groups = dict(self.groups)
        new.contestants = {c: _copy_contestant(one) for c, one in self.contestants.items()}
        new.judges = {j: judge.copy() for j, judge in self.judges.items()}
        new.panels = dict(self.panels)
        new.rounds = {r: round_.copy() for r, round_ in self.rounds.items()}
        new.active = {c: new.rounds[e.round].entries[c] for c, e in self.active.items()}
        new.priors = {
            c: {source: dict(by_round) for source, by_round in sources.items()}
            for c, sources in self.priors.items()
        }
        new._submissions = (
            None
            if self._submissions is None
            else {j: dict(sheets) for j, sheets in self._submissions.items()}
        )
        new.paper_sheets = {s: _copy_paper_sheet(sheet) for s, sheet in self.paper_sheets.items()}
        return new

    # --- questions the views and decide ask --------------------------------

    def round(self, round_id: str | None = None) -> Round | None:
        """``round_id``'s round, or the one being run: the open round, else
        the last opened, else the first round a contestant registered to."""
        if round_id is not None:
            return self.rounds.get(round_id)
        if self.current_round is not None:
            return self.rounds[self.current_round]
        opened = [r for r in self.rounds.values() if r.opened]
        if opened:
            return opened[-1]
        return next(iter(self.rounds.values()), None)

    def prior(self, contestant: str, source: str, round_id: str) -> Decimal | None:
        """The prior score ``source`` of ``contestant`` that counts in round
        ``round_id``: the one recorded for the latest round up to it, else the
        one recorded from the first round on (docs/rules.md §7)."""
        found = self.prior_recorded(contestant, source, round_id)
        return None if found is None else found[1]

    def prior_recorded(
        self, contestant: str, source: str, round_id: str
    ) -> tuple[str | None, Decimal] | None:
        """``prior``'s score with the round it was recorded for (None: from the
        first round on), or None if there is none."""
        recorded = self.priors.get(contestant, {}).get(source)
        if not recorded:
            return None
        found: tuple[str | None, Decimal] | None = (
            (None, recorded[None]) if None in recorded else None
        )
        for earlier in self.rounds:
            if earlier in recorded:
                found = (earlier, recorded[earlier])
            if earlier == round_id:
                break
        return found

    def recusal(self, judge: Judge, contestant: str | None, round_id: str | None) -> str | None:
        """The reason of an admin's recusal of ``judge`` that counts for
        ``contestant`` in round ``round_id``: one for everyone or for them
        (``contestant`` None: for everyone only), for every round or from that
        round or an earlier one on (docs/rules.md §4); None if none does."""
        if not judge.recusals:  # nearly every judge: no cost to a score
            return None
        key = self.recusal_in_force(judge, contestant, round_id)
        return None if key is None else judge.recusals[key]

    def recusal_in_force(
        self, judge: Judge, contestant: str | None, round_id: str | None
    ) -> tuple[str | None, str | None] | None:
        """Which recusal ``recusal`` gives the reason of, as (its contestant, the
        round it counts from): the earliest, one for everyone before one for
        ``contestant``; None if none counts there."""
        recusals = judge.recusals
        if not recusals:
            return None
        for who in (None, contestant) if contestant is not None else (None,):
            if (who, None) in recusals:
                return (who, None)
            if round_id not in self.rounds:
                continue
            for earlier in self.rounds:
                if (who, earlier) in recusals:
                    return (who, earlier)
                if earlier == round_id:
                    break
        return None

    def stands_aside(
        self, judge: Judge, contestant: Contestant, round_id: str
    ) -> StandAside | None:
        """Why ``judge`` does not score ``contestant`` in round ``round_id``
        though the panel may: the same organisation (the rules' recusal), or
        an admin's recusal counting in that round."""
        if judge.organisation_key == contestant.organisation_key:
            return "same_organisation"
        if self.recusal(judge, contestant.id, round_id) is not None:
            return "recused"
        return None

    def scoring_round(self, contestant: Contestant) -> str:
        """The round ``contestant``'s marks go to now: that of the entry they
        were last called in, else the open round, else their registration round."""
        entry = self.active.get(contestant.id)
        if entry is not None:
            return entry.round
        return self.current_round or contestant.round

    def judge_expected(
        self, judge: Judge, contestant: Contestant, round_id: str | None = None
    ) -> bool:
        """The judge's panel scores the contestant's group, and the judge is
        not recused in round ``round_id`` (by an admin, or for sharing the
        contestant's organisation); by default the round the contestant's
        marks go to now (``scoring_round``)."""
        if round_id is None:
            round_id = self.scoring_round(contestant)
        return (
            contestant.group in self.panels.get(judge.panel, ())
            and self.stands_aside(judge, contestant, round_id) is None
        )

    def expected_judges(self, contestant: Contestant, round_id: str | None = None) -> list[Judge]:
        """Every judge (shadow ones included) expected to score ``contestant``
        in round ``round_id`` (by default the round their marks go to now)."""
        if round_id is None:
            round_id = self.scoring_round(contestant)
        return [j for j in self.judges.values() if self.judge_expected(j, contestant, round_id)]

    @property
    def submissions(self) -> dict[str, dict[str, Mark]]:
        """Each judge's sheets by submission id (the first with each id): what
        ``decide`` asks to answer a retried sheet. Built from the marks on
        first use, then kept up to date by the fold: a replay of a million
        sheets inserting each id as it came missed the cache at every sheet,
        for a question only a live server asks."""
        if self._submissions is None:
            found: dict[str, dict[str, Mark]] = {}
            for round_ in self.rounds.values():
                for entry in round_.entries.values():
                    for mark in (*entry.superseded, *entry.marks.values()):
                        if mark.submission_id is None:
                            continue
                        seen = found.setdefault(mark.judge, {})
                        first = seen.get(mark.submission_id)
                        if first is None or mark.seq < first.seq:
                            seen[mark.submission_id] = mark
            self._submissions = found
        return self._submissions

    def entry_for(self, contestant: str) -> Entry | None:
        """The contestant's entry in the round they were last called in."""
        return self.active.get(contestant)

    # --- the fold ------------------------------------------------------------

    def _round(self, round_id: str) -> Round:
        found = self.rounds.get(round_id)
        if found is None:
            found = self.rounds[round_id] = Round(round_id)
        return found

    def _finalise(self, round_: Round) -> None:
        """The round's results are final: who is out of them is settled now."""
        if round_.final:
            return
        round_.final = True
        round_.out_when_final = {
            c: status
            for c in round_.members
            if c in self.contestants and (status := self.contestants[c].out_status) is not None
        }

    def _entry(self, contestant: str) -> Entry:
        """The entry new marks go to: the one the contestant was last called
        in, else one in the open round (or their registration round)."""
        entry = self.active.get(contestant)
        if entry is None:
            registered = self.contestants.get(contestant)
            round_id = self.current_round or (registered.round if registered else "")
            entry = self._entry_in(self._round(round_id), contestant)
        return entry

    def _entry_in(self, round_: Round, contestant: str) -> Entry:
        entry = round_.entries.get(contestant)
        if entry is None:
            entry = round_.entries[contestant] = Entry(round_.id, contestant)
            round_.members.setdefault(contestant, None)
        self.active[contestant] = entry
        return entry

    def _call(self, contestant: str) -> Entry:
        round_id = self.current_round
        if round_id is None:
            registered = self.contestants.get(contestant)
            round_id = registered.round if registered else ""
        entry = self._entry_in(self._round(round_id), contestant)
        entry.called = True
        return entry

    def _fold(self, envelope: Envelope) -> None:
        event: AnyEvent = envelope.data
        if envelope.seq == 1:  # the competition's creation, in every log
            self.origin = envelope.hash
        match event:
            case ScoreSubmitted():
                self._submitted(envelope, event)
            case ScoreAmended():
                entry = self._entry(event.contestant)
                earlier = entry.marks.get(event.judge)
                if earlier is not None:
                    entry.superseded.append(earlier)
                entry.marks[event.judge] = Mark(
                    envelope.seq,
                    event.judge,
                    event.contestant,
                    event.points,
                    event.abstain,
                    "amended",
                    envelope.actor.id,
                    event.reason,
                )
                entry.cache = None
            case ContestantCalled():
                self.on_stage = event.contestant
                self._call(event.contestant)
            case ScoringOpened():
                current = self.active.get(event.contestant)
                if (
                    current is None
                    or current.revealed is not None
                    or (self.current_round is not None and current.round != self.current_round)
                ):
                    current = self._call(event.contestant)
                entry = current
                entry.scoring_open = True
                entry.closed = False
                entry.cache = None
            case ScoringClosed():
                entry = self._entry(event.contestant)
                entry.scoring_open = False
                entry.closed = True
                entry.closed_seq = envelope.seq
                entry.cache = None
            case ResultRevealed():
                entry = self._entry(event.contestant)
                entry.revealed = event
                reveals = self._round(entry.round).reveals
                if event.contestant in reveals:  # revealed again, once complete: now the latest
                    reveals.remove(event.contestant)
                reveals.append(event.contestant)
            case CompetitionCreated():
                self.title = event.title
                self.languages = event.languages
                self.decimals = event.decimals
                self.rounding = event.rounding
                for plan in event.rounds:
                    self._round(plan.round).name = plan.name
            case SettingsChanged():
                self.title = event.title if event.title is not None else self.title
                self.languages = event.languages if event.languages is not None else self.languages
                self.decimals = event.decimals if event.decimals is not None else self.decimals
                self.rounding = event.rounding if event.rounding is not None else self.rounding
            case RoundOpened():
                # nobody is called in a round yet: whoever was on stage was so in
                # an earlier one (the last of the heats, gone on to the final)
                self.on_stage = None
                round_ = self._round(event.round)
                round_.name = event.name
                round_.opened = True
                round_.closed = False
                round_.members.update(dict.fromkeys(event.contestants))
                self.current_round = event.round
            case RoundClosed():
                self.on_stage = None  # a round that ends leaves its stage empty
                self._round(event.round).closed = True
                if self.current_round == event.round:
                    self.current_round = None
            case GroupDefined():
                self.groups[event.group] = event.name
            case ContestantRegistered():
                self.contestants[event.contestant] = Contestant(
                    event.contestant,
                    event.name,
                    event.organisation,
                    event.group,
                    event.round,
                    organisation_key(event.organisation),
                )
                self._round(event.round).members.setdefault(event.contestant, None)
            case ContestantWithdrawn():
                if (contestant := self.contestants.get(event.contestant)) is not None:
                    contestant.withdrawn = event.reason
            case ContestantDisqualified():
                if (contestant := self.contestants.get(event.contestant)) is not None:
                    contestant.disqualified = event.reason
            case JudgeRegistered():
                self.judges[event.judge] = Judge(
                    event.judge,
                    event.name,
                    event.organisation,
                    event.panel,
                    event.shadow,
                    organisation_key(event.organisation),
                    joined=envelope.seq,
                )
            case JudgeRecused():
                if (judge := self.judges.get(event.judge)) is not None:
                    judge.recusals[(event.contestant, event.round)] = event.reason
            case PanelAssigned():
                self.panels[event.panel] = event.groups
            case ScoresheetDefined():
                self.scoresheet = event
            case RulesSet():
                self.rules = event
            case PriorScoreRecorded():
                sources = self.priors.setdefault(event.contestant, {})
                sources.setdefault(event.source, {})[event.round] = event.value
            case RunningOrderDrawn():
                round_ = self._round(event.round)
                round_.order = event.order
                round_.seed = event.seed
            case AwardsPublished():
                round_ = self._round(event.round)
                round_.awards = event
                if event.final:
                    self._finalise(round_)
            case ResultsFinalised():
                self._finalise(self._round(event.round))
            case PaperSheetEntered():
                self.paper_sheets[event.sheet] = PaperSheet(
                    event.sheet,
                    envelope.seq,
                    event.judge,
                    event.contestant,
                    event.points,
                    event.abstain,
                    envelope.actor.id,
                )
            case PaperSheetRejected():
                if (paper := self.paper_sheets.get(event.sheet)) is not None:
                    paper.status = "rejected"
                    paper.settled_seq = envelope.seq
                    paper.settled_by = envelope.actor.id
                    paper.reason = event.reason
            case AwardsStepShown():
                self._round(event.round).awards_step = event.step
            case ContestantsAdvanced():
                self._round(event.to_round).members.update(dict.fromkeys(event.contestants))

    def _submitted(self, envelope: Envelope, event: ScoreSubmitted) -> None:
        """Fold a judge's sheet, and mark its contestant's result as changed."""
        contestant = event.contestant
        entry = self.active.get(contestant) or self._entry(contestant)
        judge = event.judge
        mark = Mark(
            envelope.seq,
            judge,
            contestant,
            event.points,
            event.abstain,
            "submitted",
            envelope.actor.id,
            None,
            event.submission_id,
        )
        marks = entry.marks
        earlier = marks.get(judge)
        if earlier is not None:
            entry.superseded.append(earlier)
        marks[judge] = mark
        if self._submissions is not None:
            seen = self._submissions.get(judge)
            if seen is None:
                seen = self._submissions[judge] = {}
            seen.setdefault(event.submission_id, mark)
        entry.cache = None
        self.rounds[entry.round].changed.add(contestant)
        if self.paper_sheets:
            self._settle_paper(envelope, event)

    def _settle_paper(self, envelope: Envelope, event: ScoreSubmitted) -> None:
        """A sheet that counts settles the paper sheets waiting for its judge
        and contestant: confirms the one it is, supersedes the others."""
        for paper in self.paper_sheets.values():
            if (
                paper.status == "pending"
                and paper.judge == event.judge
                and paper.contestant == event.contestant
            ):
                confirmed = event.on_behalf is not None and paper.sheet == event.submission_id
                paper.status = "confirmed" if confirmed else "superseded"
                paper.settled_seq = envelope.seq
                paper.settled_by = envelope.actor.id


_ENTRY_EVENTS = (
    ScoreSubmitted,
    ScoreAmended,
    ContestantCalled,
    ScoringOpened,
    ScoringClosed,
    ResultRevealed,
    PaperSheetEntered,
    PaperSheetRejected,
)
"""Events that change at most one entry's result (and reset that entry's cache);
paper sheets change none until one is confirmed as a ``ScoreSubmitted``."""


def apply(state: Competition, envelope: Envelope) -> Competition:
    """Fold the next envelope of the stream into ``state`` (consumed) and
    return the new state. Raises ``OutOfSequence`` unless the envelope
    continues the stream (next seq, same stream, ``prev`` = head hash)."""
    if (
        envelope.seq != state.seq + 1
        or envelope.prev != state.head_hash
        or envelope.stream != state.stream
    ):
        raise OutOfSequence(
            f"envelope {envelope.stream!r} seq {envelope.seq} does not follow "
            f"{state.stream!r} seq {state.seq} (head {state.head_hash[:16]}…)"
        )
    event = envelope.data
    if type(event) is ScoreSubmitted:  # nearly every event of a large log
        state._submitted(envelope, event)
    else:
        state._fold(envelope)
        if isinstance(event, _ENTRY_EVENTS):
            # The one result it may change is re-ranked when next asked for.
            contestant: str | None = getattr(event, "contestant", None)
            entry = state.active.get(contestant) if contestant is not None else None
            if entry is not None:
                state.rounds[entry.round].changed.add(entry.contestant)
        else:
            state.epoch += 1
    state.seq = envelope.seq
    state.head_hash = envelope.hash
    return state


def replay(envelopes: Iterable[Envelope], *, start: Competition | None = None) -> Competition:
    """The state after folding ``envelopes`` in order, from ``start`` (a
    snapshot, consumed) or from the empty state of the first envelope's stream."""
    state = start
    for envelope in envelopes:
        if state is None:
            state = Competition.empty(envelope.stream)
        state = apply(state, envelope)
    return state if state is not None else Competition.empty("")
