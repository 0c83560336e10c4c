"""The read-model values reporting keeps per ticket (plain data, no behaviour beyond lookups)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from ticketing_common.events import Channel, ClockKind, EscalationTrigger, Priority, TicketStatus


class ClockOutcome(StrEnum):
    """How an SLA clock of a ticket ended, so far."""

    MET = "met"
    BREACHED = "breached"
    NONE = "none"


@dataclass(frozen=True)
class ClockFacts:
    """One SLA clock of a ticket: outcome and the covered seconds it counts in the report."""

    outcome: ClockOutcome = ClockOutcome.NONE
    seconds: int | None = None
    target_seconds: int | None = None
    decided_at: datetime | None = None


@dataclass(frozen=True)
class TicketFacts:
    """What the reports know about one ticket."""

    ticket_id: str
    customer_id: str
    contract_version: str
    month: str
    channel: Channel
    received_at: datetime
    status: TicketStatus
    status_changed_at: datetime
    last_event_at: datetime
    request_class: int | None = None
    classified_at: datetime | None = None
    priority: Priority | None = None
    current_line: int | None = None
    line_changed_at: datetime | None = None
    highest_line: int | None = None
    first_response_at: datetime | None = None
    resolved_at: datetime | None = None
    response: ClockFacts = ClockFacts()
    resolution: ClockFacts = ClockFacts()
    escalations: int = 0
    vendor_engagements: int = 0
    vendor_returns: int = 0
    agent_messages: int = 0
    customer_messages: int = 0
    sla_warnings: int = 0
    sla_pauses: int = 0

    @property
    def classified(self) -> bool:
        """Whether triage has decided (a classified ticket with no class is non-core)."""
        return self.classified_at is not None

    def clock(self, kind: ClockKind) -> ClockFacts:
        """The facts of one SLA clock."""
        return self.response if kind is ClockKind.RESPONSE else self.resolution


@dataclass(frozen=True)
class EscalationFact:
    """One line move of a ticket (up is an escalation, down a return)."""

    event_id: UUID
    ticket_id: str
    from_line: int
    to_line: int
    trigger: EscalationTrigger
    vendor_id: str | None
    escalated_at: datetime

    @property
    def is_upward(self) -> bool:
        """A move to a higher line: what the reports count as an escalation."""
        return self.to_line > self.from_line


class SlaEventKind(StrEnum):
    """What happened to an SLA clock."""

    ARMED = "armed"
    WARNING = "warning"
    BREACHED = "breached"
    MET = "met"
    PAUSED = "paused"
    RESUMED = "resumed"


@dataclass(frozen=True)
class SlaEventFact:
    """One SLA clock event of a ticket, as analysts see it."""

    event_id: UUID
    ticket_id: str
    clock: ClockKind
    kind: SlaEventKind
    at: datetime
    target_seconds: int | None = None
    elapsed_seconds: int | None = None
    remaining_seconds: int | None = None
