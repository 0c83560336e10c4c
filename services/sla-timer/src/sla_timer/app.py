"""Composition root of sla-timer's HTTP API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from sla_timer import __version__
from sla_timer.api import router
from sla_timer.calendars import Calendars
from sla_timer.settings import SlaTimerSettings
from ticketing_common.app import build_app
from ticketing_common.clock import Clock, SystemClock
from ticketing_common.contracts import load_contracts
from ticketing_common.db import create_engine, create_session_factory
from ticketing_common.health import KafkaProbe, database_check, kafka_check


def create_app(settings: SlaTimerSettings, *, clock: Clock | None = None) -> FastAPI:
    """Build sla-timer's app; the lifespan owns the engine and the Kafka readiness probe."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_engine(settings)
        kafka = KafkaProbe(settings.kafka_bootstrap_list)
        app.state.sessions = create_session_factory(engine)
        app.state.calendars = Calendars(load_contracts(settings.contracts_path))
        app.state.clock = clock or SystemClock()
        app.state.readiness_checks["database"] = database_check(engine)
        app.state.readiness_checks["kafka"] = kafka_check(kafka)
        try:
            yield
        finally:
            await kafka.close()
            await engine.dispose()

    return build_app(
        title="sla-timer",
        description="Response and resolution clocks per ticket in the contract's covered time: "
        "armed on triage, paused while waiting on the customer, warned and breached by durable "
        "timers. This API answers how much covered time each clock has left.",
        version=__version__,
        lifespan=lifespan,
        routers=[router],
        settings=settings,
    )
