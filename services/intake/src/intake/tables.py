"""Intake's tables, all in the `intake` schema."""

from sqlalchemy import Column, DateTime, ForeignKey, Index, Table, Text

from ticketing_common.consumer import define_processed_table
from ticketing_common.db import service_metadata
from ticketing_common.outbox import define_outbox_tables

SCHEMA = "intake"
metadata = service_metadata(SCHEMA)

tickets = Table(
    "tickets",
    metadata,
    Column("id", Text, primary_key=True),
    Column("customer_id", Text, nullable=False, index=True),
    Column("contract_version", Text, nullable=False),
    Column("channel", Text, nullable=False),
    Column("subject", Text),
    Column("contact", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("first_response_at", DateTime(timezone=True)),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

messages = Table(
    "messages",
    metadata,
    Column("id", Text, primary_key=True),
    Column("ticket_id", Text, ForeignKey(f"{SCHEMA}.tickets.id"), nullable=False),
    Column("author", Text, nullable=False),
    Column("author_name", Text),
    Column("channel", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("sent_at", DateTime(timezone=True), nullable=False),
    Index("ix_messages_ticket_sent", "ticket_id", "sent_at"),
)

outbox = define_outbox_tables(metadata)
processed_events = define_processed_table(metadata)
