"""Intake's command handlers: one function per command, state and events in one transaction."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from uuid import uuid4

from sqlalchemy.ext.asyncio import AsyncSession

from intake import store
from intake.domain import (
    StatusRequest,
    next_status,
    status_after_agent_reply,
)
from ticketing_common.app import DomainError
from ticketing_common.clock import Clock
from ticketing_common.contracts import ContractBook, NoContractInForceError, UnknownCustomerError
from ticketing_common.events import (
    AuthorKind,
    Channel,
    MessageAdded,
    TicketCreated,
    TicketStatus,
    TicketStatusChanged,
)
from ticketing_common.outbox import EventContext, OutboxWriter


@dataclass(frozen=True)
class CreateTicket:
    """Open a ticket for a customer's request."""

    customer_id: str
    channel: Channel
    subject: str | None
    body: str
    contact: str


@dataclass(frozen=True)
class AddReply:
    """An agent answers the customer."""

    agent: str
    body: str
    channel: Channel | None = None


@dataclass(frozen=True)
class ChangeStatus:
    """An agent moves the ticket through its lifecycle."""

    status: StatusRequest
    actor: str
    reason: str | None = None


@dataclass(frozen=True)
class Deps:
    """What every intake handler needs besides the session."""

    outbox: OutboxWriter
    contracts: ContractBook
    clock: Clock


def new_ticket_id() -> str:
    """A short, unique, human-friendly ticket number."""
    return f"TKT-{uuid4().hex[:12].upper()}"


async def create_ticket(
    command: CreateTicket, *, session: AsyncSession, deps: Deps
) -> store.TicketRow:
    """Register a request: store the ticket and its first message, emit ticket.created."""
    now = deps.clock.now()
    try:
        contract = deps.contracts.version_for(command.customer_id, now)
    except (UnknownCustomerError, NoContractInForceError) as error:
        raise DomainError(422, "unknown_customer", str(error)) from error
    ticket = store.TicketRow(
        id=new_ticket_id(),
        customer_id=command.customer_id,
        contract_version=contract.version_id,
        channel=command.channel,
        subject=command.subject,
        contact=command.contact,
        status=TicketStatus.NEW,
        received_at=now,
        first_response_at=None,
        updated_at=now,
    )
    await store.insert_ticket(session, ticket)
    await store.insert_message(
        session, _message(ticket.id, AuthorKind.CUSTOMER, None, command.channel, command.body, now)
    )
    event = TicketCreated(
        ticket_id=ticket.id,
        customer_id=ticket.customer_id,
        contract_version=ticket.contract_version,
        channel=ticket.channel,
        subject=ticket.subject,
        body=command.body,
        contact=ticket.contact,
        received_at=now,
    )
    await deps.outbox.add(session, event, context=_context(ticket), time=now)
    return ticket


async def add_reply(
    ticket_id: str, command: AddReply, *, session: AsyncSession, deps: Deps
) -> store.MessageRow:
    """Record an agent reply; the first one is the ticket's first response."""
    ticket = await _locked_ticket(session, ticket_id)
    if ticket.status is TicketStatus.CLOSED:
        raise DomainError(409, "ticket_closed", f"ticket {ticket_id} is closed; reopen it first")
    now = deps.clock.now()
    message = _message(
        ticket.id,
        AuthorKind.AGENT,
        command.agent,
        command.channel or ticket.channel,
        command.body,
        now,
    )
    await store.insert_message(session, message)
    if ticket.first_response_at is None:
        await store.update_ticket(session, ticket.id, first_response_at=now, updated_at=now)
    await deps.outbox.add(
        session,
        MessageAdded(
            ticket_id=ticket.id,
            message_id=message.id,
            author=AuthorKind.AGENT,
            channel=message.channel,
            body=message.body,
            sent_at=now,
        ),
        context=_context(ticket),
        time=now,
    )
    opened = status_after_agent_reply(ticket.status)
    if opened is not None:
        await _move(
            ticket,
            opened,
            actor=command.agent,
            reason="first agent reply",
            session=session,
            deps=deps,
            now=now,
        )
    return message


async def change_status(
    ticket_id: str, command: ChangeStatus, *, session: AsyncSession, deps: Deps
) -> store.TicketRow:
    """Move a ticket to another status when the lifecycle allows it."""
    ticket = await _locked_ticket(session, ticket_id)
    try:
        target = next_status(ticket.status, command.status)
    except ValueError as error:
        raise DomainError(409, "invalid_transition", str(error)) from error
    now = deps.clock.now()
    await _move(
        ticket,
        target,
        actor=command.actor,
        reason=command.reason,
        session=session,
        deps=deps,
        now=now,
    )
    return replace(ticket, status=target, updated_at=now)


async def _move(
    ticket: store.TicketRow,
    target: TicketStatus,
    *,
    actor: str,
    reason: str | None,
    session: AsyncSession,
    deps: Deps,
    now: datetime,
) -> None:
    await store.update_ticket(session, ticket.id, status=target.value, updated_at=now)
    event = TicketStatusChanged(
        ticket_id=ticket.id,
        from_status=ticket.status,
        to_status=target,
        actor=actor,
        reason=reason,
        changed_at=now,
    )
    await deps.outbox.add(session, event, context=_context(ticket), time=now)


async def _locked_ticket(session: AsyncSession, ticket_id: str) -> store.TicketRow:
    ticket = await store.get_ticket(session, ticket_id, for_update=True)
    if ticket is None:
        raise DomainError(404, "ticket_not_found", f"no ticket with id {ticket_id}")
    return ticket


def _message(
    ticket_id: str,
    author: AuthorKind,
    author_name: str | None,
    channel: Channel,
    body: str,
    now: datetime,
) -> store.MessageRow:
    return store.MessageRow(
        id=f"MSG-{uuid4().hex[:16].upper()}",
        ticket_id=ticket_id,
        author=author,
        author_name=author_name,
        channel=channel,
        body=body,
        sent_at=now,
    )


def _context(ticket: store.TicketRow) -> EventContext:
    return EventContext(subject=ticket.id, customer_id=ticket.customer_id, correlation_id=ticket.id)
