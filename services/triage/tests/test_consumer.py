"""`ticket.created` through the real event processor into the real `triage` schema."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from ticketing_common.consumer import EventProcessor
from ticketing_common.envelope import CloudEvent, header
from triage import store
from triage.domain import DecisionSource

pytestmark = pytest.mark.integration

Triaged = Callable[..., Awaitable[Any]]
Emitted = Callable[[str], Awaitable[list[CloudEvent]]]


async def classification(engine: AsyncEngine, ticket_id: str) -> store.ClassificationRow | None:
    async with AsyncSession(engine) as session:
        return await store.get_classification(session, ticket_id)


async def test_an_english_request_is_classified_stored_and_announced(
    triaged: Triaged, emitted: Emitted, engine: AsyncEngine
) -> None:
    delivery = await triaged(
        "Customers can't complete checkout, the pay button spins. The rest of the site works.",
        subject="Checkout fails",
    )
    stored = await classification(engine, delivery.ticket_id)
    assert stored is not None
    assert (stored.request_class, stored.line, stored.priority) == (4, 3, "P2")
    assert (stored.customer_id, stored.contract_version) == ("acme-shop", "acme-shop@2025-01-01")
    assert (stored.source, stored.language) == (DecisionSource.RULES, "en")
    [event] = await emitted(delivery.ticket_id)
    assert event.type == "ticket.triaged"
    assert (event.data["request_class"], event.data["line"], event.data["priority"]) == (4, 3, "P2")
    assert any("'checkout'" in reason for reason in event.data["reasons"])
    assert event.data["triaged_at"] == "2025-03-03T09:15:02Z"
    assert event.data["rule_set_version"] == stored.rule_set_version
    assert (event.subject, event.customerid) == (delivery.ticket_id, "acme-shop")
    assert event.correlationid == delivery.envelope.correlationid
    assert event.causationid == str(delivery.envelope.id)


async def test_a_russian_request_under_the_stability_contract_is_p1(
    triaged: Triaged, emitted: Emitted, engine: AsyncEngine
) -> None:
    delivery = await triaged(
        "Сервер не отвечает с утра, по ssh не пускает, хостер говорит у них всё в порядке.",
        customer="fintech-247",
    )
    stored = await classification(engine, delivery.ticket_id)
    assert stored is not None
    assert (stored.request_class, stored.line, stored.priority) == (2, 2, "P1")
    assert stored.language == "ru"
    [event] = await emitted(delivery.ticket_id)
    assert event.type == "ticket.triaged"
    assert (event.data["request_class"], event.data["line"]) == (2, 2)
    reasons = " | ".join(event.data["reasons"])
    assert "'сервер не отвечает'" in reasons
    assert "Stability package" in reasons


async def test_a_non_core_request_has_no_class_and_goes_to_dispatch(
    triaged: Triaged, emitted: Emitted
) -> None:
    delivery = await triaged(
        "Buy cheap followers now! Limited discount, unsubscribe here.", subject="Special offer"
    )
    [event] = await emitted(delivery.ticket_id)
    assert (event.data["request_class"], event.data["line"], event.data["priority"]) == (
        None,
        0,
        "P4",
    )
    assert any("'unsubscribe'" in reason for reason in event.data["reasons"])


async def test_a_redelivered_ticket_created_emits_nothing_new(
    ticket_created: Callable[..., Any], processor: EventProcessor, emitted: Emitted
) -> None:
    delivery = ticket_created("Every page of our portal returns HTTP 500 since the update.")
    assert await processor.process(delivery.record) == "applied"
    assert await processor.process(delivery.record) == "duplicate"
    assert [event.type for event in await emitted(delivery.ticket_id)] == ["ticket.triaged"]


async def test_an_unknown_contract_version_is_dead_lettered_and_nothing_is_stored(
    ticket_created: Callable[..., Any],
    processor: EventProcessor,
    emitted: Emitted,
    engine: AsyncEngine,
    dead_letter_topic: str,
    kafka_bootstrap_servers: str,
) -> None:
    delivery = ticket_created("The site is down.", contract_version="acme-shop@1999-01-01")
    assert await processor.process(delivery.record) == "dead_lettered"
    assert await classification(engine, delivery.ticket_id) is None
    assert await emitted(delivery.ticket_id) == []
    reason = await first_dead_letter_reason(kafka_bootstrap_servers, dead_letter_topic)
    assert reason.startswith("PermanentError: ")
    assert "'acme-shop@1999-01-01'" in reason
    assert delivery.ticket_id in reason


async def first_dead_letter_reason(bootstrap_servers: str, topic: str) -> str:
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap_servers, auto_offset_reset="earliest"
    )
    await consumer.start()
    try:
        record = await asyncio.wait_for(consumer.getone(), timeout=30)
    finally:
        await consumer.stop()
    return header(record.headers, "dlq-reason") or ""
