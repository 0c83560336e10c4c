"""Sla-timer settings (environment variables; shared ones such as DATABASE_URL unprefixed)."""

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from ticketing_common.settings import ServiceSettings


class SlaTimerSettings(ServiceSettings):
    """Settings of the sla-timer service; service-specific variables start with SLA_TIMER_."""

    model_config = SettingsConfigDict(
        env_prefix="SLA_TIMER_", extra="ignore", populate_by_name=True
    )

    service_name: str = "sla-timer"
    db_schema: str = "sla"
    http_port: int = 8003
    timer_interval_seconds: float = Field(
        default=0.5, gt=0, description="Pause between timer-loop rounds that found little to do"
    )
    timer_batch: int = Field(default=100, ge=1, description="Due timers claimed per round")
