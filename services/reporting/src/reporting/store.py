"""Reading and writing reporting's tables (the only module that knows their columns)."""

from __future__ import annotations

from dataclasses import asdict, fields
from typing import Any

from sqlalchemy import RowMapping, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from reporting.facts import (
    ClockFacts,
    ClockOutcome,
    EscalationFact,
    SlaEventFact,
    TicketFacts,
)
from reporting.tables import escalations, sla_events, tickets
from ticketing_common.events import Channel, EscalationTrigger, Priority, TicketStatus

_CLOCKS = ("response", "resolution")


async def insert_ticket(session: AsyncSession, facts: TicketFacts) -> None:
    """Store a new ticket; a ticket already stored is left as it is."""
    statement = insert(tickets).values(**_ticket_columns(facts))
    await session.execute(statement.on_conflict_do_nothing(index_elements=["ticket_id"]))


async def lock_ticket(session: AsyncSession, ticket_id: str) -> TicketFacts | None:
    """A ticket's facts, locked until the transaction ends; None when it is unknown."""
    statement = select(tickets).where(tickets.c.ticket_id == ticket_id).with_for_update()
    row = (await session.execute(statement)).mappings().first()
    return None if row is None else _ticket_from_row(row)


async def save_ticket(session: AsyncSession, facts: TicketFacts) -> None:
    """Overwrite a stored ticket's facts."""
    statement = (
        update(tickets)
        .where(tickets.c.ticket_id == facts.ticket_id)
        .values(**_ticket_columns(facts))
    )
    await session.execute(statement)


async def insert_escalation(session: AsyncSession, fact: EscalationFact) -> None:
    """Record a line move (once per event id)."""
    statement = insert(escalations).values(**asdict(fact))
    await session.execute(statement.on_conflict_do_nothing(index_elements=["event_id"]))


async def insert_sla_event(session: AsyncSession, fact: SlaEventFact) -> None:
    """Record an SLA clock event (once per event id)."""
    statement = insert(sla_events).values(**asdict(fact))
    await session.execute(statement.on_conflict_do_nothing(index_elements=["event_id"]))


async def month_tickets(
    session: AsyncSession, *, customer_id: str, month: str
) -> list[TicketFacts]:
    """The tickets a customer's report of one month counts, oldest first."""
    statement = (
        select(tickets)
        .where(tickets.c.customer_id == customer_id, tickets.c.month == month)
        .order_by(tickets.c.received_at, tickets.c.ticket_id)
    )
    rows = (await session.execute(statement)).mappings().all()
    return [_ticket_from_row(row) for row in rows]


async def month_escalations(
    session: AsyncSession, *, customer_id: str, month: str
) -> list[EscalationFact]:
    """Every line move of the tickets of a customer's month."""
    statement = (
        select(escalations)
        .join(tickets, tickets.c.ticket_id == escalations.c.ticket_id)
        .where(tickets.c.customer_id == customer_id, tickets.c.month == month)
        .order_by(escalations.c.escalated_at)
    )
    rows = (await session.execute(statement)).mappings().all()
    return [EscalationFact(**{**row, "trigger": EscalationTrigger(row["trigger"])}) for row in rows]


def _ticket_columns(facts: TicketFacts) -> dict[str, Any]:
    columns = {
        field.name: getattr(facts, field.name)
        for field in fields(TicketFacts)
        if field.name not in _CLOCKS
    }
    for clock in _CLOCKS:
        for name, value in asdict(getattr(facts, clock)).items():
            columns[f"{clock}_{name}"] = value
    return columns


def _ticket_from_row(row: RowMapping) -> TicketFacts:
    plain = {
        field.name: row[field.name] for field in fields(TicketFacts) if field.name not in _CLOCKS
    }
    priority = row["priority"]
    return TicketFacts(
        **{
            **plain,
            "channel": Channel(row["channel"]),
            "status": TicketStatus(row["status"]),
            "priority": None if priority is None else Priority(priority),
        },
        response=_clock_from_row(row, "response"),
        resolution=_clock_from_row(row, "resolution"),
    )


def _clock_from_row(row: RowMapping, clock: str) -> ClockFacts:
    return ClockFacts(
        outcome=ClockOutcome(row[f"{clock}_outcome"]),
        seconds=row[f"{clock}_seconds"],
        target_seconds=row[f"{clock}_target_seconds"],
        decided_at=row[f"{clock}_decided_at"],
    )
