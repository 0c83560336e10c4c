"""Worker entrypoints every service shares: the outbox relay and the event consumer.

Each runs until SIGINT/SIGTERM, then finishes the record or batch in flight, commits, leaves
the consumer group and closes its clients (graceful shutdown for Kubernetes).
"""

from __future__ import annotations

import asyncio
import logging
import signal
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Protocol

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from sqlalchemy import Table

from ticketing_common.consumer import ConsumerConfig, EventProcessor, Handler, consume
from ticketing_common.db import create_engine, create_session_factory
from ticketing_common.envelope import Event
from ticketing_common.outbox import OutboxRelay, OutboxTables, RelayLoop, asyncpg_dsn
from ticketing_common.settings import ServiceSettings

log = logging.getLogger(__name__)


class Startable(Protocol):
    """A Kafka client that must connect before use."""

    async def start(self) -> None: ...


class StartCancelledError(Exception):
    """Shutdown was requested before a Kafka client could connect."""


async def start_with_retry(
    client: Startable, *, what: str, stop: asyncio.Event, deadline_seconds: float = 120
) -> None:
    """Start a Kafka client, retrying with backoff until the deadline (broker may be booting).

    A shutdown request ends the wait at once (raises StartCancelledError).
    """
    deadline = time.monotonic() + deadline_seconds
    delay = 0.5
    while not stop.is_set():
        try:
            await client.start()
            return
        except Exception as error:  # the broker is not reachable yet
            if time.monotonic() + delay > deadline:
                raise
            log.warning("%s cannot reach Kafka yet (%s); retrying", what, type(error).__name__)
            try:
                await asyncio.wait_for(stop.wait(), timeout=delay)
            except TimeoutError:
                delay = min(delay * 2, 5.0)
    raise StartCancelledError(f"{what}: shutdown requested before Kafka answered")


def idempotent_producer(settings: ServiceSettings) -> AIOKafkaProducer:
    """The producer every service publishes with: idempotent, acks=all, small linger."""
    return AIOKafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap_list,
        client_id=f"{settings.service_name}-producer",
        enable_idempotence=True,
        acks="all",
        linger_ms=5,
        request_timeout_ms=15000,
    )


async def run_relay(settings: ServiceSettings, tables: OutboxTables, stop: asyncio.Event) -> None:
    """Publish the service's outbox until stopped."""
    engine = create_engine(settings)
    producer = idempotent_producer(settings)
    try:
        await start_with_retry(producer, what="outbox relay", stop=stop)
        relay = OutboxRelay(
            tables=tables,
            session_factory=create_session_factory(engine),
            producer=producer,
            service=settings.service_name,
        )
        loop = RelayLoop(
            relay, listen_dsn=asyncpg_dsn(settings.database_url), channel=tables.notify_channel
        )
        log.info("outbox relay started for schema %s", tables.schema)
        await loop.run(stop)
    except StartCancelledError:
        log.info("outbox relay stopped before Kafka answered")
    finally:
        await producer.stop()
        await engine.dispose()


async def run_consumer(
    settings: ServiceSettings,
    *,
    processed: Table,
    handlers: Mapping[type[Event], Handler],
    stop: asyncio.Event,
) -> None:
    """Apply the service's event handlers to the ticket-events topic until stopped."""
    engine = create_engine(settings)
    sessions = create_session_factory(engine)
    dead_letters = idempotent_producer(settings)
    consumer = AIOKafkaConsumer(
        settings.ticket_events_topic,
        bootstrap_servers=settings.kafka_bootstrap_list,
        group_id=settings.consumer_group,
        client_id=f"{settings.service_name}-consumer",
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    processor = EventProcessor(
        config=ConsumerConfig(
            service=settings.service_name,
            group_id=settings.consumer_group,
            dead_letter_topic=settings.dead_letter_topic,
        ),
        session_factory=sessions,
        processed=processed,
        handlers=handlers,
        dead_letters=dead_letters,
    )
    try:
        await start_with_retry(dead_letters, what="dead-letter producer", stop=stop)
        await start_with_retry(consumer, what="consumer", stop=stop)
        log.info("consumer started in group %s", settings.consumer_group)
        await consume(consumer, processor, stop)
    except StartCancelledError:
        log.info("consumer stopped before Kafka answered")
    finally:
        await consumer.stop()
        await dead_letters.stop()
        await engine.dispose()


async def until_signalled(main: Callable[[asyncio.Event], Awaitable[None]]) -> None:
    """Run `main(stop)`; SIGINT or SIGTERM sets `stop` so it can finish cleanly."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await main(stop)
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
