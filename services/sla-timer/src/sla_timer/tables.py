"""Sla-timer's tables, all in the `sla` schema.

`tickets` holds what the clocks need from other producers' events, including facts that may
arrive before the clocks are armed; its row is also the per-ticket lock every writer takes first.
"""

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    DateTime,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Identity,
    Index,
    Integer,
    SmallInteger,
    Table,
    Text,
    func,
    text,
)

from ticketing_common.consumer import define_processed_table
from ticketing_common.db import service_metadata
from ticketing_common.outbox import define_outbox_tables

SCHEMA = "sla"
metadata = service_metadata(SCHEMA)

tickets = Table(
    "tickets",
    metadata,
    Column("id", Text, primary_key=True),
    Column("customer_id", Text, nullable=False),
    Column("contract_version", Text, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("request_class", SmallInteger),
    Column("line", SmallInteger),
    Column("triaged_at", DateTime(timezone=True)),
    Column("first_agent_reply_at", DateTime(timezone=True)),
    Column("resolved_at", DateTime(timezone=True)),
    Column("waiting_since", DateTime(timezone=True)),
    Column("closed_at", DateTime(timezone=True)),
)

clocks = Table(
    "clocks",
    metadata,
    Column("ticket_id", Text, ForeignKey(f"{SCHEMA}.tickets.id"), primary_key=True),
    Column("kind", Text, primary_key=True),
    Column("state", Text, nullable=False),
    Column("request_class", SmallInteger, nullable=False),
    Column("target_seconds", Integer),
    Column("warning_threshold", Float, nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("paused_seconds", Integer, nullable=False),
    Column("deadline", DateTime(timezone=True)),
    Column("warning_at", DateTime(timezone=True)),
    Column("warned_at", DateTime(timezone=True)),
    Column("paused_at", DateTime(timezone=True)),
    Column("remaining_seconds", Integer),
    Column("met_at", DateTime(timezone=True)),
    Column("breached_at", DateTime(timezone=True)),
    Column("elapsed_seconds", Integer),
    CheckConstraint("kind IN ('response', 'resolution')", name="kind"),
    CheckConstraint(
        "state IN ('running', 'paused', 'met', 'breached', 'not_applicable', 'cancelled')",
        name="state",
    ),
)

timers = Table(
    "timers",
    metadata,
    Column("id", BigInteger, Identity(always=True), primary_key=True),
    Column("ticket_id", Text, nullable=False),
    Column("clock", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("fire_at", DateTime(timezone=True), nullable=False),
    Column("state", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("settled_at", DateTime(timezone=True)),
    ForeignKeyConstraint(
        ["ticket_id", "clock"], [f"{SCHEMA}.clocks.ticket_id", f"{SCHEMA}.clocks.kind"]
    ),
    CheckConstraint("kind IN ('warning', 'breach')", name="kind"),
    CheckConstraint("state IN ('pending', 'fired', 'cancelled')", name="state"),
    # The timer loop's query: due pending timers by fire_at; settled rows stay out of the index.
    Index("ix_timers_pending_fire_at", "fire_at", postgresql_where=text("state = 'pending'")),
    Index("ix_timers_ticket_clock", "ticket_id", "clock"),
)

outbox = define_outbox_tables(metadata)
processed_events = define_processed_table(metadata)
