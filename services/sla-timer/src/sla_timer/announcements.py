"""The SLA events a clock change announces (pure: built from the change alone)."""

from __future__ import annotations

from dataclasses import dataclass

from sla_timer.clocks import Change, ChangeKind
from ticketing_common.envelope import Event
from ticketing_common.events import SlaArmed, SlaBreached, SlaMet, SlaPaused, SlaResumed, SlaWarning

SOURCE = "/services/sla-timer"
"""The CloudEvents `source` of every event this service emits."""


@dataclass(frozen=True)
class TicketInfo:
    """What the events say about the ticket besides the clock."""

    ticket_id: str
    contract_version: str
    line: int | None


def announce(change: Change, ticket: TicketInfo) -> Event:
    """The event for one change of one clock."""
    clock, at = change.clock, change.at
    ticket_id, kind = ticket.ticket_id, clock.kind
    match change.kind:
        case ChangeKind.ARMED:
            return SlaArmed(
                ticket_id=ticket_id,
                clock=kind,
                request_class=clock.request_class,
                target_seconds=clock.target,
                started_at=clock.started_at,
                deadline=clock.deadline,
                warning_at=clock.warning_at,
                contract_version=ticket.contract_version,
            )
        case ChangeKind.WARNED:
            return SlaWarning(
                ticket_id=ticket_id,
                clock=kind,
                threshold=clock.warning_threshold,
                elapsed_seconds=clock.warning_point,
                remaining_seconds=clock.target - clock.warning_point,
                deadline=clock.deadline,
                fired_at=at,
            )
        case ChangeKind.PAUSED:
            return SlaPaused(
                ticket_id=ticket_id,
                clock=kind,
                reason=change.reason or "paused",
                paused_at=at,
                remaining_seconds=clock.remaining_seconds,
            )
        case ChangeKind.RESUMED:
            return SlaResumed(
                ticket_id=ticket_id,
                clock=kind,
                reason=change.reason or "resumed",
                resumed_at=at,
                remaining_seconds=change.remaining_seconds,
                deadline=clock.deadline,
            )
        case ChangeKind.MET:
            return SlaMet(
                ticket_id=ticket_id,
                clock=kind,
                target_seconds=clock.target,
                elapsed_seconds=clock.elapsed_seconds,
                met_at=at,
            )
        case ChangeKind.BREACHED:
            return SlaBreached(
                ticket_id=ticket_id,
                clock=kind,
                target_seconds=clock.target,
                deadline=clock.deadline,
                breached_at=at,
                request_class=clock.request_class,
                line=ticket.line,
            )
