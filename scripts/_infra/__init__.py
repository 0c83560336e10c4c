"""Local infrastructure without Docker: Kafka (KRaft, one node) and PostgreSQL."""
