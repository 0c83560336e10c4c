"""Reading and writing escalation's tables (the only module that knows their columns)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from escalation.domain import LineState
from escalation.tables import history, tickets
from ticketing_common.events import EscalationTrigger, Priority


@dataclass(frozen=True)
class TicketRow:
    """A ticket as escalation knows it."""

    id: str
    customer_id: str
    contract_version: str
    request_class: int | None
    priority: Priority | None
    current_line: int | None
    engaged_vendor_id: str | None
    vendor_reference: str | None
    vendor_engaged_at: datetime | None
    line_before_vendor: int | None
    closed: bool
    updated_at: datetime

    @property
    def line_state(self) -> LineState:
        """The part of the row the line-move rules look at."""
        return LineState(
            current_line=self.current_line,
            engaged_vendor=self.engaged_vendor_id,
            line_before_vendor=self.line_before_vendor,
            closed=self.closed,
        )


@dataclass(frozen=True)
class HistoryEntry:
    """One line decision on a ticket (from_line equals to_line when nothing moved)."""

    at: datetime
    from_line: int | None
    to_line: int
    trigger: EscalationTrigger
    reason: str
    actor: str
    vendor_id: str | None = None


async def remember_ticket(
    session: AsyncSession,
    *,
    ticket_id: str,
    customer_id: str,
    contract_version: str,
    at: datetime,
    overwrite: bool,
) -> None:
    """Store a ticket's customer and contract; `overwrite` replaces what an earlier guess set."""
    values = {"customer_id": customer_id, "contract_version": contract_version}
    statement = insert(tickets).values(id=ticket_id, updated_at=at, **values)
    if overwrite:
        statement = statement.on_conflict_do_update(index_elements=[tickets.c.id], set_=values)
    else:
        statement = statement.on_conflict_do_nothing(index_elements=[tickets.c.id])
    await session.execute(statement)


async def get_ticket(
    session: AsyncSession, ticket_id: str, *, for_update: bool = False
) -> TicketRow | None:
    """One ticket, optionally locked for the rest of the transaction."""
    statement = select(tickets).where(tickets.c.id == ticket_id)
    if for_update:
        statement = statement.with_for_update()
    row = (await session.execute(statement)).mappings().first()
    if row is None:
        return None
    priority = Priority(row["priority"]) if row["priority"] is not None else None
    return TicketRow(**{**row, "priority": priority})


async def update_ticket(session: AsyncSession, ticket_id: str, **changes: Any) -> None:
    """Change some columns of a ticket."""
    await session.execute(update(tickets).where(tickets.c.id == ticket_id).values(**changes))


async def add_history(session: AsyncSession, ticket_id: str, entry: HistoryEntry) -> None:
    """Append one entry to a ticket's history."""
    columns = {name: getattr(entry, name) for name in entry.__dataclass_fields__}
    await session.execute(
        history.insert().values(ticket_id=ticket_id, **{**columns, "trigger": entry.trigger.value})
    )


async def list_history(session: AsyncSession, ticket_id: str) -> list[HistoryEntry]:
    """A ticket's history, oldest first."""
    statement = select(history).where(history.c.ticket_id == ticket_id).order_by(history.c.id)
    rows = (await session.execute(statement)).mappings().all()
    return [
        HistoryEntry(
            at=row["at"],
            from_line=row["from_line"],
            to_line=row["to_line"],
            trigger=EscalationTrigger(row["trigger"]),
            reason=row["reason"],
            actor=row["actor"],
            vendor_id=row["vendor_id"],
        )
        for row in rows
    ]
