"""Alembic support for one PostgreSQL schema per service, each with its own version table.

A service's `alembic/env.py` is three lines::

    from alembic import context
    from intake.store import metadata
    from ticketing_common.migrations import run_alembic_env

    run_alembic_env(context, metadata, schema="intake")

Revisions name the schema explicitly (`op.create_table(..., schema="intake")`, which is what
autogenerate writes for tables of `service_metadata("intake")`).

The database URL is, in order: `upgrade_head(database_url=...)`, env `DATABASE_URL`, then
`sqlalchemy.url` in alembic.ini. A caller that already holds a sync connection (e.g. inside
`AsyncConnection.run_sync`) may put it in `config.attributes["connection"]`; then the caller
owns the transaction.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Callable, Coroutine
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from alembic.runtime.environment import EnvironmentContext
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool
from sqlalchemy.schema import MetaData, SchemaItem

from ticketing_common.db import asyncpg_url
from ticketing_common.settings import validate_schema_name

DATABASE_URL_ATTRIBUTE = "database_url"
CONNECTION_ATTRIBUTE = "connection"

_T = TypeVar("_T")
# alembic's `context` proxy is module-global, so one process runs one command at a time.
_ALEMBIC_COMMAND_LOCK = threading.Lock()


def run_alembic_env(
    context: ModuleType | EnvironmentContext, target_metadata: MetaData, *, schema: str
) -> None:
    """Run this service's migrations (offline or online) confined to `schema`."""
    validate_schema_name(schema)
    options = _configure_options(target_metadata, schema)
    if context.is_offline_mode():
        context.configure(url=_database_url(context.config), literal_binds=True, **options)
        with context.begin_transaction():
            context.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
            context.run_migrations()
        return
    connection = context.config.attributes.get(CONNECTION_ATTRIBUTE)
    if connection is not None:
        _migrate(connection, context, options, schema)
        return
    url = asyncpg_url(_database_url(context.config))
    _run_coroutine(lambda: _migrate_async(url, context, options, schema))


def _configure_options(target_metadata: MetaData, schema: str) -> dict[str, Any]:
    def include_name(name: str | None, type_: str, parent_names: object) -> bool:
        return name == schema if type_ == "schema" else True

    def include_object(
        obj: SchemaItem, name: str | None, type_: str, reflected: bool, compare_to: object
    ) -> bool:
        return getattr(obj, "schema", schema) == schema if type_ == "table" else True

    return {
        "target_metadata": target_metadata,
        "version_table_schema": schema,
        "include_schemas": True,
        "include_name": include_name,
        "include_object": include_object,
        "compare_type": True,
    }


def _database_url(config: Config) -> str:
    url = config.attributes.get(DATABASE_URL_ATTRIBUTE) or os.environ.get("DATABASE_URL")
    url = url or config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no database URL: set DATABASE_URL or sqlalchemy.url in alembic.ini")
    return str(url)


async def _migrate_async(
    url: str, context: ModuleType | EnvironmentContext, options: dict[str, Any], schema: str
) -> None:
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_migrate_locked, context, options, schema)
    finally:
        await engine.dispose()


def _migrate_locked(
    connection: Connection,
    context: ModuleType | EnvironmentContext,
    options: dict[str, Any],
    schema: str,
) -> None:
    # Several replicas may start at once: one migrates, the others then find nothing to do.
    lock = text("SELECT pg_advisory_lock(hashtext(:key))")
    connection.execute(lock, {"key": f"alembic:{schema}"})
    connection.commit()
    try:
        _migrate(connection, context, options, schema)
        connection.commit()
    finally:
        connection.rollback()
        unlock = text("SELECT pg_advisory_unlock(hashtext(:key))")
        connection.execute(unlock, {"key": f"alembic:{schema}"})
        connection.commit()


def _migrate(
    connection: Connection,
    context: ModuleType | EnvironmentContext,
    options: dict[str, Any],
    schema: str,
) -> None:
    connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    context.configure(connection=connection, **options)
    with context.begin_transaction():
        context.run_migrations()


def _run_coroutine(factory: Callable[[], Coroutine[Any, Any, _T]]) -> _T:
    """`asyncio.run`, or the same on a helper thread when this thread already runs a loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(factory())
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = asyncio.run(factory())
        except BaseException as exc:  # re-raised in the calling thread
            outcome["error"] = exc

    worker = threading.Thread(target=target, name="alembic-migrate")
    worker.start()
    worker.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]  # type: ignore[no-any-return]


def alembic_config(*, alembic_ini: Path, database_url: str) -> Config:
    """Alembic `Config` for `alembic_ini` (script_location made absolute) and `database_url`."""
    config = Config(str(alembic_ini))
    location = config.get_main_option("script_location")
    if location and ":" not in location and not Path(location).is_absolute():
        # Relative to the ini file, so scripts and tests may run from any directory.
        config.set_main_option("script_location", str(alembic_ini.parent.resolve() / location))
    # Through attributes, not set_main_option: ini interpolation would mangle `%` in passwords.
    config.attributes[DATABASE_URL_ATTRIBUTE] = database_url
    return config


def upgrade_head(*, alembic_ini: Path, database_url: str, revision: str = "head") -> None:
    """Migrate to `revision`; blocking, and safe to call whether or not a loop is running."""
    config = alembic_config(alembic_ini=alembic_ini, database_url=database_url)
    with _ALEMBIC_COMMAND_LOCK:
        command.upgrade(config, revision)


async def upgrade_head_async(
    *, alembic_ini: Path, database_url: str, revision: str = "head"
) -> None:
    """`upgrade_head` on a worker thread, so the caller's event loop keeps running."""
    await asyncio.to_thread(
        upgrade_head, alembic_ini=alembic_ini, database_url=database_url, revision=revision
    )
