"""Composition root of sla-timer's HTTP API."""

from __future__ import annotations

from fastapi import FastAPI

from sla_timer import __version__
from sla_timer.api import router
from sla_timer.calendars import Calendars
from sla_timer.settings import SlaTimerSettings
from ticketing_common.app import build_app, service_lifespan
from ticketing_common.clock import Clock, SystemClock
from ticketing_common.contracts import load_contracts


def create_app(settings: SlaTimerSettings, *, clock: Clock | None = None) -> FastAPI:
    """Build sla-timer's app; the lifespan owns the engine and the Kafka readiness probe."""
    return build_app(
        title="sla-timer",
        description="Response and resolution clocks per ticket in the contract's covered time: "
        "armed on triage, paused while waiting on the customer, warned and breached by durable "
        "timers. This API answers how much covered time each clock has left.",
        version=__version__,
        lifespan=service_lifespan(
            settings,
            state=lambda: {
                "calendars": Calendars(load_contracts(settings.contracts_path)),
                "clock": clock or SystemClock(),
            },
        ),
        routers=[router],
        settings=settings,
    )
