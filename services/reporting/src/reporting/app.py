"""Composition root of reporting's HTTP API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from reporting import __version__
from reporting.api import router
from reporting.settings import ReportingSettings
from ticketing_common.app import build_app
from ticketing_common.clock import Clock, SystemClock
from ticketing_common.contracts import load_contracts
from ticketing_common.db import create_engine, create_session_factory
from ticketing_common.health import KafkaProbe, database_check, kafka_check


def create_app(settings: ReportingSettings, *, clock: Clock | None = None) -> FastAPI:
    """Build reporting's app; the lifespan owns the engine and the Kafka readiness probe."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_engine(settings)
        kafka = KafkaProbe(settings.kafka_bootstrap_list)
        app.state.sessions = create_session_factory(engine)
        app.state.contracts = load_contracts(settings.contracts_path)
        app.state.clock = clock or SystemClock()
        app.state.readiness_checks["database"] = database_check(engine)
        app.state.readiness_checks["kafka"] = kafka_check(kafka)
        try:
            yield
        finally:
            await kafka.close()
            await engine.dispose()

    return build_app(
        title="reporting",
        description="Read models built only from ticket events (replayable from the topic's "
        "start) and monthly reports per customer for analysts, as JSON and CSV. A ticket "
        "counts in the month (UTC) it was received.",
        version=__version__,
        lifespan=lifespan,
        routers=[router],
        settings=settings,
    )
