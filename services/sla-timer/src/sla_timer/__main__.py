"""Sla-timer's entrypoints: `python -m sla_timer api|consumer|relay|timer|migrate`."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

import uvicorn

from sla_timer.announcements import SOURCE
from sla_timer.app import create_app
from sla_timer.calendars import Calendars
from sla_timer.handlers import Deps, build_handlers
from sla_timer.settings import SlaTimerSettings
from sla_timer.tables import outbox, processed_events
from sla_timer.timers import run_timer_loop
from ticketing_common.clock import SystemClock
from ticketing_common.contracts import load_contracts
from ticketing_common.logs import configure_logging
from ticketing_common.migrations import upgrade_head
from ticketing_common.outbox import OutboxWriter
from ticketing_common.runtime import run_consumer, run_relay, until_signalled

ALEMBIC_INI = Path(__file__).resolve().parents[2] / "alembic.ini"
ROLES = ("api", "consumer", "relay", "timer", "migrate")


def main() -> None:
    """Run one role of the service."""
    parser = argparse.ArgumentParser(prog="sla_timer")
    parser.add_argument("role", choices=ROLES)
    role = parser.parse_args().role
    settings = SlaTimerSettings()
    configure_logging(settings.service_name, settings.log_level)
    if role == "api":
        uvicorn.run(
            create_app(settings),
            host=settings.http_host,
            port=settings.http_port,
            log_config=None,
        )
    elif role == "consumer":
        deps = Deps(
            outbox=OutboxWriter(tables=outbox, source=SOURCE, topic=settings.ticket_events_topic),
            calendars=Calendars(load_contracts(settings.contracts_path)),
        )
        asyncio.run(
            until_signalled(
                lambda stop: run_consumer(
                    settings,
                    processed=processed_events,
                    handlers=lambda _sessions: build_handlers(deps),
                    stop=stop,
                )
            )
        )
    elif role == "relay":
        asyncio.run(until_signalled(lambda stop: run_relay(settings, outbox, stop)))
    elif role == "timer":
        asyncio.run(
            until_signalled(lambda stop: run_timer_loop(settings, stop, clock=SystemClock()))
        )
    else:
        upgrade_head(alembic_ini=ALEMBIC_INI, database_url=settings.database_url)


if __name__ == "__main__":
    main()
