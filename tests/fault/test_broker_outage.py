"""Fault (a): events written while the broker is stopped are all published after it starts,
each once, in per-ticket order."""

from __future__ import annotations

import asyncio
from collections import defaultdict

import pytest
from aiokafka import AIOKafkaProducer

from ticketing_common.envelope import from_value
from ticketing_common.outbox import OutboxRelay, RelayLoop, asyncpg_dsn
from ticketing_common.testing.pipeline import Pipeline
from ticketing_common.testing.waiting import read_topic, wait_until

pytestmark = pytest.mark.integration

TICKETS = [f"OUTAGE-{n}" for n in range(3)]
PER_TICKET = 10


async def test_outbox_survives_a_broker_outage(
    pipeline: Pipeline, producer: AIOKafkaProducer, local_broker
) -> None:
    relay = OutboxRelay(
        tables=pipeline.tables, session_factory=pipeline.sessions, producer=producer, service="t"
    )
    loop = RelayLoop(
        relay,
        listen_dsn=asyncpg_dsn(pipeline.engine.url.render_as_string(hide_password=False)),
        channel=pipeline.tables.notify_channel,
        poll_interval=0.2,
        max_backoff=1.0,
    )
    stop = asyncio.Event()
    task = asyncio.create_task(loop.run(stop))
    try:
        await local_broker.stop()
        for index in range(PER_TICKET):  # interleave tickets, one transaction per event
            for ticket in TICKETS:
                await pipeline.write_messages(ticket, [f"written during outage #{index}"])
        assert await pipeline.outbox_size() == len(TICKETS) * PER_TICKET
        await local_broker.start()
        await wait_until(_outbox_empty(pipeline), timeout=120, message="outbox drained")
    finally:
        stop.set()
        await task

    records = await read_topic(
        pipeline.bootstrap_servers,
        pipeline.topic,
        until=lambda r: len(r) >= len(TICKETS) * PER_TICKET,
        timeout=60,
    )
    envelopes = [from_value(record.value) for record in records]
    assert len({e.id for e in envelopes}) == len(envelopes) == len(TICKETS) * PER_TICKET
    by_ticket: dict[str, list[int]] = defaultdict(list)
    for envelope in envelopes:
        by_ticket[envelope.subject].append(envelope.sequence)
    assert by_ticket == {ticket: list(range(1, PER_TICKET + 1)) for ticket in TICKETS}


def _outbox_empty(pipeline: Pipeline):
    async def check() -> bool:
        return await pipeline.outbox_size() == 0

    return check
