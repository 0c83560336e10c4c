"""Closed vocabularies and constrained value types shared by the event catalog."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import Annotated

from pydantic import ConfigDict, Field
from pydantic.config import JsonDict


class Channel(StrEnum):
    """Where a request or message came in (or went out)."""

    EMAIL = "email"
    PHONE = "phone"
    TELEGRAM = "telegram"
    WHATSAPP = "whatsapp"
    SLACK = "slack"
    WEB = "web"


class AuthorKind(StrEnum):
    """Who wrote a message on a ticket."""

    CUSTOMER = "customer"
    AGENT = "agent"
    SYSTEM = "system"


class TicketStatus(StrEnum):
    """Where a ticket stands in its lifecycle (see `TICKET_TRANSITIONS`)."""

    NEW = "new"
    OPEN = "open"
    WAITING_ON_CUSTOMER = "waiting_on_customer"
    RESOLVED = "resolved"
    CLOSED = "closed"


# Registered -> qualified/in progress -> waiting on customer -> resolved -> closed. New may go
# straight to closed (non-core: spam, wrong address), as may open (duplicate, withdrawn);
# resolved and closed reopen back to open.
TICKET_TRANSITIONS: Mapping[TicketStatus, frozenset[TicketStatus]] = MappingProxyType(
    {
        TicketStatus.NEW: frozenset(
            {TicketStatus.OPEN, TicketStatus.WAITING_ON_CUSTOMER, TicketStatus.CLOSED}
        ),
        TicketStatus.OPEN: frozenset(
            {TicketStatus.WAITING_ON_CUSTOMER, TicketStatus.RESOLVED, TicketStatus.CLOSED}
        ),
        TicketStatus.WAITING_ON_CUSTOMER: frozenset(
            {TicketStatus.OPEN, TicketStatus.RESOLVED, TicketStatus.CLOSED}
        ),
        TicketStatus.RESOLVED: frozenset({TicketStatus.CLOSED, TicketStatus.OPEN}),
        TicketStatus.CLOSED: frozenset({TicketStatus.OPEN}),
    }
)


def can_transition(from_status: TicketStatus, to_status: TicketStatus) -> bool:
    """Whether the lifecycle allows moving a ticket from one status to another."""
    return to_status in TICKET_TRANSITIONS[from_status]


class ClockKind(StrEnum):
    """Which SLA clock: time to first response, or time to resolution."""

    RESPONSE = "response"
    RESOLUTION = "resolution"


class Priority(StrEnum):
    """Handling priority; P1 is the most urgent."""

    P1 = "P1"
    P2 = "P2"
    P3 = "P3"
    P4 = "P4"


class EscalationTrigger(StrEnum):
    """What caused a line move."""

    MANUAL = "manual"
    SLA_BREACH = "sla_breach"
    POLICY = "policy"


class VendorOutcome(StrEnum):
    """How a vendor (line 4) handed a ticket back."""

    RESOLVED = "resolved"
    WORKAROUND = "workaround"
    REJECTED = "rejected"


TicketId = Annotated[
    str, Field(min_length=1, max_length=128, description="Ticket id; also the Kafka key")
]
CustomerId = Annotated[
    str, Field(min_length=1, max_length=128, description="Customer id from the contracts file")
]
RequestClass = Annotated[int, Field(ge=1, le=6, description="Request class 1..6 (DOMAIN.md)")]
SupportLine = Annotated[int, Field(ge=0, le=4, description="Support line 0..4")]
Seconds = Annotated[int, Field(ge=0, description="A duration in whole seconds")]
PositiveSeconds = Annotated[int, Field(ge=1, description="A duration in whole seconds, > 0")]
Actor = Annotated[
    str,
    Field(
        min_length=1,
        max_length=200,
        description="Who acted: an agent id, or `system:<service>` for automatic actions",
    ),
]
NonEmptyText = Annotated[str, Field(min_length=1)]


def with_examples(*examples: JsonDict) -> ConfigDict:
    """Model config adding JSON Schema `examples` (also the test fixtures of the catalog)."""
    return ConfigDict(json_schema_extra={"examples": list(examples)})


__all__ = [
    "TICKET_TRANSITIONS",
    "Actor",
    "AuthorKind",
    "Channel",
    "ClockKind",
    "CustomerId",
    "EscalationTrigger",
    "NonEmptyText",
    "PositiveSeconds",
    "Priority",
    "RequestClass",
    "Seconds",
    "SupportLine",
    "TicketId",
    "TicketStatus",
    "VendorOutcome",
    "can_transition",
    "with_examples",
]
