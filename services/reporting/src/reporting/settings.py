"""Reporting settings (environment variables; shared ones such as DATABASE_URL unprefixed)."""

from pydantic_settings import SettingsConfigDict

from ticketing_common.settings import ServiceSettings


class ReportingSettings(ServiceSettings):
    """Settings of the reporting service; service-specific variables start with REPORTING_."""

    model_config = SettingsConfigDict(
        env_prefix="REPORTING_", extra="ignore", populate_by_name=True
    )

    service_name: str = "reporting"
    db_schema: str = "reporting"
    http_port: int = 8005
