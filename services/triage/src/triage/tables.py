"""Triage's tables, all in the `triage` schema."""

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    Table,
    Text,
)
from sqlalchemy.dialects.postgresql import JSONB

from ticketing_common.consumer import define_processed_table
from ticketing_common.db import service_metadata
from ticketing_common.outbox import define_outbox_tables

SCHEMA = "triage"
metadata = service_metadata(SCHEMA)

# The request as `ticket.created` brought it: the rules' input, kept so that a manual override
# can derive line and priority from the same words.
requests = Table(
    "requests",
    metadata,
    Column("ticket_id", Text, primary_key=True),
    Column("customer_id", Text, nullable=False, index=True),
    Column("contract_version", Text, nullable=False),
    Column("channel", Text, nullable=False),
    Column("subject", Text),
    Column("body", Text, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
)

# The classification in force, one row per ticket; request_class NULL means non-core.
classifications = Table(
    "classifications",
    metadata,
    Column("ticket_id", Text, ForeignKey(f"{SCHEMA}.requests.ticket_id"), primary_key=True),
    Column("customer_id", Text, nullable=False),
    Column("contract_version", Text, nullable=False),
    Column("request_class", Integer),
    Column("line", Integer, nullable=False),
    Column("priority", Text, nullable=False),
    Column("reasons", JSONB, nullable=False),
    Column("language", Text, nullable=False),
    Column("rule_set_version", Text, nullable=False),
    Column("source", Text, nullable=False),
    Column("classified_at", DateTime(timezone=True), nullable=False),
)

# Every decision ever made about a ticket, automatic or manual, oldest first by id.
decisions = Table(
    "decisions",
    metadata,
    Column("id", BigInteger, Identity(always=True), primary_key=True),
    Column("ticket_id", Text, ForeignKey(f"{SCHEMA}.requests.ticket_id"), nullable=False),
    Column("request_class", Integer),
    Column("line", Integer, nullable=False),
    Column("priority", Text, nullable=False),
    Column("reasons", JSONB, nullable=False),
    Column("rule_set_version", Text, nullable=False),
    Column("source", Text, nullable=False),
    Column("actor", Text),
    Column("reason", Text),
    Column("decided_at", DateTime(timezone=True), nullable=False),
    Index("ix_decisions_ticket_id_id", "ticket_id", "id"),
)

outbox = define_outbox_tables(metadata)
processed_events = define_processed_table(metadata)
