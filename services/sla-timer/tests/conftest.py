"""Sla-timer test fixtures: the real `sla` schema migrated with alembic, events applied through
the real EventProcessor, timers fired with a FakeClock, the app in-process.

The fake clock starts ten years ahead, so that a system running on the same database never
fires these tests' timers with its real clock; each test drains whatever is due before it and
settles its own timers after it, and its outbox rows are discarded.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from sla_timer.announcements import SOURCE
from sla_timer.app import create_app
from sla_timer.calendars import Calendars
from sla_timer.handlers import Deps, build_handlers
from sla_timer.settings import SlaTimerSettings
from sla_timer.tables import outbox, processed_events
from sla_timer.timers import fire_due_timers
from ticketing_common.clock import FakeClock
from ticketing_common.consumer import ConsumerConfig, EventProcessor, Outcome, RetryPolicy
from ticketing_common.contracts import load_contracts
from ticketing_common.db import create_engine, create_session_factory
from ticketing_common.envelope import CloudEvent, Event, from_value, new_envelope, to_record
from ticketing_common.events import (
    AuthorKind,
    Channel,
    MessageAdded,
    Priority,
    TicketCreated,
    TicketStatus,
    TicketStatusChanged,
    TicketTriaged,
)
from ticketing_common.migrations import upgrade_head_async
from ticketing_common.outbox import OutboxWriter
from ticketing_common.testing.fixtures import outbox_rows_discarded

SERVICE_ROOT = Path(__file__).resolve().parents[1]
REPO_ROOT = SERVICE_ROOT.parents[1]
CONTRACTS = REPO_ROOT / "config" / "contracts.yaml"
TEST_TOPIC = "sla-timer-tests"


@dataclass
class Record:
    """A consumer record built by hand (the processor reads only these fields)."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: Sequence[tuple[str, bytes]]


@dataclass
class DeadLetters:
    """Our dead-letter port, recording instead of producing: a test expects none."""

    sent: list[tuple[str, bytes | None]] = field(default_factory=list)

    async def send_and_wait(self, topic: str, value: bytes | None = None, **_: Any) -> None:
        self.sent.append((topic, value))


@dataclass
class Harness:
    """Applies events about tickets to the real handlers and reads what the service emitted."""

    sessions: async_sessionmaker[AsyncSession]
    processor: EventProcessor
    writer: OutboxWriter
    clock: FakeClock
    dead_letters: DeadLetters
    offset: int = 0

    async def apply(self, event: Event, *, ticket_id: str, customer: str = "e2e-247") -> str:
        """Deliver one event as a Kafka record would; returns the processor's outcome."""
        envelope = new_envelope(
            event,
            source="/services/test",
            subject=ticket_id,
            time=self.clock.now(),
            customer_id=customer,
            correlation_id=f"corr-{ticket_id}",
            causation_id=None,
            sequence=self.offset + 1,
        )
        kafka = to_record(envelope)
        self.offset += 1
        record = Record(TEST_TOPIC, 0, self.offset, kafka.key, kafka.value, kafka.headers)
        return await self.processor.process(record)

    async def applied(self, event: Event, *, ticket_id: str, customer: str = "e2e-247") -> None:
        """Deliver one event that must apply cleanly."""
        outcome = await self.apply(event, ticket_id=ticket_id, customer=customer)
        assert outcome == Outcome.APPLIED, f"{event.EVENT_TYPE}: {outcome}"

    async def create(
        self,
        ticket_id: str,
        received_at: datetime,
        customer: str = "e2e-247",
        version: str = "2020-01-01",
    ) -> None:
        """ticket.created for a customer's pinned contract version."""
        event = TicketCreated(
            ticket_id=ticket_id,
            customer_id=customer,
            contract_version=f"{customer}@{version}",
            channel=Channel.EMAIL,
            subject="Checkout fails",
            body="Orders cannot be saved.",
            contact="ops@example.test",
            received_at=received_at,
        )
        await self.applied(event, ticket_id=ticket_id, customer=customer)

    async def triage(self, ticket_id: str, at: datetime, request_class: int | None = 4) -> None:
        """ticket.triaged: class, line 1."""
        await self.applied(triaged(ticket_id, at, request_class), ticket_id=ticket_id)

    async def reply(self, ticket_id: str, at: datetime) -> None:
        """An agent's ticket.message_added."""
        event = MessageAdded(
            ticket_id=ticket_id,
            message_id=uuid4().hex,
            author=AuthorKind.AGENT,
            channel=Channel.EMAIL,
            body="We are on it.",
            sent_at=at,
        )
        await self.applied(event, ticket_id=ticket_id)

    async def move(self, ticket_id: str, before: str, after: str, at: datetime) -> None:
        """ticket.status_changed."""
        event = TicketStatusChanged(
            ticket_id=ticket_id,
            from_status=TicketStatus(before),
            to_status=TicketStatus(after),
            actor="anna",
            changed_at=at,
        )
        await self.applied(event, ticket_id=ticket_id)

    async def open_ticket(self, *, request_class: int | None = 4) -> tuple[str, datetime]:
        """A 24x7 ticket (response 4 s, resolution 30 s) received now, triaged 1 s later."""
        ticket_id, received = new_ticket_id(), self.clock.now()
        await self.create(ticket_id, received)
        await self.triage(ticket_id, received + timedelta(seconds=1), request_class)
        return ticket_id, received

    async def fire(self, *, batch: int = 100) -> int:
        """Fire due timers until none is left (earlier tests' leftovers included)."""
        total = 0
        while settled := await fire_due_timers(
            sessions=self.sessions, outbox=self.writer, clock=self.clock, batch=batch
        ):
            total += settled
        return total

    async def emitted(self, ticket_id: str) -> list[CloudEvent]:
        """The events written to the outbox about a ticket, in order."""
        statement = (
            select(outbox.outbox.c.value)
            .where(outbox.outbox.c.key == ticket_id)
            .order_by(outbox.outbox.c.id)
        )
        async with self.sessions() as session:
            values = (await session.execute(statement)).scalars().all()
        return [from_value(value.encode()) for value in values]

    async def emitted_types(self, ticket_id: str) -> list[str]:
        """Just the types, e.g. ["sla.armed", "sla.armed"]."""
        return [envelope.type for envelope in await self.emitted(ticket_id)]

    async def emitted_data(self, ticket_id: str, event_type: str) -> list[dict[str, Any]]:
        """The payloads of one type about a ticket, in order."""
        return [e.data for e in await self.emitted(ticket_id) if e.type == event_type]


def new_ticket_id() -> str:
    """A random ticket id, so tests share the schema without seeing each other."""
    return f"TKT-SLA{uuid4().hex[:10].upper()}"


def triaged(ticket_id: str, at: datetime, request_class: int | None) -> TicketTriaged:
    """A ticket.triaged event."""
    return TicketTriaged(
        ticket_id=ticket_id,
        request_class=request_class,
        line=1,
        priority=Priority.P2,
        reasons=("test",),
        rule_set_version="test",
        triaged_at=at,
    )


@pytest.fixture
def new_id() -> Callable[[], str]:
    """Makes random ticket ids."""
    return new_ticket_id


@pytest.fixture
async def sla_settings(
    database_url: str, kafka_bootstrap_servers: str
) -> AsyncIterator[SlaTimerSettings]:
    """Settings pointing at the test infrastructure, with the schema migrated."""
    await upgrade_head_async(alembic_ini=SERVICE_ROOT / "alembic.ini", database_url=database_url)
    # Tests write to the service's real outbox; drop those rows so no relay publishes them.
    async with outbox_rows_discarded(database_url, outbox):
        yield SlaTimerSettings(
            database_url=database_url,
            kafka_bootstrap_servers=kafka_bootstrap_servers,
            contracts_path=CONTRACTS,
        )


@pytest.fixture
def fake_clock() -> FakeClock:
    """Ten years ahead of now, whole seconds."""
    return FakeClock(datetime.now(UTC).replace(microsecond=0) + timedelta(days=3650))


@pytest.fixture
async def harness(sla_settings: SlaTimerSettings, fake_clock: FakeClock) -> AsyncIterator[Harness]:
    """The real handlers behind the real idempotent processor, on the migrated schema."""
    engine = create_engine(sla_settings, pool_size=4)
    sessions = create_session_factory(engine)
    writer = OutboxWriter(tables=outbox, source=SOURCE, topic=sla_settings.ticket_events_topic)
    deps = Deps(outbox=writer, calendars=Calendars(load_contracts(CONTRACTS)))
    dead_letters = DeadLetters()
    processor = EventProcessor(
        config=ConsumerConfig(
            service="sla-timer",
            group_id="sla-timer-tests",
            dead_letter_topic=f"{TEST_TOPIC}.dlq",
            retry=RetryPolicy(max_attempts=2, initial_backoff=0.01),
        ),
        session_factory=sessions,
        processed=processed_events,
        handlers=build_handlers(deps),
        dead_letters=dead_letters,
    )
    built = Harness(sessions, processor, writer, fake_clock, dead_letters)
    await built.fire()  # leftovers of earlier runs, so each test sees only its own timers
    yield built
    built.clock.advance(timedelta(days=2))  # settle this test's remaining timers
    await built.fire()
    await engine.dispose()


@pytest.fixture
async def client(
    sla_settings: SlaTimerSettings, fake_clock: FakeClock
) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client talking to sla-timer's app with its lifespan running."""
    app = create_app(sla_settings, clock=fake_clock)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://sla-timer") as http:
            yield http
