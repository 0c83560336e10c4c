"""Pytest fixtures for the event pipeline: a fresh schema, fresh topics, a producer.

Registered by the root conftest; they build on `database_url` and `kafka_bootstrap_servers`
from `ticketing_common.testing.infra`, so they run against whatever infrastructure that found.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from uuid import uuid4

import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from ticketing_common.outbox import OutboxTables
from ticketing_common.testing.pipeline import Pipeline


async def create_topics(bootstrap_servers: str, *names: str, partitions: int = 6) -> None:
    """Create fresh topics with replication factor 1."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        await admin.create_topics(
            [NewTopic(name=name, num_partitions=partitions, replication_factor=1) for name in names]
        )
    finally:
        await admin.close()


@pytest.fixture
async def producer(kafka_bootstrap_servers: str) -> AsyncIterator[AIOKafkaProducer]:
    """An idempotent producer, as the services use."""
    client = AIOKafkaProducer(
        bootstrap_servers=kafka_bootstrap_servers, enable_idempotence=True, acks="all"
    )
    await client.start()
    yield client
    await client.stop()


@pytest.fixture
async def pipeline(database_url: str, kafka_bootstrap_servers: str) -> AsyncIterator[Pipeline]:
    """A fresh schema with outbox/processed/applied tables and fresh topics."""
    suffix = uuid4().hex[:10]
    schema, topic = f"t_{suffix}", f"test-events-{suffix}"
    await create_topics(kafka_bootstrap_servers, topic, f"{topic}.dlq")
    engine = create_async_engine(database_url, pool_size=5)
    async with engine.begin() as connection:
        await connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    built = Pipeline(
        schema=schema,
        topic=topic,
        dead_letter_topic=f"{topic}.dlq",
        bootstrap_servers=kafka_bootstrap_servers,
        engine=engine,
        sessions=async_sessionmaker(engine, expire_on_commit=False),
    )
    await built.create_tables()
    yield built
    async with engine.begin() as connection:
        await connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    await engine.dispose()


@pytest.fixture(scope="session")
def tracer_provider() -> Iterator[TracerProvider]:
    """A real SDK tracer provider so spans have valid ids (no exporter)."""
    provider = TracerProvider()
    trace.set_tracer_provider(provider)
    yield provider
    provider.shutdown()


@asynccontextmanager
async def outbox_rows_discarded(database_url: str, tables: OutboxTables) -> AsyncIterator[None]:
    """Delete the outbox rows written inside the block, so no relay ever publishes test events.

    Service tests write to the service's real outbox; without this a later `make run` would
    publish their events about made-up tickets to the shared topic.
    """
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as connection:
            statement = select(func.coalesce(func.max(tables.outbox.c.id), 0))
            high_water = int((await connection.execute(statement)).scalar_one())
        yield
        async with engine.begin() as connection:
            await connection.execute(tables.outbox.delete().where(tables.outbox.c.id > high_water))
    finally:
        await engine.dispose()
