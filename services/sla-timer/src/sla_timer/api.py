"""Sla-timer's HTTP API: where each clock of a ticket stands, in covered time."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel, Field

from sla_timer import store
from sla_timer.business_hours import Calendar
from sla_timer.calendars import Calendars
from sla_timer.clocks import ClockState, SlaClock
from sla_timer.readings import elapsed_at, remaining_at
from ticketing_common.app import DomainError
from ticketing_common.clock import Clock
from ticketing_common.events import ClockKind

router = APIRouter(tags=["sla"])
TicketIdPath = Annotated[str, Path(description="Ticket id, e.g. TKT-3F2A9C1B0D4E")]


class ClockView(BaseModel):
    """One SLA clock; durations are covered (business) seconds."""

    kind: ClockKind
    state: ClockState
    request_class: int
    target_seconds: int | None = Field(description="Null: this class is not in the SLA")
    started_at: datetime = Field(description="Reception, or the next covered instant after it")
    deadline: datetime | None = Field(description="While running: when the target runs out")
    warning_at: datetime | None = Field(description="While running: when the warning fires")
    warned_at: datetime | None
    paused_at: datetime | None
    met_at: datetime | None
    breached_at: datetime | None
    remaining_seconds: int | None = Field(
        description="Left now while running, frozen while paused, at the stop when met, 0 when "
        "breached"
    )
    elapsed_seconds: int | None = Field(description="Counted against the target (pauses excluded)")


class TicketSlaView(BaseModel):
    """The SLA clocks of one ticket (none before triage or for a non-core request)."""

    ticket_id: str
    customer_id: str
    contract_version: str
    request_class: int | None
    received_at: datetime
    clocks: list[ClockView]


@router.get(
    "/tickets/{ticket_id}/sla",
    response_model=TicketSlaView,
    responses={404: {"description": "sla-timer has not seen this ticket"}},
)
async def get_ticket_sla(ticket_id: TicketIdPath, request: Request) -> TicketSlaView:
    """Every clock of a ticket with its state, deadline and remaining covered time."""
    async with request.app.state.sessions() as session:
        ticket = await store.get_ticket(ticket_id, session=session)
        if ticket is None:
            raise DomainError(
                404,
                "ticket_not_found",
                f"sla-timer has no ticket with id {ticket_id} (unknown, or its ticket.created "
                "is not applied yet)",
            )
        clocks = await store.load_clocks(ticket_id, session=session)
    calendars: Calendars = request.app.state.calendars
    now_clock: Clock = request.app.state.clock
    now, calendar = now_clock.now(), calendars.calendar(ticket.contract_version)
    return TicketSlaView(
        ticket_id=ticket.id,
        customer_id=ticket.customer_id,
        contract_version=ticket.contract_version,
        request_class=ticket.request_class,
        received_at=ticket.received_at,
        clocks=[_view(clock, now, calendar) for clock in clocks.values()],
    )


def _view(clock: SlaClock, now: datetime, calendar: Calendar) -> ClockView:
    return ClockView(
        kind=clock.kind,
        state=clock.state,
        request_class=clock.request_class,
        target_seconds=clock.target_seconds,
        started_at=clock.started_at,
        deadline=clock.deadline,
        warning_at=clock.warning_at,
        warned_at=clock.warned_at,
        paused_at=clock.paused_at,
        met_at=clock.met_at,
        breached_at=clock.breached_at,
        remaining_seconds=remaining_at(clock, now, calendar),
        elapsed_seconds=elapsed_at(clock, now, calendar),
    )
