"""Reading and writing intake's tables (the only module that knows their columns)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from intake.tables import messages, tickets
from ticketing_common.events import AuthorKind, Channel, TicketStatus


@dataclass(frozen=True)
class TicketRow:
    """A ticket as stored."""

    id: str
    customer_id: str
    contract_version: str
    channel: Channel
    subject: str | None
    contact: str
    status: TicketStatus
    received_at: datetime
    first_response_at: datetime | None
    updated_at: datetime


@dataclass(frozen=True)
class MessageRow:
    """A message on a ticket as stored."""

    id: str
    ticket_id: str
    author: AuthorKind
    author_name: str | None
    channel: Channel
    body: str
    sent_at: datetime


async def insert_ticket(session: AsyncSession, ticket: TicketRow) -> None:
    """Store a new ticket."""
    await session.execute(tickets.insert().values(**_columns(ticket)))


async def insert_message(session: AsyncSession, message: MessageRow) -> None:
    """Store a message."""
    await session.execute(messages.insert().values(**_columns(message)))


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
    return TicketRow(
        **{**row, "channel": Channel(row["channel"]), "status": TicketStatus(row["status"])}
    )


async def list_messages(session: AsyncSession, ticket_id: str) -> list[MessageRow]:
    """A ticket's messages, oldest first."""
    statement = (
        select(messages).where(messages.c.ticket_id == ticket_id).order_by(messages.c.sent_at)
    )
    rows = (await session.execute(statement)).mappings().all()
    return [
        MessageRow(
            **{**row, "author": AuthorKind(row["author"]), "channel": Channel(row["channel"])}
        )
        for row in rows
    ]


async def update_ticket(session: AsyncSession, ticket_id: str, **changes: Any) -> None:
    """Change some columns of a ticket."""
    await session.execute(update(tickets).where(tickets.c.id == ticket_id).values(**changes))


def _columns(row: TicketRow | MessageRow) -> dict[str, Any]:
    return {name: getattr(row, name) for name in row.__dataclass_fields__}
