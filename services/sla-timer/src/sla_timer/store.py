"""Reading and writing sla-timer's tables (the only module that knows their columns).

Locking: every writer locks the ticket row first (handlers wait for it, the timer loop skips a
ticket that is busy), so one ticket's clocks, timers and outbox sequence change one writer at a
time and no two writers wait on each other in a cycle.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from enum import Enum, StrEnum
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from sla_timer.clocks import ClockState, SlaClock, TicketFacts, TimerKind
from sla_timer.readings import timers_for
from sla_timer.tables import clocks, tickets, timers
from ticketing_common.events import ClockKind

KEY_COLUMNS = ("ticket_id", "kind")


class Lock(Enum):
    """How to read a row that is about to change."""

    NONE = "none"
    WAIT = "wait"
    SKIP_LOCKED = "skip_locked"


class TimerState(StrEnum):
    """Where a durable timer stands."""

    PENDING = "pending"
    FIRED = "fired"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class TicketRow:
    """A ticket as the clocks see it."""

    id: str
    customer_id: str
    contract_version: str
    received_at: datetime
    request_class: int | None = None
    line: int | None = None
    triaged_at: datetime | None = None
    first_agent_reply_at: datetime | None = None
    resolved_at: datetime | None = None
    waiting_since: datetime | None = None
    closed_at: datetime | None = None

    @property
    def facts(self) -> TicketFacts:
        """The facts that stop or pause clocks, as known so far."""
        return TicketFacts(
            first_agent_reply_at=self.first_agent_reply_at,
            resolved_at=self.resolved_at,
            waiting_since=self.waiting_since,
            closed_at=self.closed_at,
        )


@dataclass(frozen=True)
class TimerRow:
    """A due timer claimed by the timer loop."""

    id: int
    ticket_id: str
    clock: ClockKind
    kind: TimerKind
    fire_at: datetime


async def insert_ticket(ticket: TicketRow, *, session: AsyncSession) -> None:
    """Store a new ticket; a second `ticket.created` for the same id changes nothing."""
    statement = insert(tickets).values(**_columns(ticket)).on_conflict_do_nothing()
    await session.execute(statement)


async def get_ticket(
    ticket_id: str, *, session: AsyncSession, lock: Lock = Lock.NONE
) -> TicketRow | None:
    """One ticket; locked for the transaction, or None when `SKIP_LOCKED` finds it busy."""
    statement = select(tickets).where(tickets.c.id == ticket_id)
    if lock is not Lock.NONE:
        statement = statement.with_for_update(skip_locked=lock is Lock.SKIP_LOCKED)
    row = (await session.execute(statement)).mappings().first()
    return None if row is None else TicketRow(**row)


async def update_ticket(ticket_id: str, *, session: AsyncSession, **changes: Any) -> None:
    """Change some columns of a ticket (none is fine)."""
    if not changes:
        return
    await session.execute(update(tickets).where(tickets.c.id == ticket_id).values(**changes))


async def load_clocks(
    ticket_id: str, *, session: AsyncSession, lock: bool = False
) -> dict[ClockKind, SlaClock]:
    """A ticket's clocks, response first (none before triage)."""
    statement = select(clocks).where(clocks.c.ticket_id == ticket_id).order_by(clocks.c.kind)
    if lock:
        statement = statement.with_for_update()
    rows = (await session.execute(statement)).mappings().all()
    found = {ClockKind(row["kind"]): _clock(row) for row in rows}
    return {kind: found[kind] for kind in ClockKind if kind in found}


def _clock_upsert() -> Any:
    """Insert-or-overwrite of a clock, built once so SQLAlchemy compiles it once (hot path)."""
    statement = insert(clocks)
    return statement.on_conflict_do_update(
        index_elements=[clocks.c.ticket_id, clocks.c.kind],
        set_={
            column.name: statement.excluded[column.name]
            for column in clocks.c
            if column.name not in KEY_COLUMNS
        },
    )


_CLOCK_UPSERT = _clock_upsert()


async def save_clock(ticket_id: str, clock: SlaClock, *, session: AsyncSession) -> None:
    """Insert or overwrite one clock (every column is written)."""
    await session.execute(_CLOCK_UPSERT, {"ticket_id": ticket_id, **_columns(clock)})


async def replace_timers(
    ticket_id: str, clock: SlaClock, *, session: AsyncSession, now: datetime
) -> None:
    """Cancel the clock's pending timers and schedule the ones its new state needs."""
    await session.execute(
        update(timers)
        .where(
            timers.c.ticket_id == ticket_id,
            timers.c.clock == clock.kind.value,
            timers.c.state == TimerState.PENDING.value,
        )
        .values(state=TimerState.CANCELLED.value, settled_at=now)
    )
    wanted = timers_for(clock)
    if wanted:
        rows = [
            {
                "ticket_id": ticket_id,
                "clock": clock.kind.value,
                "kind": kind.value,
                "fire_at": fire_at,
                "state": TimerState.PENDING.value,
            }
            for kind, fire_at in wanted
        ]
        await session.execute(timers.insert(), rows)


async def claim_due_timers(*, session: AsyncSession, now: datetime, batch: int) -> list[TimerRow]:
    """Lock up to `batch` due pending timers, earliest first, skipping those another loop holds."""
    statement = (
        select(timers.c.id, timers.c.ticket_id, timers.c.clock, timers.c.kind, timers.c.fire_at)
        .where(timers.c.state == TimerState.PENDING.value, timers.c.fire_at <= now)
        .order_by(timers.c.fire_at, timers.c.id)
        .limit(batch)
        .with_for_update(skip_locked=True)
    )
    rows = (await session.execute(statement)).all()
    return [
        TimerRow(id, ticket_id, ClockKind(clock), TimerKind(kind), fire_at)
        for id, ticket_id, clock, kind, fire_at in rows
    ]


async def settle_timer(
    timer_id: int, *, session: AsyncSession, state: TimerState, now: datetime
) -> None:
    """Mark a claimed timer fired or cancelled."""
    await session.execute(
        update(timers).where(timers.c.id == timer_id).values(state=state.value, settled_at=now)
    )


def _clock(row: Any) -> SlaClock:
    values = {name: row[name] for name in (f.name for f in fields(SlaClock))}
    return SlaClock(**{**values, "kind": ClockKind(row["kind"]), "state": ClockState(row["state"])})


def _columns(row: TicketRow | SlaClock) -> dict[str, Any]:
    values = {f.name: getattr(row, f.name) for f in fields(row)}
    return {name: _plain(value) for name, value in values.items()}


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value
