"""Ticket lifecycle rules of intake (pure: no I/O, no clock)."""

from __future__ import annotations

from enum import StrEnum

from ticketing_common.events import TicketStatus, can_transition
from ticketing_common.events.common import TICKET_TRANSITIONS


class StatusRequest(StrEnum):
    """What an agent may ask for in `POST /tickets/{id}/status`."""

    OPEN = "open"
    WAITING_ON_CUSTOMER = "waiting_on_customer"
    RESOLVED = "resolved"
    CLOSED = "closed"
    REOPENED = "reopened"


class InvalidTransitionError(ValueError):
    """The lifecycle does not allow the requested status change."""


def next_status(current: TicketStatus, requested: StatusRequest) -> TicketStatus:
    """The status a request leads to, or InvalidTransitionError saying what is allowed."""
    if requested is StatusRequest.REOPENED:
        if current not in (TicketStatus.RESOLVED, TicketStatus.CLOSED):
            raise InvalidTransitionError(
                f"only a resolved or closed ticket can be reopened; this one is '{current}'"
            )
        return TicketStatus.OPEN
    target = TicketStatus(requested.value)
    if not can_transition(current, target):
        allowed = ", ".join(sorted(TICKET_TRANSITIONS[current])) or "none"
        raise InvalidTransitionError(
            f"a ticket cannot move from '{current}' to '{target}'; allowed from '{current}': "
            f"{allowed}"
        )
    return target


def status_after_agent_reply(current: TicketStatus) -> TicketStatus | None:
    """An agent answering a new ticket opens it; otherwise the status stays."""
    return TicketStatus.OPEN if current is TicketStatus.NEW else None
