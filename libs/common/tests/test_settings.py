"""ServiceSettings: environment parsing, shared unprefixed variables, derived defaults."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError
from pydantic_settings import SettingsConfigDict

from ticketing_common.settings import DEFAULT_DATABASE_URL, ServiceSettings

SHARED_VARIABLES = (
    "DATABASE_URL",
    "KAFKA_BOOTSTRAP_SERVERS",
    "TICKET_EVENTS_TOPIC",
    "DEAD_LETTER_TOPIC",
    "CONTRACTS_PATH",
    "LOG_LEVEL",
    "OTEL_EXPORTER_OTLP_ENDPOINT",
    "HTTP_PORT",
    "INTAKE_HTTP_PORT",
    "INTAKE_CONSUMER_GROUP",
)


class IntakeSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="INTAKE_")

    service_name: str = "intake"
    db_schema: str = "intake"
    http_port: int = 8001


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in SHARED_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def test_defaults_match_the_conventions() -> None:
    settings = IntakeSettings()

    assert settings.database_url == DEFAULT_DATABASE_URL
    assert settings.kafka_bootstrap_servers == "127.0.0.1:9092"
    assert settings.ticket_events_topic == "ticket-events"
    assert settings.dead_letter_topic == "ticket-events.dlq"
    assert settings.contracts_path == Path("config/contracts.yaml")
    assert settings.log_level == "INFO"
    assert settings.otel_exporter_otlp_endpoint is None
    assert settings.http_port == 8001
    assert settings.consumer_group == "ticketing-intake"


def test_shared_variables_are_read_unprefixed_by_a_prefixed_subclass(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://u:p@db:5432/x")
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "k1:9092, k2:9092")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318")
    monkeypatch.setenv("LOG_LEVEL", "debug")
    monkeypatch.setenv("CONTRACTS_PATH", "/etc/ticketing/contracts.yaml")

    settings = IntakeSettings()

    assert settings.database_url == "postgresql+asyncpg://u:p@db:5432/x"
    assert settings.kafka_bootstrap_list == ["k1:9092", "k2:9092"]
    assert settings.otel_exporter_otlp_endpoint == "http://collector:4318"
    assert settings.log_level == "DEBUG"
    assert settings.contracts_path == Path("/etc/ticketing/contracts.yaml")


def test_service_specific_fields_follow_the_subclass_prefix(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HTTP_PORT", "1111")
    monkeypatch.setenv("INTAKE_HTTP_PORT", "9001")
    monkeypatch.setenv("INTAKE_CONSUMER_GROUP", "intake-replay")

    settings = IntakeSettings()

    assert settings.http_port == 9001
    assert settings.consumer_group == "intake-replay"


def test_environment_is_read_when_instantiated_not_at_import(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = IntakeSettings()
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "later:9092")

    assert before.kafka_bootstrap_servers == "127.0.0.1:9092"
    assert IntakeSettings().kafka_bootstrap_servers == "later:9092"


def test_keyword_arguments_use_field_names() -> None:
    settings = ServiceSettings(
        service_name="triage", db_schema="triage", database_url="postgresql://x/y"
    )

    assert settings.database_url == "postgresql://x/y"
    assert settings.consumer_group == "ticketing-triage"


def test_blank_otlp_endpoint_means_no_export(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "  ")

    assert IntakeSettings().otel_exporter_otlp_endpoint is None


@pytest.mark.parametrize(
    ("field", "value"),
    [("db_schema", "Intake; DROP"), ("log_level", "chatty"), ("http_port", "0")],
)
def test_invalid_values_are_rejected(field: str, value: str) -> None:
    with pytest.raises(ValidationError, match=field):
        IntakeSettings(**{field: value})


def test_repr_hides_the_database_url_with_its_password() -> None:
    settings = IntakeSettings(database_url="postgresql+asyncpg://u:hunter2@db/x")

    assert "hunter2" not in repr(settings)
