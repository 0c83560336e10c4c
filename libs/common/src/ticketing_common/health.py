"""Liveness, readiness and Prometheus endpoints, and ready-made readiness checks.

A check is an async callable that returns when the dependency answers and raises otherwise.
Checks reuse the service's long-lived clients (engine, Kafka admin or producer client): a probe
never opens a new Kafka client.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Protocol, runtime_checkable

from aiokafka.admin import AIOKafkaAdminClient
from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

Check = Callable[[], Awaitable[None]]
DEFAULT_CHECK_TIMEOUT_SECONDS = 2.0


@runtime_checkable
class MetadataClient(Protocol):
    """aiokafka's `AIOKafkaClient` (e.g. `producer.client`)."""

    async def fetch_all_metadata(self) -> Any:
        """Cluster metadata; raises when no broker answers."""


@runtime_checkable
class TopicLister(Protocol):
    """aiokafka's `AIOKafkaAdminClient`."""

    async def list_topics(self) -> Any:
        """Topic names; raises when no broker answers."""


def health_router(
    checks: Mapping[str, Check],
    *,
    timeout_seconds: float = DEFAULT_CHECK_TIMEOUT_SECONDS,
    registry: CollectorRegistry = REGISTRY,
) -> APIRouter:
    """`GET /healthz`, `GET /readyz` (runs `checks`, read per request) and `GET /metrics`."""
    router = APIRouter(tags=["operations"])

    @router.get("/healthz", summary="The process is alive")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get(
        "/readyz",
        summary="Database and Kafka are reachable",
        responses={503: {"description": "At least one dependency failed its check"}},
    )
    async def readyz() -> JSONResponse:
        results = await run_checks(checks, timeout_seconds=timeout_seconds)
        ready = all(outcome == "ok" for outcome in results.values())
        body = {"status": "ok" if ready else "unavailable", "checks": results}
        return JSONResponse(body, status_code=200 if ready else 503)

    @router.get("/metrics", summary="Prometheus metrics", response_class=Response)
    async def metrics() -> Response:
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    return router


async def run_checks(checks: Mapping[str, Check], *, timeout_seconds: float) -> dict[str, str]:
    """Run all checks concurrently; each name maps to "ok" or the error text."""
    names = list(checks)
    outcomes = await asyncio.gather(*(_run_check(checks[name], timeout_seconds) for name in names))
    return dict(zip(names, outcomes, strict=True))


async def _run_check(check: Check, timeout_seconds: float) -> str:
    try:
        await asyncio.wait_for(check(), timeout=timeout_seconds)
    except TimeoutError:
        return f"error: no answer within {timeout_seconds:g}s"
    except Exception as exc:  # the probe reports any failure instead of raising
        return f"error: {type(exc).__name__}: {exc}"
    return "ok"


def database_check(engine: AsyncEngine) -> Check:
    """Check that runs `SELECT 1` through the service's engine pool."""

    async def check() -> None:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    return check


def kafka_check(client: MetadataClient | TopicLister) -> Check:
    """Check that sends a metadata request through an existing, long-lived Kafka client."""

    async def check() -> None:
        if isinstance(client, MetadataClient):
            await client.fetch_all_metadata()
        else:
            await client.list_topics()

    return check


class KafkaProbe:
    """A long-lived admin client for readiness that connects on first use.

    An HTTP API must start (and keep accepting into its outbox) while Kafka is down, so the
    connection is made by the first readiness check and retried by later ones.
    """

    def __init__(self, bootstrap_servers: list[str] | str) -> None:
        self._bootstrap_servers = bootstrap_servers
        self._admin: AIOKafkaAdminClient | None = None

    async def list_topics(self) -> list[str]:
        """Topic names: a real metadata request to the broker."""
        if self._admin is None:
            admin = AIOKafkaAdminClient(bootstrap_servers=self._bootstrap_servers)
            await admin.start()
            self._admin = admin
        topics: list[str] = await self._admin.list_topics()
        return topics

    async def close(self) -> None:
        """Close the admin client if it was ever connected."""
        if self._admin is not None:
            await self._admin.close()
            self._admin = None
