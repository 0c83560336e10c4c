"""Reporting's event handlers: every event of the catalog updates the read models.

Each handler runs inside the consumer's transaction, which also records the event id, so a
redelivered event changes nothing. Reporting emits no events.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.ext.asyncio import AsyncSession

from reporting import projections, store
from ticketing_common.consumer import Handler, PermanentError
from ticketing_common.envelope import CloudEvent, Event
from ticketing_common.events import (
    MessageAdded,
    SlaArmed,
    SlaBreached,
    SlaMet,
    SlaPaused,
    SlaResumed,
    SlaWarning,
    TicketCreated,
    TicketEscalated,
    TicketReclassified,
    TicketStatusChanged,
    TicketTriaged,
    VendorEngaged,
    VendorReturned,
)

TicketFactEvent = (
    MessageAdded
    | TicketTriaged
    | TicketReclassified
    | TicketStatusChanged
    | TicketEscalated
    | VendorEngaged
    | VendorReturned
    | projections.SlaEvent
)


async def on_ticket_created(
    event: TicketCreated, *, envelope: CloudEvent, session: AsyncSession
) -> None:
    """A new ticket: its first facts."""
    await store.insert_ticket(session, projections.new_ticket(event))


async def on_ticket_fact(
    event: TicketFactEvent, *, envelope: CloudEvent, session: AsyncSession
) -> None:
    """Apply an event to its ticket's facts, under the ticket's row lock."""
    facts = await store.lock_ticket(session, event.ticket_id)
    if facts is None:
        # ticket.created comes first in the ticket's partition: without it nothing can apply.
        raise PermanentError(
            f"{envelope.type} {envelope.id} is about ticket {event.ticket_id}, "
            "whose ticket.created was never applied"
        )
    await store.save_ticket(session, projections.apply(facts, event))


async def on_ticket_escalated(
    event: TicketEscalated, *, envelope: CloudEvent, session: AsyncSession
) -> None:
    """A line move: the ticket's facts and the escalation history."""
    await on_ticket_fact(event, envelope=envelope, session=session)
    await store.insert_escalation(session, projections.escalation_of(event, event_id=envelope.id))


async def on_sla_event(
    event: projections.SlaEvent, *, envelope: CloudEvent, session: AsyncSession
) -> None:
    """An SLA clock event: the ticket's facts and the SLA history."""
    await on_ticket_fact(event, envelope=envelope, session=session)
    await store.insert_sla_event(session, projections.sla_event_of(event, event_id=envelope.id))


HANDLERS: Mapping[type[Event], Handler] = {
    TicketCreated: on_ticket_created,
    MessageAdded: on_ticket_fact,
    TicketTriaged: on_ticket_fact,
    TicketReclassified: on_ticket_fact,
    TicketStatusChanged: on_ticket_fact,
    TicketEscalated: on_ticket_escalated,
    VendorEngaged: on_ticket_fact,
    VendorReturned: on_ticket_fact,
    SlaArmed: on_sla_event,
    SlaWarning: on_sla_event,
    SlaBreached: on_sla_event,
    SlaMet: on_sla_event,
    SlaPaused: on_sla_event,
    SlaResumed: on_sla_event,
}
