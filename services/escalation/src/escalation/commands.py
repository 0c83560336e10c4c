"""Escalation's command handlers: manual line moves, vendor engagement and vendor return.

Each runs in the API's transaction: lock the ticket row, check the rules, then history, state
and outbox events together.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from escalation import store
from escalation.domain import (
    VENDOR_LINE,
    EscalationConflictError,
    InvalidEscalationError,
    validate_line_move,
    validate_vendor_engagement,
    validate_vendor_return,
)
from escalation.handlers import Deps, contract_of, record_move
from ticketing_common.app import DomainError
from ticketing_common.events import EscalationTrigger, VendorEngaged, VendorOutcome, VendorReturned
from ticketing_common.outbox import EventContext


@dataclass(frozen=True)
class EscalateTicket:
    """Move a ticket to another line (up or down), or hand it to a contract vendor (line 4)."""

    reason: str
    actor: str
    to_line: int | None = None
    vendor_id: str | None = None
    external_reference: str | None = None


@dataclass(frozen=True)
class RecordVendorReturn:
    """An engaged vendor hands the ticket back; it goes down to `to_line`."""

    vendor_id: str
    outcome: VendorOutcome
    note: str
    actor: str
    to_line: int | None = None


async def escalate_ticket(
    ticket_id: str, command: EscalateTicket, *, session: AsyncSession, deps: Deps
) -> None:
    """A manual line move, or a vendor engagement when `vendor_id` is given."""
    ticket = await _locked_ticket(session, ticket_id)
    if command.vendor_id is not None:
        await _engage_vendor(ticket, command, command.vendor_id, session=session, deps=deps)
        return
    if command.to_line is None:
        raise DomainError(422, "invalid_escalation", "give exactly one of to_line or vendor_id")
    contract = contract_of(ticket, deps, error=_contract_missing)
    with _refusals():
        from_line = validate_line_move(ticket.line_state, command.to_line, contract.lines)
    entry = store.HistoryEntry(
        at=deps.clock.now(),
        from_line=from_line,
        to_line=command.to_line,
        trigger=EscalationTrigger.MANUAL,
        reason=command.reason,
        actor=command.actor,
    )
    await record_move(entry, ticket, session=session, deps=deps, context=_context(ticket))


async def record_vendor_return(
    ticket_id: str, command: RecordVendorReturn, *, session: AsyncSession, deps: Deps
) -> None:
    """Emit `vendor.returned` and move the ticket back down from line 4."""
    ticket = await _locked_ticket(session, ticket_id)
    contract = contract_of(ticket, deps, error=_contract_missing)
    with _refusals():
        target = validate_vendor_return(
            ticket.line_state, command.vendor_id, command.to_line, contract.lines
        )
    now = deps.clock.now()
    returned = VendorReturned(
        ticket_id=ticket.id,
        vendor_id=command.vendor_id,
        outcome=command.outcome,
        note=command.note,
        returned_at=now,
    )
    await deps.outbox.add(session, returned, context=_context(ticket), time=now)
    entry = store.HistoryEntry(
        at=now,
        from_line=ticket.current_line,
        to_line=target,
        trigger=EscalationTrigger.MANUAL,
        reason=f"vendor '{command.vendor_id}' returned the ticket ({command.outcome}): "
        f"{command.note}",
        actor=command.actor,
        vendor_id=command.vendor_id,
    )
    await record_move(
        entry,
        ticket,
        session=session,
        deps=deps,
        context=_context(ticket),
        engaged_vendor_id=None,
        vendor_reference=None,
        vendor_engaged_at=None,
        line_before_vendor=None,
    )


async def _engage_vendor(
    ticket: store.TicketRow,
    command: EscalateTicket,
    vendor_id: str,
    *,
    session: AsyncSession,
    deps: Deps,
) -> None:
    """Line 4: `ticket.escalated` (unless triage already put it there) and `vendor.engaged`."""
    if command.to_line is not None:
        raise DomainError(422, "invalid_escalation", "give exactly one of to_line or vendor_id")
    contract = contract_of(ticket, deps, error=_contract_missing)
    vendors = [vendor.id for vendor in contract.vendors]
    with _refusals():
        from_line = validate_vendor_engagement(
            ticket.line_state, vendor_id, vendors, contract.lines
        )
    now = deps.clock.now()
    entry = store.HistoryEntry(
        at=now,
        from_line=from_line,
        to_line=VENDOR_LINE,
        trigger=EscalationTrigger.MANUAL,
        reason=command.reason,
        actor=command.actor,
        vendor_id=vendor_id,
    )
    await record_move(
        entry,
        ticket,
        session=session,
        deps=deps,
        context=_context(ticket),
        engaged_vendor_id=vendor_id,
        vendor_reference=command.external_reference,
        vendor_engaged_at=now,
        line_before_vendor=from_line if from_line != VENDOR_LINE else None,
    )
    engaged = VendorEngaged(
        ticket_id=ticket.id,
        vendor_id=vendor_id,
        external_reference=command.external_reference,
        reason=command.reason,
        engaged_at=now,
    )
    await deps.outbox.add(session, engaged, context=_context(ticket), time=now)


@contextmanager
def _refusals() -> Iterator[None]:
    """Turn the rules' refusals into HTTP errors: contract violations 422, state 409."""
    try:
        yield
    except InvalidEscalationError as error:
        raise DomainError(422, "invalid_escalation", str(error)) from error
    except EscalationConflictError as error:
        raise DomainError(409, "escalation_conflict", str(error)) from error


def _contract_missing(message: str) -> DomainError:
    return DomainError(409, "contract_not_found", message)


async def _locked_ticket(session: AsyncSession, ticket_id: str) -> store.TicketRow:
    ticket = await store.get_ticket(session, ticket_id, for_update=True)
    if ticket is None:
        raise DomainError(404, "ticket_not_found", f"no ticket with id {ticket_id}")
    return ticket


def _context(ticket: store.TicketRow) -> EventContext:
    return EventContext(subject=ticket.id, customer_id=ticket.customer_id, correlation_id=ticket.id)
