"""Async SQLAlchemy plumbing: one engine per process, one schema per service."""

from __future__ import annotations

from sqlalchemy import MetaData
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from ticketing_common.settings import ServiceSettings, validate_schema_name

# Deterministic constraint names, so alembic autogenerate can drop and alter them by name.
NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def asyncpg_url(database_url: str) -> str:
    """`database_url` with the asyncpg driver (accepts `postgresql://` and `postgres://`)."""
    url = make_url(database_url)
    if url.drivername in ("postgresql", "postgres", "postgresql+psycopg2", "postgresql+psycopg"):
        url = url.set(drivername="postgresql+asyncpg")
    return url.render_as_string(hide_password=False)


def create_engine(
    settings: ServiceSettings, *, pool_size: int = 5, max_overflow: int = 5
) -> AsyncEngine:
    """The service's async engine: asyncpg, pre-ping, bounded pool, named in pg_stat_activity."""
    return create_async_engine(
        asyncpg_url(settings.database_url),
        pool_pre_ping=True,
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_recycle=1800,  # below typical proxy/NAT idle cut-offs
        # Errors must not carry bound values (message bodies, contacts) into logs and into
        # the dead-letter headers.
        hide_parameters=True,
        connect_args={"server_settings": {"application_name": settings.service_name}},
    )


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Session factory whose objects stay readable after commit (no implicit reload I/O)."""
    return async_sessionmaker(engine, expire_on_commit=False)


def service_metadata(schema: str) -> MetaData:
    """MetaData for one service's tables: all in `schema`, constraints named by convention."""
    return MetaData(schema=validate_schema_name(schema), naming_convention=NAMING_CONVENTION)
