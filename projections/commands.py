"""What the server accepts: one Struct per command, checked by ``decide``.

Each command is tagged by ``type`` (``{"type": "submit_score", …}``) so a
single ``Decoder(Command)`` reads any of them; decoding one class directly
works without the tag. Shapes are checked here (unknown fields refused,
ids and lengths bounded); everything that depends on the competition
(ranges, decimals, who may score) is checked by ``decide``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

import msgspec
from msgspec import Meta

from events.catalog import CriterionKey, Id, Label, Reason, SubmissionId

MAX_CRITERIA = 32
"""Criteria of one scoresheet: a judge's sheet carries at most this many points."""
Points = Annotated[dict[CriterionKey, Decimal], Meta(max_length=MAX_CRITERIA)]
"""A sheet's points by criterion: empty for an abstention (``abstain``); which
keys a sheet must carry is the competition's, checked by ``decide``."""
Seed = Annotated[str, Meta(min_length=1, max_length=128)]


MAX_JUDGES = 1_000
"""Judges in one competition (every panel together; substitutes included)."""
PlainName = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=200,
        pattern=r"^(?=.*\S)[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]+$",
    ),
]
"""A name as a command or a competition file gives it: not blank, and no
control character but a tab or a line break, nor U+FFFE or U+FFFF (a judge
named U+0001 broke the results' XLSX export, which cannot hold one). Events
keep ``Name``: a log is read as it was written."""


class _Command(msgspec.Struct, frozen=True, forbid_unknown_fields=True, tag_field="type"):
    pass


class SubmitScore(_Command, frozen=True, tag="submit_score"):
    """A judge's sheet for the contestant; ``submission_id`` is chosen by the
    device and stays the same across retries."""

    contestant: Id
    submission_id: SubmissionId
    points: Points = {}
    abstain: bool = False


class CallContestant(_Command, frozen=True, tag="call_contestant"):
    contestant: Id
    open_scoring: bool = True


class OpenScoring(_Command, frozen=True, tag="open_scoring"):
    contestant: Id


class CloseScoring(_Command, frozen=True, tag="close_scoring"):
    contestant: Id


class Reveal(_Command, frozen=True, tag="reveal"):
    contestant: Id


class AmendScore(_Command, frozen=True, tag="amend_score"):
    """An admin's correction of a judge's sheet after scoring closed."""

    judge: Id
    contestant: Id
    reason: Reason
    points: Points = {}
    abstain: bool = False


class EnterPaperSheet(_Command, frozen=True, tag="enter_paper_sheet"):
    """An admin keys in ``judge``'s paper sheet; it counts once a different
    admin confirms it. ``sheet`` is chosen by the console and stays the same
    across retries."""

    sheet: SubmissionId
    judge: Id
    contestant: Id
    points: Points = {}
    abstain: bool = False


class ConfirmPaperSheet(_Command, frozen=True, tag="confirm_paper_sheet"):
    """A second admin checked the keyed-in ``sheet`` against the paper: it counts."""

    sheet: SubmissionId


class RejectPaperSheet(_Command, frozen=True, tag="reject_paper_sheet"):
    """The keyed-in ``sheet`` is refused (a typing mistake, the wrong judge …)."""

    sheet: SubmissionId
    reason: Reason


class RecuseJudge(_Command, frozen=True, tag="recuse_judge"):
    """Recuse ``judge`` for ``contestant``, or for everyone when it is None."""

    judge: Id
    reason: Reason
    contestant: Id | None = None
    round: Id | None = None
    """From which round on (``JudgeRecused.round``); none: every round."""
    keep_marks: bool = False
    """The judge has left: the marks already given stand, and they score
    nobody else from then on (docs/rules.md §4). Without it a recusal strikes
    the judge's marks in every round it counts in, those given included."""


class RegisterJudge(_Command, frozen=True, tag="register_judge"):
    """A judge joins a panel during the show (a substitute for one who left):
    expected from then on wherever the panel scores, as any of its judges."""

    judge: Id
    name: PlainName
    organisation: PlainName
    panel: Id
    shadow: bool = False


class WithdrawContestant(_Command, frozen=True, tag="withdraw_contestant"):
    contestant: Id
    reason: Reason


class DisqualifyContestant(_Command, frozen=True, tag="disqualify_contestant"):
    contestant: Id
    reason: Reason


class DrawOrder(_Command, frozen=True, tag="draw_order"):
    round: Id
    seed: Seed
    by_group: bool = False
    """Group after group (in the competition's order), each drawn on its own."""


class AdvanceRound(_Command, frozen=True, tag="advance_round"):
    """Close ``from_round`` and open ``to_round`` with those who advance."""

    from_round: Id
    to_round: Id
    name: Label


class PublishAwards(_Command, frozen=True, tag="publish_awards"):
    """Publish the round's awards, provisional until ``FinaliseResults``
    (``final``: publish and finalise in one step, as logs before it did)."""

    round: Id
    final: bool = False
    by_steps: bool = False
    """The organiser steps the screens through the awards (``ShowAwardsStep``):
    the ceremony starts at step 0 with the publication, in the same append, so
    no phone shows an award before the stage announces it. A ceremony already
    stepped keeps its step when the awards are published again."""


class FinaliseResults(_Command, frozen=True, tag="finalise_results"):
    """Declare the round's published results final: no longer provisional."""

    round: Id


class ShowAwardsStep(_Command, frozen=True, tag="show_awards_step"):
    """Show the lowest ``step`` published awards of ``round`` on the screens."""

    round: Id
    step: Annotated[int, Meta(ge=0, le=1000)]


class RecordPriorScore(_Command, frozen=True, tag="record_prior_score"):
    contestant: Id
    source: Id
    value: Decimal
    round: Id | None = None
    """From which round on it counts (``PriorScoreRecorded.round``); none: from the first."""


Command = (
    SubmitScore
    | CallContestant
    | OpenScoring
    | CloseScoring
    | Reveal
    | AmendScore
    | EnterPaperSheet
    | ConfirmPaperSheet
    | RejectPaperSheet
    | RecuseJudge
    | RegisterJudge
    | WithdrawContestant
    | DisqualifyContestant
    | DrawOrder
    | AdvanceRound
    | PublishAwards
    | RecordPriorScore
    | ShowAwardsStep
    | FinaliseResults
)
"""Every command; ``msgspec.json.Decoder(Command)`` decodes any of them by ``type``."""
