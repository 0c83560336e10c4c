"""Composition root of escalation: the HTTP API and the dependencies every role shares."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from escalation import __version__
from escalation.api import router
from escalation.handlers import Deps
from escalation.settings import EscalationSettings
from escalation.tables import outbox
from ticketing_common.app import build_app
from ticketing_common.clock import Clock, SystemClock
from ticketing_common.contracts import load_contracts
from ticketing_common.db import create_engine, create_session_factory
from ticketing_common.health import KafkaProbe, database_check, kafka_check
from ticketing_common.outbox import OutboxWriter


def build_deps(settings: EscalationSettings, *, clock: Clock | None = None) -> Deps:
    """Outbox writer, contracts and clock, as the API and the consumer use them."""
    return Deps(
        outbox=OutboxWriter(
            tables=outbox, source="/services/escalation", topic=settings.ticket_events_topic
        ),
        contracts=load_contracts(settings.contracts_path),
        clock=clock or SystemClock(),
    )


def create_app(settings: EscalationSettings, *, clock: Clock | None = None) -> FastAPI:
    """Build escalation's app; the lifespan owns the engine and the Kafka readiness probe."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_engine(settings)
        kafka = KafkaProbe(settings.kafka_bootstrap_list)
        app.state.sessions = create_session_factory(engine)
        app.state.deps = build_deps(settings, clock=clock)
        app.state.readiness_checks["database"] = database_check(engine)
        app.state.readiness_checks["kafka"] = kafka_check(kafka)
        try:
            yield
        finally:
            await kafka.close()
            await engine.dispose()

    return build_app(
        title="escalation",
        description="Moves tickets between support lines: manual moves with a reason, automatic "
        "escalation one line up on an SLA breach, vendor (line 4) engagement and return, and "
        "the full history of every ticket.",
        version=__version__,
        lifespan=lifespan,
        routers=[router],
        settings=settings,
    )
