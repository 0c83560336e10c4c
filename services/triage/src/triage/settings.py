"""Triage settings (environment variables; shared ones such as DATABASE_URL unprefixed)."""

from pydantic_settings import SettingsConfigDict

from ticketing_common.settings import ServiceSettings


class TriageSettings(ServiceSettings):
    """Settings of the triage service; service-specific variables start with TRIAGE_."""

    model_config = SettingsConfigDict(env_prefix="TRIAGE_", extra="ignore", populate_by_name=True)

    service_name: str = "triage"
    db_schema: str = "triage"
    http_port: int = 8002
