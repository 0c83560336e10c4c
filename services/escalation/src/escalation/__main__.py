"""Escalation's entrypoints: `python -m escalation api|consumer|relay|migrate`."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

import uvicorn

from escalation.app import build_deps, create_app
from escalation.handlers import handlers
from escalation.settings import EscalationSettings
from escalation.tables import outbox, processed_events
from ticketing_common.logs import configure_logging
from ticketing_common.migrations import upgrade_head
from ticketing_common.runtime import run_consumer, run_relay, until_signalled

ALEMBIC_INI = Path(__file__).resolve().parents[2] / "alembic.ini"


def main() -> None:
    """Run one role of the service."""
    parser = argparse.ArgumentParser(prog="escalation")
    parser.add_argument("role", choices=["api", "consumer", "relay", "migrate"])
    role = parser.parse_args().role
    settings = EscalationSettings()
    configure_logging(settings.service_name, settings.log_level)
    if role == "api":
        uvicorn.run(
            create_app(settings),
            host=settings.http_host,
            port=settings.http_port,
            log_config=None,
        )
    elif role == "consumer":
        deps = build_deps(settings)
        asyncio.run(
            until_signalled(
                lambda stop: run_consumer(
                    settings,
                    processed=processed_events,
                    handlers=lambda _sessions: handlers(deps),
                    stop=stop,
                )
            )
        )
    elif role == "relay":
        asyncio.run(until_signalled(lambda stop: run_relay(settings, outbox, stop)))
    else:
        upgrade_head(alembic_ini=ALEMBIC_INI, database_url=settings.database_url)


if __name__ == "__main__":
    main()
