"""``leitai demo``: the sample competition, served, with a simulated run of show.

Simulated judges go through the same ``Live.execute`` path as real ones
(decide, durable append, apply, publish); only the HTTP hop is skipped.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import tempfile
from dataclasses import replace

from events.catalog import CompetitionCreated
from events.credentials import open_credentials
from events.envelope import Actor
from events.store import open_store
from projections import commands as cmd
from server import runner
from server.app import create_app
from server.definition import Definition
from server.errors import ApiError
from server.live import Live
from server.sample import sample_definition, simulated_points
from server.settings import Settings
from server.setup import Created, create_competition

ADMIN = Actor(role="admin", id="admin")


async def run_demo(settings: Settings, *, keep: bool, speed: float = 1.0) -> None:
    """Serve the sample competition and run its show until interrupted."""
    with contextlib.ExitStack() as stack:
        if not keep:
            folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="leitai-demo-"))
            settings = replace(settings, store=f"{folder}/demo.db")
        definition = sample_definition()
        created = await _prepare(settings.store, definition)
        sock = runner.bind(settings)
        settings = replace(settings, port=sock.getsockname()[1])  # port 0: the one given
        base = settings.base_url()
        app = create_app(settings)
        stream = definition.stream

        async def started() -> None:
            first = definition.events[0]
            title = first.title if isinstance(first, CompetitionCreated) else None
            print(
                f"Leitai demo: {title.zh_cn} / {title.en}" if title else "Leitai demo", flush=True
            )
            print(f"  Venue screen:   {base}/screen/{stream}")
            print(f"  Audience view:  {base}/live/{stream}")
            if created is not None:
                print(f"  Organiser page: {base}/admin/{stream}#token={created.admin_token}")
                print(f"  Auditor page:   {base}/audit/{stream}#token={created.auditor_token}")
            print(f"  Log:            {settings.store}" + ("" if keep else " (deleted on exit)"))
            print("Press Ctrl-C to stop.", flush=True)
            live = await app.state.leitai.registry.get(stream)
            show = asyncio.create_task(run_show(live, speed=speed))
            show.add_done_callback(_report)

        with contextlib.suppress(asyncio.CancelledError, KeyboardInterrupt):
            await runner.serve(settings, sock, on_started=started, app=app)


def _report(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        print(f"the simulated show stopped: {task.exception()!r}")


async def _prepare(store_url: str, definition: Definition) -> Created | None:
    """Create the sample competition unless the store has it (None if it did)."""
    store = await open_store(store_url)
    credentials = await open_credentials(store_url)
    try:
        if (await store.head(definition.stream)).seq:
            return None
        return await create_competition(store, credentials, definition)
    finally:
        await credentials.close()
        await store.close()


async def run_show(live: Live, *, speed: float = 1.0, seed: int = 2026) -> None:
    """Call each contestant of the running order, let the judges score, reveal;
    then publish the round's awards, step the screens through them as an
    organiser would from the console, and after a pause finalise them."""
    rng = random.Random(seed)
    definition = sample_definition()

    async def pause(seconds: float) -> None:
        await asyncio.sleep(seconds / speed)

    round_ = live.state.round()
    if round_ is None:
        return
    if not round_.order:
        await live.execute(cmd.DrawOrder(round=round_.id, seed=f"demo-{seed}"), ADMIN)
        round_ = live.state.round()
        assert round_ is not None
    for contestant_id in round_.order:
        entry = live.state.entry_for(contestant_id)
        if entry is not None and entry.revealed is not None:
            continue  # a kept demo resumes where it stopped
        await live.execute(cmd.CallContestant(contestant=contestant_id), ADMIN)
        await pause(2.0)
        contestant = live.state.contestants[contestant_id]
        judges = live.state.expected_judges(contestant)
        delays = sorted((rng.uniform(1.0, 6.0), j.id) for j in judges)
        waited = 0.0
        for delay, judge in delays:
            await pause(delay - waited)
            waited = delay
            points = simulated_points(definition, judge, contestant_id, seed)
            command = cmd.SubmitScore(
                contestant=contestant_id,
                points=points,
                submission_id=f"demo-{judge}-{contestant_id}",
            )
            with contextlib.suppress(ApiError):
                await live.execute(command, Actor(role="judge", id=judge))
        await pause(1.0)
        await live.execute(cmd.CloseScoring(contestant=contestant_id), ADMIN)
        await pause(1.0)
        await live.execute(cmd.Reveal(contestant=contestant_id), ADMIN)
        await pause(4.0)
    # published at step 0 in one append: no phone shows an award before the stage
    await live.execute(cmd.PublishAwards(round=round_.id, by_steps=True), ADMIN)
    await pause(8.0)
    tiers = live.state.rounds[round_.id].award_tiers(live.state.rules)
    for step in range(1, tiers + 1):  # the lowest award first, on the stage and every phone at once
        await live.execute(cmd.ShowAwardsStep(round=round_.id, step=step), ADMIN)
        await pause(8.0)
    await pause(20.0)  # the hall sees the awards as provisional, then final
    await live.execute(cmd.FinaliseResults(round=round_.id), ADMIN)
