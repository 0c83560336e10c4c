"""Reporting's entrypoints: `python -m reporting api|consumer|migrate` (it emits no events)."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

import uvicorn

from reporting.app import create_app
from reporting.handlers import handler_map
from reporting.settings import ReportingSettings
from reporting.tables import processed_events
from ticketing_common.logs import configure_logging
from ticketing_common.migrations import upgrade_head
from ticketing_common.runtime import run_consumer, until_signalled

ALEMBIC_INI = Path(__file__).resolve().parents[2] / "alembic.ini"


def main() -> None:
    """Run one role of the service."""
    parser = argparse.ArgumentParser(prog="reporting")
    parser.add_argument("role", choices=["api", "consumer", "migrate"])
    role = parser.parse_args().role
    settings = ReportingSettings()
    configure_logging(settings.service_name, settings.log_level)
    if role == "api":
        uvicorn.run(
            create_app(settings),
            host=settings.http_host,
            port=settings.http_port,
            log_config=None,
        )
    elif role == "consumer":
        asyncio.run(
            until_signalled(
                lambda stop: run_consumer(
                    settings, processed=processed_events, handlers=handler_map, stop=stop
                )
            )
        )
    else:
        upgrade_head(alembic_ini=ALEMBIC_INI, database_url=settings.database_url)


if __name__ == "__main__":
    main()
