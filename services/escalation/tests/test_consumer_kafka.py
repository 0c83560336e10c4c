"""The consumer role end to end on real Kafka: records on a topic in, outbox rows out."""

from __future__ import annotations

import asyncio
import time
from typing import Any
from uuid import uuid4

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from ticketing_common.consumer import consume

pytestmark = pytest.mark.integration

DEADLINE_SECONDS = 30


async def test_created_triaged_breached_from_kafka_escalate_once(
    feed, kafka_topic, producer: AIOKafkaProducer, kafka_bootstrap_servers: str
) -> None:
    topic = await kafka_topic()
    ticket_id = f"TKT-{uuid4().hex[:12].upper()}"
    for record in feed.story(ticket_id, "acme-shop", line=2):
        await producer.send_and_wait(
            topic, value=record.value, key=record.key, headers=record.headers
        )
    group = f"test-escalation-{uuid4().hex[:8]}"
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=kafka_bootstrap_servers,
        group_id=group,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    stop = asyncio.Event()
    loop = asyncio.create_task(consume(consumer, feed.processor, stop, poll_timeout_ms=100))
    try:
        escalated = await _wait_for_outbox(feed, ticket_id)
    finally:
        stop.set()
        await loop
        await consumer.stop()
    [(kind, data)] = escalated
    assert kind == "ticket.escalated"
    assert (data["from_line"], data["to_line"], data["trigger"]) == (2, 3, "sla_breach")


async def _wait_for_outbox(feed, ticket_id: str) -> list[tuple[str, dict[str, Any]]]:
    """Poll the outbox until escalation wrote something about the ticket, with a deadline."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while time.monotonic() < deadline:
        rows = await feed.outbox(ticket_id)
        if rows:
            return rows
        await asyncio.sleep(0.1)
    raise AssertionError(f"no outbox row for {ticket_id} within {DEADLINE_SECONDS}s")
