"""A log without a store: events sealed into envelopes and folded as they come."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from events.catalog import (
    AnyEvent,
    CompetitionCreated,
    ContestantRegistered,
    Criterion,
    GroupDefined,
    JudgeRegistered,
    Label,
    PanelAssigned,
    Rounding,
    RoundOpened,
    RoundPlan,
    RulesSet,
    ScoresheetDefined,
)
from events.envelope import GENESIS, Actor, Envelope, encode_data, seal
from projections.commands import CallContestant, CloseScoring, Command, Reveal, SubmitScore
from projections.decide import Decision, Rejection, decide
from projections.state import Competition, apply

ADMIN = Actor(role="admin", id="admin")
AT = "2026-05-01T09:00:00.000000Z"


def judge(judge_id: str) -> Actor:
    return Actor(role="judge", id=judge_id)


def sealed(stream: str, seq: int, prev: str, actor: Actor, event: AnyEvent) -> Envelope:
    """The envelope a store would commit for ``event`` at ``seq`` after ``prev``."""
    _, hash_ = seal(
        stream=stream, seq=seq, at=AT, actor=actor, event=event, data=encode_data(event), prev=prev
    )
    return Envelope(stream, seq, AT, actor, event.TYPE, event.VERSION, event, prev, hash_)


def envelopes(events: Iterable[tuple[Actor, AnyEvent]], stream: str = "test") -> list[Envelope]:
    """The events sealed in order from the start of ``stream``."""
    out: list[Envelope] = []
    prev = GENESIS
    for seq, (actor, event) in enumerate(events, start=1):
        out.append(sealed(stream, seq, prev, actor, event))
        prev = out[-1].hash
    return out


class Log:
    """A stream being written: ``add`` appends events, ``run`` decides a command."""

    def __init__(self, stream: str = "test") -> None:
        self.stream = stream
        self.state = Competition.empty(stream)
        self.events: list[tuple[Actor, AnyEvent]] = []

    def add(self, *events: AnyEvent, actor: Actor = ADMIN) -> None:
        for event in events:
            self.events.append((actor, event))
            envelope = sealed(self.stream, self.state.seq + 1, self.state.head_hash, actor, event)
            self.state = apply(self.state, envelope)

    def run(self, command: Command, actor: Actor = ADMIN) -> Decision:
        """Decide ``command``; append what it gives."""
        decision = decide(self.state, command, actor)
        if not isinstance(decision, Rejection):
            self.add(*decision, actor=actor)
        return decision

    def ok(self, command: Command, actor: Actor = ADMIN) -> list[AnyEvent]:
        """Decide ``command``, which must be accepted, and append its events."""
        decision = self.run(command, actor)
        assert not isinstance(decision, Rejection), decision
        return decision

    def refused(self, command: Command, actor: Actor = ADMIN) -> Rejection:
        """Decide ``command``, which must be refused with nothing appended."""
        before = self.state.seq
        decision = self.run(command, actor)
        assert isinstance(decision, Rejection), decision
        assert self.state.seq == before
        return decision


def sheet(*criteria: tuple[str, str, str], places: int = 1) -> ScoresheetDefined:
    """A scoresheet from (key, maximum, weight) triples."""
    return ScoresheetDefined(
        criteria=tuple(
            Criterion(
                key=key, label=Label(en=key), maximum=Decimal(maximum), weight=Decimal(weight)
            )
            for key, maximum, weight in criteria
        ),
        places=places,
    )


def competition(
    log: Log,
    *,
    contestants: dict[str, tuple[str, str]],
    judges: dict[str, tuple[str, str]],
    panels: dict[str, tuple[str, ...]],
    rules: RulesSet,
    scoresheet: ScoresheetDefined | None = None,
    decimals: int = 2,
    rounding: Rounding = "half_up",
    shadow: tuple[str, ...] = (),
    planned: tuple[str, ...] = (),
) -> None:
    """Set up a competition of one round opened: contestants id → (organisation,
    group), judges id → (organisation, panel), panels → groups; ``planned``
    names later rounds, planned and not opened."""
    plans = (RoundPlan(round="r1", name=Label(en="Final")),) if planned else ()
    plans += tuple(RoundPlan(round=r, name=Label(en=r)) for r in planned)
    log.add(
        CompetitionCreated(
            title=Label(en="Test"), decimals=decimals, rounding=rounding, rounds=plans
        ),
        RoundOpened(round="r1", name=Label(en="Final")),
        scoresheet or sheet(("score", "10", "1")),
        rules,
    )
    for group in sorted({g for _, g in contestants.values()}):
        log.add(GroupDefined(group=group, name=Label(en=group)))
    for ident, (organisation, group) in contestants.items():
        log.add(
            ContestantRegistered(
                contestant=ident,
                name=f"Contestant {ident}",
                organisation=organisation,
                group=group,
                round="r1",
            )
        )
    for ident, (organisation, panel) in judges.items():
        log.add(
            JudgeRegistered(
                judge=ident,
                name=f"Judge {ident}",
                organisation=organisation,
                panel=panel,
                shadow=ident in shadow,
            )
        )
    for panel, groups in panels.items():
        log.add(PanelAssigned(panel=panel, groups=groups))


def perform(log: Log, contestant: str, marks: dict[str, str], *, reveal: bool = False) -> None:
    """Call ``contestant``, take each judge's single score, close (and reveal)."""
    log.ok(CallContestant(contestant=contestant))
    for judge_id, value in marks.items():
        log.ok(
            SubmitScore(
                contestant=contestant,
                points={"score": Decimal(value)},
                submission_id=f"{judge_id}-{contestant}-000",
            ),
            judge(judge_id),
        )
    log.ok(CloseScoring(contestant=contestant))
    if reveal:
        log.ok(Reveal(contestant=contestant))
