"""Idempotent consumer: effect and applied event id commit together; offsets after that.

Each record is applied in one database transaction that also records its event id; a
redelivered event finds its id and does nothing. Offsets are committed only after the
database commit. Failing events are retried with backoff and then dead-lettered with their
original key, value and headers, so the partition keeps flowing.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from opentelemetry import trace
from pydantic import ValidationError
from sqlalchemy import Column, DateTime, MetaData, Table, Text, Uuid, func
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from ticketing_common.envelope import CloudEvent, Event, from_value
from ticketing_common.events.registry import decode
from ticketing_common.metrics import EVENT_HANDLE_SECONDS, EVENTS_CONSUMED
from ticketing_common.telemetry import context_from_headers

log = logging.getLogger(__name__)
tracer = trace.get_tracer(__name__)

# Set on every dead letter next to the record's own headers (documented in asyncapi.yaml).
DEAD_LETTER_HEADERS: Mapping[str, str] = {
    "dlq-reason": "Why the record was parked: `<ExceptionType>: <message>`, at most 1000 chars",
    "dlq-attempts": "How many times the consumer tried the record, decimal",
    "dlq-consumer-group": "Consumer group that gave up on the record",
    "dlq-original-topic": "Topic the record was read from",
    "dlq-original-partition": "Partition the record was read from, decimal",
    "dlq-original-offset": "Offset of the record in that partition, decimal",
}

Handler = Callable[..., Awaitable[None]]
"""`async def handle(event, *, envelope: CloudEvent, session: AsyncSession) -> None`."""


class PermanentError(Exception):
    """A handler failure that retrying cannot fix: dead-letter at once."""


def define_processed_table(metadata: MetaData) -> Table:
    """Declare the table of applied event ids in the metadata's schema."""
    return Table(
        "processed_events",
        metadata,
        Column("event_id", Uuid, primary_key=True),
        Column("event_type", Text, nullable=False),
        Column("processed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    )


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently a failing event is retried before dead-lettering."""

    max_attempts: int = 5
    initial_backoff: float = 0.2
    max_backoff: float = 5.0

    def backoff(self, attempt: int) -> float:
        """Seconds to wait after the given failed attempt (1-based)."""
        return float(min(self.initial_backoff * 2 ** (attempt - 1), self.max_backoff))


class Record(Protocol):
    """The fields of an aiokafka ConsumerRecord this module reads."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: Sequence[tuple[str, bytes]]


class DeadLetterProducer(Protocol):
    """The part of aiokafka's producer used for dead letters."""

    async def send_and_wait(
        self,
        topic: str,
        value: bytes | None = None,
        key: bytes | None = None,
        partition: int | None = None,
        timestamp_ms: int | None = None,
        headers: Sequence[tuple[str, bytes]] | None = None,
    ) -> Any: ...


class Outcome:
    """What happened to one record (metric label values)."""

    APPLIED = "applied"
    DUPLICATE = "duplicate"
    SKIPPED = "skipped_unknown"
    DEAD_LETTERED = "dead_lettered"


@dataclass(frozen=True)
class ConsumerConfig:
    """Identity of the consumer and where its dead letters go."""

    service: str
    group_id: str
    dead_letter_topic: str
    retry: RetryPolicy = RetryPolicy()


class EventProcessor:
    """Applies one record at most once; the consumer loop feeds it in partition order."""

    def __init__(
        self,
        *,
        config: ConsumerConfig,
        session_factory: async_sessionmaker[AsyncSession],
        processed: Table,
        handlers: Mapping[type[Event], Handler],
        dead_letters: DeadLetterProducer,
        after_db_commit: Callable[[Record], None] | None = None,
    ) -> None:
        self._config = config
        self._sessions = session_factory
        self._processed = processed
        self._handlers = dict(handlers)
        self._dead_letters = dead_letters
        self._after_db_commit = after_db_commit

    async def process(self, record: Record) -> str:
        """Apply, skip, or dead-letter one record; returns the outcome."""
        try:
            envelope = from_value(record.value or b"")
            event = decode(envelope)
        except ValidationError as error:
            reason = f"malformed event: {_first_error(error)}"
            return await self._dead_letter(record, reason, 1, event_type="malformed")
        if event is None or type(event) not in self._handlers:
            self._count(envelope.type, Outcome.SKIPPED)
            log.debug("skipping event type %s v%s", envelope.type, envelope.version)
            return Outcome.SKIPPED
        return await self._apply_with_retry(record, envelope, event)

    async def _apply_with_retry(self, record: Record, envelope: CloudEvent, event: Event) -> str:
        retry = self._config.retry
        for attempt in range(1, retry.max_attempts + 1):
            try:
                outcome = await self._apply(record, envelope, event)
            except PermanentError as error:
                return await self._dead_letter(
                    record, _describe(error), attempt, event_type=envelope.type
                )
            except Exception as error:  # transient until proven otherwise: retry, then DLQ
                if attempt == retry.max_attempts:
                    return await self._dead_letter(
                        record, _describe(error), attempt, event_type=envelope.type
                    )
                log.warning(
                    "event %s attempt %d failed: %s", envelope.id, attempt, type(error).__name__
                )
                EVENTS_CONSUMED.labels(self._config.service, envelope.type, "retried").inc()
                await asyncio.sleep(retry.backoff(attempt))
                continue
            self._count(envelope.type, outcome)
            return outcome
        raise AssertionError("unreachable: the last attempt returns or dead-letters")

    async def _apply(self, record: Record, envelope: CloudEvent, event: Event) -> str:
        handler = self._handlers[type(event)]
        started = time.perf_counter()
        parent = context_from_headers(record.headers)
        with tracer.start_as_current_span(f"process {envelope.type}", context=parent):
            async with self._sessions() as session, session.begin():
                if not await self._mark_processed(session, envelope):
                    return Outcome.DUPLICATE
                await handler(event, envelope=envelope, session=session)
        EVENT_HANDLE_SECONDS.labels(self._config.service, envelope.type).observe(
            time.perf_counter() - started
        )
        if self._after_db_commit is not None:
            self._after_db_commit(record)
        return Outcome.APPLIED

    async def _mark_processed(self, session: AsyncSession, envelope: CloudEvent) -> bool:
        statement = (
            insert(self._processed)
            .values(event_id=envelope.id, event_type=envelope.type)
            .on_conflict_do_nothing(index_elements=["event_id"])
            .returning(self._processed.c.event_id)
        )
        return (await session.execute(statement)).first() is not None

    async def _dead_letter(
        self, record: Record, reason: str, attempts: int, *, event_type: str
    ) -> str:
        headers = [*record.headers, *self._dlq_headers(record, reason, attempts)]
        await self._dead_letters.send_and_wait(
            self._config.dead_letter_topic, value=record.value, key=record.key, headers=headers
        )
        log.error(
            "dead-lettered %s[%d]@%d after %d attempt(s): %s",
            record.topic,
            record.partition,
            record.offset,
            attempts,
            reason,
        )
        self._count(event_type, Outcome.DEAD_LETTERED)
        return Outcome.DEAD_LETTERED

    def _dlq_headers(self, record: Record, reason: str, attempts: int) -> list[tuple[str, bytes]]:
        values = {
            "dlq-reason": reason[:1000],
            "dlq-attempts": str(attempts),
            "dlq-consumer-group": self._config.group_id,
            "dlq-original-topic": record.topic,
            "dlq-original-partition": str(record.partition),
            "dlq-original-offset": str(record.offset),
        }
        return [(name, value.encode()) for name, value in values.items()]

    def _count(self, event_type: str, outcome: str) -> None:
        EVENTS_CONSUMED.labels(self._config.service, event_type, outcome).inc()


def _first_error(error: ValidationError) -> str:
    first = error.errors()[0]
    location = ".".join(str(part) for part in first["loc"]) or "value"
    return f"{location}: {first['msg']}"


def _describe(error: BaseException) -> str:
    """The failure as logged and put in `dlq-reason`; database errors by class and SQLSTATE
    only, because PostgreSQL's own messages can quote the values (message bodies, contacts)."""
    if isinstance(error, DBAPIError):
        # The driver's own exception (e.g. asyncpg's) sits behind SQLAlchemy's adapter.
        driver_error = (error.orig.__cause__ if error.orig else None) or error.orig
        sqlstate = getattr(driver_error, "sqlstate", None) or "?"
        return f"{type(error).__name__}: {type(driver_error).__name__} (SQLSTATE {sqlstate})"
    return f"{type(error).__name__}: {error}"


class KafkaConsumer(Protocol):
    """The part of aiokafka's consumer the loop uses."""

    async def getmany(
        self, *partitions: Any, timeout_ms: int = 0, max_records: int | None = None
    ) -> dict[Any, list[Any]]: ...

    async def commit(self, offsets: Any = None) -> None: ...


async def consume(
    consumer: KafkaConsumer,
    processor: EventProcessor,
    stop: asyncio.Event,
    *,
    poll_timeout_ms: int = 500,
    max_records: int = 200,
) -> None:
    """Feed records to the processor in partition order; commit offsets after each batch."""
    while not stop.is_set():
        batches = await consumer.getmany(timeout_ms=poll_timeout_ms, max_records=max_records)
        for partition, records in batches.items():
            for record in records:
                await processor.process(record)
            await consumer.commit({partition: records[-1].offset + 1})
