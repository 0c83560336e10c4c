"""Transactional outbox: events are written with the state change and published by a relay.

The writer adds rows inside the caller's transaction; a per-ticket sequence row is upserted in
the same transaction, which also serialises concurrent writers of one ticket so that outbox ids
follow commit order per ticket. The relay claims rows with `FOR UPDATE SKIP LOCKED` (several
relays may run) and never publishes a row while an earlier row of the same key is held by
another relay, so per-ticket order survives concurrency.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Identity,
    MetaData,
    Table,
    Text,
    Uuid,
    bindparam,
    func,
    select,
)
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from ticketing_common.envelope import CloudEvent, Event, new_envelope, to_record
from ticketing_common.metrics import EVENTS_PUBLISHED, OUTBOX_LAG
from ticketing_common.telemetry import current_traceparent

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OutboxTables:
    """The outbox table and the per-ticket sequence table of one service schema."""

    outbox: Table
    sequences: Table

    @property
    def schema(self) -> str:
        """The PostgreSQL schema these tables live in."""
        return self.outbox.schema or "public"

    @property
    def notify_channel(self) -> str:
        """The LISTEN/NOTIFY channel the writer signals and the relay listens on."""
        return f"outbox_{self.schema}"


def define_outbox_tables(metadata: MetaData) -> OutboxTables:
    """Declare the outbox tables in the metadata's schema (used by models and migrations)."""
    outbox = Table(
        "outbox",
        metadata,
        Column("id", BigInteger, Identity(always=True), primary_key=True),
        Column("event_id", Uuid, nullable=False, unique=True),
        Column("topic", Text, nullable=False),
        Column("key", Text, nullable=False, index=True),
        Column("event_type", Text, nullable=False),
        Column("value", Text, nullable=False),
        Column("headers", JSONB, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    )
    sequences = Table(
        "outbox_sequences",
        metadata,
        Column("key", Text, primary_key=True),
        Column("last_sequence", BigInteger, nullable=False),
    )
    return OutboxTables(outbox=outbox, sequences=sequences)


_NOTIFIED = "ticketing_outbox_notified"


@dataclass(frozen=True)
class EventContext:
    """Who an event is about and what caused it."""

    subject: str
    customer_id: str
    correlation_id: str
    causation_id: str | None = None


class OutboxWriter:
    """Adds events to the outbox inside the caller's transaction."""

    def __init__(self, *, tables: OutboxTables, source: str, topic: str) -> None:
        self._tables = tables
        self._source = source
        self._topic = topic
        # Built once: a writer runs on every command and event, so SQLAlchemy compiles these
        # statements once and only binds values afterwards.
        sequences = tables.sequences
        self._next_sequence_statement = (
            insert(sequences)
            .values(key=bindparam("key"), last_sequence=1)
            .on_conflict_do_update(
                index_elements=[sequences.c.key],
                set_={"last_sequence": sequences.c.last_sequence + 1},
            )
            .returning(sequences.c.last_sequence)
        )
        self._insert_statement = tables.outbox.insert()
        self._notify_statement = select(func.pg_notify(tables.notify_channel, ""))

    async def add(
        self, session: AsyncSession, event: Event, *, context: EventContext, time: datetime
    ) -> CloudEvent:
        """Write one event; it is published only if the caller's transaction commits."""
        sequence = await self._next_sequence(session, context.subject)
        envelope = new_envelope(
            event,
            source=self._source,
            subject=context.subject,
            time=time,
            customer_id=context.customer_id,
            correlation_id=context.correlation_id,
            causation_id=context.causation_id,
            sequence=sequence,
        )
        record = to_record(envelope, traceparent=current_traceparent())
        await session.execute(
            self._insert_statement,
            {
                "event_id": envelope.id,
                "topic": self._topic,
                "key": envelope.subject,
                "event_type": envelope.type,
                "value": record.value.decode(),
                "headers": {name: raw.decode() for name, raw in record.headers},
            },
        )
        transaction = session.sync_session.get_transaction()
        if session.info.get(_NOTIFIED) is not transaction:
            # One NOTIFY per transaction wakes the relay; PostgreSQL delivers it at commit.
            await session.execute(self._notify_statement)
            session.info[_NOTIFIED] = transaction
        return envelope

    async def _next_sequence(self, session: AsyncSession, key: str) -> int:
        result = await session.execute(self._next_sequence_statement, {"key": key})
        return int(result.scalar_one())


class Producer(Protocol):
    """The part of aiokafka's producer the relay uses."""

    async def send(
        self,
        topic: str,
        value: bytes | None = None,
        key: bytes | None = None,
        partition: int | None = None,
        timestamp_ms: int | None = None,
        headers: Sequence[tuple[str, bytes]] | None = None,
    ) -> asyncio.Future[Any]: ...


@dataclass(frozen=True)
class _Row:
    id: int
    event_id: UUID
    topic: str
    key: str
    event_type: str
    value: str
    headers: dict[str, str]


class OutboxRelay:
    """Publishes committed outbox rows to Kafka in batches, per-ticket order kept."""

    def __init__(
        self,
        *,
        tables: OutboxTables,
        session_factory: async_sessionmaker[AsyncSession],
        producer: Producer,
        service: str,
        batch_size: int = 500,
    ) -> None:
        self._tables = tables
        self._sessions = session_factory
        self._producer = producer
        self._service = service
        self._batch_size = batch_size

    async def publish_batch(self) -> int:
        """Claim, publish and delete one batch; returns how many events went out."""
        async with self._sessions() as session, session.begin():
            claimed = await self._claim(session)
            if not claimed:
                return 0
            ready = await self._in_key_order(session, claimed)
            await self._publish(ready)
            await session.execute(
                self._tables.outbox.delete().where(
                    self._tables.outbox.c.id.in_([row.id for row in ready])
                )
            )
        for row in ready:
            EVENTS_PUBLISHED.labels(service=self._service, type=row.event_type).inc()
        return len(ready)

    async def pending(self) -> int:
        """How many events wait in the outbox (also exported as a gauge)."""
        async with self._sessions() as session:
            count = int(
                (
                    await session.execute(select(func.count()).select_from(self._tables.outbox))
                ).scalar_one()
            )
        OUTBOX_LAG.labels(service=self._service).set(count)
        return count

    async def _claim(self, session: AsyncSession) -> list[_Row]:
        outbox = self._tables.outbox
        statement = (
            select(
                outbox.c.id,
                outbox.c.event_id,
                outbox.c.topic,
                outbox.c.key,
                outbox.c.event_type,
                outbox.c.value,
                outbox.c.headers,
            )
            .order_by(outbox.c.id)
            .limit(self._batch_size)
            .with_for_update(skip_locked=True)
        )
        return [_Row(*row) for row in (await session.execute(statement)).all()]

    async def _in_key_order(self, session: AsyncSession, claimed: list[_Row]) -> list[_Row]:
        """Drop rows that have an earlier row of the same key outside this batch."""
        outbox = self._tables.outbox
        keys = {row.key for row in claimed}
        statement = (
            select(outbox.c.key, func.min(outbox.c.id))
            .where(outbox.c.key.in_(keys), outbox.c.id.not_in([row.id for row in claimed]))
            .group_by(outbox.c.key)
        )
        foreign_first = {key: first for key, first in (await session.execute(statement)).all()}
        return [row for row in claimed if row.id < foreign_first.get(row.key, row.id + 1)]

    async def _publish(self, rows: list[_Row]) -> None:
        futures = [
            await self._producer.send(
                row.topic,
                value=row.value.encode(),
                key=row.key.encode(),
                headers=[(name, raw.encode()) for name, raw in row.headers.items()],
            )
            for row in rows
        ]
        await asyncio.gather(*futures)


class RelayLoop:
    """Runs a relay until stopped: woken by LISTEN/NOTIFY, polling as a fallback."""

    def __init__(
        self,
        relay: OutboxRelay,
        *,
        listen_dsn: str | None,
        channel: str,
        poll_interval: float = 1.0,
        max_backoff: float = 10.0,
    ) -> None:
        self._relay = relay
        self._listen_dsn = listen_dsn
        self._channel = channel
        self._poll_interval = poll_interval
        self._max_backoff = max_backoff
        self._wake = asyncio.Event()
        self.listening = asyncio.Event()
        """Set once LISTEN is active (tests and readiness can wait on it)."""

    async def run(self, stop: asyncio.Event) -> None:
        """Publish until `stop` is set; failures back off and retry, nothing is dropped."""
        listener = await self._listen()
        backoff = self._poll_interval
        try:
            while not stop.is_set():
                try:
                    published = await self._relay.publish_batch()
                    backoff = self._poll_interval
                except Exception as error:  # broker or database down: retry, never drop
                    log.warning("outbox relay round failed: %s", type(error).__name__)
                    await _wait_any(stop, asyncio.Event(), backoff)
                    backoff = min(backoff * 2, self._max_backoff)
                    continue
                if published == 0:
                    await _wait_any(stop, self._wake, self._poll_interval)
                    self._wake.clear()
        finally:
            if listener is not None:
                await listener.close()

    async def _listen(self) -> Any:
        """A LISTEN connection that sets the wake event; None (polling only) if it fails."""
        if not self._listen_dsn:
            return None
        import asyncpg

        try:
            connection = await asyncpg.connect(self._listen_dsn)
            await connection.add_listener(self._channel, lambda *_: self._wake.set())
        except (OSError, asyncpg.PostgresError) as error:
            log.warning("LISTEN unavailable, polling only: %s", type(error).__name__)
            return None
        self.listening.set()
        return connection


async def _wait_any(stop: asyncio.Event, wake: asyncio.Event, timeout: float) -> None:
    """Wait until stop or wake is set, or the timeout passes."""
    waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(wake.wait())]
    try:
        await asyncio.wait(waiters, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()


def asyncpg_dsn(sqlalchemy_url: str) -> str:
    """Turn a `postgresql+asyncpg://` SQLAlchemy URL into a plain asyncpg DSN."""
    return sqlalchemy_url.replace("postgresql+asyncpg://", "postgresql://", 1)


__all__ = [
    "EventContext",
    "OutboxRelay",
    "OutboxTables",
    "OutboxWriter",
    "RelayLoop",
    "asyncpg_dsn",
    "define_outbox_tables",
]
