"""How each event changes a ticket's facts (pure: no I/O, no clock).

Events of one ticket from different producers (intake, triage, sla-timer, escalation) may
arrive in any relative order; only `ticket.created` is known to come first. So every fact is
applied in a way that does not depend on arrival order:

- counters only add up, `highest_line` is a maximum, `first_response_at` a minimum;
- class, priority, current line and status are "latest by event time": an event older than
  the one that last set the fact leaves it alone (ties go to the later arrival);
- an SLA clock's breach sticks: a clock that breached is breached whatever else arrives; a
  met clock keeps the most recent `sla.met`.

A ticket belongs to the month (YYYY-MM) of its `received_at` in UTC.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from reporting.facts import (
    ClockFacts,
    ClockOutcome,
    EscalationFact,
    SlaEventFact,
    SlaEventKind,
    TicketFacts,
)
from ticketing_common.envelope import Event
from ticketing_common.events import (
    AuthorKind,
    ClockKind,
    MessageAdded,
    Priority,
    SlaArmed,
    SlaBreached,
    SlaMet,
    SlaPaused,
    SlaResumed,
    SlaWarning,
    TicketCreated,
    TicketEscalated,
    TicketReclassified,
    TicketStatus,
    TicketStatusChanged,
    TicketTriaged,
    VendorEngaged,
    VendorReturned,
)


def month_of(instant: datetime) -> str:
    """The report month (YYYY-MM, UTC) an instant falls in."""
    return instant.astimezone(UTC).strftime("%Y-%m")


def new_ticket(event: TicketCreated) -> TicketFacts:
    """The facts of a ticket just registered."""
    return TicketFacts(
        ticket_id=event.ticket_id,
        customer_id=event.customer_id,
        contract_version=event.contract_version,
        month=month_of(event.received_at),
        channel=event.channel,
        received_at=event.received_at,
        status=TicketStatus.NEW,
        status_changed_at=event.received_at,
        last_event_at=event.received_at,
    )


def apply(facts: TicketFacts, event: Event) -> TicketFacts:
    """The ticket's facts after one more event (any arrival order gives the same result)."""
    project = _PROJECTIONS.get(type(event))
    if project is None:
        raise TypeError(f"no projection for {type(event).__name__}")
    return project(facts, event)


def escalation_of(event: TicketEscalated, *, event_id: UUID) -> EscalationFact:
    """The escalation record of a line move."""
    return EscalationFact(
        event_id=event_id,
        ticket_id=event.ticket_id,
        from_line=event.from_line,
        to_line=event.to_line,
        trigger=event.trigger,
        vendor_id=event.vendor_id,
        escalated_at=event.escalated_at,
    )


SlaEvent = SlaArmed | SlaWarning | SlaBreached | SlaMet | SlaPaused | SlaResumed


def sla_event_of(event: SlaEvent, *, event_id: UUID) -> SlaEventFact:
    """The SLA history record of a clock event."""
    kind, at = _SLA_KIND_AND_TIME[type(event)](event)
    return SlaEventFact(
        event_id=event_id,
        ticket_id=event.ticket_id,
        clock=event.clock,
        kind=kind,
        at=at,
        target_seconds=getattr(event, "target_seconds", None),
        elapsed_seconds=getattr(event, "elapsed_seconds", None),
        remaining_seconds=getattr(event, "remaining_seconds", None),
    )


def _seen(facts: TicketFacts, at: datetime, **changes: Any) -> TicketFacts:
    return replace(facts, last_event_at=max(facts.last_event_at, at), **changes)


def _is_newer(at: datetime, last: datetime | None) -> bool:
    return last is None or at >= last


def _created(facts: TicketFacts, event: TicketCreated) -> TicketFacts:
    return facts  # registration is the row itself; a second copy changes nothing


def _message(facts: TicketFacts, event: MessageAdded) -> TicketFacts:
    if event.author is AuthorKind.AGENT:
        first = event.sent_at
        if facts.first_response_at is not None:
            first = min(first, facts.first_response_at)
        return _seen(
            facts,
            event.sent_at,
            agent_messages=facts.agent_messages + 1,
            first_response_at=first,
        )
    if event.author is AuthorKind.CUSTOMER:
        return _seen(facts, event.sent_at, customer_messages=facts.customer_messages + 1)
    return _seen(facts, event.sent_at)


def _classify(
    facts: TicketFacts, request_class: int | None, priority: Priority, line: int, at: datetime
) -> TicketFacts:
    if _is_newer(at, facts.classified_at):
        facts = replace(facts, request_class=request_class, priority=priority, classified_at=at)
    return _seen(_move_line(facts, line, at), at)


def _move_line(facts: TicketFacts, line: int, at: datetime) -> TicketFacts:
    highest = line if facts.highest_line is None else max(facts.highest_line, line)
    if _is_newer(at, facts.line_changed_at):
        return replace(facts, current_line=line, line_changed_at=at, highest_line=highest)
    return replace(facts, highest_line=highest)


def _triaged(facts: TicketFacts, event: TicketTriaged) -> TicketFacts:
    return _classify(facts, event.request_class, event.priority, event.line, event.triaged_at)


def _reclassified(facts: TicketFacts, event: TicketReclassified) -> TicketFacts:
    return _classify(facts, event.request_class, event.priority, event.line, event.reclassified_at)


def _status_changed(facts: TicketFacts, event: TicketStatusChanged) -> TicketFacts:
    at = event.changed_at
    if not _is_newer(at, facts.status_changed_at):
        return _seen(facts, at)
    resolved_at = facts.resolved_at
    if event.to_status is TicketStatus.RESOLVED:
        resolved_at = at
    elif event.to_status is TicketStatus.OPEN:
        resolved_at = None  # reopened: no longer resolved
    return _seen(facts, at, status=event.to_status, status_changed_at=at, resolved_at=resolved_at)


def _escalated(facts: TicketFacts, event: TicketEscalated) -> TicketFacts:
    at = event.escalated_at
    moved = _move_line(facts, event.to_line, at)
    upward = 1 if event.to_line > event.from_line else 0
    return _seen(moved, at, escalations=facts.escalations + upward)


def _vendor_engaged(facts: TicketFacts, event: VendorEngaged) -> TicketFacts:
    return _seen(facts, event.engaged_at, vendor_engagements=facts.vendor_engagements + 1)


def _vendor_returned(facts: TicketFacts, event: VendorReturned) -> TicketFacts:
    return _seen(facts, event.returned_at, vendor_returns=facts.vendor_returns + 1)


def _with_clock(facts: TicketFacts, kind: ClockKind, clock: ClockFacts) -> TicketFacts:
    if kind is ClockKind.RESPONSE:
        return replace(facts, response=clock)
    return replace(facts, resolution=clock)


def _sla_armed(facts: TicketFacts, event: SlaArmed) -> TicketFacts:
    clock = facts.clock(event.clock)
    if clock.outcome is ClockOutcome.NONE:
        facts = _with_clock(facts, event.clock, replace(clock, target_seconds=event.target_seconds))
    return _seen(facts, event.started_at)


def _sla_breached(facts: TicketFacts, event: SlaBreached) -> TicketFacts:
    clock = facts.clock(event.clock)
    if clock.outcome is not ClockOutcome.BREACHED:
        # A breach counts its target as the time taken: the real time is at least that.
        breached = ClockFacts(
            outcome=ClockOutcome.BREACHED,
            seconds=event.target_seconds,
            target_seconds=event.target_seconds,
            decided_at=event.breached_at,
        )
        facts = _with_clock(facts, event.clock, breached)
    return _seen(facts, event.breached_at)


def _sla_met(facts: TicketFacts, event: SlaMet) -> TicketFacts:
    clock = facts.clock(event.clock)
    if clock.outcome is ClockOutcome.BREACHED or (
        clock.outcome is ClockOutcome.MET and not _is_newer(event.met_at, clock.decided_at)
    ):
        return _seen(facts, event.met_at)
    met = ClockFacts(
        outcome=ClockOutcome.MET,
        seconds=event.elapsed_seconds,
        target_seconds=event.target_seconds,
        decided_at=event.met_at,
    )
    return _seen(_with_clock(facts, event.clock, met), event.met_at)


def _sla_warning(facts: TicketFacts, event: SlaWarning) -> TicketFacts:
    return _seen(facts, event.fired_at, sla_warnings=facts.sla_warnings + 1)


def _sla_paused(facts: TicketFacts, event: SlaPaused) -> TicketFacts:
    return _seen(facts, event.paused_at, sla_pauses=facts.sla_pauses + 1)


def _sla_resumed(facts: TicketFacts, event: SlaResumed) -> TicketFacts:
    return _seen(facts, event.resumed_at)


_PROJECTIONS: dict[type[Event], Callable[[TicketFacts, Any], TicketFacts]] = {
    TicketCreated: _created,
    MessageAdded: _message,
    TicketTriaged: _triaged,
    TicketReclassified: _reclassified,
    TicketStatusChanged: _status_changed,
    TicketEscalated: _escalated,
    VendorEngaged: _vendor_engaged,
    VendorReturned: _vendor_returned,
    SlaArmed: _sla_armed,
    SlaWarning: _sla_warning,
    SlaBreached: _sla_breached,
    SlaMet: _sla_met,
    SlaPaused: _sla_paused,
    SlaResumed: _sla_resumed,
}

_SLA_KIND_AND_TIME: dict[type[Event], Callable[[Any], tuple[SlaEventKind, datetime]]] = {
    SlaArmed: lambda e: (SlaEventKind.ARMED, e.started_at),
    SlaWarning: lambda e: (SlaEventKind.WARNING, e.fired_at),
    SlaBreached: lambda e: (SlaEventKind.BREACHED, e.breached_at),
    SlaMet: lambda e: (SlaEventKind.MET, e.met_at),
    SlaPaused: lambda e: (SlaEventKind.PAUSED, e.paused_at),
    SlaResumed: lambda e: (SlaEventKind.RESUMED, e.resumed_at),
}
