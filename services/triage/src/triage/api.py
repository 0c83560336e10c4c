"""Triage's HTTP API: manual override, classification with history, dry-run classify."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from ticketing_common.app import DomainError
from ticketing_common.events import Channel, Priority, RequestClass, SupportLine
from triage import store
from triage.domain import DecisionSource
from triage.handlers import Deps, DryRun, Reclassify
from triage.handlers import dry_run as dry_run_handler
from triage.handlers import reclassify as reclassify_handler

router = APIRouter(tags=["classification"])
TicketIdPath = Annotated[str, Path(description="Ticket id, e.g. TKT-3F2A9C1B0D4E")]
CLASS_RULE = "request_class must be an integer 1..6, or null for a non-core request"


def _request_class(value: Any) -> Any:
    """Refuse anything but 1..6 or null with one message naming the allowed values."""
    if value is None or (type(value) is int and 1 <= value <= 6):
        return value
    raise PydanticCustomError(
        "invalid_request_class", f"{CLASS_RULE}; got {{value}}", {"value": repr(value)}
    )


ClassChoice = Annotated[
    RequestClass | None,
    BeforeValidator(_request_class),
    Field(description="Request class 1..6, or null for a non-core request"),
]


class ClassificationOverride(BaseModel):
    """A person's classification; an omitted line or priority is derived by the routing rules."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "request_class": 3,
                    "reason": "The whole shop is down, not only checkout",
                    "actor": "agent:ivanova",
                },
                {
                    "request_class": 4,
                    "line": 2,
                    "priority": "P1",
                    "reason": "Black Friday: checkout is the business today",
                    "actor": "agent:ivanova",
                },
                {"request_class": None, "reason": "Advertising", "actor": "agent:petrov"},
            ]
        },
    )

    request_class: ClassChoice
    line: SupportLine | None = Field(default=None, description="Defaults to the routing rules'")
    priority: Priority | None = Field(default=None, description="Defaults to the routing rules'")
    reason: str = Field(min_length=1, max_length=2000, description="Why the change")
    actor: str = Field(min_length=1, max_length=200, description="Who decides, e.g. agent:anna")


class ClassifyRequest(BaseModel):
    """A request text to classify for a customer, without storing anything."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "customer": "acme-shop",
                    "channel": "email",
                    "subject": "Checkout fails",
                    "body": "Customers can't complete checkout, the pay button spins.",
                },
                {
                    "customer": "fintech-247",
                    "channel": "telegram",
                    "body": "Сервер не отвечает с утра, по ssh не пускает.",
                },
            ]
        },
    )

    customer: str = Field(min_length=1, max_length=128, description="Customer id (contracts)")
    channel: Channel
    subject: str | None = Field(default=None, max_length=500)
    body: str = Field(min_length=1, max_length=100_000)


class DecisionView(BaseModel):
    """One decision in a ticket's history."""

    request_class: int | None
    line: int
    priority: Priority
    reasons: list[str]
    rule_set_version: str
    source: DecisionSource
    actor: str | None
    reason: str | None
    decided_at: datetime


class ClassificationView(BaseModel):
    """The classification in force, its reasons, and every decision before it."""

    ticket_id: str
    customer_id: str
    contract_version: str
    request_class: int | None = Field(description="1..6, or null for a non-core request")
    line: int
    priority: Priority
    reasons: list[str]
    language: str
    rule_set_version: str
    source: DecisionSource
    classified_at: datetime
    history: list[DecisionView] = []


class DryRunView(BaseModel):
    """What the rules decide for a text under the customer's contract in force now."""

    customer_id: str
    contract_version: str
    request_class: int | None = Field(description="1..6, or null for a non-core request")
    line: int
    priority: Priority
    reasons: list[str]
    language: str
    rule_set_version: str


def deps(request: Request) -> Deps:
    """The handler dependencies built by the lifespan."""
    built: Deps = request.app.state.deps
    return built


DepsParam = Annotated[Deps, Depends(deps)]


@router.post("/tickets/{ticket_id}/classification", response_model=ClassificationView)
async def override_classification(
    ticket_id: TicketIdPath, body: ClassificationOverride, request: Request, deps: DepsParam
) -> ClassificationView:
    """Override a ticket's classification; emits ticket.reclassified, answers after commit."""
    command = Reclassify(
        request_class=body.request_class,
        line=body.line,
        priority=body.priority,
        reason=body.reason,
        actor=body.actor,
    )
    async with request.app.state.sessions() as session, session.begin():
        await reclassify_handler(ticket_id, command, session=session, deps=deps)
    return await _view(request, ticket_id)


@router.get("/tickets/{ticket_id}/classification", response_model=ClassificationView)
async def get_classification(ticket_id: TicketIdPath, request: Request) -> ClassificationView:
    """The classification in force with its reasons, and the history of decisions."""
    return await _view(request, ticket_id)


@router.post("/classify", response_model=DryRunView)
async def classify_text(body: ClassifyRequest, deps: DepsParam) -> DryRunView:
    """Dry run: the decision for this text under the customer's contract; stores nothing."""
    command = DryRun(
        customer_id=body.customer, subject=body.subject, body=body.body, channel=body.channel
    )
    decision, contract = dry_run_handler(command, deps=deps)
    return DryRunView(
        customer_id=body.customer,
        contract_version=contract.version_id,
        request_class=decision.request_class,
        line=decision.line,
        priority=Priority(decision.priority),
        reasons=list(decision.reasons),
        language=decision.language,
        rule_set_version=decision.rule_set_version,
    )


async def _view(request: Request, ticket_id: str) -> ClassificationView:
    async with request.app.state.sessions() as session:
        current = await store.get_classification(session, ticket_id)
        if current is None:
            raise DomainError(
                404, "ticket_not_found", f"ticket {ticket_id} has not been triaged (no such ticket)"
            )
        history = await store.list_decisions(session, ticket_id)
    return ClassificationView(
        **{k: getattr(current, k) for k in ClassificationView.model_fields if k != "history"},
        history=[
            DecisionView(**{k: getattr(d, k) for k in DecisionView.model_fields}) for d in history
        ],
    )
