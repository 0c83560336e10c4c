"""The infrastructure fixtures give working Kafka topics and PostgreSQL schemas."""

from __future__ import annotations

import asyncio
from uuid import uuid4

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from ticketing_common.testing.infra import SchemaFactory, TopicFactory

pytestmark = pytest.mark.integration


async def test_a_fresh_topic_round_trips_keyed_records(
    kafka_bootstrap_servers: str, kafka_topic: TopicFactory
) -> None:
    topic = await kafka_topic(partitions=3)
    sent = {f"T-{i}".encode(): f"value-{i}".encode() for i in range(30)}
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap_servers, enable_idempotence=True)
    await producer.start()
    try:
        for key, value in sent.items():
            await producer.send(topic, key=key, value=value)
        await producer.flush()
    finally:
        await producer.stop()
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=kafka_bootstrap_servers,
        group_id=f"test-{uuid4().hex[:8]}",
        auto_offset_reset="earliest",
    )
    await consumer.start()
    try:
        received: dict[bytes, bytes] = {}
        async with asyncio.timeout(30):
            while len(received) < len(sent):
                for records in (await consumer.getmany(timeout_ms=500)).values():
                    received.update({r.key: r.value for r in records if r.key and r.value})
    finally:
        await consumer.stop()
    assert received == sent


async def test_topics_get_the_requested_partitions(
    kafka_bootstrap_servers: str, kafka_topic: TopicFactory
) -> None:
    first, second = await kafka_topic(), await kafka_topic(partitions=2)
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap_servers)
    await admin.start()
    try:
        described = await admin.describe_topics([first, second])
    finally:
        await admin.close()
    assert first != second
    assert {t["topic"]: len(t["partitions"]) for t in described} == {first: 6, second: 2}


async def test_select_1_in_a_fresh_schema(database_url: str, pg_schema: SchemaFactory) -> None:
    schema = await pg_schema()
    engine = create_async_engine(database_url)
    try:
        async with engine.begin() as connection:
            one = await connection.scalar(text("SELECT 1"))
            await connection.execute(text(f'CREATE TABLE "{schema}".probe (id int)'))
            await connection.execute(text(f'INSERT INTO "{schema}".probe VALUES (42)'))
            stored = await connection.scalar(text(f'SELECT id FROM "{schema}".probe'))
    finally:
        await engine.dispose()
    assert (one, stored) == (1, 42)
