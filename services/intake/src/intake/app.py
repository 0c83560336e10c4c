"""Composition root of intake's HTTP API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from intake import __version__
from intake.api import router
from intake.handlers import Deps
from intake.settings import IntakeSettings
from intake.tables import outbox
from ticketing_common.app import build_app
from ticketing_common.clock import Clock, SystemClock
from ticketing_common.contracts import load_contracts
from ticketing_common.db import create_engine, create_session_factory
from ticketing_common.health import KafkaProbe, database_check, kafka_check
from ticketing_common.outbox import OutboxWriter


def create_app(settings: IntakeSettings, *, clock: Clock | None = None) -> FastAPI:
    """Build intake's app; the lifespan owns the engine and the Kafka readiness probe."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_engine(settings)
        kafka = KafkaProbe(settings.kafka_bootstrap_list)
        app.state.sessions = create_session_factory(engine)
        app.state.deps = Deps(
            outbox=OutboxWriter(
                tables=outbox, source="/services/intake", topic=settings.ticket_events_topic
            ),
            contracts=load_contracts(settings.contracts_path),
            clock=clock or SystemClock(),
        )
        app.state.readiness_checks["database"] = database_check(engine)
        app.state.readiness_checks["kafka"] = kafka_check(kafka)
        try:
            yield
        finally:
            await kafka.close()
            await engine.dispose()

    return build_app(
        title="intake",
        description="Takes support requests in: web forms and agents (this API), and later "
        "email, phone and messenger webhooks. Accepts only what is committed.",
        version=__version__,
        lifespan=lifespan,
        routers=[router],
        settings=settings,
    )
