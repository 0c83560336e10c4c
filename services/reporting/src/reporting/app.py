"""Composition root of reporting's HTTP API."""

from __future__ import annotations

from fastapi import FastAPI

from reporting import __version__
from reporting.api import router
from reporting.settings import ReportingSettings
from ticketing_common.app import build_app, service_lifespan
from ticketing_common.clock import Clock, SystemClock
from ticketing_common.contracts import load_contracts


def create_app(settings: ReportingSettings, *, clock: Clock | None = None) -> FastAPI:
    """Build reporting's app; the lifespan owns the engine and the Kafka readiness probe."""
    return build_app(
        title="reporting",
        description="Read models built only from ticket events (replayable from the topic's "
        "start) and monthly reports per customer for analysts, as JSON and CSV. A ticket "
        "counts in the month (UTC) it was received.",
        version=__version__,
        lifespan=service_lifespan(
            settings,
            state=lambda: {
                "contracts": load_contracts(settings.contracts_path),
                "clock": clock or SystemClock(),
            },
        ),
        routers=[router],
        settings=settings,
    )
