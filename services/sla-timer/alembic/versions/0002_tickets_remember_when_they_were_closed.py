"""tickets remember when they were closed; clocks may be cancelled (closed unresolved)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 06:48:48.437214
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "tickets", sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True), schema="sla"
    )
    op.drop_constraint(op.f("ck_clocks_state"), "clocks", schema="sla", type_="check")
    op.create_check_constraint(
        op.f("ck_clocks_state"),
        "clocks",
        "state IN ('running', 'paused', 'met', 'breached', 'not_applicable', 'cancelled')",
        schema="sla",
    )


def downgrade() -> None:
    op.drop_constraint(op.f("ck_clocks_state"), "clocks", schema="sla", type_="check")
    op.create_check_constraint(
        op.f("ck_clocks_state"),
        "clocks",
        "state IN ('running', 'paused', 'met', 'breached', 'not_applicable')",
        schema="sla",
    )
    op.drop_column("tickets", "closed_at", schema="sla")
