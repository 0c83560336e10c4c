"""Composition root of escalation: the HTTP API and the dependencies every role shares."""

from __future__ import annotations

from fastapi import FastAPI

from escalation import __version__
from escalation.api import router
from escalation.handlers import Deps
from escalation.settings import EscalationSettings
from escalation.tables import outbox
from ticketing_common.app import build_app, service_lifespan
from ticketing_common.clock import Clock, SystemClock
from ticketing_common.contracts import load_contracts
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
    return build_app(
        title="escalation",
        description="Moves tickets between support lines: manual moves with a reason, automatic "
        "escalation one line up on an SLA breach, vendor (line 4) engagement and return, and "
        "the full history of every ticket.",
        version=__version__,
        lifespan=service_lifespan(
            settings,
            state=lambda: {"deps": build_deps(settings, clock=clock)},
        ),
        routers=[router],
        settings=settings,
    )
