"""The demo competition (``leitai demo``) run to its finalised results in a
real SQLite log, with one sheet typed in whole numbers as a judge may type it."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from events.envelope import Actor
from events.store import open_store
from projections import commands as cmd
from projections.state import Competition, Judge
from server.demo import ADMIN, _prepare, run_show
from server.exports.offline import load
from server.live import Live
from server.sample import sample_definition, simulated_points

STREAM = "demo"
WHOLE = "J04"
"""The judge who types whole points (``88`` for ``88.0``) on the first contestant."""


async def demo_log(db: Path) -> Competition:
    """The demo's state after its whole show, read back from ``db``."""
    definition = sample_definition()
    await _prepare(str(db), definition)
    store = await open_store(str(db))
    live = await Live.load(store, STREAM)
    try:
        round_ = live.state.round()
        assert round_ is not None
        await live.execute(cmd.DrawOrder(round=round_.id, seed="export-test"), ADMIN)
        round_ = live.state.round()
        assert round_ is not None
        first = next(
            c for c in round_.order if WHOLE in {j.id for j in _judges(live, c)}
        )  # a contestant whom the whole-number judge scores
        await live.execute(cmd.CallContestant(contestant=first), ADMIN)
        for judge in _judges(live, first):
            points = simulated_points(definition, judge.id, first, 2026)
            if judge.id == WHOLE:
                points = {key: value.quantize(Decimal(1)) for key, value in points.items()}
            await live.execute(
                cmd.SubmitScore(
                    contestant=first, points=points, submission_id=f"typed-{judge.id}-{first}"
                ),
                Actor(role="judge", id=judge.id),
            )
        await live.execute(cmd.CloseScoring(contestant=first), ADMIN)
        await live.execute(cmd.Reveal(contestant=first), ADMIN)
        await run_show(live, speed=1e6)  # the others, then awards and finalising
    finally:
        await live.close()
        await store.close()
    return await load(str(db), STREAM)


def _judges(live: Live, contestant: str) -> list[Judge]:
    return live.state.expected_judges(live.state.contestants[contestant])
