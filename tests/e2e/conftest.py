"""The whole system as separate processes (scripts/stack.py) on a fresh topic and spare ports."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from uuid import uuid4

import pytest

from ticketing_common.testing.fixtures import create_topics
from ticketing_common.testing.infra import repo_root

PORT_OFFSET = 100
PORTS = {"intake": 8001, "triage": 8002, "sla-timer": 8003, "escalation": 8004, "reporting": 8005}


@dataclass(frozen=True)
class Stack:
    """Where the running system listens, and its topic."""

    urls: dict[str, str]
    topic: str
    bootstrap_servers: str


@pytest.fixture(scope="session")
def stack(kafka_bootstrap_servers: str, database_url: str) -> Iterator[Stack]:
    """Migrate and start every role of every service; stop them all afterwards."""
    topic = f"e2e-{uuid4().hex[:8]}"
    asyncio.run(create_topics(kafka_bootstrap_servers, topic, f"{topic}.dlq"))
    env = {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap_servers,
        "DATABASE_URL": database_url,
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "scripts/stack.py",
            "--port-offset",
            str(PORT_OFFSET),
            "--topic",
            topic,
            "--group-suffix",
            topic,
            "--ready-timeout",
            "180",
        ],
        cwd=repo_root(),
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    assert process.stdout is not None
    output = []
    for line in process.stdout:  # stack.py enforces the readiness deadline itself
        output.append(line)
        if line.startswith("STACK READY"):
            break
    else:
        pytest.fail(f"the stack did not start:\n{''.join(output)}")
    try:
        yield Stack(
            urls={name: f"http://127.0.0.1:{port + PORT_OFFSET}" for name, port in PORTS.items()},
            topic=topic,
            bootstrap_servers=kafka_bootstrap_servers,
        )
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
