"""Triage test fixtures: the real `triage` schema migrated with alembic, the real event
processor applying `ticket.created` records, and the app in-process with its lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

from ticketing_common.clock import FakeClock
from ticketing_common.consumer import ConsumerConfig, EventProcessor, RetryPolicy
from ticketing_common.envelope import CloudEvent, from_value, new_envelope, to_record
from ticketing_common.events import Channel, TicketCreated
from ticketing_common.migrations import upgrade_head_async
from ticketing_common.testing.fixtures import outbox_rows_discarded
from ticketing_common.testing.infra import TopicFactory
from triage.app import build_deps, create_app
from triage.handlers import handlers
from triage.settings import TriageSettings
from triage.tables import outbox, processed_events
from triage.tables import outbox as _outbox

SERVICE_ROOT = Path(__file__).resolve().parents[1]
REPO_ROOT = SERVICE_ROOT.parents[1]
NOW = datetime(2025, 3, 3, 9, 15, tzinfo=UTC)
CONTRACT_VERSIONS = {
    "acme-shop": "acme-shop@2025-01-01",
    "fintech-247": "fintech-247@2024-01-01",
    "e2e-247": "e2e-247@2020-01-01",
}


@dataclass(frozen=True)
class KafkaRecord:
    """The fields of a consumer record the event processor reads."""

    key: bytes | None
    value: bytes | None
    headers: list[tuple[str, bytes]]
    topic: str = "ticket-events"
    partition: int = 0
    offset: int = 0


@dataclass
class Delivery:
    """A ticket.created as it arrives from Kafka, with its envelope."""

    envelope: CloudEvent
    record: KafkaRecord
    ticket_id: str = field(init=False)

    def __post_init__(self) -> None:
        self.ticket_id = self.envelope.subject


def ticket_created(
    body: str,
    *,
    customer: str = "acme-shop",
    subject: str | None = None,
    channel: Channel = Channel.EMAIL,
    contract_version: str | None = None,
) -> Delivery:
    """A `ticket.created` record for a fresh, random ticket id, as intake's relay sends it."""
    ticket_id = f"TKT-{uuid4().hex[:12].upper()}"
    event = TicketCreated(
        ticket_id=ticket_id,
        customer_id=customer,
        contract_version=contract_version or CONTRACT_VERSIONS[customer],
        channel=channel,
        subject=subject,
        body=body,
        contact="ops@customer.example",
        received_at=NOW,
    )
    envelope = new_envelope(
        event,
        source="/services/intake",
        subject=ticket_id,
        time=NOW,
        customer_id=customer,
        correlation_id=f"corr-{ticket_id}",
        causation_id=None,
        sequence=1,
    )
    wire = to_record(envelope)
    return Delivery(envelope, KafkaRecord(key=wire.key, value=wire.value, headers=wire.headers))


@pytest.fixture(name="ticket_created")
def ticket_created_factory() -> Callable[..., Delivery]:
    """Build `ticket.created` records for fresh tickets (see `ticket_created`)."""
    return ticket_created


@pytest.fixture
def clock() -> FakeClock:
    """Time stands still a little after the tickets were received."""
    return FakeClock(NOW.replace(second=2))


@pytest.fixture
async def triage_settings(
    database_url: str, kafka_bootstrap_servers: str
) -> AsyncIterator[TriageSettings]:
    """Settings pointing at the test infrastructure, with the schema migrated."""
    await upgrade_head_async(alembic_ini=SERVICE_ROOT / "alembic.ini", database_url=database_url)
    # Tests write to the service's real outbox; drop those rows so no relay publishes them.
    async with outbox_rows_discarded(database_url, _outbox):
        yield TriageSettings(
            database_url=database_url,
            kafka_bootstrap_servers=kafka_bootstrap_servers,
            contracts_path=REPO_ROOT / "config" / "contracts.yaml",
        )


@pytest.fixture
async def engine(triage_settings: TriageSettings) -> AsyncIterator[AsyncEngine]:
    """An engine on the test database."""
    built = create_async_engine(triage_settings.database_url)
    yield built
    await built.dispose()


@pytest.fixture
async def dead_letter_topic(kafka_topic: TopicFactory) -> str:
    """A fresh dead-letter topic, so a test sees only its own dead letters."""
    return await kafka_topic(partitions=1)


@pytest.fixture
def processor(
    triage_settings: TriageSettings,
    engine: AsyncEngine,
    producer: AIOKafkaProducer,
    dead_letter_topic: str,
    clock: FakeClock,
) -> EventProcessor:
    """Triage's real handlers behind the real idempotent event processor."""
    return EventProcessor(
        config=ConsumerConfig(
            service="triage",
            group_id="triage-tests",
            dead_letter_topic=dead_letter_topic,
            retry=RetryPolicy(max_attempts=2, initial_backoff=0.01),
        ),
        session_factory=async_sessionmaker(engine, expire_on_commit=False),
        processed=processed_events,
        handlers=handlers(build_deps(triage_settings, clock=clock)),
        dead_letters=producer,
    )


@pytest.fixture
def triaged(processor: EventProcessor) -> Callable[..., Awaitable[Delivery]]:
    """Apply a `ticket.created` through the processor; returns the delivery."""

    async def apply(
        body: str, *, customer: str = "acme-shop", subject: str | None = None
    ) -> Delivery:
        delivery = ticket_created(body, customer=customer, subject=subject)
        outcome = await processor.process(delivery.record)
        assert outcome == "applied", outcome
        return delivery

    return apply


@pytest.fixture
def emitted(engine: AsyncEngine) -> Callable[[str], Awaitable[list[CloudEvent]]]:
    """The envelopes triage's outbox holds for a ticket, oldest first."""

    async def read(ticket_id: str) -> list[CloudEvent]:
        table = outbox.outbox
        statement = select(table.c.value).where(table.c.key == ticket_id).order_by(table.c.id)
        async with engine.connect() as connection:
            values = (await connection.execute(statement)).scalars().all()
        return [from_value(value.encode()) for value in values]

    return read


@pytest.fixture
async def client(
    triage_settings: TriageSettings, clock: FakeClock
) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client talking to triage's app with its lifespan running."""
    app = create_app(triage_settings, clock=clock)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://triage") as http:
            yield http
