"""Escalation settings (environment variables; shared ones such as DATABASE_URL unprefixed)."""

from pydantic_settings import SettingsConfigDict

from ticketing_common.settings import ServiceSettings


class EscalationSettings(ServiceSettings):
    """Settings of the escalation service; service-specific variables start with ESCALATION_."""

    model_config = SettingsConfigDict(
        env_prefix="ESCALATION_", extra="ignore", populate_by_name=True
    )

    service_name: str = "escalation"
    db_schema: str = "escalation"
    http_port: int = 8004
