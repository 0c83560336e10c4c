"""Escalation test fixtures: the real `escalation` schema migrated with alembic, events fed
through the real EventProcessor, the app in-process."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from escalation.app import build_deps, create_app
from escalation.handlers import Deps, handlers
from escalation.settings import EscalationSettings
from escalation.tables import outbox, processed_events
from ticketing_common.clock import FakeClock
from ticketing_common.consumer import ConsumerConfig, EventProcessor, RetryPolicy
from ticketing_common.db import create_engine, create_session_factory
from ticketing_common.envelope import Event, new_envelope, to_record
from ticketing_common.events import (
    Channel,
    ClockKind,
    Priority,
    SlaBreached,
    TicketCreated,
    TicketStatus,
    TicketStatusChanged,
    TicketTriaged,
)
from ticketing_common.migrations import upgrade_head_async

SERVICE_ROOT = Path(__file__).resolve().parents[1]
REPO_ROOT = SERVICE_ROOT.parents[1]
START = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
CONTRACTS = {
    "acme-shop": "acme-shop@2025-01-01",
    "nordic-clinic": "nordic-clinic@2024-01-01",
    "fintech-247": "fintech-247@2024-01-01",
}


@dataclass(frozen=True)
class FakeRecord:
    """A Kafka record as the consumer loop hands it to the processor."""

    value: bytes
    key: bytes
    headers: list[tuple[str, bytes]]
    topic: str = "ticket-events"
    partition: int = 0
    offset: int = 0


@dataclass
class DeadLetters:
    """A dead-letter producer that keeps what it was sent."""

    sent: list[dict[str, Any]] = field(default_factory=list)

    async def send_and_wait(self, topic: str, **record: Any) -> None:
        """Keep the record and its headers, decoded."""
        headers = {name: raw.decode() for name, raw in record.get("headers") or ()}
        self.sent.append({"topic": topic, "headers": headers})


@dataclass
class Feed:
    """Publishes events about tickets into escalation's processor, as other services would."""

    processor: EventProcessor
    sessions: async_sessionmaker[AsyncSession]
    dead_letters: DeadLetters
    ticket_ids: set[str] = field(default_factory=set)

    async def apply(self, event: Event, *, ticket_id: str, customer: str, source: str) -> str:
        """Process one event in its envelope; returns the processor's outcome."""
        return await self.processor.process(self.record(event, ticket_id, customer, source))

    def record(self, event: Event, ticket_id: str, customer: str, source: str) -> FakeRecord:
        """The Kafka record carrying the event."""
        self.ticket_ids.add(ticket_id)
        envelope = new_envelope(
            event,
            source=source,
            subject=ticket_id,
            time=START,
            customer_id=customer,
            correlation_id=ticket_id,
            causation_id=None,
            sequence=1,
        )
        wire = to_record(envelope)
        return FakeRecord(value=wire.value, key=wire.key, headers=wire.headers)

    def story(self, ticket_id: str, customer: str, line: int) -> list[FakeRecord]:
        """Records of a ticket created, triaged onto `line`, then breaching its resolution SLA."""
        return [
            self.record(created(ticket_id, customer), ticket_id, customer, INTAKE),
            self.record(triaged(ticket_id, line), ticket_id, customer, TRIAGE),
            self.record(breached(ticket_id), ticket_id, customer, SLA),
        ]

    async def ticket(self, customer: str = "acme-shop", line: int = 1) -> str:
        """A new ticket, created by intake and triaged by triage onto `line`."""
        ticket_id = f"TKT-{uuid4().hex[:12].upper()}"
        await self.apply(
            created(ticket_id, customer), ticket_id=ticket_id, customer=customer, source=INTAKE
        )
        await self.apply(
            triaged(ticket_id, line), ticket_id=ticket_id, customer=customer, source=TRIAGE
        )
        return ticket_id

    async def breach(self, ticket_id: str, customer: str = "acme-shop") -> str:
        """An SLA breach of the ticket's resolution clock."""
        return await self.apply(
            breached(ticket_id), ticket_id=ticket_id, customer=customer, source=SLA
        )

    async def close(self, ticket_id: str, customer: str = "acme-shop") -> str:
        """Intake closes the ticket."""
        event = TicketStatusChanged(
            ticket_id=ticket_id,
            from_status=TicketStatus.RESOLVED,
            to_status=TicketStatus.CLOSED,
            actor="anna",
            changed_at=START + timedelta(hours=5),
        )
        return await self.apply(event, ticket_id=ticket_id, customer=customer, source=INTAKE)

    async def envelopes(self, ticket_id: str) -> list[dict[str, Any]]:
        """The CloudEvents escalation wrote to its outbox about the ticket, in order."""
        table = outbox.outbox
        statement = select(table.c.value).where(table.c.key == ticket_id).order_by(table.c.id)
        async with self.sessions() as session:
            values = (await session.execute(statement)).scalars().all()
        return [json.loads(value) for value in values]

    async def outbox(self, ticket_id: str) -> list[tuple[str, dict[str, Any]]]:
        """(type, data) of the events escalation wrote about the ticket, in order."""
        return [(event["type"], event["data"]) for event in await self.envelopes(ticket_id)]

    async def forget_outbox(self) -> None:
        """Delete the outbox rows of this feed's tickets, so no relay ever publishes them."""
        table = outbox.outbox
        async with self.sessions() as session, session.begin():
            await session.execute(table.delete().where(table.c.key.in_(self.ticket_ids)))


INTAKE, TRIAGE, SLA = "/services/intake", "/services/triage", "/services/sla-timer"


def created(ticket_id: str, customer: str) -> TicketCreated:
    """What intake emits for a new request."""
    return TicketCreated(
        ticket_id=ticket_id,
        customer_id=customer,
        contract_version=CONTRACTS[customer],
        channel=Channel.EMAIL,
        subject="Checkout takes 40 s",
        body="Every order takes about 40 seconds to save.",
        contact="ops@acme.example",
        received_at=START,
    )


def triaged(ticket_id: str, line: int) -> TicketTriaged:
    """What triage emits for a class 4 request."""
    return TicketTriaged(
        ticket_id=ticket_id,
        request_class=4,
        line=line,
        priority=Priority.P2,
        reasons=("application too slow",),
        rule_set_version="test",
        triaged_at=START + timedelta(seconds=2),
    )


def breached(ticket_id: str, clock: ClockKind = ClockKind.RESOLUTION) -> SlaBreached:
    """What the SLA timer emits when the clock runs out."""
    return SlaBreached(
        ticket_id=ticket_id,
        clock=clock,
        target_seconds=21600,
        deadline=START + timedelta(hours=6),
        breached_at=START + timedelta(hours=6),
        request_class=4,
    )


@pytest.fixture
async def escalation_settings(
    database_url: str, kafka_bootstrap_servers: str
) -> EscalationSettings:
    """Settings pointing at the test infrastructure, with the schema migrated."""
    await upgrade_head_async(alembic_ini=SERVICE_ROOT / "alembic.ini", database_url=database_url)
    return EscalationSettings(
        database_url=database_url,
        kafka_bootstrap_servers=kafka_bootstrap_servers,
        contracts_path=REPO_ROOT / "config" / "contracts.yaml",
    )


@pytest.fixture
def clock() -> FakeClock:
    """The time escalation's handlers see."""
    return FakeClock(START + timedelta(hours=6, seconds=5))


@pytest.fixture
def deps(escalation_settings: EscalationSettings, clock: FakeClock) -> Deps:
    """The handlers' dependencies with the fake clock."""
    return build_deps(escalation_settings, clock=clock)


@pytest.fixture
async def sessions(
    escalation_settings: EscalationSettings,
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on the migrated schema."""
    engine = create_engine(escalation_settings)
    yield create_session_factory(engine)
    await engine.dispose()


@pytest.fixture
async def feed(deps: Deps, sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[Feed]:
    """Events into escalation's real EventProcessor, dead letters kept in memory.

    The outbox rows of the feed's tickets are deleted afterwards: the outbox is the real one,
    and a relay started later must not publish test events to the shared topic.
    """
    dead_letters = DeadLetters()
    processor = EventProcessor(
        config=ConsumerConfig(
            service="escalation",
            group_id="test-escalation",
            dead_letter_topic="ticket-events.dlq",
            retry=RetryPolicy(max_attempts=2, initial_backoff=0.01),
        ),
        session_factory=sessions,
        processed=processed_events,
        handlers=handlers(deps),
        dead_letters=dead_letters,
    )
    built = Feed(processor=processor, sessions=sessions, dead_letters=dead_letters)
    yield built
    await built.forget_outbox()


@pytest.fixture
async def client(
    escalation_settings: EscalationSettings, clock: FakeClock
) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client talking to escalation's app with its lifespan running."""
    app = create_app(escalation_settings, clock=clock)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://escalation") as http:
            yield http
