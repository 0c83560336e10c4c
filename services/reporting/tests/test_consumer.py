"""The consumer entrypoint end to end: records on a real Kafka topic become the report."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from uuid import uuid4

import httpx
import pytest

from reporting.handlers import HANDLERS
from reporting.settings import ReportingSettings
from reporting.tables import processed_events
from ticketing_common.events import AuthorKind, Channel
from ticketing_common.runtime import run_consumer
from ticketing_common.testing.waiting import wait_until

pytestmark = pytest.mark.integration


async def test_run_consumer_projects_the_topic_and_ignores_a_republished_event(
    reporting_settings: ReportingSettings,
    client: httpx.AsyncClient,
    kafka_topic,
    producer,
    feed,
    story,
    unused_month: tuple[int, int],
) -> None:
    topic = await kafka_topic()
    settings = reporting_settings.model_copy(
        update={
            "ticket_events_topic": topic,
            "dead_letter_topic": f"{topic}.dlq",
            "consumer_group": f"test-reporting-{uuid4().hex[:8]}",
        }
    )
    year, month = unused_month
    first, second = (story(received_at=datetime(year, month, 3, 12, tzinfo=UTC)) for _ in "ab")
    escalation = feed.record(first.escalated(1, 2, at=50, trigger="policy"))
    records = [
        feed.record(event)
        for event in (
            first.created(Channel.SLACK),
            first.triaged(5, line=1, at=1),
            first.message(AuthorKind.AGENT, at=5),
            first.met("response", elapsed=300, target=10800, at=5),
        )
    ]
    records += [escalation, escalation]  # the relay published it twice
    # Same partition as the duplicate, so once this shows, the duplicate was consumed too.
    records += [feed.record(first.status("new", "open", at=60))]
    records += [feed.record(second.created(Channel.WHATSAPP))]
    for record in records:
        await producer.send_and_wait(
            topic, value=record.value, key=record.key, headers=list(record.headers)
        )

    stop = asyncio.Event()
    consumer = asyncio.create_task(
        run_consumer(settings, processed=processed_events, handlers=HANDLERS, stop=stop)
    )
    params = {"customer": "acme-shop", "month": f"{year:04d}-{month:02d}"}

    async def projected() -> bool:
        report = (await client.get("/reports/monthly", params=params)).json()
        return report["tickets_total"] == 2 and report["by_status"]["open"] == 1

    try:
        await wait_until(projected, timeout=60, interval=0.2, message="both tickets projected")
    finally:
        stop.set()
        await asyncio.wait_for(consumer, timeout=30)
    report = (await client.get("/reports/monthly", params=params)).json()
    assert report["by_channel"]["slack"] == 1
    assert report["by_channel"]["whatsapp"] == 1
    assert report["by_class"]["5"] == 1
    assert report["by_class"]["unclassified"] == 1
    assert report["by_line"] == {"0": 0, "1": 0, "2": 1, "3": 0, "4": 0, "unassigned": 1}
    assert report["sla"]["response"]["median_seconds"] == 300.0
    assert report["escalations"]["total"] == 1
    assert report["escalations"]["by_trigger"]["policy"] == 1
