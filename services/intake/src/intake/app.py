"""Composition root of intake's HTTP API."""

from __future__ import annotations

from fastapi import FastAPI

from intake import __version__
from intake.api import router
from intake.handlers import Deps
from intake.settings import IntakeSettings
from intake.tables import outbox
from ticketing_common.app import build_app, service_lifespan
from ticketing_common.clock import Clock, SystemClock
from ticketing_common.contracts import load_contracts
from ticketing_common.outbox import OutboxWriter


def create_app(settings: IntakeSettings, *, clock: Clock | None = None) -> FastAPI:
    """Build intake's app; the lifespan owns the engine and the Kafka readiness probe."""
    return build_app(
        title="intake",
        description="Takes support requests in: web forms and agents (this API), and later "
        "email, phone and messenger webhooks. Accepts only what is committed.",
        version=__version__,
        lifespan=service_lifespan(
            settings,
            state=lambda: {
                "deps": Deps(
                    outbox=OutboxWriter(
                        tables=outbox, source="/services/intake", topic=settings.ticket_events_topic
                    ),
                    contracts=load_contracts(settings.contracts_path),
                    clock=clock or SystemClock(),
                )
            },
        ),
        routers=[router],
        settings=settings,
    )
