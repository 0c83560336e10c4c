"""Fault (c): a poison event reaches the dead-letter topic and the events behind it flow."""

from __future__ import annotations

import asyncio

import pytest
from aiokafka import AIOKafkaProducer

from ticketing_common.consumer import RetryPolicy, consume
from ticketing_common.envelope import header
from ticketing_common.outbox import OutboxRelay
from ticketing_common.testing.pipeline import POISON, Pipeline
from ticketing_common.testing.waiting import read_topic, wait_until

pytestmark = pytest.mark.integration


async def test_poison_event_is_dead_lettered_and_later_events_are_processed(
    pipeline: Pipeline, producer: AIOKafkaProducer
) -> None:
    written = await pipeline.write_messages("POISON-1", ["before", POISON, "after 1", "after 2"])
    poison = written[1]
    relay = OutboxRelay(
        tables=pipeline.tables, session_factory=pipeline.sessions, producer=producer, service="t"
    )
    while await relay.publish_batch():
        pass
    # Garbage that is not a CloudEvent at all, on the same key (so the same partition).
    await producer.send_and_wait(pipeline.topic, value=b"{not json", key=b"POISON-1")
    await pipeline.write_messages("POISON-1", ["after garbage"])
    while await relay.publish_batch():
        pass

    stop = asyncio.Event()
    consumer = pipeline.kafka_consumer("poison-group")
    processor = pipeline.processor(
        producer,
        group_id="poison-group",
        retry=RetryPolicy(max_attempts=3, initial_backoff=0.05),
    )
    await consumer.start()
    task = asyncio.create_task(consume(consumer, processor, stop))
    try:
        await wait_until(
            lambda: _bodies_applied(pipeline, 4), timeout=30, message="events behind the poison"
        )
    finally:
        stop.set()
        await task
        await consumer.stop()

    rows = await pipeline.applied_rows()
    assert [row.sequence for row in rows] == [1, 3, 4, 5]
    dead = await read_topic(
        pipeline.bootstrap_servers, pipeline.dead_letter_topic, until=lambda r: len(r) >= 2
    )
    by_reason = {header(r.headers, "dlq-attempts"): r for r in dead}
    poisoned = by_reason["3"]
    assert poisoned.key == b"POISON-1"
    assert str(poison.id) in poisoned.value.decode()
    assert "ValueError: poison body cannot be applied" in header(poisoned.headers, "dlq-reason")
    assert header(poisoned.headers, "dlq-consumer-group") == "poison-group"
    assert header(poisoned.headers, "dlq-original-topic") == pipeline.topic
    assert header(poisoned.headers, "content-type") == "application/cloudevents+json"
    assert int(header(poisoned.headers, "dlq-original-offset")) >= 0
    assert header(poisoned.headers, "dlq-original-partition") is not None
    garbage = by_reason["1"]
    assert garbage.value == b"{not json"
    assert header(garbage.headers, "dlq-reason").startswith("malformed event")


async def _bodies_applied(pipeline: Pipeline, expected: int) -> bool:
    return len(await pipeline.applied_rows()) >= expected
