"""Shared event schema and plumbing for the ticketing services."""
