"""Broker control for fault tests: stop and start the project's own local Kafka."""

from __future__ import annotations

import asyncio
import os
import subprocess
from dataclasses import dataclass

import pytest

from ticketing_common.testing.infra import docker_answers, repo_root


@dataclass(frozen=True)
class LocalBroker:
    """Stops and starts the Kafka broker that `scripts/infra.py` runs on this machine."""

    async def stop(self) -> None:
        """Stop the broker process (controlled shutdown), keeping its data."""
        await asyncio.to_thread(_infra, "down", "--only", "kafka")

    async def start(self) -> None:
        """Start it again and wait until it answers metadata requests."""
        await asyncio.to_thread(_infra, "up", "--only", "kafka")


def _infra(*args: str) -> None:
    subprocess.run(
        ["uv", "run", "--frozen", "python", "scripts/infra.py", *args],
        cwd=repo_root(),
        check=True,
    )


@pytest.fixture
def local_broker(kafka_bootstrap_servers: str) -> LocalBroker:
    """The local broker, when this run owns it; such tests cannot stop a shared cluster."""
    owned = os.environ.get("TICKETING_INFRA") == "local" or (
        "KAFKA_BOOTSTRAP_SERVERS" not in os.environ and not docker_answers()
    )
    if not owned:
        pytest.skip(
            "the broker at KAFKA_BOOTSTRAP_SERVERS is not run by scripts/infra.py; "
            "set TICKETING_INFRA=local when it is"
        )
    return LocalBroker()
