"""Reporting test fixtures: event stories per ticket, the real schema, processor and app."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from reporting.app import create_app
from reporting.handlers import HANDLERS
from reporting.settings import ReportingSettings
from reporting.tables import processed_events
from ticketing_common.clock import FakeClock
from ticketing_common.consumer import ConsumerConfig, EventProcessor, RetryPolicy
from ticketing_common.envelope import Event, new_envelope, to_record
from ticketing_common.events import (
    AuthorKind,
    Channel,
    ClockKind,
    EscalationTrigger,
    MessageAdded,
    Priority,
    SlaArmed,
    SlaBreached,
    SlaMet,
    SlaPaused,
    SlaResumed,
    SlaWarning,
    TicketCreated,
    TicketEscalated,
    TicketReclassified,
    TicketStatus,
    TicketStatusChanged,
    TicketTriaged,
    VendorEngaged,
    VendorReturned,
)
from ticketing_common.migrations import upgrade_head_async

SERVICE_ROOT = Path(__file__).resolve().parents[1]
REPO_ROOT = SERVICE_ROOT.parents[1]
REPORT_TIME = datetime(2040, 1, 1, tzinfo=UTC)


@dataclass
class Story:
    """Builds the events of one ticket; `at` arguments are minutes after reception."""

    received_at: datetime
    ticket_id: str = field(default_factory=lambda: f"TKT-{uuid4().hex[:12].upper()}")
    customer_id: str = "acme-shop"

    def t(self, minutes: float) -> datetime:
        """The instant `minutes` after reception."""
        return self.received_at + timedelta(minutes=minutes)

    def created(self, channel: Channel = Channel.EMAIL) -> TicketCreated:
        return TicketCreated(
            ticket_id=self.ticket_id,
            customer_id=self.customer_id,
            contract_version=f"{self.customer_id}@2025-01-01",
            channel=channel,
            subject="Checkout fails",
            body="Orders cannot be saved.",
            contact="ops@acme.example",
            received_at=self.received_at,
        )

    def triaged(
        self, request_class: int | None, *, line: int, priority: str = "P3", at: float = 1
    ) -> TicketTriaged:
        return TicketTriaged(
            ticket_id=self.ticket_id,
            request_class=request_class,
            line=line,
            priority=Priority(priority),
            reasons=("test rule",),
            rule_set_version="test",
            triaged_at=self.t(at),
        )

    def reclassified(
        self, request_class: int | None, *, line: int, priority: str = "P2", at: float
    ) -> TicketReclassified:
        return TicketReclassified(
            ticket_id=self.ticket_id,
            previous_class=None,
            request_class=request_class,
            line=line,
            priority=Priority(priority),
            reason="agent override",
            actor="agent:anna",
            reclassified_at=self.t(at),
        )

    def message(self, author: AuthorKind = AuthorKind.AGENT, *, at: float) -> MessageAdded:
        return MessageAdded(
            ticket_id=self.ticket_id,
            message_id=f"MSG-{uuid4().hex[:12]}",
            author=author,
            channel=Channel.EMAIL,
            body="We are on it.",
            sent_at=self.t(at),
        )

    def status(self, from_status: str, to_status: str, *, at: float) -> TicketStatusChanged:
        return TicketStatusChanged(
            ticket_id=self.ticket_id,
            from_status=TicketStatus(from_status),
            to_status=TicketStatus(to_status),
            actor="agent:anna",
            changed_at=self.t(at),
        )

    def escalated(
        self,
        from_line: int,
        to_line: int,
        *,
        at: float,
        trigger: str = "manual",
        vendor_id: str | None = None,
    ) -> TicketEscalated:
        return TicketEscalated(
            ticket_id=self.ticket_id,
            from_line=from_line,
            to_line=to_line,
            trigger=EscalationTrigger(trigger),
            reason="needs more expertise",
            actor="agent:anna",
            vendor_id=vendor_id,
            escalated_at=self.t(at),
        )

    def armed(self, clock: str, *, target: int, at: float = 0) -> SlaArmed:
        return SlaArmed(
            ticket_id=self.ticket_id,
            clock=ClockKind(clock),
            request_class=4,
            target_seconds=target,
            started_at=self.t(at),
            deadline=self.t(at + target / 60),
            warning_at=self.t(at + target / 80),
            contract_version=f"{self.customer_id}@2025-01-01",
        )

    def met(self, clock: str, *, elapsed: int, target: int, at: float) -> SlaMet:
        return SlaMet(
            ticket_id=self.ticket_id,
            clock=ClockKind(clock),
            target_seconds=target,
            elapsed_seconds=elapsed,
            met_at=self.t(at),
        )

    def breached(self, clock: str, *, target: int, at: float) -> SlaBreached:
        return SlaBreached(
            ticket_id=self.ticket_id,
            clock=ClockKind(clock),
            target_seconds=target,
            deadline=self.t(at),
            breached_at=self.t(at),
            request_class=4,
            line=2,
        )

    def warning(self, clock: str, *, at: float) -> SlaWarning:
        return SlaWarning(
            ticket_id=self.ticket_id,
            clock=ClockKind(clock),
            threshold=0.75,
            elapsed_seconds=5400,
            remaining_seconds=1800,
            deadline=self.t(at + 30),
            fired_at=self.t(at),
        )

    def paused(self, clock: str, *, at: float) -> SlaPaused:
        return SlaPaused(
            ticket_id=self.ticket_id,
            clock=ClockKind(clock),
            reason="waiting_on_customer",
            paused_at=self.t(at),
            remaining_seconds=1800,
        )

    def resumed(self, clock: str, *, at: float) -> SlaResumed:
        return SlaResumed(
            ticket_id=self.ticket_id,
            clock=ClockKind(clock),
            reason="customer replied",
            resumed_at=self.t(at),
            remaining_seconds=1800,
        )

    def vendor_engaged(self, vendor_id: str, *, at: float) -> VendorEngaged:
        return VendorEngaged(
            ticket_id=self.ticket_id,
            vendor_id=vendor_id,
            reason="disk fault",
            engaged_at=self.t(at),
        )

    def vendor_returned(self, vendor_id: str, *, at: float) -> VendorReturned:
        return VendorReturned(
            ticket_id=self.ticket_id,
            vendor_id=vendor_id,
            outcome="resolved",
            note="disk replaced",
            returned_at=self.t(at),
        )


StoryFactory = Callable[..., Story]


@pytest.fixture
def story() -> StoryFactory:
    """Factory of ticket stories: `story(received_at=...)`, a random ticket id each."""

    def make(received_at: datetime | None = None, customer_id: str = "acme-shop") -> Story:
        start = received_at or datetime(2031, 1, 13, 9, 15, tzinfo=UTC)
        return Story(received_at=start, customer_id=customer_id)

    return make


@pytest.fixture
def unused_month() -> tuple[int, int]:
    """A random (year, month) far from any real or other test's data."""
    return random.randint(2200, 8999), random.randint(1, 12)


@dataclass(frozen=True)
class FakeRecord:
    """What the processor reads of a Kafka record."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: Sequence[tuple[str, bytes]]


@dataclass
class FakeDeadLetters:
    """A dead-letter producer that keeps what it was given."""

    sent: list[dict[str, Any]] = field(default_factory=list)

    async def send_and_wait(self, topic: str, **record: Any) -> None:
        self.sent.append({"topic": topic, **record})


@dataclass
class Feed:
    """Turns events into Kafka-shaped records and applies them with the real processor."""

    processor: EventProcessor
    dead_letters: FakeDeadLetters
    offset: int = 0

    def record(self, event: Event, *, customer_id: str = "acme-shop") -> FakeRecord:
        ticket_id = str(getattr(event, "ticket_id"))  # noqa: B009 - every catalog event has it
        self.offset += 1
        envelope = new_envelope(
            event,
            source="/services/test",
            subject=ticket_id,
            time=datetime.now(UTC),
            customer_id=customer_id,
            correlation_id=ticket_id,
            causation_id=None,
            sequence=self.offset,
        )
        kafka = to_record(envelope)
        return FakeRecord("ticket-events", 0, self.offset, kafka.key, kafka.value, kafka.headers)

    async def apply(self, *events: Event) -> list[str]:
        """Apply events in the given order; returns each outcome."""
        return [await self.processor.process(self.record(event)) for event in events]


@pytest.fixture
async def reporting_settings(database_url: str, kafka_bootstrap_servers: str) -> ReportingSettings:
    """Settings pointing at the test infrastructure, with the schema migrated."""
    await upgrade_head_async(alembic_ini=SERVICE_ROOT / "alembic.ini", database_url=database_url)
    return ReportingSettings(
        database_url=database_url,
        kafka_bootstrap_servers=kafka_bootstrap_servers,
        contracts_path=REPO_ROOT / "config" / "contracts.yaml",
    )


@pytest.fixture
async def feed(reporting_settings: ReportingSettings) -> AsyncIterator[Feed]:
    """The real EventProcessor with reporting's handlers on the migrated schema."""
    engine = create_async_engine(reporting_settings.database_url)
    dead_letters = FakeDeadLetters()
    processor = EventProcessor(
        config=ConsumerConfig(
            service="reporting-test",
            group_id="reporting-test",
            dead_letter_topic="ticket-events.dlq",
            retry=RetryPolicy(max_attempts=2, initial_backoff=0.01),
        ),
        session_factory=async_sessionmaker(engine, expire_on_commit=False),
        processed=processed_events,
        handlers=HANDLERS,
        dead_letters=dead_letters,
    )
    yield Feed(processor=processor, dead_letters=dead_letters)
    await engine.dispose()


@pytest.fixture
async def client(reporting_settings: ReportingSettings) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client talking to reporting's app with its lifespan running."""
    app = create_app(reporting_settings, clock=FakeClock(REPORT_TIME))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://reporting") as http:
            yield http
