"""Alembic helper: one schema per service with its own version table."""

from __future__ import annotations

import asyncio
import io
import textwrap
from contextlib import redirect_stdout
from pathlib import Path
from uuid import uuid4

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from ticketing_common.migrations import alembic_config, upgrade_head, upgrade_head_async

REVISION = "0001_widgets"


def write_alembic_project(folder: Path, schema: str) -> Path:
    """A throwaway alembic project whose env.py calls our helper; returns its alembic.ini."""
    (folder / "migrations" / "versions").mkdir(parents=True)
    (folder / "alembic.ini").write_text("[alembic]\nscript_location = migrations\n")
    (folder / "migrations" / "env.py").write_text(
        textwrap.dedent(
            f"""
            from alembic import context
            from ticketing_common.db import service_metadata
            from ticketing_common.migrations import run_alembic_env

            run_alembic_env(context, service_metadata("{schema}"), schema="{schema}")
            """
        )
    )
    (folder / "migrations" / "versions" / f"{REVISION}.py").write_text(
        textwrap.dedent(
            f"""
            import sqlalchemy as sa
            from alembic import op

            revision = "{REVISION}"
            down_revision = None

            def upgrade():
                op.create_table(
                    "widgets", sa.Column("id", sa.Integer, primary_key=True), schema="{schema}"
                )
            """
        )
    )
    return folder / "alembic.ini"


@pytest.fixture
def schema() -> str:
    return f"mig_{uuid4().hex[:12]}"


@pytest.fixture
def alembic_ini(tmp_path: Path, schema: str) -> Path:
    return write_alembic_project(tmp_path, schema)


def test_config_resolves_scripts_next_to_the_ini_and_keeps_the_url_verbatim(
    alembic_ini: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir("/")
    url = "postgresql+asyncpg://u:p%25w@db/x"

    config = alembic_config(alembic_ini=alembic_ini, database_url=url)

    assert config.get_main_option("script_location") == str(alembic_ini.parent / "migrations")
    assert config.attributes["database_url"] == url


def test_offline_sql_creates_the_schema_and_its_own_version_table(
    alembic_ini: Path, schema: str
) -> None:
    config = alembic_config(alembic_ini=alembic_ini, database_url="postgresql://u:p@db/x")
    output = io.StringIO()
    config.output_buffer = output

    with redirect_stdout(io.StringIO()):
        command.upgrade(config, "head", sql=True)

    sql = output.getvalue()
    assert f'CREATE SCHEMA IF NOT EXISTS "{schema}"' in sql
    assert f"CREATE TABLE {schema}.alembic_version" in sql
    assert f"CREATE TABLE {schema}.widgets" in sql
    assert f"INSERT INTO {schema}.alembic_version (version_num) VALUES ('{REVISION}')" in sql


async def schema_state(database_url: str, schema: str) -> tuple[list[str], list[str]]:
    """(tables in `schema`, versions in its alembic_version)."""
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as connection:
            tables = await connection.scalars(
                text(
                    "SELECT table_name FROM information_schema.tables"
                    " WHERE table_schema = :schema ORDER BY table_name"
                ),
                {"schema": schema},
            )
            table_names = list(tables)
            versions = await connection.scalars(
                text(f'SELECT version_num FROM "{schema}".alembic_version')
            )
            return table_names, list(versions)
    finally:
        await engine.dispose()


async def drop_schema(database_url: str, schema: str) -> None:
    engine = create_async_engine(database_url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    finally:
        await engine.dispose()


@pytest.mark.integration
async def test_upgrade_twice_inside_a_running_loop_keeps_one_version_in_the_schema(
    alembic_ini: Path, schema: str, database_url: str
) -> None:
    try:
        # Blocking call from inside this test's event loop: env.py must not asyncio.run here.
        upgrade_head(alembic_ini=alembic_ini, database_url=database_url)
        await upgrade_head_async(alembic_ini=alembic_ini, database_url=database_url)

        tables, versions = await schema_state(database_url, schema)
    finally:
        await drop_schema(database_url, schema)

    assert tables == ["alembic_version", "widgets"]
    assert versions == [REVISION]


@pytest.mark.integration
def test_upgrade_from_plain_sync_code_uses_the_given_url_over_the_environment(
    alembic_ini: Path, schema: str, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:

    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://wrong:wrong@127.0.0.1:1/none")
    try:
        upgrade_head(alembic_ini=alembic_ini, database_url=database_url)
        tables, versions = asyncio.run(schema_state(database_url, schema))
    finally:
        asyncio.run(drop_schema(database_url, schema))

    assert tables == ["alembic_version", "widgets"]
    assert versions == [REVISION]


@pytest.mark.integration
async def test_a_replica_waits_while_another_holds_the_schemas_migration_lock(
    alembic_ini: Path, schema: str, database_url: str
) -> None:
    engine = create_async_engine(database_url)
    lock_key = {"key": f"alembic:{schema}"}
    try:
        async with engine.connect() as other_replica:
            await other_replica.execute(text("SELECT pg_advisory_lock(hashtext(:key))"), lock_key)
            upgrade = asyncio.create_task(
                upgrade_head_async(alembic_ini=alembic_ini, database_url=database_url)
            )
            await asyncio.sleep(1.0)
            waited = not upgrade.done()
            await other_replica.execute(text("SELECT pg_advisory_unlock(hashtext(:key))"), lock_key)
            await asyncio.wait_for(upgrade, timeout=30)
        _, versions = await schema_state(database_url, schema)
    finally:
        await engine.dispose()
        await drop_schema(database_url, schema)

    assert waited
    assert versions == [REVISION]


@pytest.mark.integration
async def test_concurrent_calls_in_one_process_are_serialised(
    alembic_ini: Path, schema: str, database_url: str
) -> None:
    try:
        await asyncio.gather(
            *(upgrade_head_async(alembic_ini=alembic_ini, database_url=database_url) for _ in "ab")
        )
        _, versions = await schema_state(database_url, schema)
    finally:
        await drop_schema(database_url, schema)

    assert versions == [REVISION]
