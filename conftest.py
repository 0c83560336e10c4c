"""Root conftest: infrastructure fixtures (Kafka, PostgreSQL) shared by every test tier."""

pytest_plugins = [
    "ticketing_common.testing.infra",
    "ticketing_common.testing.fixtures",
]
