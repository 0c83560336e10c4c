"""Composition root of triage: the HTTP API's app and the dependencies every role shares."""

from __future__ import annotations

from fastapi import FastAPI

from ticketing_common.app import build_app, service_lifespan
from ticketing_common.clock import Clock, SystemClock
from ticketing_common.contracts import load_contracts
from ticketing_common.outbox import OutboxWriter
from triage import __version__
from triage.api import router
from triage.handlers import SOURCE, Deps
from triage.settings import TriageSettings
from triage.tables import outbox


def build_deps(settings: TriageSettings, *, clock: Clock | None = None) -> Deps:
    """The handlers' dependencies: outbox writer, contracts file and clock."""
    return Deps(
        outbox=OutboxWriter(tables=outbox, source=SOURCE, topic=settings.ticket_events_topic),
        contracts=load_contracts(settings.contracts_path),
        clock=clock or SystemClock(),
    )


def create_app(settings: TriageSettings, *, clock: Clock | None = None) -> FastAPI:
    """Build triage's app; the lifespan owns the engine and the Kafka readiness probe."""
    return build_app(
        title="triage",
        description="Explainable classification of support requests (class 1-6, support line, "
        "priority) in English and Russian, contract aware: automatic on ticket.created, manual "
        "override with history, and a dry run for tuning the rules.",
        version=__version__,
        lifespan=service_lifespan(
            settings,
            state=lambda: {"deps": build_deps(settings, clock=clock)},
        ),
        routers=[router],
        settings=settings,
    )
