"""Alembic environment of sla-timer: migrations confined to the `sla` schema."""

from alembic import context

from sla_timer.tables import SCHEMA, metadata
from ticketing_common.migrations import run_alembic_env

run_alembic_env(context, metadata, schema=SCHEMA)
