"""Reading and writing triage's tables (the only module that knows their columns)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from ticketing_common.events import Channel, Priority
from triage.domain import DecisionSource
from triage.tables import classifications, decisions, requests


@dataclass(frozen=True)
class RequestRow:
    """A request as triage received it."""

    ticket_id: str
    customer_id: str
    contract_version: str
    channel: Channel
    subject: str | None
    body: str
    received_at: datetime


@dataclass(frozen=True)
class ClassificationRow:
    """The classification in force for a ticket; request_class None means non-core."""

    ticket_id: str
    customer_id: str
    contract_version: str
    request_class: int | None
    line: int
    priority: Priority
    reasons: tuple[str, ...]
    language: str
    rule_set_version: str
    source: DecisionSource
    classified_at: datetime


@dataclass(frozen=True)
class DecisionRow:
    """One decision in a ticket's history."""

    ticket_id: str
    request_class: int | None
    line: int
    priority: Priority
    reasons: tuple[str, ...]
    rule_set_version: str
    source: DecisionSource
    actor: str | None
    reason: str | None
    decided_at: datetime


async def insert_request(session: AsyncSession, request: RequestRow) -> bool:
    """Store a request; False when one with that ticket id is already stored."""
    statement = (
        insert(requests)
        .values(**_columns(request))
        .on_conflict_do_nothing(index_elements=[requests.c.ticket_id])
        .returning(requests.c.ticket_id)
    )
    return (await session.execute(statement)).first() is not None


async def get_request(session: AsyncSession, ticket_id: str) -> RequestRow | None:
    """The request of a ticket, if triage received it."""
    statement = select(requests).where(requests.c.ticket_id == ticket_id)
    row = (await session.execute(statement)).mappings().first()
    return None if row is None else RequestRow(**{**row, "channel": Channel(row["channel"])})


async def insert_classification(session: AsyncSession, classification: ClassificationRow) -> None:
    """Store a ticket's first classification."""
    await session.execute(classifications.insert().values(**_columns(classification)))


async def replace_classification(session: AsyncSession, classification: ClassificationRow) -> None:
    """Put a new classification in force for its ticket."""
    await session.execute(
        update(classifications)
        .where(classifications.c.ticket_id == classification.ticket_id)
        .values(**_columns(classification))
    )


async def get_classification(
    session: AsyncSession, ticket_id: str, *, for_update: bool = False
) -> ClassificationRow | None:
    """The classification in force, optionally locked for the rest of the transaction."""
    statement = select(classifications).where(classifications.c.ticket_id == ticket_id)
    if for_update:
        statement = statement.with_for_update()
    row = (await session.execute(statement)).mappings().first()
    if row is None:
        return None
    return ClassificationRow(**{**row, **_typed(row)})


async def insert_decision(session: AsyncSession, decision: DecisionRow) -> None:
    """Append a decision to its ticket's history."""
    await session.execute(decisions.insert().values(**_columns(decision)))


async def list_decisions(session: AsyncSession, ticket_id: str) -> list[DecisionRow]:
    """A ticket's decisions, oldest first."""
    statement = (
        select(*(decisions.c[name] for name in DecisionRow.__dataclass_fields__))
        .where(decisions.c.ticket_id == ticket_id)
        .order_by(decisions.c.id)
    )
    rows = (await session.execute(statement)).mappings().all()
    return [DecisionRow(**{**row, **_typed(row)}) for row in rows]


def _typed(row: Any) -> dict[str, Any]:
    return {
        "priority": Priority(row["priority"]),
        "reasons": tuple(row["reasons"]),
        "source": DecisionSource(row["source"]),
    }


def _columns(row: RequestRow | ClassificationRow | DecisionRow) -> dict[str, Any]:
    values = {name: getattr(row, name) for name in row.__dataclass_fields__}
    if "reasons" in values:
        values["reasons"] = list(values["reasons"])
    return values
