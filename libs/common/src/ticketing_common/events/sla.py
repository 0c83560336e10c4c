"""Events of the SLA clocks (response and resolution), all measured in covered time."""

from __future__ import annotations

from typing import ClassVar

from pydantic import AwareDatetime, Field

from ticketing_common.envelope import Event
from ticketing_common.events.common import (
    ClockKind,
    NonEmptyText,
    PositiveSeconds,
    RequestClass,
    Seconds,
    SupportLine,
    TicketId,
    with_examples,
)


class SlaArmed(Event):
    """An SLA clock started for a ticket, with its target and deadline."""

    EVENT_TYPE: ClassVar[str] = "sla.armed"
    VERSION: ClassVar[int] = 1
    model_config = with_examples(
        {
            "ticket_id": "TCK-000123",
            "clock": "response",
            "request_class": 4,
            "target_seconds": 7200,
            "started_at": "2025-03-03T09:30:00Z",
            "deadline": "2025-03-03T11:30:00Z",
            "warning_at": "2025-03-03T11:00:00Z",
            "contract_version": "2025-01-01",
        }
    )

    ticket_id: TicketId
    clock: ClockKind = Field(description="Which clock was armed")
    request_class: RequestClass = Field(description="Class whose SLA row sets the target")
    target_seconds: PositiveSeconds = Field(description="Target in covered (business) seconds")
    started_at: AwareDatetime = Field(
        description="When the clock started counting: reception, or the next covered minute"
    )
    deadline: AwareDatetime = Field(description="Wall-clock instant the target runs out")
    warning_at: AwareDatetime = Field(description="Wall-clock instant of the first warning")
    contract_version: str = Field(min_length=1, description="Contract version that set the target")


class SlaWarning(Event):
    """An SLA clock passed a warning threshold (a fraction of its target)."""

    EVENT_TYPE: ClassVar[str] = "sla.warning"
    VERSION: ClassVar[int] = 1
    model_config = with_examples(
        {
            "ticket_id": "TCK-000123",
            "clock": "response",
            "threshold": 0.75,
            "elapsed_seconds": 5400,
            "remaining_seconds": 1800,
            "deadline": "2025-03-03T11:30:00Z",
            "fired_at": "2025-03-03T11:00:00Z",
        }
    )

    ticket_id: TicketId
    clock: ClockKind = Field(description="Which clock")
    threshold: float = Field(gt=0, lt=1, description="Fraction of the target that has elapsed")
    elapsed_seconds: Seconds = Field(description="Covered seconds used so far")
    remaining_seconds: Seconds = Field(description="Covered seconds left before the deadline")
    deadline: AwareDatetime = Field(description="Wall-clock instant the target runs out")
    fired_at: AwareDatetime = Field(description="When the warning fired")


class SlaBreached(Event):
    """An SLA clock ran out before it was met."""

    EVENT_TYPE: ClassVar[str] = "sla.breached"
    VERSION: ClassVar[int] = 1
    model_config = with_examples(
        {
            "ticket_id": "TCK-000123",
            "clock": "resolution",
            "target_seconds": 21600,
            "deadline": "2025-03-03T15:30:00Z",
            "breached_at": "2025-03-03T15:30:00Z",
            "request_class": 4,
            "line": 2,
        }
    )

    ticket_id: TicketId
    clock: ClockKind = Field(description="Which clock")
    target_seconds: PositiveSeconds = Field(description="Target in covered seconds")
    deadline: AwareDatetime = Field(description="Wall-clock instant the target ran out")
    breached_at: AwareDatetime = Field(description="When the breach was detected")
    request_class: RequestClass = Field(description="Class whose target was breached")
    line: SupportLine | None = Field(
        default=None, description="Line the ticket was on at the breach, when known"
    )


class SlaMet(Event):
    """An SLA clock stopped in time: first agent response, or resolution."""

    EVENT_TYPE: ClassVar[str] = "sla.met"
    VERSION: ClassVar[int] = 1
    model_config = with_examples(
        {
            "ticket_id": "TCK-000123",
            "clock": "response",
            "target_seconds": 7200,
            "elapsed_seconds": 600,
            "met_at": "2025-03-03T09:40:00Z",
        }
    )

    ticket_id: TicketId
    clock: ClockKind = Field(description="Which clock")
    target_seconds: PositiveSeconds = Field(description="Target in covered seconds")
    elapsed_seconds: Seconds = Field(description="Covered seconds it took")
    met_at: AwareDatetime = Field(description="When the clock stopped (the event's own time)")


class SlaPaused(Event):
    """An SLA clock stopped counting, e.g. while waiting on the customer."""

    EVENT_TYPE: ClassVar[str] = "sla.paused"
    VERSION: ClassVar[int] = 1
    model_config = with_examples(
        {
            "ticket_id": "TCK-000123",
            "clock": "resolution",
            "reason": "waiting_on_customer",
            "paused_at": "2025-03-03T09:40:00Z",
            "remaining_seconds": 19200,
        }
    )

    ticket_id: TicketId
    clock: ClockKind = Field(description="Which clock")
    reason: NonEmptyText = Field(description="Why the clock paused")
    paused_at: AwareDatetime = Field(description="When the clock paused")
    remaining_seconds: Seconds = Field(description="Covered seconds left, frozen while paused")


class SlaResumed(Event):
    """A paused SLA clock started counting again."""

    EVENT_TYPE: ClassVar[str] = "sla.resumed"
    VERSION: ClassVar[int] = 1
    model_config = with_examples(
        {
            "ticket_id": "TCK-000123",
            "clock": "resolution",
            "reason": "customer replied",
            "resumed_at": "2025-03-04T10:00:00Z",
            "remaining_seconds": 19200,
            "deadline": "2025-03-04T15:20:00Z",
        }
    )

    ticket_id: TicketId
    clock: ClockKind = Field(description="Which clock")
    reason: NonEmptyText = Field(description="Why the clock resumed")
    resumed_at: AwareDatetime = Field(description="When the clock resumed")
    remaining_seconds: Seconds = Field(description="Covered seconds left at resumption")
    deadline: AwareDatetime | None = Field(
        default=None, description="New wall-clock deadline, recomputed from the remaining time"
    )


__all__ = ["SlaArmed", "SlaBreached", "SlaMet", "SlaPaused", "SlaResumed", "SlaWarning"]
