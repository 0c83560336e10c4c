"""Pytest plugin: where Kafka and PostgreSQL are, plus fresh topics and schemas per test.

The addresses come, in order, from the environment (`KAFKA_BOOTSTRAP_SERVERS`,
`DATABASE_URL`), from testcontainers when a Docker engine answers, or from the repository's
own `scripts/infra.py up` (local processes, no Docker). Register it with
`pytest_plugins = ["ticketing_common.testing.infra"]`.
"""

from __future__ import annotations

import asyncio
import os
import shlex
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Iterator
from pathlib import Path
from typing import Protocol
from uuid import uuid4

import pytest
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import for_code
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

DEFAULT_PARTITIONS = 6
INFRA_UP_TIMEOUT_S = 600  # a cold machine downloads the Kafka jars (and maybe PostgreSQL)
KAFKA_IMAGE = "confluentinc/cp-kafka:7.6.0"  # the image testcontainers' KafkaContainer drives
POSTGRES_IMAGE = "postgres:15"
TOPIC_READY_TIMEOUT_S = 30.0


class TopicFactory(Protocol):
    """`await kafka_topic()` creates a fresh topic and returns its name."""

    def __call__(self, partitions: int = DEFAULT_PARTITIONS) -> Awaitable[str]: ...


class SchemaFactory(Protocol):
    """`await pg_schema()` creates a fresh schema and returns its name."""

    def __call__(self) -> Awaitable[str]: ...


def docker_answers() -> bool:
    """True when a Docker engine answers a ping (testcontainers can start containers)."""
    try:
        from testcontainers.core.docker_client import DockerClient

        DockerClient().client.ping()
    except Exception:  # any failure (no socket, no daemon, no package) means "no Docker"
        return False
    return True


def repo_root() -> Path:
    """The workspace root: the nearest folder above holding `uv.lock` and `scripts/infra.py`."""
    for start in (Path.cwd(), Path(__file__).resolve()):
        for folder in (start, *start.parents):
            if (folder / "uv.lock").exists() and (folder / "scripts" / "infra.py").exists():
                return folder
    raise RuntimeError("cannot find the repository root (uv.lock + scripts/infra.py)")


def parse_exports(output: str) -> dict[str, str]:
    """`export KEY=value` lines (as `scripts/infra.py env` prints them) to a dict."""
    found: dict[str, str] = {}
    for line in output.splitlines():
        words = shlex.split(line)
        if len(words) == 2 and words[0] == "export" and "=" in words[1]:
            key, _, value = words[1].partition("=")
            found[key] = value
    return found


def local_infra() -> dict[str, str]:
    """Start (or find running) the local Kafka and PostgreSQL; return their addresses."""
    script = str(repo_root() / "scripts" / "infra.py")
    up = subprocess.run(
        [sys.executable, script, "up"], capture_output=True, text=True, timeout=INFRA_UP_TIMEOUT_S
    )
    if up.returncode != 0:
        raise RuntimeError(f"scripts/infra.py up failed:\n{up.stdout}\n{up.stderr}")
    env = subprocess.run(
        [sys.executable, script, "env"], capture_output=True, text=True, check=True, timeout=60
    )
    return parse_exports(env.stdout)


@pytest.fixture(scope="session")
def _local_infra() -> dict[str, str]:
    return local_infra()


@pytest.fixture(scope="session")
def kafka_bootstrap_servers(request: pytest.FixtureRequest) -> Iterator[str]:
    """Bootstrap servers of a Kafka broker for the whole test session."""
    if from_env := os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
        yield from_env
    elif docker_answers():
        from testcontainers.community.kafka import KafkaContainer

        container = KafkaContainer(KAFKA_IMAGE).with_kraft()
        container.with_env("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0")
        with container:
            yield container.get_bootstrap_server()
    else:
        local: dict[str, str] = request.getfixturevalue("_local_infra")
        yield local["KAFKA_BOOTSTRAP_SERVERS"]


@pytest.fixture(scope="session")
def database_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A SQLAlchemy async URL (`postgresql+asyncpg://...`) for the whole test session."""
    if from_env := os.environ.get("DATABASE_URL"):
        yield from_env
    elif docker_answers():
        from testcontainers.community.postgres import PostgresContainer

        with PostgresContainer(
            POSTGRES_IMAGE,
            username="ticketing",
            password="ticketing",
            dbname="ticketing",
            driver="asyncpg",
        ) as postgres:
            yield postgres.get_connection_url()
    else:
        local: dict[str, str] = request.getfixturevalue("_local_infra")
        yield local["DATABASE_URL"]


async def _create_topic(admin: AIOKafkaAdminClient, name: str, partitions: int) -> None:
    new = NewTopic(name=name, num_partitions=partitions, replication_factor=1)
    response = await admin.create_topics([new], timeout_ms=15000)
    for topic, code, *details in response.topic_errors:
        if code != 0:
            raise RuntimeError(f"creating topic {topic}: {for_code(code).__name__} {details}")
    await _wait_for_leaders(admin, name, partitions)


async def _wait_for_leaders(admin: AIOKafkaAdminClient, name: str, partitions: int) -> None:
    """Poll metadata until every partition has a leader, so clients never see a half topic."""
    deadline = time.monotonic() + TOPIC_READY_TIMEOUT_S
    while True:
        (described,) = await admin.describe_topics([name])
        led = [p for p in described["partitions"] if p["leader"] >= 0]
        if described["error_code"] == 0 and len(led) == partitions:
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"topic {name}: {len(led)}/{partitions} partitions have a leader")
        await asyncio.sleep(0.05)


@pytest.fixture
async def kafka_topic(kafka_bootstrap_servers: str) -> AsyncIterator[TopicFactory]:
    """Factory of fresh, uniquely named topics (replication factor 1), deleted afterwards."""
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap_servers)
    await admin.start()
    created: list[str] = []

    async def make(partitions: int = DEFAULT_PARTITIONS) -> str:
        name = f"test-{uuid4().hex[:12]}"
        await _create_topic(admin, name, partitions)
        created.append(name)
        return name

    try:
        yield make
        if created:
            await admin.delete_topics(created)
    finally:
        await admin.close()


@pytest.fixture
async def pg_schema(database_url: str) -> AsyncIterator[SchemaFactory]:
    """Factory of fresh, randomly named schemas, dropped with CASCADE afterwards."""
    engine = create_async_engine(database_url, pool_size=1)
    created: list[str] = []

    async def make() -> str:
        name = f"t_{uuid4().hex[:12]}"
        async with engine.begin() as connection:
            await connection.execute(text(f'CREATE SCHEMA "{name}"'))
        created.append(name)
        return name

    try:
        yield make
        async with engine.begin() as connection:
            for name in created:
                await connection.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
    finally:
        await engine.dispose()
