"""Escalation's tables, all in the `escalation` schema."""

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    SmallInteger,
    Table,
    Text,
    false,
)

from ticketing_common.consumer import define_processed_table
from ticketing_common.db import service_metadata
from ticketing_common.outbox import define_outbox_tables

SCHEMA = "escalation"
metadata = service_metadata(SCHEMA)

# One row per ticket: what escalation needs to decide moves (locked FOR UPDATE while deciding).
tickets = Table(
    "tickets",
    metadata,
    Column("id", Text, primary_key=True),
    Column("customer_id", Text, nullable=False),
    Column("contract_version", Text, nullable=False),
    Column("request_class", SmallInteger),
    Column("priority", Text),
    Column("current_line", SmallInteger, comment="null until the ticket is triaged"),
    Column("engaged_vendor_id", Text, comment="set while a vendor (line 4) holds the ticket"),
    Column("vendor_reference", Text),
    Column("vendor_engaged_at", DateTime(timezone=True)),
    Column("line_before_vendor", SmallInteger),
    Column("closed", Boolean, nullable=False, server_default=false()),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# Every line decision, including automatic ones that did not move the ticket.
history = Table(
    "history",
    metadata,
    Column("id", BigInteger, Identity(always=True), primary_key=True),
    Column("ticket_id", Text, ForeignKey(f"{SCHEMA}.tickets.id"), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("from_line", SmallInteger, comment="null for the initial line from triage"),
    Column("to_line", SmallInteger, nullable=False),
    Column("trigger", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("actor", Text, nullable=False),
    Column("vendor_id", Text),
    Index("ix_history_ticket_id_id", "ticket_id", "id"),
)

outbox = define_outbox_tables(metadata)
processed_events = define_processed_table(metadata)
