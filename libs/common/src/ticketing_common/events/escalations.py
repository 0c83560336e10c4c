"""Events of line moves and vendor (line 4) engagement."""

from __future__ import annotations

from typing import ClassVar, Self

from pydantic import AwareDatetime, Field, model_validator

from ticketing_common.envelope import Event
from ticketing_common.events.common import (
    Actor,
    EscalationTrigger,
    NonEmptyText,
    SupportLine,
    TicketId,
    VendorOutcome,
    with_examples,
)


class TicketEscalated(Event):
    """A ticket moved to another support line: up (escalation) or back down."""

    EVENT_TYPE: ClassVar[str] = "ticket.escalated"
    VERSION: ClassVar[int] = 1
    model_config = with_examples(
        {
            "ticket_id": "TCK-000123",
            "from_line": 2,
            "to_line": 3,
            "trigger": "sla_breach",
            "reason": "Resolution SLA breached on line 2",
            "actor": "system:escalation",
            "escalated_at": "2025-03-03T15:30:05Z",
        },
        {
            "ticket_id": "TCK-000124",
            "from_line": 3,
            "to_line": 4,
            "trigger": "manual",
            "reason": "Disk controller fault; hosting provider must replace it",
            "actor": "agent:petrov",
            "vendor_id": "hostco",
            "escalated_at": "2025-03-04T11:00:00Z",
        },
    )

    ticket_id: TicketId
    from_line: SupportLine = Field(description="Line before the move")
    to_line: SupportLine = Field(description="Line after the move")
    trigger: EscalationTrigger = Field(description="What caused the move")
    reason: NonEmptyText = Field(description="Why the ticket moved")
    actor: Actor
    vendor_id: str | None = Field(
        default=None, min_length=1, description="Vendor taking the ticket, for moves to line 4"
    )
    escalated_at: AwareDatetime = Field(description="When the move happened")

    @model_validator(mode="after")
    def _line_moves(self) -> Self:
        if self.from_line == self.to_line:
            raise ValueError("from_line and to_line must differ")
        return self


class VendorEngaged(Event):
    """An outside vendor (hardware, software, hosting, ISP) was engaged on a ticket."""

    EVENT_TYPE: ClassVar[str] = "vendor.engaged"
    VERSION: ClassVar[int] = 1
    model_config = with_examples(
        {
            "ticket_id": "TCK-000124",
            "vendor_id": "hostco",
            "external_reference": "HOSTCO-INC-88123",
            "reason": "Disk controller fault on the dedicated server",
            "engaged_at": "2025-03-04T11:05:00Z",
        }
    )

    ticket_id: TicketId
    vendor_id: str = Field(min_length=1, description="Vendor id from the customer's contract")
    external_reference: str | None = Field(
        default=None, description="The vendor's own ticket or case number"
    )
    reason: NonEmptyText = Field(description="Why the vendor was engaged")
    engaged_at: AwareDatetime = Field(description="When the vendor was engaged")


class VendorReturned(Event):
    """A vendor handed a ticket back, with the outcome of its work."""

    EVENT_TYPE: ClassVar[str] = "vendor.returned"
    VERSION: ClassVar[int] = 1
    model_config = with_examples(
        {
            "ticket_id": "TCK-000124",
            "vendor_id": "hostco",
            "outcome": "resolved",
            "note": "Controller replaced, RAID rebuilt",
            "returned_at": "2025-03-04T16:20:00Z",
        }
    )

    ticket_id: TicketId
    vendor_id: str = Field(min_length=1, description="Vendor id from the customer's contract")
    outcome: VendorOutcome = Field(description="What the vendor achieved")
    note: str = Field(description="The vendor's account of the work, as recorded")
    returned_at: AwareDatetime = Field(description="When the vendor handed the ticket back")


__all__ = ["TicketEscalated", "VendorEngaged", "VendorReturned"]
