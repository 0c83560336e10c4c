"""The command line of every service: `python -m <service> api | migrate | <worker role>`.

Each role is its own process (Kubernetes scales them apart). Worker roles (consumer, relay,
timer) have no HTTP API, so when `metrics_port` is set they serve Prometheus metrics on it.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from pathlib import Path
from typing import TypeVar

import uvicorn
from fastapi import FastAPI
from prometheus_client import start_http_server
from sqlalchemy import Table

from ticketing_common.consumer import Handler
from ticketing_common.envelope import Event
from ticketing_common.logs import configure_logging
from ticketing_common.migrations import upgrade_head
from ticketing_common.outbox import OutboxTables
from ticketing_common.runtime import run_consumer, run_relay, until_signalled
from ticketing_common.settings import ServiceSettings

SettingsT = TypeVar("SettingsT", bound=ServiceSettings)
Worker = Callable[[asyncio.Event], Awaitable[None]]
WorkerFactory = Callable[[SettingsT], Worker]


def relay_role(tables: OutboxTables) -> Callable[[ServiceSettings], Worker]:
    """The outbox relay of a service."""

    def build(settings: ServiceSettings) -> Worker:
        return lambda stop: run_relay(settings, tables, stop)

    return build


def consumer_role(
    processed: Table, handlers: Callable[[SettingsT], Mapping[type[Event], Handler]]
) -> Callable[[SettingsT], Worker]:
    """The event consumer of a service; `handlers` builds its handler map from the settings."""

    def build(settings: SettingsT) -> Worker:
        handler_map = handlers(settings)
        return lambda stop: run_consumer(
            settings, processed=processed, handlers=handler_map, stop=stop
        )

    return build


def run_service(
    prog: str,
    *,
    settings: Callable[[], SettingsT],
    app: Callable[[SettingsT], FastAPI],
    workers: Mapping[str, Callable[[SettingsT], Worker]],
    alembic_ini: Path,
    argv: Sequence[str] | None = None,
) -> None:
    """Parse the role and run it until it ends or is signalled."""
    parser = argparse.ArgumentParser(prog=prog, description=f"Run one role of {prog}.")
    parser.add_argument("role", choices=["api", *workers, "migrate"])
    role = parser.parse_args(argv).role
    config = settings()
    configure_logging(config.service_name, config.log_level)
    if role == "api":
        uvicorn.run(app(config), host=config.http_host, port=config.http_port, log_config=None)
    elif role == "migrate":
        upgrade_head(alembic_ini=alembic_ini, database_url=config.database_url)
    else:
        worker = workers[role](config)
        if config.metrics_port is not None:
            start_http_server(config.metrics_port, addr=config.http_host)
        asyncio.run(until_signalled(worker))
