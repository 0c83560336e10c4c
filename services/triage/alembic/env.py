"""Alembic environment of triage: migrations confined to the `triage` schema."""

from alembic import context

from ticketing_common.migrations import run_alembic_env
from triage.tables import SCHEMA, metadata

run_alembic_env(context, metadata, schema=SCHEMA)
