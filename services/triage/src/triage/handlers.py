"""Triage's handlers: `ticket.created` in, manual overrides and dry runs from the API.

State and the events it causes are written in one transaction (the caller's session).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import partial

from sqlalchemy.ext.asyncio import AsyncSession

from ticketing_common.app import DomainError
from ticketing_common.clock import Clock
from ticketing_common.consumer import Handler, PermanentError
from ticketing_common.contracts import (
    ContractBook,
    ContractVersion,
    NoContractInForceError,
    UnknownCustomerError,
)
from ticketing_common.envelope import CloudEvent, Event
from ticketing_common.events import (
    Channel,
    Priority,
    TicketCreated,
    TicketReclassified,
    TicketTriaged,
)
from ticketing_common.outbox import EventContext, OutboxWriter
from triage import store
from triage.domain import DecisionSource, LineNotIncludedError, manual_decision, policy_for
from triage.rules import Decision, TriageInput, classify

SOURCE = "/services/triage"


@dataclass(frozen=True)
class Deps:
    """What every triage handler needs besides the session."""

    outbox: OutboxWriter
    contracts: ContractBook
    clock: Clock


@dataclass(frozen=True)
class Reclassify:
    """A person overrides a ticket's classification; omitted line/priority are derived."""

    request_class: int | None
    line: int | None
    priority: Priority | None
    reason: str
    actor: str


@dataclass(frozen=True)
class DryRun:
    """Classify a text for a customer without storing anything or emitting events."""

    customer_id: str
    subject: str | None
    body: str
    channel: Channel


def handlers(deps: Deps) -> dict[type[Event], Handler]:
    """The event handlers of the triage consumer, bound to their dependencies."""
    return {TicketCreated: partial(handle_ticket_created, deps=deps)}


async def handle_ticket_created(
    event: TicketCreated, *, envelope: CloudEvent, session: AsyncSession, deps: Deps
) -> None:
    """Classify a new ticket under its pinned contract; store it and emit ticket.triaged."""
    contract = _pinned_contract(event, deps.contracts)
    request = TriageInput(subject=event.subject, body=event.body, channel=event.channel.value)
    decision = classify(request, policy=policy_for(contract))
    if not await store.insert_request(session, _request_row(event)):
        raise PermanentError(
            f"ticket {event.ticket_id} is already triaged; a second ticket.created "
            f"({envelope.id}) for it is not applied"
        )
    now = deps.clock.now()
    classification = _classification(
        decision,
        ticket_id=event.ticket_id,
        customer_id=event.customer_id,
        contract_version=event.contract_version,
        source=DecisionSource.RULES,
        at=now,
    )
    await store.insert_classification(session, classification)
    await store.insert_decision(session, _decision_row(classification, actor=None, reason=None))
    triaged = TicketTriaged(
        ticket_id=event.ticket_id,
        request_class=decision.request_class,
        line=decision.line,
        priority=classification.priority,
        reasons=decision.reasons,
        rule_set_version=decision.rule_set_version,
        triaged_at=now,
    )
    context = EventContext(
        subject=event.ticket_id,
        customer_id=event.customer_id,
        correlation_id=envelope.correlationid,
        causation_id=str(envelope.id),
    )
    await deps.outbox.add(session, triaged, context=context, time=now)


async def reclassify(
    ticket_id: str, command: Reclassify, *, session: AsyncSession, deps: Deps
) -> store.ClassificationRow:
    """Put a person's classification in force and emit ticket.reclassified."""
    current = await store.get_classification(session, ticket_id, for_update=True)
    request = await store.get_request(session, ticket_id)
    if current is None or request is None:
        raise DomainError(
            404, "ticket_not_found", f"ticket {ticket_id} has not been triaged (no such ticket)"
        )
    decision = _manual_decision(command, request, _contract_of(current, deps.contracts))
    if (decision.request_class, decision.line, decision.priority) == (
        current.request_class,
        current.line,
        current.priority,
    ):
        raise DomainError(409, "no_change", f"ticket {ticket_id} is already {_summary(decision)}")
    now = deps.clock.now()
    new = _classification(
        decision,
        ticket_id=ticket_id,
        customer_id=current.customer_id,
        contract_version=current.contract_version,
        source=DecisionSource.MANUAL,
        at=now,
    )
    await store.replace_classification(session, new)
    await store.insert_decision(
        session, _decision_row(new, actor=command.actor, reason=command.reason)
    )
    event = TicketReclassified(
        ticket_id=ticket_id,
        previous_class=current.request_class,
        request_class=new.request_class,
        previous_line=current.line,
        line=new.line,
        priority=new.priority,
        reason=command.reason,
        actor=command.actor,
        reclassified_at=now,
    )
    context = EventContext(
        subject=ticket_id, customer_id=current.customer_id, correlation_id=ticket_id
    )
    await deps.outbox.add(session, event, context=context, time=now)
    return new


def dry_run(command: DryRun, *, deps: Deps) -> tuple[Decision, ContractVersion]:
    """The decision the rules would make for this customer's contract in force now."""
    try:
        contract = deps.contracts.version_for(command.customer_id, deps.clock.now())
    except (UnknownCustomerError, NoContractInForceError) as error:
        raise DomainError(422, "unknown_customer", str(error)) from error
    request = TriageInput(subject=command.subject, body=command.body, channel=command.channel.value)
    return classify(request, policy=policy_for(contract)), contract


def _pinned_contract(event: TicketCreated, contracts: ContractBook) -> ContractVersion:
    try:
        contract = contracts.version_by_id(event.contract_version)
    except (UnknownCustomerError, NoContractInForceError) as error:
        raise PermanentError(
            f"ticket {event.ticket_id} pins contract version {event.contract_version!r}, "
            f"which the contracts file does not hold ({error})"
        ) from error
    if contract.customer_id != event.customer_id:
        raise PermanentError(
            f"ticket {event.ticket_id} of customer {event.customer_id!r} pins contract version "
            f"{event.contract_version!r} of another customer"
        )
    return contract


def _contract_of(current: store.ClassificationRow, contracts: ContractBook) -> ContractVersion:
    try:
        return contracts.version_by_id(current.contract_version)
    except (UnknownCustomerError, NoContractInForceError) as error:
        raise DomainError(
            409,
            "contract_version_unknown",
            f"ticket {current.ticket_id} pins contract version {current.contract_version!r}, "
            f"which the contracts file no longer holds",
        ) from error


def _manual_decision(
    command: Reclassify, request: store.RequestRow, contract: ContractVersion
) -> Decision:
    try:
        return manual_decision(
            TriageInput(subject=request.subject, body=request.body, channel=request.channel.value),
            request_class=command.request_class,
            line=command.line,
            priority=command.priority.value if command.priority else None,
            policy=policy_for(contract),
            actor=command.actor,
            reason=command.reason,
        )
    except LineNotIncludedError as error:
        message = f"{error} (contract version {contract.version_id})"
        details = [{"field": "body.line", "message": message, "included": list(contract.lines)}]
        raise DomainError(422, "line_not_included", message, details) from error


def _summary(decision: Decision) -> str:
    name = "non-core" if decision.request_class is None else f"class {decision.request_class}"
    return f"{name}, line {decision.line}, {decision.priority}; nothing to change"


def _request_row(event: TicketCreated) -> store.RequestRow:
    return store.RequestRow(
        ticket_id=event.ticket_id,
        customer_id=event.customer_id,
        contract_version=event.contract_version,
        channel=event.channel,
        subject=event.subject,
        body=event.body,
        received_at=event.received_at,
    )


def _classification(
    decision: Decision,
    *,
    ticket_id: str,
    customer_id: str,
    contract_version: str,
    source: DecisionSource,
    at: datetime,
) -> store.ClassificationRow:
    return store.ClassificationRow(
        ticket_id=ticket_id,
        customer_id=customer_id,
        contract_version=contract_version,
        request_class=decision.request_class,
        line=decision.line,
        priority=Priority(decision.priority),
        reasons=decision.reasons,
        language=decision.language,
        rule_set_version=decision.rule_set_version,
        source=source,
        classified_at=at,
    )


def _decision_row(
    classification: store.ClassificationRow, *, actor: str | None, reason: str | None
) -> store.DecisionRow:
    return store.DecisionRow(
        ticket_id=classification.ticket_id,
        request_class=classification.request_class,
        line=classification.line,
        priority=classification.priority,
        reasons=classification.reasons,
        rule_set_version=classification.rule_set_version,
        source=classification.source,
        actor=actor,
        reason=reason,
        decided_at=classification.classified_at,
    )
