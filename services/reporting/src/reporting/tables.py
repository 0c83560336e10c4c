"""Reporting's tables, all in the `reporting` schema: read models built only from events."""

from sqlalchemy import Column, DateTime, Index, Integer, Table, Text, Uuid

from ticketing_common.consumer import define_processed_table
from ticketing_common.db import service_metadata

SCHEMA = "reporting"
metadata = service_metadata(SCHEMA)

# One row per ticket: its facts as of the last applied event (see reporting.projections).
tickets = Table(
    "tickets",
    metadata,
    Column("ticket_id", Text, primary_key=True),
    Column("customer_id", Text, nullable=False),
    Column("contract_version", Text, nullable=False),
    # YYYY-MM of received_at in UTC: the month whose report counts the ticket.
    Column("month", Text, nullable=False),
    Column("channel", Text, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("request_class", Integer),
    Column("classified_at", DateTime(timezone=True)),
    Column("priority", Text),
    Column("current_line", Integer),
    Column("line_changed_at", DateTime(timezone=True)),
    Column("highest_line", Integer),
    Column("status", Text, nullable=False),
    Column("status_changed_at", DateTime(timezone=True), nullable=False),
    Column("first_response_at", DateTime(timezone=True)),
    Column("resolved_at", DateTime(timezone=True)),
    Column("response_outcome", Text, nullable=False),
    Column("response_seconds", Integer),
    Column("response_target_seconds", Integer),
    Column("response_decided_at", DateTime(timezone=True)),
    Column("resolution_outcome", Text, nullable=False),
    Column("resolution_seconds", Integer),
    Column("resolution_target_seconds", Integer),
    Column("resolution_decided_at", DateTime(timezone=True)),
    Column("escalations", Integer, nullable=False),
    Column("vendor_engagements", Integer, nullable=False),
    Column("vendor_returns", Integer, nullable=False),
    Column("agent_messages", Integer, nullable=False),
    Column("customer_messages", Integer, nullable=False),
    Column("sla_warnings", Integer, nullable=False),
    Column("sla_pauses", Integer, nullable=False),
    Column("last_event_at", DateTime(timezone=True), nullable=False),
    Index("ix_tickets_customer_month", "customer_id", "month"),
)

# Every line move, up or down; keyed by the event id so a replay cannot add a row twice.
escalations = Table(
    "escalations",
    metadata,
    Column("event_id", Uuid, primary_key=True),
    Column("ticket_id", Text, nullable=False, index=True),
    Column("from_line", Integer, nullable=False),
    Column("to_line", Integer, nullable=False),
    Column("trigger", Text, nullable=False),
    Column("vendor_id", Text),
    Column("escalated_at", DateTime(timezone=True), nullable=False),
)

# The SLA clocks' history per ticket, for analysts (the report reads the ticket facts).
sla_events = Table(
    "sla_events",
    metadata,
    Column("event_id", Uuid, primary_key=True),
    Column("ticket_id", Text, nullable=False, index=True),
    Column("clock", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("target_seconds", Integer),
    Column("elapsed_seconds", Integer),
    Column("remaining_seconds", Integer),
)

processed_events = define_processed_table(metadata)
