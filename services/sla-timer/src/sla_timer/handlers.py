"""Sla-timer's event handlers: one per event type; state, timers and events in one transaction.

Facts from intake (replies, status changes) and from triage (class) arrive in any relative
order, so each fact is stored on the ticket row at its event time and applied to the clocks
when they exist, including at arming.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial

from sqlalchemy.ext.asyncio import AsyncSession

from sla_timer import store
from sla_timer.announcements import TicketInfo, announce
from sla_timer.business_hours import Calendar
from sla_timer.calendars import Calendars
from sla_timer.clocks import (
    ClockState,
    SlaClock,
    Transition,
    arm,
    cancel,
    catch_up,
    meet,
    pause,
    resume,
    retarget,
)
from ticketing_common.consumer import Handler, PermanentError
from ticketing_common.contracts import ContractVersion
from ticketing_common.envelope import CloudEvent, Event
from ticketing_common.events import (
    AuthorKind,
    ClockKind,
    MessageAdded,
    TicketCreated,
    TicketReclassified,
    TicketStatus,
    TicketStatusChanged,
    TicketTriaged,
)
from ticketing_common.outbox import EventContext, OutboxWriter

WAITING_REASON = "waiting_on_customer"


@dataclass(frozen=True)
class Deps:
    """What every sla-timer handler needs besides the session."""

    outbox: OutboxWriter
    calendars: Calendars


def build_handlers(deps: Deps) -> Mapping[type[Event], Handler]:
    """The explicit map of event types this service applies; everything else is skipped."""
    return {
        TicketCreated: partial(on_ticket_created, deps=deps),
        TicketTriaged: partial(on_ticket_triaged, deps=deps),
        TicketReclassified: partial(on_ticket_reclassified, deps=deps),
        MessageAdded: partial(on_message_added, deps=deps),
        TicketStatusChanged: partial(on_status_changed, deps=deps),
    }


async def on_ticket_created(
    event: TicketCreated, *, envelope: CloudEvent, session: AsyncSession, deps: Deps
) -> None:
    """Remember the ticket: its customer, pinned contract version and reception time."""
    _version_or_poison(deps.calendars, event.contract_version)
    ticket = store.TicketRow(
        id=event.ticket_id,
        customer_id=event.customer_id,
        contract_version=event.contract_version,
        received_at=event.received_at,
    )
    await store.insert_ticket(ticket, session=session)


async def on_ticket_triaged(
    event: TicketTriaged, *, envelope: CloudEvent, session: AsyncSession, deps: Deps
) -> None:
    """Arm both clocks for the class (a repeated triage re-arms like a reclassification)."""
    await _classify(
        event.ticket_id,
        event.request_class,
        event.line,
        at=event.triaged_at,
        envelope=envelope,
        session=session,
        deps=deps,
    )


async def on_ticket_reclassified(
    event: TicketReclassified, *, envelope: CloudEvent, session: AsyncSession, deps: Deps
) -> None:
    """Re-arm the clocks that still run with the new class's targets, from the same start."""
    await _classify(
        event.ticket_id,
        event.request_class,
        event.line,
        at=event.reclassified_at,
        envelope=envelope,
        session=session,
        deps=deps,
    )


async def on_message_added(
    event: MessageAdded, *, envelope: CloudEvent, session: AsyncSession, deps: Deps
) -> None:
    """The first agent reply stops the response clock (customer messages change nothing)."""
    if event.author is not AuthorKind.AGENT:
        return
    ticket = await _locked_ticket(event.ticket_id, session)
    first = ticket.first_agent_reply_at
    if first is None or event.sent_at < first:
        await store.update_ticket(ticket.id, session=session, first_agent_reply_at=event.sent_at)
    calendar = deps.calendars.calendar(ticket.contract_version)
    clocks = await store.load_clocks(ticket.id, session=session, lock=True)
    response = clocks.get(ClockKind.RESPONSE)
    if response is not None:
        step = meet(response, event.sent_at, calendar)
        await _apply(ticket, response, step, envelope=envelope, session=session, deps=deps)


async def on_status_changed(
    event: TicketStatusChanged, *, envelope: CloudEvent, session: AsyncSession, deps: Deps
) -> None:
    """Resolution meets the resolution clock; waiting on the customer pauses, leaving resumes.

    Resolving does not stop the response clock (only an agent reply does), and reopening a
    resolved ticket leaves a met resolution clock met. Closing cancels clocks still running or
    paused (an unresolved close: spam, duplicate, withdrawn), and reopening does not revive them.
    """
    ticket = await _locked_ticket(event.ticket_id, session)
    at, target = event.changed_at, event.to_status
    await store.update_ticket(ticket.id, session=session, **_fact_changes(event))
    calendar = deps.calendars.calendar(ticket.contract_version)
    clocks = await store.load_clocks(ticket.id, session=session, lock=True)
    for kind, clock in clocks.items():
        step = Transition(clock)
        if target is TicketStatus.RESOLVED and kind is ClockKind.RESOLUTION:
            step = meet(clock, at, calendar)
        elif target is TicketStatus.CLOSED:
            step = cancel(clock)
        elif target is TicketStatus.WAITING_ON_CUSTOMER:
            step = pause(clock, at, calendar, reason=WAITING_REASON)
        elif event.from_status is TicketStatus.WAITING_ON_CUSTOMER:
            step = resume(clock, at, calendar, reason=f"ticket moved to {target.value}")
        await _apply(ticket, clock, step, envelope=envelope, session=session, deps=deps)


def _fact_changes(event: TicketStatusChanged) -> dict[str, datetime | None]:
    changes: dict[str, datetime | None] = {}
    if event.to_status is TicketStatus.RESOLVED:
        changes["resolved_at"] = event.changed_at
    if event.to_status is TicketStatus.CLOSED:
        changes["closed_at"] = event.changed_at
    if event.to_status is TicketStatus.WAITING_ON_CUSTOMER:
        changes["waiting_since"] = event.changed_at
    elif event.from_status is TicketStatus.WAITING_ON_CUSTOMER:
        changes["waiting_since"] = None
    return changes


async def _classify(
    ticket_id: str,
    request_class: int | None,
    line: int,
    *,
    at: datetime,
    envelope: CloudEvent,
    session: AsyncSession,
    deps: Deps,
) -> None:
    ticket = await _locked_ticket(ticket_id, session)
    await store.update_ticket(
        ticket_id, session=session, request_class=request_class, line=line, triaged_at=at
    )
    ticket = replace(ticket, request_class=request_class, line=line, triaged_at=at)
    version = _version_or_poison(deps.calendars, ticket.contract_version)
    calendar = deps.calendars.calendar(ticket.contract_version)
    clocks = await store.load_clocks(ticket_id, session=session, lock=True)
    for kind in ClockKind:
        current = clocks.get(kind)
        step = _classified_step(kind, current, ticket, version, at=at, calendar=calendar)
        if step is not None:
            await _apply(ticket, current, step, envelope=envelope, session=session, deps=deps)


def _classified_step(
    kind: ClockKind,
    current: SlaClock | None,
    ticket: store.TicketRow,
    version: ContractVersion,
    *,
    at: datetime,
    calendar: Calendar,
) -> Transition | None:
    """A fresh clock (with the facts seen before it), or the live one re-targeted."""
    request_class = ticket.request_class
    target = _target(version, request_class, kind)
    if current is not None and current.state is not ClockState.NOT_APPLICABLE:
        # A move to a non-core class keeps the last class on the now `not_applicable` clock.
        kept = request_class if request_class is not None else current.request_class
        return retarget(
            current, request_class=kept, target_seconds=target, at=at, calendar=calendar
        )
    if request_class is None:
        return None  # non-core request: no clocks
    armed = arm(
        kind,
        request_class=request_class,
        target_seconds=target,
        warning_threshold=version.warning_threshold,
        received_at=ticket.received_at,
        at=at,
        calendar=calendar,
    )
    return catch_up(armed, ticket.facts, calendar)


def _target(version: ContractVersion, request_class: int | None, kind: ClockKind) -> int | None:
    """The class's target for one clock in the pinned contract; None when not in the SLA."""
    if request_class is None:
        return None
    targets = version.targets_for(request_class)
    return targets.response_seconds if kind is ClockKind.RESPONSE else targets.resolution_seconds


async def _apply(
    ticket: store.TicketRow,
    before: SlaClock | None,
    step: Transition,
    *,
    envelope: CloudEvent,
    session: AsyncSession,
    deps: Deps,
) -> None:
    """Persist a changed clock, reschedule its timers and announce its changes."""
    if step.clock == before:
        return
    await store.save_clock(ticket.id, step.clock, session=session)
    await store.replace_timers(ticket.id, step.clock, session=session, now=envelope.time)
    context = EventContext(
        subject=ticket.id,
        customer_id=ticket.customer_id,
        correlation_id=envelope.correlationid,
        causation_id=str(envelope.id),
    )
    info = TicketInfo(ticket.id, ticket.contract_version, ticket.line)
    for change in step.changes:
        await deps.outbox.add(session, announce(change, info), context=context, time=change.at)


async def _locked_ticket(ticket_id: str, session: AsyncSession) -> store.TicketRow:
    ticket = await store.get_ticket(ticket_id, session=session, lock=store.Lock.WAIT)
    if ticket is None:
        # ticket.created precedes every other event of a ticket in its partition.
        raise PermanentError(f"no ticket {ticket_id}: its ticket.created was never applied")
    return ticket


def _version_or_poison(calendars: Calendars, version_id: str) -> ContractVersion:
    try:
        return calendars.version(version_id)
    except LookupError as error:
        raise PermanentError(f"contract version {version_id!r} is not configured") from error
