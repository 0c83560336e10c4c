"""Settings every service shares, read from environment variables when instantiated.

Nothing is read at import time: a service builds `MySettings()` in its composition root, and
tests build it with keyword arguments. The infrastructure addresses and other values shared by
all services (`DATABASE_URL`, `KAFKA_BOOTSTRAP_SERVERS`, `OTEL_EXPORTER_OTLP_ENDPOINT`, ...)
are read from their unprefixed names even when a subclass sets an `env_prefix`; the
service-specific fields (`service_name`, `db_schema`, `http_host`, `http_port`,
`consumer_group`) follow the subclass's prefix, e.g. `INTAKE_HTTP_PORT`.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from pydantic import AliasChoices, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "postgresql+asyncpg://ticketing:ticketing@127.0.0.1:5432/ticketing"
DEFAULT_KAFKA_BOOTSTRAP_SERVERS = "127.0.0.1:9092"

_SQL_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def _shared(env_name: str) -> AliasChoices:
    """Alias that reads one shared variable unprefixed, and still accepts the field name."""
    return AliasChoices(env_name, env_name.lower())


def validate_schema_name(schema: str) -> str:
    """Return `schema` if it is a plain lower-case PostgreSQL identifier, else raise ValueError."""
    if not _SQL_IDENTIFIER.fullmatch(schema):
        raise ValueError(
            f"schema name {schema!r} must be lower-case letters, digits and underscores"
        )
    return schema


class ServiceSettings(BaseSettings):
    """Base settings of a ticketing service; subclass it and set `service_name`/`db_schema`."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True, validate_default=True)

    service_name: str
    db_schema: str = Field(description="The service's own PostgreSQL schema")
    database_url: str = Field(
        default=DEFAULT_DATABASE_URL,
        validation_alias=_shared("DATABASE_URL"),
        repr=False,  # carries the password; settings get logged at startup
    )
    kafka_bootstrap_servers: str = Field(
        default=DEFAULT_KAFKA_BOOTSTRAP_SERVERS,
        validation_alias=_shared("KAFKA_BOOTSTRAP_SERVERS"),
    )
    ticket_events_topic: str = Field(
        default="ticket-events", validation_alias=_shared("TICKET_EVENTS_TOPIC")
    )
    dead_letter_topic: str = Field(
        default="ticket-events.dlq", validation_alias=_shared("DEAD_LETTER_TOPIC")
    )
    contracts_path: Path = Field(
        default=Path("config/contracts.yaml"), validation_alias=_shared("CONTRACTS_PATH")
    )
    log_level: str = Field(default="INFO", validation_alias=_shared("LOG_LEVEL"))
    otel_exporter_otlp_endpoint: str | None = Field(
        default=None, validation_alias=_shared("OTEL_EXPORTER_OTLP_ENDPOINT")
    )
    http_host: str = "0.0.0.0"  # listen on all interfaces inside the pod
    http_port: int = 8000
    metrics_port: int | None = Field(
        default=None,
        validation_alias=_shared("METRICS_PORT"),
        ge=1,
        le=65535,
        description="Where a worker role (consumer, relay, timer) serves Prometheus metrics",
    )
    consumer_group: str = Field(
        default="", description="Kafka consumer group; defaults to `ticketing-<service_name>`"
    )

    @field_validator("db_schema")
    @classmethod
    def _schema_is_identifier(cls, value: str) -> str:
        return validate_schema_name(value)

    @field_validator("http_port")
    @classmethod
    def _valid_port(cls, value: int) -> int:
        # A validator, not Field(ge=...): subclasses redeclare the field with their own default.
        if not 1 <= value <= 65535:
            raise ValueError(f"port {value} is outside 1-65535")
        return value

    @field_validator("log_level")
    @classmethod
    def _known_log_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in logging.getLevelNamesMapping():
            raise ValueError(f"unknown log level {value!r}")
        return level

    @field_validator("otel_exporter_otlp_endpoint")
    @classmethod
    def _blank_endpoint_is_none(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None

    @model_validator(mode="after")
    def _derive_consumer_group(self) -> ServiceSettings:
        if not self.consumer_group:
            self.consumer_group = f"ticketing-{self.service_name}"
        return self

    @property
    def kafka_bootstrap_list(self) -> list[str]:
        """`kafka_bootstrap_servers` split on commas, as aiokafka accepts it."""
        return [s.strip() for s in self.kafka_bootstrap_servers.split(",") if s.strip()]
