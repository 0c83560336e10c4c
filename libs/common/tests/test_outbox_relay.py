"""The outbox relay against real PostgreSQL and Kafka: order, batching, several relays."""

from __future__ import annotations

import asyncio
import json
from collections import defaultdict

import pytest
from aiokafka import AIOKafkaProducer

from ticketing_common.envelope import from_value, header
from ticketing_common.outbox import OutboxRelay, RelayLoop, asyncpg_dsn
from ticketing_common.telemetry import current_traceparent
from ticketing_common.testing.pipeline import Pipeline
from ticketing_common.testing.waiting import read_topic, wait_until

pytestmark = pytest.mark.integration


def relay_for(pipeline: Pipeline, producer: AIOKafkaProducer, batch_size: int = 50) -> OutboxRelay:
    return OutboxRelay(
        tables=pipeline.tables,
        session_factory=pipeline.sessions,
        producer=producer,
        service="test",
        batch_size=batch_size,
    )


def sequences_by_ticket(records: list) -> dict[str, list[int]]:
    seen: dict[str, list[int]] = defaultdict(list)
    for record in records:
        seen[record.key.decode()].append(from_value(record.value).sequence)
    return seen


async def test_written_events_are_published_once_in_ticket_order(
    pipeline: Pipeline, producer: AIOKafkaProducer
) -> None:
    tickets = [f"T-{n}" for n in range(5)]
    for round_ in range(4):
        for ticket in tickets:
            await pipeline.write_messages(ticket, [f"message {round_}"])
    published = await relay_for(pipeline, producer, batch_size=7).publish_batch()
    assert published == 7
    while await relay_for(pipeline, producer).publish_batch():
        pass

    records = await read_topic(
        pipeline.bootstrap_servers, pipeline.topic, until=lambda r: len(r) >= 20
    )
    assert {t: s for t, s in sequences_by_ticket(records).items()} == {
        ticket: [1, 2, 3, 4] for ticket in tickets
    }
    assert await pipeline.outbox_size() == 0
    first = records[0]
    assert first.key.decode().startswith("T-")
    assert header(first.headers, "content-type") == "application/cloudevents+json"
    assert json.loads(first.value)["specversion"] == "1.0"


async def test_two_relay_loops_share_the_outbox_without_reordering(
    pipeline: Pipeline, producer: AIOKafkaProducer
) -> None:
    stop = asyncio.Event()
    loops = [
        RelayLoop(
            relay_for(pipeline, producer, batch_size=5),
            listen_dsn=asyncpg_dsn(pipeline.engine.url.render_as_string(hide_password=False)),
            channel=pipeline.tables.notify_channel,
            poll_interval=0.5,
        )
        for _ in range(2)
    ]
    tasks = [asyncio.create_task(loop.run(stop)) for loop in loops]
    try:
        writers = [
            pipeline.write_messages(f"R-{n}", [f"m{i}" for i in range(15)]) for n in range(4)
        ]
        await asyncio.gather(*writers)
        records = await read_topic(
            pipeline.bootstrap_servers, pipeline.topic, until=lambda r: len(r) >= 60
        )
    finally:
        stop.set()
        await asyncio.gather(*tasks)
    assert len(records) == 60
    assert all(seq == list(range(1, 16)) for seq in sequences_by_ticket(records).values())
    assert len({from_value(r.value).id for r in records}) == 60


async def test_relay_carries_the_writers_traceparent(
    pipeline: Pipeline, producer: AIOKafkaProducer, tracer_provider: object
) -> None:
    from opentelemetry import trace

    with trace.get_tracer("test").start_as_current_span("http request"):
        expected = current_traceparent()
        await pipeline.write_messages("TRACE-1", ["hello"])
    assert expected is not None
    await relay_for(pipeline, producer).publish_batch()
    records = await read_topic(
        pipeline.bootstrap_servers, pipeline.topic, until=lambda r: len(r) >= 1
    )
    assert header(records[0].headers, "traceparent") == expected


async def test_listen_notify_wakes_the_relay_before_the_poll_interval(
    pipeline: Pipeline, producer: AIOKafkaProducer
) -> None:
    stop = asyncio.Event()
    loop = RelayLoop(
        relay_for(pipeline, producer),
        listen_dsn=asyncpg_dsn(pipeline.engine.url.render_as_string(hide_password=False)),
        channel=pipeline.tables.notify_channel,
        poll_interval=60.0,  # only a NOTIFY can wake it within the test's deadline
    )
    task = asyncio.create_task(loop.run(stop))
    try:
        await asyncio.wait_for(loop.listening.wait(), timeout=10)
        await pipeline.write_messages("WAKE-1", ["wake up"])
        await wait_until(lambda: _empty(pipeline), timeout=15, message="outbox drained by NOTIFY")
    finally:
        stop.set()
        await task


async def _empty(pipeline: Pipeline) -> bool:
    return await pipeline.outbox_size() == 0
