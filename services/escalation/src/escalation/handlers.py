"""Escalation's event handlers: per-ticket state from the topic, automatic moves on breach.

Each handler runs in the consumer's transaction (which also records the event id), locks the
ticket row with `SELECT ... FOR UPDATE` and writes the events it emits to the outbox.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from escalation import store
from escalation.domain import (
    SYSTEM_ACTOR,
    VENDOR_LINE,
    EscalationRefusedError,
    decide_on_breach,
    line_after_reclassification,
    trigger_for_actor,
)
from ticketing_common.clock import Clock
from ticketing_common.consumer import Handler, PermanentError
from ticketing_common.contracts import ContractBook, ContractVersion
from ticketing_common.envelope import CloudEvent, Event
from ticketing_common.events import (
    EscalationTrigger,
    Priority,
    SlaBreached,
    TicketCreated,
    TicketEscalated,
    TicketReclassified,
    TicketStatus,
    TicketStatusChanged,
    TicketTriaged,
)
from ticketing_common.outbox import EventContext, OutboxWriter

log = logging.getLogger(__name__)
INITIAL_LINE_REASON = "initial line from triage"


@dataclass(frozen=True)
class Deps:
    """What escalation's handlers need besides the session."""

    outbox: OutboxWriter
    contracts: ContractBook
    clock: Clock


def handlers(deps: Deps) -> dict[type[Event], Handler]:
    """The consumer's handler map; every other event type is skipped on purpose."""
    return {
        TicketCreated: handle_ticket_created,
        TicketTriaged: partial(handle_ticket_triaged, deps=deps),
        TicketReclassified: handle_ticket_reclassified,
        SlaBreached: partial(handle_sla_breached, deps=deps),
        TicketStatusChanged: handle_ticket_status_changed,
    }


async def handle_ticket_created(
    event: TicketCreated, *, envelope: CloudEvent, session: AsyncSession
) -> None:
    """Remember the customer and the contract version the ticket pinned at reception."""
    await store.remember_ticket(
        session,
        ticket_id=event.ticket_id,
        customer_id=event.customer_id,
        contract_version=event.contract_version,
        at=envelope.time,
        overwrite=True,
    )


async def handle_ticket_triaged(
    event: TicketTriaged, *, envelope: CloudEvent, session: AsyncSession, deps: Deps
) -> None:
    """Set class and priority; the first triage sets the initial line (first history entry)."""
    ticket = await store.get_ticket(session, event.ticket_id, for_update=True)
    if ticket is None:
        ticket = await _adopt_untracked(event, envelope=envelope, session=session, deps=deps)
    actor = _system_actor(envelope)
    reason = INITIAL_LINE_REASON if ticket.current_line is None else "line from re-triage"
    await _classify(
        ticket,
        line=event.line,
        request_class=event.request_class,
        priority=event.priority,
        entry=_entry(event.triaged_at, ticket, event.line, reason=reason, actor=actor),
        session=session,
    )


async def handle_ticket_reclassified(
    event: TicketReclassified, *, envelope: CloudEvent, session: AsyncSession
) -> None:
    """Follow a changed class, priority or line (history entry; nothing emitted)."""
    ticket = await _known_ticket(session, event.ticket_id, envelope)
    await _classify(
        ticket,
        line=event.line,
        request_class=event.request_class,
        priority=event.priority,
        entry=_entry(
            event.reclassified_at, ticket, event.line, reason=event.reason, actor=event.actor
        ),
        session=session,
    )


async def handle_sla_breached(
    event: SlaBreached, *, envelope: CloudEvent, session: AsyncSession, deps: Deps
) -> None:
    """Escalate one included line up (never to 4), or record that there is none."""
    ticket = await _known_ticket(session, event.ticket_id, envelope)
    contract = contract_of(ticket, deps, error=PermanentError)
    try:
        decision = decide_on_breach(ticket.line_state, event.clock.value, contract.lines)
    except EscalationRefusedError as error:
        raise PermanentError(f"sla.breached for ticket {ticket.id}: {error}") from error
    current = ticket.line_state.current_line
    assert current is not None  # decide_on_breach refuses an untriaged ticket
    entry = store.HistoryEntry(
        at=deps.clock.now(),
        from_line=current,
        to_line=decision.to_line if decision.to_line is not None else current,
        trigger=EscalationTrigger.SLA_BREACH,
        reason=decision.reason,
        actor=SYSTEM_ACTOR,
    )
    await record_move(entry, ticket, session=session, deps=deps, context=_caused_by(envelope))


async def handle_ticket_status_changed(
    event: TicketStatusChanged, *, envelope: CloudEvent, session: AsyncSession
) -> None:
    """A closed ticket refuses manual escalations; reopening lifts that."""
    ticket = await _known_ticket(session, event.ticket_id, envelope)
    closed = event.to_status is TicketStatus.CLOSED
    await store.update_ticket(session, ticket.id, closed=closed, updated_at=event.changed_at)


async def record_move(
    entry: store.HistoryEntry,
    ticket: store.TicketRow,
    *,
    session: AsyncSession,
    deps: Deps,
    context: EventContext,
    **changes: Any,
) -> None:
    """Append the history entry, set the line, and emit `ticket.escalated` when it moved."""
    await store.add_history(session, ticket.id, entry)
    await store.update_ticket(
        session, ticket.id, current_line=entry.to_line, updated_at=entry.at, **changes
    )
    if entry.from_line is None or entry.from_line == entry.to_line:
        return
    event = TicketEscalated(
        ticket_id=ticket.id,
        from_line=entry.from_line,
        to_line=entry.to_line,
        trigger=entry.trigger,
        reason=entry.reason,
        actor=entry.actor,
        vendor_id=entry.vendor_id if entry.to_line == VENDOR_LINE else None,
        escalated_at=entry.at,
    )
    await deps.outbox.add(session, event, context=context, time=entry.at)


def contract_of(
    ticket: store.TicketRow, deps: Deps, *, error: Callable[[str], Exception]
) -> ContractVersion:
    """The contract version the ticket pinned; `error` says what a missing one is."""
    try:
        return deps.contracts.version_by_id(ticket.contract_version)
    except LookupError as missing:
        raise error(
            f"ticket {ticket.id} pins contract version {ticket.contract_version!r}, which the "
            f"contracts file does not have: {missing}"
        ) from missing


async def _classify(
    ticket: store.TicketRow,
    *,
    line: int,
    request_class: int | None,
    priority: Priority,
    entry: store.HistoryEntry,
    session: AsyncSession,
) -> None:
    changes: dict[str, Any] = {"request_class": request_class, "priority": priority.value}
    state = ticket.line_state
    moved_to = line if state.current_line is None else line_after_reclassification(state, line)
    if moved_to is None:
        await store.update_ticket(session, ticket.id, updated_at=entry.at, **changes)
        return
    await store.add_history(session, ticket.id, entry)
    await store.update_ticket(
        session, ticket.id, current_line=moved_to, updated_at=entry.at, **changes
    )


async def _adopt_untracked(
    event: TicketTriaged, *, envelope: CloudEvent, session: AsyncSession, deps: Deps
) -> store.TicketRow:
    """A triaged ticket whose `ticket.created` we never saw: take the contract then in force.

    Should not happen (created precedes triaged in the partition); a later `ticket.created`
    would still replace the guess with the pinned version.
    """
    try:
        version = deps.contracts.version_for(envelope.customerid, event.triaged_at)
    except LookupError as error:
        raise PermanentError(f"ticket.triaged for ticket {event.ticket_id}: {error}") from error
    log.warning("ticket %s triaged before it was created here", event.ticket_id)
    await store.remember_ticket(
        session,
        ticket_id=event.ticket_id,
        customer_id=envelope.customerid,
        contract_version=version.version_id,
        at=event.triaged_at,
        overwrite=False,
    )
    return await _known_ticket(session, event.ticket_id, envelope)


async def _known_ticket(
    session: AsyncSession, ticket_id: str, envelope: CloudEvent
) -> store.TicketRow:
    ticket = await store.get_ticket(session, ticket_id, for_update=True)
    if ticket is None:
        raise PermanentError(
            f"{envelope.type} for ticket {ticket_id}, which escalation does not know "
            "(no ticket.created seen for it)"
        )
    return ticket


def _entry(
    at: datetime, ticket: store.TicketRow, line: int, *, reason: str, actor: str
) -> store.HistoryEntry:
    return store.HistoryEntry(
        at=at,
        from_line=ticket.current_line,
        to_line=line,
        trigger=trigger_for_actor(actor),
        reason=reason,
        actor=actor,
    )


def _system_actor(envelope: CloudEvent) -> str:
    """`/services/triage` -> `system:triage`."""
    return f"system:{envelope.source.rstrip('/').rsplit('/', 1)[-1]}"


def _caused_by(envelope: CloudEvent) -> EventContext:
    return EventContext(
        subject=envelope.subject,
        customer_id=envelope.customerid,
        correlation_id=envelope.correlationid,
        causation_id=str(envelope.id),
    )
