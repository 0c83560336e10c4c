"""Talking to the broker with aiokafka: readiness (a real metadata request) and topics."""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from collections.abc import Callable, Coroutine
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError, TopicAlreadyExistsError, for_code

from _infra.procs import InfraError


def run(coro: Coroutine[Any, Any, None]) -> None:
    """Run one admin coroutine to completion."""
    asyncio.run(coro)


async def _describe_cluster(bootstrap: str) -> int:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=5000)
    try:
        await admin.start()
        cluster = await admin.describe_cluster()
        return len(cluster.get("brokers", []))
    finally:
        await admin.close()


async def wait_ready(bootstrap: str, *, alive: Callable[[], bool], deadline_s: float) -> None:
    """Retry a metadata request until the broker lists itself; fail after the deadline."""
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)  # refused connections are expected
    start = time.monotonic()
    last_error: Exception | None = None
    while (elapsed := time.monotonic() - start) < deadline_s:
        if not alive():
            raise InfraError("the broker process exited")
        try:
            if await _describe_cluster(bootstrap) > 0:
                print(f"  metadata answered after {elapsed:.1f} s", file=sys.stderr, flush=True)
                return
        except (KafkaError, OSError, TimeoutError) as err:
            last_error = err
        print(".", end="", file=sys.stderr, flush=True)
        await asyncio.sleep(0.5)
    raise InfraError(f"no metadata after {deadline_s:.0f} s (last error: {last_error!r})")


async def ensure_topics(bootstrap: str, topics: tuple[str, ...], partitions: int) -> None:
    """Create the missing topics (replication factor 1); existing ones are left as they are."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=15000)
    await admin.start()
    try:
        missing = [t for t in topics if t not in set(await admin.list_topics())]
        if not missing:
            return
        new = [NewTopic(name, num_partitions=partitions, replication_factor=1) for name in missing]
        response = await admin.create_topics(new, timeout_ms=15000)
        for topic, code, *rest in response.topic_errors:
            error = for_code(code)
            if code != 0 and error is not TopicAlreadyExistsError:
                raise InfraError(f"creating topic {topic} failed: {error.__name__} {rest}")
    finally:
        await admin.close()
