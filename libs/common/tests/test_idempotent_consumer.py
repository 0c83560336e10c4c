"""The idempotent consumer against real PostgreSQL and Kafka."""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest
from aiokafka import AIOKafkaProducer

from ticketing_common.consumer import Outcome, consume
from ticketing_common.envelope import to_record
from ticketing_common.events import MessageAdded
from ticketing_common.outbox import OutboxRelay
from ticketing_common.testing.pipeline import Pipeline
from ticketing_common.testing.waiting import read_topic, wait_until

pytestmark = pytest.mark.integration


async def publish_all(pipeline: Pipeline, producer: AIOKafkaProducer) -> None:
    relay = OutboxRelay(
        tables=pipeline.tables, session_factory=pipeline.sessions, producer=producer, service="t"
    )
    while await relay.publish_batch():
        pass


async def test_redelivered_events_are_applied_once(
    pipeline: Pipeline, producer: AIOKafkaProducer
) -> None:
    events = await pipeline.write_messages("DUP-1", ["a", "b", "c"])
    await publish_all(pipeline, producer)
    processor = pipeline.processor(producer, group_id="dup-test")
    consumer = pipeline.kafka_consumer("dup-test")
    await consumer.start()
    try:
        outcomes = Counter()
        batches = {}
        while sum(len(b) for b in batches.values()) < 3:
            for tp, records in (await consumer.getmany(timeout_ms=500)).items():
                batches.setdefault(tp, []).extend(records)
        for records in batches.values():
            for record in records:
                outcomes[await processor.process(record)] += 1
                outcomes[await processor.process(record)] += 1  # the same record again
    finally:
        await consumer.stop()
    assert outcomes == Counter({Outcome.APPLIED: 3, Outcome.DUPLICATE: 3})
    rows = await pipeline.applied_rows()
    assert [row.event_id for row in rows] == [event.id for event in events]


async def test_unknown_event_types_are_skipped_on_purpose(
    pipeline: Pipeline, producer: AIOKafkaProducer
) -> None:
    [written] = await pipeline.write_messages("SKIP-1", ["x"])
    unknown = written.model_copy(update={"type": "ticket.teleported"})
    newer = written.model_copy(
        update={"dataschema": MessageAdded.dataschema().replace(":v1", ":v9")}
    )
    processor = pipeline.processor(producer, group_id="skip-test")
    for envelope in (unknown, newer):
        record = to_record(envelope)
        outcome = await processor.process(
            _FakeRecord(pipeline.topic, 0, 0, record.key, record.value, record.headers)
        )
        assert outcome == Outcome.SKIPPED
    assert await pipeline.applied_rows() == []


async def test_consume_loop_commits_offsets_after_processing(
    pipeline: Pipeline, producer: AIOKafkaProducer
) -> None:
    await pipeline.write_messages("LOOP-1", ["1", "2"])
    await publish_all(pipeline, producer)
    stop = asyncio.Event()
    consumer = pipeline.kafka_consumer("loop-test")
    await consumer.start()
    task = asyncio.create_task(
        consume(consumer, pipeline.processor(producer, group_id="loop-test"), stop)
    )
    try:
        await wait_until(_count_is(pipeline, 2), timeout=20, message="two events applied")
    finally:
        stop.set()
        await task
        committed = {tp: await consumer.committed(tp) for tp in consumer.assignment()}
        await consumer.stop()
    assert sum(offset or 0 for offset in committed.values()) == 2


def _count_is(pipeline: Pipeline, expected: int):
    async def check() -> bool:
        return len(await pipeline.applied_rows()) == expected

    return check


class _FakeRecord:
    """A consumer record built by hand for records that never went through Kafka."""

    def __init__(self, topic, partition, offset, key, value, headers) -> None:
        self.topic, self.partition, self.offset = topic, partition, offset
        self.key, self.value, self.headers = key, value, headers


async def test_database_failures_are_dead_lettered_without_the_values(
    pipeline: Pipeline, producer: AIOKafkaProducer
) -> None:
    from sqlalchemy import text

    from ticketing_common.consumer import ConsumerConfig, EventProcessor, RetryPolicy

    async def quotes_the_body(event: MessageAdded, *, envelope: object, session: object) -> None:
        await session.execute(text("SELECT CAST(:body AS integer)"), {"body": event.body})  # type: ignore[attr-defined]

    [written] = await pipeline.write_messages("DBERR-1", ["secret customer text"])
    record = to_record(written)
    processor = EventProcessor(
        config=ConsumerConfig(
            service="test",
            group_id="dberr",
            dead_letter_topic=pipeline.dead_letter_topic,
            retry=RetryPolicy(max_attempts=1),
        ),
        session_factory=pipeline.sessions,
        processed=pipeline.processed,
        handlers={MessageAdded: quotes_the_body},
        dead_letters=producer,
    )
    outcome = await processor.process(
        _FakeRecord(pipeline.topic, 0, 0, record.key, record.value, record.headers)
    )
    assert outcome == Outcome.DEAD_LETTERED
    dead = await read_topic(
        pipeline.bootstrap_servers, pipeline.dead_letter_topic, until=lambda r: len(r) >= 1
    )
    reason = dict(dead[0].headers)["dlq-reason"].decode()
    assert reason.startswith("DBAPIError: ")
    assert "SQLSTATE" in reason
    assert "secret customer text" not in reason
