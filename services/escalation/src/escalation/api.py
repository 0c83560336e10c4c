"""Escalation's HTTP API for agents; every answer comes after the commit."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Self

from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel, ConfigDict, Field, model_validator

from escalation import store
from escalation.commands import EscalateTicket, RecordVendorReturn
from escalation.commands import escalate_ticket as escalate_ticket_handler
from escalation.commands import record_vendor_return as record_vendor_return_handler
from escalation.handlers import Deps
from ticketing_common.app import DomainError
from ticketing_common.events import EscalationTrigger, Priority, VendorOutcome

router = APIRouter(tags=["escalations"])
TicketIdPath = Annotated[str, Path(description="Ticket id, e.g. TKT-3F2A9C1B0D4E")]
Line = Annotated[int, Field(ge=0, le=4, description="Support line 0..4")]
Actor = Annotated[str, Field(min_length=1, max_length=200, description="Agent id")]


class NewEscalation(BaseModel):
    """A manual line move (`to_line`, up or down) or a vendor engagement (`vendor_id`)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"to_line": 3, "reason": "Needs a code-level fix", "actor": "agent:petrov"},
                {
                    "vendor_id": "selectel",
                    "external_reference": "SEL-88123",
                    "reason": "Disk controller fault; the hosting provider must replace it",
                    "actor": "agent:petrov",
                },
            ]
        },
    )

    to_line: Line | None = Field(default=None, description="Line to move to (not 4)")
    vendor_id: str | None = Field(
        default=None, min_length=1, description="Contract vendor to engage (moves to line 4)"
    )
    external_reference: str | None = Field(
        default=None, max_length=200, description="The vendor's own case number"
    )
    reason: str = Field(min_length=1, max_length=2000, description="Why the ticket moves")
    actor: Actor

    @model_validator(mode="after")
    def _one_target(self) -> Self:
        if (self.to_line is None) == (self.vendor_id is None):
            raise ValueError("give exactly one of to_line or vendor_id")
        if self.external_reference is not None and self.vendor_id is None:
            raise ValueError("external_reference goes with vendor_id")
        return self


class VendorReturn(BaseModel):
    """An engaged vendor hands the ticket back."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "vendor_id": "selectel",
                    "outcome": "resolved",
                    "note": "Controller replaced, RAID rebuilt",
                    "to_line": 2,
                    "actor": "agent:petrov",
                }
            ]
        },
    )

    vendor_id: str = Field(min_length=1)
    outcome: VendorOutcome
    note: str = Field(min_length=1, max_length=5000, description="The vendor's account")
    to_line: Line | None = Field(
        default=None, description="Line that takes the ticket back; default: the line before"
    )
    actor: Actor


class HistoryEntryView(BaseModel):
    """One line decision; from_line equals to_line when nothing moved."""

    at: datetime
    from_line: int | None
    to_line: int
    trigger: EscalationTrigger
    reason: str
    actor: str
    vendor_id: str | None


class EngagedVendorView(BaseModel):
    """The vendor holding the ticket on line 4."""

    vendor_id: str
    external_reference: str | None
    engaged_at: datetime | None


class EscalationsView(BaseModel):
    """A ticket's current line, engaged vendor and full line history."""

    ticket_id: str
    customer_id: str
    contract_version: str
    request_class: int | None
    priority: Priority | None
    current_line: int | None
    engaged_vendor: EngagedVendorView | None
    closed: bool
    history: list[HistoryEntryView]


def deps(request: Request) -> Deps:
    """The handler dependencies built by the lifespan."""
    built: Deps = request.app.state.deps
    return built


DepsParam = Annotated[Deps, Depends(deps)]


@router.post("/tickets/{ticket_id}/escalations", status_code=201, response_model=EscalationsView)
async def escalate_ticket(
    ticket_id: TicketIdPath, body: NewEscalation, request: Request, deps: DepsParam
) -> EscalationsView:
    """Move the ticket to another line, or engage a contract vendor (line 4)."""
    command = EscalateTicket(
        reason=body.reason,
        actor=body.actor,
        to_line=body.to_line,
        vendor_id=body.vendor_id,
        external_reference=body.external_reference,
    )
    async with request.app.state.sessions() as session, session.begin():
        await escalate_ticket_handler(ticket_id, command, session=session, deps=deps)
    return await _view(request, ticket_id)


@router.post("/tickets/{ticket_id}/vendor-returns", status_code=201, response_model=EscalationsView)
async def record_vendor_return(
    ticket_id: TicketIdPath, body: VendorReturn, request: Request, deps: DepsParam
) -> EscalationsView:
    """Record the engaged vendor's return; the ticket goes back down."""
    command = RecordVendorReturn(
        vendor_id=body.vendor_id,
        outcome=body.outcome,
        note=body.note,
        actor=body.actor,
        to_line=body.to_line,
    )
    async with request.app.state.sessions() as session, session.begin():
        await record_vendor_return_handler(ticket_id, command, session=session, deps=deps)
    return await _view(request, ticket_id)


@router.get("/tickets/{ticket_id}/escalations", response_model=EscalationsView)
async def get_escalations(ticket_id: TicketIdPath, request: Request) -> EscalationsView:
    """The ticket's current line, engaged vendor and every line decision, oldest first."""
    return await _view(request, ticket_id)


async def _view(request: Request, ticket_id: str) -> EscalationsView:
    async with request.app.state.sessions() as session:
        ticket = await store.get_ticket(session, ticket_id)
        if ticket is None:
            raise DomainError(404, "ticket_not_found", f"no ticket with id {ticket_id}")
        entries = await store.list_history(session, ticket_id)
    vendor = None
    if ticket.engaged_vendor_id is not None:
        vendor = EngagedVendorView(
            vendor_id=ticket.engaged_vendor_id,
            external_reference=ticket.vendor_reference,
            engaged_at=ticket.vendor_engaged_at,
        )
    return EscalationsView(
        ticket_id=ticket.id,
        customer_id=ticket.customer_id,
        contract_version=ticket.contract_version,
        request_class=ticket.request_class,
        priority=ticket.priority,
        current_line=ticket.current_line,
        engaged_vendor=vendor,
        closed=ticket.closed,
        history=[HistoryEntryView(**vars(entry)) for entry in entries],
    )
