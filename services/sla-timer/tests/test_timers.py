"""The timer loop under concurrency: replicas never fire a timer twice, nor wait on each other."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import select

from sla_timer.settings import SlaTimerSettings
from sla_timer.tables import tickets
from sla_timer.timers import fire_due_timers, run_timer_loop
from ticketing_common.testing.waiting import wait_until

if TYPE_CHECKING:
    from conftest import Harness

pytestmark = pytest.mark.integration
TICKETS = 15


async def test_two_loops_on_the_same_due_timers_emit_each_event_exactly_once(
    harness: Harness, new_id: Callable[[], str]
) -> None:
    received = harness.clock.now()
    ids = [new_id() for _ in range(TICKETS)]
    for ticket_id in ids:
        await harness.create(ticket_id, received)
        await harness.triage(ticket_id, received)
    harness.clock.set(received + timedelta(minutes=1))  # every warning and breach is due

    async def replica() -> int:
        fired = 0
        while settled := await fire_due_timers(
            sessions=harness.sessions, outbox=harness.writer, clock=harness.clock, batch=4
        ):
            fired += settled
        return fired

    firsts = await asyncio.gather(replica(), replica())
    await harness.fire()  # timers a replica skipped because the other held their ticket
    counts: Counter[tuple[str, str, str]] = Counter()
    for ticket_id in ids:
        for event in await harness.emitted(ticket_id):
            if event.type in ("sla.warning", "sla.breached"):
                counts[(ticket_id, event.data["clock"], event.type)] += 1
    assert len(counts) == TICKETS * 4  # a warning and a breach per clock
    assert set(counts.values()) == {1}
    assert sum(firsts) >= TICKETS * 4 - 4  # the replicas did the work, not the final drain


async def test_a_busy_ticket_is_left_for_the_next_round_without_waiting(
    harness: Harness,
) -> None:
    ticket_id, received = await harness.open_ticket()
    harness.clock.set(received + 2 * timedelta(seconds=1))
    async with harness.sessions() as session, session.begin():
        # A handler holds the ticket: the loop must neither block nor fire it now.
        lock = select(tickets.c.id).where(tickets.c.id == ticket_id).with_for_update()
        await session.execute(lock)
        await asyncio.wait_for(harness.fire(), timeout=10)
        assert "sla.warning" not in await harness.emitted_types(ticket_id)
    await harness.fire()
    assert (await harness.emitted_types(ticket_id))[-1] == "sla.warning"


async def test_the_timer_loop_entrypoint_fires_and_stops(
    harness: Harness, sla_settings: SlaTimerSettings
) -> None:
    ticket_id, received = await harness.open_ticket()
    harness.clock.set(received + timedelta(seconds=5))
    stop = asyncio.Event()
    settings = sla_settings.model_copy(update={"timer_interval_seconds": 0.05})
    loop = asyncio.create_task(run_timer_loop(settings, stop, clock=harness.clock))
    try:

        async def breached() -> bool:
            return "sla.breached" in await harness.emitted_types(ticket_id)

        await wait_until(breached, timeout=10, message="the loop fires the response breach")
    finally:
        stop.set()
        await asyncio.wait_for(loop, timeout=5)
