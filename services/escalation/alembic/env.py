"""Alembic environment of escalation: migrations confined to the `escalation` schema."""

from alembic import context

from escalation.tables import SCHEMA, metadata
from ticketing_common.migrations import run_alembic_env

run_alembic_env(context, metadata, schema=SCHEMA)
