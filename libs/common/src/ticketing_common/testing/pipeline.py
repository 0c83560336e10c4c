"""A throwaway outbox -> Kafka -> idempotent-consumer pipeline for integration and fault tests.

It uses the real tables, writer, relay and consumer of `ticketing_common` in a fresh schema and
a fresh topic; the only test-specific piece is the `applied` table its handler writes, which has
no uniqueness so that applying an event twice would show as two rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from sqlalchemy import BigInteger, Column, Integer, MetaData, Table, Text, Uuid, func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from ticketing_common.consumer import (
    ConsumerConfig,
    EventProcessor,
    Record,
    RetryPolicy,
    define_processed_table,
)
from ticketing_common.envelope import CloudEvent
from ticketing_common.events import AuthorKind, Channel, MessageAdded
from ticketing_common.outbox import EventContext, OutboxTables, OutboxWriter, define_outbox_tables

POISON = "poison"


@dataclass
class Pipeline:
    """Tables and clients of one test pipeline."""

    schema: str
    topic: str
    dead_letter_topic: str
    bootstrap_servers: str
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    metadata: MetaData = field(init=False)
    tables: OutboxTables = field(init=False)
    processed: Table = field(init=False)
    applied: Table = field(init=False)

    def __post_init__(self) -> None:
        self.metadata = MetaData(schema=self.schema)
        self.tables = define_outbox_tables(self.metadata)
        self.processed = define_processed_table(self.metadata)
        self.applied = Table(
            "applied",
            self.metadata,
            Column("row_id", BigInteger, primary_key=True, autoincrement=True),
            Column("event_id", Uuid, nullable=False),
            Column("ticket_id", Text, nullable=False),
            Column("sequence", Integer, nullable=False),
        )

    async def create_tables(self) -> None:
        """Create the schema's tables (the schema itself must exist)."""
        async with self.engine.begin() as connection:
            await connection.run_sync(self.metadata.create_all)

    def writer(self) -> OutboxWriter:
        """An outbox writer for this pipeline's topic."""
        return OutboxWriter(tables=self.tables, source="/services/test", topic=self.topic)

    async def write_messages(self, ticket_id: str, bodies: list[str]) -> list[CloudEvent]:
        """Write one MessageAdded per body, each in its own transaction."""
        writer = self.writer()
        written = []
        for body in bodies:
            async with self.sessions() as session, session.begin():
                written.append(
                    await writer.add(
                        session,
                        message(ticket_id, body),
                        context=EventContext(
                            subject=ticket_id, customer_id="acme", correlation_id=ticket_id
                        ),
                        time=datetime.now(UTC),
                    )
                )
        return written

    async def handle(
        self, event: MessageAdded, *, envelope: CloudEvent, session: AsyncSession
    ) -> None:
        """The test handler: record the event; fail on a poison body."""
        if event.body == POISON:
            raise ValueError("poison body cannot be applied")
        await session.execute(
            self.applied.insert().values(
                event_id=envelope.id, ticket_id=envelope.subject, sequence=envelope.sequence
            )
        )

    def processor(
        self,
        producer: AIOKafkaProducer,
        *,
        group_id: str,
        retry: RetryPolicy | None = None,
        after_db_commit: Callable[[Record], None] | None = None,
    ) -> EventProcessor:
        """An event processor applying MessageAdded with the test handler."""
        return EventProcessor(
            config=ConsumerConfig(
                service="test",
                group_id=group_id,
                dead_letter_topic=self.dead_letter_topic,
                retry=retry or RetryPolicy(max_attempts=3, initial_backoff=0.05),
            ),
            session_factory=self.sessions,
            processed=self.processed,
            handlers={MessageAdded: self.handle},
            dead_letters=producer,
            after_db_commit=after_db_commit,
        )

    def kafka_consumer(self, group_id: str) -> AIOKafkaConsumer:
        """A manual-commit consumer of the pipeline topic."""
        return AIOKafkaConsumer(
            self.topic,
            bootstrap_servers=self.bootstrap_servers,
            group_id=group_id,
            auto_offset_reset="earliest",
            enable_auto_commit=False,
        )

    async def applied_rows(self) -> list[Any]:
        """All rows the handler wrote, in insertion order."""
        async with self.sessions() as session:
            result = await session.execute(select(self.applied).order_by(self.applied.c.row_id))
            return list(result.all())

    async def outbox_size(self) -> int:
        """Rows still waiting in the outbox."""
        async with self.sessions() as session:
            statement = select(func.count()).select_from(self.tables.outbox)
            return int((await session.execute(statement)).scalar_one())


def message(ticket_id: str, body: str) -> MessageAdded:
    """A customer message event for tests."""
    return MessageAdded(
        ticket_id=ticket_id,
        message_id=uuid4().hex,
        author=AuthorKind.CUSTOMER,
        channel=Channel.EMAIL,
        body=body,
        sent_at=datetime.now(UTC),
    )
