"""The timer loop: fires due warning and breach timers through the outbox, safe with replicas.

One round is one transaction: claim due pending timers with `FOR UPDATE SKIP LOCKED` (two loops
never claim the same timer), then per timer lock its ticket with `SKIP LOCKED` (a ticket that a
handler is changing is left for the next round, so the loop never waits on anyone), re-check the
clock, write the event to the outbox and mark the timer fired. A timer whose clock has moved on
(paused, met, re-armed) is stale and is cancelled instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from sla_timer import store
from sla_timer.announcements import SOURCE, TicketInfo, announce
from sla_timer.clocks import fire
from sla_timer.settings import SlaTimerSettings
from sla_timer.tables import outbox as outbox_tables
from ticketing_common.clock import Clock
from ticketing_common.db import create_engine, create_session_factory
from ticketing_common.outbox import EventContext, OutboxWriter

log = logging.getLogger(__name__)
MAX_BACKOFF_SECONDS = 10.0


async def fire_due_timers(
    *,
    sessions: async_sessionmaker[AsyncSession],
    outbox: OutboxWriter,
    clock: Clock,
    batch: int,
) -> int:
    """One round: settle up to `batch` due timers; returns how many were fired or cancelled."""
    now = clock.now()
    settled = 0
    async with sessions() as session, session.begin():
        for timer in await store.claim_due_timers(session=session, now=now, batch=batch):
            settled += await _settle(timer, session=session, outbox=outbox, now=now)
    return settled


async def _settle(
    timer: store.TimerRow, *, session: AsyncSession, outbox: OutboxWriter, now: datetime
) -> int:
    ticket = await store.get_ticket(timer.ticket_id, session=session, lock=store.Lock.SKIP_LOCKED)
    if ticket is None:
        return 0  # a handler is changing this ticket; the timer stays pending for the next round
    clocks = await store.load_clocks(ticket.id, session=session, lock=True)
    step = fire(clocks[timer.clock], timer.kind, fire_at=timer.fire_at, now=now)
    if not step.changes:
        await store.settle_timer(
            timer.id, session=session, state=store.TimerState.CANCELLED, now=now
        )
        return 1
    await store.save_clock(ticket.id, step.clock, session=session)
    context = EventContext(
        subject=ticket.id, customer_id=ticket.customer_id, correlation_id=ticket.id
    )
    info = TicketInfo(ticket.id, ticket.contract_version, ticket.line)
    for change in step.changes:
        await outbox.add(session, announce(change, info), context=context, time=now)
    await store.settle_timer(timer.id, session=session, state=store.TimerState.FIRED, now=now)
    return 1


async def run_timer_loop(settings: SlaTimerSettings, stop: asyncio.Event, *, clock: Clock) -> None:
    """Fire due timers every `timer_interval_seconds` until stopped; a full batch goes on at once.

    Database failures back off and retry (nothing is lost: timers stay pending); any other error
    is a bug and stops the process so that it restarts visibly.
    """
    engine = create_engine(settings)
    sessions = create_session_factory(engine)
    writer = OutboxWriter(tables=outbox_tables, source=SOURCE, topic=settings.ticket_events_topic)
    interval = backoff = settings.timer_interval_seconds
    log.info("timer loop started (every %.2f s, batch %d)", interval, settings.timer_batch)
    try:
        while not stop.is_set():
            try:
                settled = await fire_due_timers(
                    sessions=sessions, outbox=writer, clock=clock, batch=settings.timer_batch
                )
            except (OSError, SQLAlchemyError) as error:
                log.warning("timer round failed, retrying: %s", type(error).__name__)
                await _wait(stop, backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
                continue
            backoff = interval
            if settled < settings.timer_batch:
                await _wait(stop, interval)
    finally:
        await engine.dispose()


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    """Sleep `seconds`, or less when asked to stop."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
