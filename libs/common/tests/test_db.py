"""Engine, session factory and per-service metadata; database_check against real PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import Column, Integer, String, Table, UniqueConstraint, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from ticketing_common.db import asyncpg_url, create_engine, create_session_factory, service_metadata
from ticketing_common.health import database_check
from ticketing_common.settings import ServiceSettings


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://u:p%40ss@db:5432/x",
        "postgres://u:p%40ss@db:5432/x",
        "postgresql+asyncpg://u:p%40ss@db:5432/x",
    ],
)
def test_urls_are_given_the_asyncpg_driver(url: str) -> None:
    assert asyncpg_url(url) == "postgresql+asyncpg://u:p%40ss@db:5432/x"


async def test_engine_uses_asyncpg_with_a_bounded_pool() -> None:
    settings = ServiceSettings(
        service_name="triage", db_schema="triage", database_url="postgresql://u:p@db/x"
    )
    engine = create_engine(settings, pool_size=3)
    try:
        assert engine.url.drivername == "postgresql+asyncpg"
        assert engine.pool.size() == 3  # type: ignore[attr-defined]
        assert create_session_factory(engine).kw["expire_on_commit"] is False
    finally:
        await engine.dispose()


def test_service_tables_live_in_the_schema_with_named_constraints() -> None:
    metadata = service_metadata("triage")
    table = Table(
        "decisions",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("ticket_id", String),
        UniqueConstraint("ticket_id"),
    )

    assert table.fullname == "triage.decisions"
    assert table.primary_key.name == "pk_decisions"
    assert {c.name for c in table.constraints} >= {"uq_decisions_ticket_id"}


def test_schema_names_must_be_plain_identifiers() -> None:
    with pytest.raises(ValueError, match="schema name"):
        service_metadata('triage"; drop')


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    settings = ServiceSettings(service_name="dbtest", db_schema="dbtest", database_url=database_url)
    built = create_engine(settings)
    yield built
    await built.dispose()


@pytest.mark.integration
async def test_database_check_passes_and_connections_carry_the_service_name(
    engine: AsyncEngine,
) -> None:
    await database_check(engine)()

    async with engine.connect() as connection:
        name = await connection.scalar(text("SHOW application_name"))
    assert name == "dbtest"


async def test_database_check_fails_when_postgres_refuses() -> None:
    unreachable = create_async_engine("postgresql+asyncpg://nobody:x@127.0.0.1:1/none")
    try:
        with pytest.raises(ConnectionRefusedError):
            await database_check(unreachable)()
    finally:
        await unreachable.dispose()


@pytest.mark.integration
async def test_database_errors_do_not_carry_bound_values(database_url: str) -> None:
    settings = ServiceSettings(service_name="t", db_schema="t", database_url=database_url)
    engine = create_engine(settings)
    try:
        async with engine.connect() as connection:
            with pytest.raises(DBAPIError) as raised:
                await connection.execute(
                    text("SELECT :body FROM no_such_table_here"), {"body": "secret customer text"}
                )
    finally:
        await engine.dispose()
    assert "secret customer text" not in str(raised.value)
