"""Fault (b): a consumer killed between its database commit and its offset commit.

The kill is a BaseException raised right after the database commit of the 7th event: it unwinds
the consume loop before any offset commit, exactly as a SIGKILL at that instant would, and the
Kafka consumer is then closed without committing. A new consumer in the same group must
re-receive the uncommitted events and apply none of them twice.
"""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest
from aiokafka import AIOKafkaProducer

from ticketing_common.consumer import Outcome, Record, consume
from ticketing_common.outbox import OutboxRelay
from ticketing_common.testing.pipeline import Pipeline
from ticketing_common.testing.waiting import wait_until

pytestmark = pytest.mark.integration


class Killed(BaseException):
    """Stands for the process dying: not an Exception, so no retry logic can swallow it."""


async def test_kill_between_db_commit_and_offset_commit_applies_nothing_twice(
    pipeline: Pipeline, producer: AIOKafkaProducer
) -> None:
    tickets = [f"CRASH-{n}" for n in range(4)]
    for ticket in tickets:
        await pipeline.write_messages(ticket, [f"m{i}" for i in range(5)])
    relay = OutboxRelay(
        tables=pipeline.tables, session_factory=pipeline.sessions, producer=producer, service="t"
    )
    while await relay.publish_batch():
        pass

    commits = Counter[str]()

    def die_on_seventh(record: Record) -> None:
        commits["db"] += 1
        if commits["db"] == 7:
            raise Killed

    first = pipeline.kafka_consumer("crash-group")
    await first.start()
    with pytest.raises(Killed):
        await consume(
            first,
            pipeline.processor(producer, group_id="crash-group", after_db_commit=die_on_seventh),
            asyncio.Event(),
            max_records=20,
        )
    await first.stop()  # manual commit only: closing commits nothing
    assert len(await pipeline.applied_rows()) == 7

    outcomes = Counter[str]()
    second = pipeline.kafka_consumer("crash-group")
    processor = pipeline.processor(producer, group_id="crash-group")
    original = processor.process

    async def counting(record: Record) -> str:
        outcome = await original(record)
        outcomes[outcome] += 1
        return outcome

    processor.process = counting  # type: ignore[method-assign]
    stop = asyncio.Event()
    await second.start()
    task = asyncio.create_task(consume(second, processor, stop))
    try:
        await wait_until(
            lambda: _applied_count_is(pipeline, 20), timeout=30, message="all 20 applied"
        )
    finally:
        stop.set()
        await task
        await second.stop()

    rows = await pipeline.applied_rows()
    assert len(rows) == 20
    assert len({row.event_id for row in rows}) == 20, "an event was applied twice"
    assert outcomes[Outcome.DUPLICATE] >= 1, "the killed consumer's last event was not redelivered"
    for ticket in tickets:
        assert [r.sequence for r in rows if r.ticket_id == ticket] == [1, 2, 3, 4, 5]


async def _applied_count_is(pipeline: Pipeline, expected: int) -> bool:
    return len(await pipeline.applied_rows()) >= expected
