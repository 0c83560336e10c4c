"""Where things live and which ports they use, read from the environment when asked."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_TOPIC = "ticket-events"
TOPIC_PARTITIONS = 6


@dataclass(frozen=True, slots=True)
class Settings:
    """Paths, ports and names of the local infrastructure."""

    cache_dir: Path
    state_dir: Path
    kafka_port: int
    kafka_controller_port: int
    pg_port: int
    external_database_url: str | None
    topic: str

    @property
    def kafka_dir(self) -> Path:
        return self.state_dir / "kafka"

    @property
    def postgres_dir(self) -> Path:
        return self.state_dir / "postgres"

    @property
    def kafka_libs(self) -> Path:
        return self.cache_dir / "kafka" / "libs"

    @property
    def bootstrap_servers(self) -> str:
        return f"127.0.0.1:{self.kafka_port}"

    @property
    def local_database_url(self) -> str:
        return f"postgresql+asyncpg://ticketing:ticketing@127.0.0.1:{self.pg_port}/ticketing"

    @property
    def topics(self) -> tuple[str, str]:
        return (self.topic, f"{self.topic}.dlq")


def load_settings() -> Settings:
    """Build the settings from the environment (defaults: 9092/9093/5432, `.cache`, `.infra`)."""
    env = os.environ
    return Settings(
        cache_dir=Path(env.get("TICKETING_CACHE_DIR", REPO_ROOT / ".cache")).resolve(),
        state_dir=REPO_ROOT / ".infra",
        kafka_port=int(env.get("KAFKA_PORT", "9092")),
        kafka_controller_port=int(env.get("KAFKA_CONTROLLER_PORT", "9093")),
        pg_port=int(env.get("PGPORT_TICKETING", "5432")),
        external_database_url=env.get("DATABASE_URL") or None,
        topic=env.get("TICKET_EVENTS_TOPIC", DEFAULT_TOPIC),
    )
