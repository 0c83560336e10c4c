"""Alembic environment of reporting: migrations confined to the `reporting` schema."""

from alembic import context

from reporting.tables import SCHEMA, metadata
from ticketing_common.migrations import run_alembic_env

run_alembic_env(context, metadata, schema=SCHEMA)
