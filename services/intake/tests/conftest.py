"""Intake test fixtures: the real `intake` schema migrated with alembic, the app in-process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from intake.app import create_app
from intake.settings import IntakeSettings
from intake.tables import outbox as _outbox
from ticketing_common.migrations import upgrade_head_async
from ticketing_common.testing.fixtures import outbox_rows_discarded

SERVICE_ROOT = Path(__file__).resolve().parents[1]
REPO_ROOT = SERVICE_ROOT.parents[1]


@pytest.fixture
async def intake_settings(
    database_url: str, kafka_bootstrap_servers: str
) -> AsyncIterator[IntakeSettings]:
    """Settings pointing at the test infrastructure, with the schema migrated."""
    await upgrade_head_async(alembic_ini=SERVICE_ROOT / "alembic.ini", database_url=database_url)
    # Tests write to the service's real outbox; drop those rows so no relay publishes them.
    async with outbox_rows_discarded(database_url, _outbox):
        yield IntakeSettings(
            database_url=database_url,
            kafka_bootstrap_servers=kafka_bootstrap_servers,
            contracts_path=REPO_ROOT / "config" / "contracts.yaml",
        )


@pytest.fixture
async def client(intake_settings: IntakeSettings) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client talking to intake's app with its lifespan running."""
    app = create_app(intake_settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://intake") as http:
            yield http
