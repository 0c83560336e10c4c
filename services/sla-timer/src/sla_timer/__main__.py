"""Sla-timer's entrypoints: `python -m sla_timer api|consumer|relay|timer|migrate`."""

from pathlib import Path

from sla_timer.announcements import SOURCE
from sla_timer.app import create_app
from sla_timer.calendars import Calendars
from sla_timer.handlers import Deps, build_handlers
from sla_timer.settings import SlaTimerSettings
from sla_timer.tables import outbox, processed_events
from sla_timer.timers import run_timer_loop
from ticketing_common.clock import SystemClock
from ticketing_common.contracts import load_contracts
from ticketing_common.entrypoints import Worker, consumer_role, relay_role, run_service
from ticketing_common.outbox import OutboxWriter

ALEMBIC_INI = Path(__file__).resolve().parents[2] / "alembic.ini"


def deps(settings: SlaTimerSettings) -> Deps:
    """What the event handlers need: the outbox and the pinned contracts' calendars."""
    return Deps(
        outbox=OutboxWriter(tables=outbox, source=SOURCE, topic=settings.ticket_events_topic),
        calendars=Calendars(load_contracts(settings.contracts_path)),
    )


def timer_role(settings: SlaTimerSettings) -> Worker:
    """The durable timer loop (warnings and breaches), on the system clock."""
    return lambda stop: run_timer_loop(settings, stop, clock=SystemClock())


def main() -> None:
    """Run one role of the service."""
    run_service(
        "sla_timer",
        settings=SlaTimerSettings,
        app=create_app,
        workers={
            "consumer": consumer_role(processed_events, lambda s: build_handlers(deps(s))),
            "relay": relay_role(outbox),
            "timer": timer_role,
        },
        alembic_ini=ALEMBIC_INI,
    )


if __name__ == "__main__":
    main()
