"""Intake's HTTP API for web forms and agents; every answer comes after the commit."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel, ConfigDict, Field

from intake import store
from intake.domain import StatusRequest
from intake.handlers import AddReply, ChangeStatus, CreateTicket, Deps
from intake.handlers import add_reply as add_reply_handler
from intake.handlers import change_status as change_status_handler
from intake.handlers import create_ticket as create_ticket_handler
from ticketing_common.app import DomainError
from ticketing_common.events import AuthorKind, Channel, TicketStatus

router = APIRouter(tags=["tickets"])
TicketIdPath = Annotated[str, Path(description="Ticket id, e.g. TKT-3F2A9C1B0D4E")]


class NewTicket(BaseModel):
    """A request from a web form or entered by an agent."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "customer": "acme-shop",
                    "channel": "web",
                    "subject": "Checkout fails",
                    "body": "Orders cannot be saved since 10:00, customers see an error.",
                    "contact": "ops@acme.example",
                }
            ]
        },
    )

    customer: str = Field(min_length=1, max_length=128, description="Customer id (contracts)")
    channel: Channel
    subject: str | None = Field(default=None, max_length=500)
    body: str = Field(min_length=1, max_length=100_000)
    contact: str = Field(min_length=1, max_length=320, description="Email, phone or handle")


class NewReply(BaseModel):
    """An agent's answer to the customer."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"agent": "anna", "body": "We are on it."}]},
    )

    agent: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1, max_length=100_000)
    channel: Channel | None = Field(default=None, description="Defaults to the ticket's")


class StatusChange(BaseModel):
    """A lifecycle move requested by an agent."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"status": "resolved", "actor": "anna", "reason": "hot fix deployed"}]
        },
    )

    status: StatusRequest
    actor: str = Field(min_length=1, max_length=200)
    reason: str | None = Field(default=None, max_length=2000)


class MessageView(BaseModel):
    """A message on a ticket."""

    id: str
    author: AuthorKind
    author_name: str | None
    channel: Channel
    body: str
    sent_at: datetime


class TicketView(BaseModel):
    """A ticket as intake knows it."""

    id: str
    customer_id: str
    contract_version: str
    channel: Channel
    subject: str | None
    contact: str
    status: TicketStatus
    received_at: datetime
    first_response_at: datetime | None
    updated_at: datetime
    messages: list[MessageView] = []


def deps(request: Request) -> Deps:
    """The handler dependencies built by the lifespan."""
    built: Deps = request.app.state.deps
    return built


DepsParam = Annotated[Deps, Depends(deps)]


@router.post("/tickets", status_code=201, response_model=TicketView)
async def create_ticket(body: NewTicket, request: Request, deps: DepsParam) -> TicketView:
    """Register a request; answers after the ticket and its event are committed."""
    command = CreateTicket(
        customer_id=body.customer,
        channel=body.channel,
        subject=body.subject,
        body=body.body,
        contact=body.contact,
    )
    async with request.app.state.sessions() as session, session.begin():
        ticket = await create_ticket_handler(command, session=session, deps=deps)
    return await _view(request, ticket.id)


@router.get("/tickets/{ticket_id}", response_model=TicketView)
async def get_ticket(ticket_id: TicketIdPath, request: Request) -> TicketView:
    """A ticket with its messages."""
    return await _view(request, ticket_id)


@router.post("/tickets/{ticket_id}/replies", status_code=201, response_model=MessageView)
async def add_reply(
    ticket_id: TicketIdPath, body: NewReply, request: Request, deps: DepsParam
) -> MessageView:
    """An agent reply; the first one is the ticket's first response."""
    command = AddReply(agent=body.agent, body=body.body, channel=body.channel)
    async with request.app.state.sessions() as session, session.begin():
        message = await add_reply_handler(ticket_id, command, session=session, deps=deps)
    return MessageView(**{k: getattr(message, k) for k in MessageView.model_fields})


@router.post("/tickets/{ticket_id}/status", response_model=TicketView)
async def change_status(
    ticket_id: TicketIdPath, body: StatusChange, request: Request, deps: DepsParam
) -> TicketView:
    """Move the ticket: waiting_on_customer, resolved, closed, reopened, open."""
    command = ChangeStatus(status=body.status, actor=body.actor, reason=body.reason)
    async with request.app.state.sessions() as session, session.begin():
        await change_status_handler(ticket_id, command, session=session, deps=deps)
    return await _view(request, ticket_id)


async def _view(request: Request, ticket_id: str) -> TicketView:
    async with request.app.state.sessions() as session:
        ticket = await store.get_ticket(session, ticket_id)
        if ticket is None:
            raise DomainError(404, "ticket_not_found", f"no ticket with id {ticket_id}")
        messages = await store.list_messages(session, ticket_id)
    return TicketView(
        **{k: getattr(ticket, k) for k in TicketView.model_fields if k != "messages"},
        messages=[
            MessageView(**{k: getattr(m, k) for k in MessageView.model_fields}) for m in messages
        ],
    )
