"""Intake settings (environment variables; shared ones such as DATABASE_URL unprefixed)."""

from pydantic_settings import SettingsConfigDict

from ticketing_common.settings import ServiceSettings


class IntakeSettings(ServiceSettings):
    """Settings of the intake service; service-specific variables start with INTAKE_."""

    model_config = SettingsConfigDict(env_prefix="INTAKE_", extra="ignore", populate_by_name=True)

    service_name: str = "intake"
    db_schema: str = "intake"
    http_port: int = 8001
