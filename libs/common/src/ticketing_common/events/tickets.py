"""Events about a ticket's intake, classification and lifecycle."""

from __future__ import annotations

from typing import ClassVar, Self

from pydantic import AwareDatetime, Field, model_validator

from ticketing_common.envelope import Event
from ticketing_common.events.common import (
    Actor,
    AuthorKind,
    Channel,
    CustomerId,
    NonEmptyText,
    Priority,
    RequestClass,
    SupportLine,
    TicketId,
    TicketStatus,
    with_examples,
)


class TicketCreated(Event):
    """A request was received on a channel and registered as a new ticket."""

    EVENT_TYPE: ClassVar[str] = "ticket.created"
    VERSION: ClassVar[int] = 1
    model_config = with_examples(
        {
            "ticket_id": "TCK-000123",
            "customer_id": "acme",
            "contract_version": "2025-01-01",
            "channel": "email",
            "subject": "Checkout takes 40 s",
            "body": "Since this morning every order takes about 40 seconds to save.",
            "contact": "ops@acme.example",
            "received_at": "2025-03-03T09:15:00Z",
            "external_id": "<CAF1x2y3@mail.acme.example>",
            "language": "en",
        }
    )

    ticket_id: TicketId
    customer_id: CustomerId
    contract_version: str = Field(
        min_length=1, description="Contract version in force at reception (pinned for SLA)"
    )
    channel: Channel = Field(description="Channel the request came in on")
    subject: str | None = Field(default=None, description="Subject line, when the channel has one")
    body: str = Field(description="The request text as received (call notes for phone)")
    contact: str = Field(
        min_length=1, description="Where to answer: email address, phone number or handle"
    )
    received_at: AwareDatetime = Field(
        description="When the request arrived; SLA clocks start here"
    )
    external_id: str | None = Field(
        default=None, description="Provider's message or call id (used to de-duplicate retries)"
    )
    language: str | None = Field(
        default=None, description="Detected language, BCP 47 tag such as `en` or `ru`"
    )


class MessageAdded(Event):
    """A message was added to an existing ticket; an agent message is the first response."""

    EVENT_TYPE: ClassVar[str] = "ticket.message_added"
    VERSION: ClassVar[int] = 1
    model_config = with_examples(
        {
            "ticket_id": "TCK-000123",
            "message_id": "MSG-000456",
            "author": "agent",
            "channel": "email",
            "body": "We are looking into it; could you send an order number?",
            "sent_at": "2025-03-03T09:40:00Z",
        }
    )

    ticket_id: TicketId
    message_id: str = Field(min_length=1, description="Message id, unique within the system")
    author: AuthorKind = Field(description="Who wrote the message")
    channel: Channel = Field(description="Channel the message came in or went out on")
    body: str = Field(description="Message text")
    sent_at: AwareDatetime = Field(description="When the message was sent or received")
    external_id: str | None = Field(default=None, description="Provider's message id, if any")


class TicketTriaged(Event):
    """A ticket was qualified: class, first support line and priority, with reasons."""

    EVENT_TYPE: ClassVar[str] = "ticket.triaged"
    VERSION: ClassVar[int] = 1
    model_config = with_examples(
        {
            "ticket_id": "TCK-000123",
            "request_class": 4,
            "line": 2,
            "priority": "P2",
            "reasons": ["'checkout takes 40 s' matches class 4: application too slow"],
            "rule_set_version": "2025.03.1",
            "triaged_at": "2025-03-03T09:15:02Z",
        }
    )

    ticket_id: TicketId
    request_class: RequestClass | None = Field(
        description="Request class 1..6, or null for a non-core request (spam, wrong address)"
    )
    line: SupportLine = Field(description="First support line to work the ticket")
    priority: Priority = Field(description="Handling priority")
    reasons: tuple[NonEmptyText, ...] = Field(
        min_length=1, description="Human-readable reasons behind the decision"
    )
    rule_set_version: str = Field(min_length=1, description="Version of the rules that decided")
    triaged_at: AwareDatetime = Field(description="When the decision was made")


class TicketReclassified(Event):
    """A ticket's class, line or priority was changed after triage (usually by a person)."""

    EVENT_TYPE: ClassVar[str] = "ticket.reclassified"
    VERSION: ClassVar[int] = 1
    model_config = with_examples(
        {
            "ticket_id": "TCK-000123",
            "previous_class": 4,
            "request_class": 3,
            "previous_line": 2,
            "line": 2,
            "priority": "P1",
            "reason": "The whole shop is down, not only checkout",
            "actor": "agent:ivanova",
            "reclassified_at": "2025-03-03T10:05:00Z",
        }
    )

    ticket_id: TicketId
    previous_class: RequestClass | None = Field(description="Class before; null for non-core")
    request_class: RequestClass | None = Field(description="Class now; null for non-core")
    previous_line: SupportLine | None = Field(default=None, description="Line before, if known")
    line: SupportLine = Field(description="Line now")
    priority: Priority = Field(description="Priority now")
    reason: NonEmptyText = Field(description="Why the classification changed")
    actor: Actor
    reclassified_at: AwareDatetime = Field(description="When the change was made")


class TicketStatusChanged(Event):
    """A ticket moved in its lifecycle (see `TICKET_TRANSITIONS`); reopening is a move to open."""

    EVENT_TYPE: ClassVar[str] = "ticket.status_changed"
    VERSION: ClassVar[int] = 1
    model_config = with_examples(
        {
            "ticket_id": "TCK-000123",
            "from_status": "open",
            "to_status": "waiting_on_customer",
            "actor": "agent:ivanova",
            "reason": "Asked for an order number",
            "changed_at": "2025-03-03T09:40:00Z",
        }
    )

    ticket_id: TicketId
    from_status: TicketStatus = Field(description="Status before")
    to_status: TicketStatus = Field(description="Status after")
    actor: Actor
    reason: str | None = Field(default=None, description="Why, when someone said")
    changed_at: AwareDatetime = Field(description="When the status changed")

    @model_validator(mode="after")
    def _status_moves(self) -> Self:
        if self.from_status == self.to_status:
            raise ValueError("from_status and to_status must differ")
        return self


__all__ = [
    "MessageAdded",
    "TicketCreated",
    "TicketReclassified",
    "TicketStatusChanged",
    "TicketTriaged",
]
