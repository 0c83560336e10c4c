"""Alembic environment of intake: migrations confined to the `intake` schema."""

from alembic import context

from intake.tables import SCHEMA, metadata
from ticketing_common.migrations import run_alembic_env

run_alembic_env(context, metadata, schema=SCHEMA)
