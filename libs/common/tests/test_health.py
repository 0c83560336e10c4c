"""Health router: liveness, readiness with fake checks, Prometheus text; Kafka check shapes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from ticketing_common.health import Check, health_router, kafka_check
from ticketing_common.metrics import EVENTS_CONSUMED, ConsumeOutcome


async def ok() -> None:
    return None


async def refused() -> None:
    raise ConnectionRefusedError("connection refused by 127.0.0.1:5432")


async def hangs() -> None:
    await asyncio.sleep(10)


def client_for(checks: dict[str, Check]) -> httpx.AsyncClient:
    app = FastAPI()
    app.include_router(health_router(checks, timeout_seconds=0.05))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


@pytest.fixture
async def ready_client() -> AsyncIterator[httpx.AsyncClient]:
    async with client_for({"database": ok, "kafka": ok}) as client:
        yield client


async def test_healthz_says_alive(ready_client: httpx.AsyncClient) -> None:
    response = await ready_client.get("/healthz")

    assert (response.status_code, response.json()) == (200, {"status": "ok"})


async def test_readyz_is_200_when_every_check_passes(ready_client: httpx.AsyncClient) -> None:
    response = await ready_client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "kafka": "ok"}}


async def test_readyz_is_503_naming_each_failed_check() -> None:
    async with client_for({"database": refused, "kafka": hangs, "contracts": ok}) as client:
        response = await client.get("/readyz")

    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "unavailable"
    assert body["checks"]["contracts"] == "ok"
    assert body["checks"]["database"] == (
        "error: ConnectionRefusedError: connection refused by 127.0.0.1:5432"
    )
    assert body["checks"]["kafka"] == "error: no answer within 0.05s"


async def test_readyz_reads_checks_added_after_the_router_was_built() -> None:
    checks: dict[str, Check] = {}
    async with client_for(checks) as client:
        checks["database"] = refused
        response = await client.get("/readyz")

    assert response.status_code == 503


async def test_metrics_serves_prometheus_text(ready_client: httpx.AsyncClient) -> None:
    EVENTS_CONSUMED.labels("triage", "ticket.created", ConsumeOutcome.APPLIED).inc()

    response = await ready_client.get("/metrics")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert (
        'ticketing_events_consumed_total{outcome="applied",service="triage",'
        'type="ticket.created"}' in response.text
    )


class FakeAdminClient:
    def __init__(self, error: Exception | None = None) -> None:
        self.error = error
        self.calls = 0

    async def list_topics(self) -> list[str]:
        self.calls += 1
        if self.error:
            raise self.error
        return ["ticket-events"]


class FakeKafkaClient:
    def __init__(self) -> None:
        self.calls = 0

    async def fetch_all_metadata(self) -> object:
        self.calls += 1
        return object()


async def test_kafka_check_reuses_the_client_it_was_given() -> None:
    admin, client = FakeAdminClient(), FakeKafkaClient()
    admin_check, client_check = kafka_check(admin), kafka_check(client)

    for _ in range(3):
        await admin_check()
        await client_check()

    assert (admin.calls, client.calls) == (3, 3)


async def test_kafka_check_raises_when_the_broker_does_not_answer() -> None:
    with pytest.raises(ConnectionError):
        await kafka_check(FakeAdminClient(ConnectionError("no broker")))()


@pytest.mark.integration
async def test_kafka_check_against_the_real_broker(kafka_bootstrap_servers: str) -> None:
    from aiokafka.admin import AIOKafkaAdminClient

    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap_servers)
    await admin.start()
    try:
        check = kafka_check(admin)
        await check()
        await check()
    finally:
        await admin.close()
