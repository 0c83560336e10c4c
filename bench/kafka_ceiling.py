"""Kafka ceiling on this machine: raw aiokafka produce -> consume throughput and latency.

Each run creates a fresh 6-partition topic, starts a consumer in its own group, then
1. blasts N ~1 KB CloudEvents through an idempotent producer (throughput, and latency under
   saturation, which is mostly queueing), and
2. sends a paced stream at a moderate rate (single-hop latency when the pipe is not full).
Latency = consumer receive time - producer send time (same process, monotonic clock, ns header).
Usage: uv run python bench/kafka_ceiling.py [--messages 20000] [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from ticketing_common.envelope import CloudEvent, KafkaRecord, schema_urn, to_record

PARTITIONS = 6  # as ticket-events
TICKETS = 5000
SENT_HEADER = "bench-sent-ns"
RESULT_FILE = Path(__file__).parent / "results" / "kafka_ceiling.json"


@dataclass(frozen=True)
class Latency:
    p50_ms: float
    p99_ms: float


@dataclass(frozen=True)
class RunResult:
    messages: int
    seconds: float
    messages_per_s: float
    value_bytes: int
    saturated: Latency
    paced: Latency


def build_records(count: int) -> list[KafkaRecord]:
    """~1 KB structured CloudEvents keyed over many ticket ids (built before timing)."""
    now = datetime.now(UTC)
    return [
        to_record(
            CloudEvent(
                id=uuid4(),
                source="/bench/kafka-ceiling",
                type="ticket.message_added",
                subject=f"TCK-{i % TICKETS:06d}",
                time=now,
                dataschema=schema_urn("ticket.message_added", 1),
                customerid=f"CUST-{i % 97:04d}",
                correlationid=str(uuid4()),
                sequence=i // TICKETS + 1,
                data={"author": "customer", "body": "Сервер не отвечает после обновления. " * 9},
            ),
            traceparent=f"00-{uuid4().hex}-{uuid4().hex[:16]}-01",
        )
        for i in range(count)
    ]


def percentiles(samples_ns: list[int]) -> Latency:
    """p50 and p99 in milliseconds."""
    cuts = statistics.quantiles(samples_ns, n=100, method="inclusive")
    return Latency(p50_ms=round(cuts[49] / 1e6, 2), p99_ms=round(cuts[98] / 1e6, 2))


class Receiver:
    """Consumes the topic and records each record's single-hop latency."""

    def __init__(self, consumer: AIOKafkaConsumer) -> None:
        self.consumer = consumer
        self.latencies_ns: list[int] = []
        self.last_receive_ns = 0

    async def until(self, total: int, *, deadline_s: float) -> None:
        """Consume until `total` records arrived in all, or fail after the deadline."""
        async with asyncio.timeout(deadline_s):
            while len(self.latencies_ns) < total:
                batches = await self.consumer.getmany(timeout_ms=100, max_records=5000)
                now = time.perf_counter_ns()
                for records in batches.values():
                    stamped = (_sent_ns(r.headers) for r in records)
                    self.latencies_ns.extend(now - sent for sent in stamped if sent)
                if batches:
                    self.last_receive_ns = now


def _sent_ns(headers: Sequence[tuple[str, bytes]]) -> int:
    """The send stamp; 0 for warm-up records, which carry none."""
    return next((int(v) for k, v in headers if k == SENT_HEADER), 0)


async def warm_up(producer: AIOKafkaProducer, topic: str) -> None:
    """One unstamped record per partition, so leader elections are over before timing."""
    deliveries = [await producer.send(topic, b"warm-up", partition=p) for p in range(PARTITIONS)]
    await asyncio.gather(*deliveries)


async def send(
    producer: AIOKafkaProducer, topic: str, record: KafkaRecord
) -> asyncio.Future[object]:
    """Queue one record stamped with its send time; returns the delivery future."""
    headers = [*record.headers, (SENT_HEADER, str(time.perf_counter_ns()).encode())]
    delivery: asyncio.Future[object] = await producer.send(
        topic, key=record.key, value=record.value, headers=headers
    )
    return delivery


async def blast(producer: AIOKafkaProducer, topic: str, records: list[KafkaRecord]) -> None:
    """Send everything as fast as the producer accepts it, printing progress."""
    step = max(len(records) // 5, 1)
    futures = []
    for i, record in enumerate(records, 1):
        futures.append(await send(producer, topic, record))
        if i % step == 0:
            print(f"    sent {i}/{len(records)}", flush=True)
    await asyncio.gather(*futures)


async def paced(
    producer: AIOKafkaProducer, topic: str, records: list[KafkaRecord], rate: int
) -> None:
    """Send at `rate` records/s so the latency is not queueing behind a full pipe."""
    start = time.perf_counter()
    futures = []
    for i, record in enumerate(records):
        delay = start + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        futures.append(await send(producer, topic, record))
    await asyncio.gather(*futures)


async def fresh_topic(bootstrap: str) -> str:
    """A new topic with the partition count of ticket-events."""
    name = f"bench-ceiling-{uuid4().hex[:8]}"
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(name, num_partitions=PARTITIONS, replication_factor=1)])
        async with asyncio.timeout(30):  # every partition led before clients use it
            while True:
                if await _all_led(admin, name):
                    break
                await asyncio.sleep(0.05)
    finally:
        await admin.close()
    return name


async def drop_topic(bootstrap: str, topic: str) -> None:
    """Delete the run's topic so repeated benchmarks leave nothing behind."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.delete_topics([topic])
    finally:
        await admin.close()


async def _all_led(admin: AIOKafkaAdminClient, topic: str) -> bool:
    (described,) = await admin.describe_topics([topic])
    led: int = sum(p["leader"] >= 0 for p in described["partitions"])
    return led == PARTITIONS


async def assigned(consumer: AIOKafkaConsumer, *, deadline_s: float = 30) -> None:
    """Wait until the group gave this consumer all partitions."""
    async with asyncio.timeout(deadline_s):
        while len(consumer.assignment()) < PARTITIONS:
            await consumer.getmany(timeout_ms=100)


async def run_once(
    bootstrap: str, records: list[KafkaRecord], paced_count: int, rate: int
) -> RunResult:
    """One measured run on a fresh topic."""
    topic = await fresh_topic(bootstrap)
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=f"bench-{uuid4().hex[:8]}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True, acks="all")
    await asyncio.gather(consumer.start(), producer.start())
    try:
        await asyncio.gather(assigned(consumer), warm_up(producer, topic))
        receiver = Receiver(consumer)
        started = time.perf_counter_ns()
        receiving = asyncio.create_task(receiver.until(len(records), deadline_s=300))
        await blast(producer, topic, records)
        await receiving
        seconds = (receiver.last_receive_ns - started) / 1e9
        saturated = percentiles(receiver.latencies_ns)
        receiver.latencies_ns.clear()
        receiving = asyncio.create_task(receiver.until(paced_count, deadline_s=120))
        await paced(producer, topic, records[:paced_count], rate)
        await receiving
        steady = percentiles(receiver.latencies_ns)
    finally:
        await asyncio.gather(consumer.stop(), producer.stop())
        await drop_topic(bootstrap, topic)
    return RunResult(
        messages=len(records),
        seconds=round(seconds, 3),
        messages_per_s=round(len(records) / seconds),
        value_bytes=len(records[0].value),
        saturated=saturated,
        paced=steady,
    )


def summarize(runs: list[RunResult], *, bootstrap: str, rate: int) -> dict[str, object]:
    """Medians over the runs plus every run, as written to the JSON file."""
    return {
        "bootstrap_servers": bootstrap,
        "partitions": PARTITIONS,
        "paced_rate_per_s": rate,
        "median_messages_per_s": statistics.median(r.messages_per_s for r in runs),
        "median_saturated_p50_ms": statistics.median(r.saturated.p50_ms for r in runs),
        "median_saturated_p99_ms": statistics.median(r.saturated.p99_ms for r in runs),
        "median_paced_p50_ms": statistics.median(r.paced.p50_ms for r in runs),
        "median_paced_p99_ms": statistics.median(r.paced.p99_ms for r in runs),
        "runs": [asdict(r) for r in runs],
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
    }


async def main(args: argparse.Namespace) -> None:
    """Run the benchmark and report the medians."""
    bootstrap = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
    records = build_records(args.messages)
    print(
        f"{args.runs} runs x {args.messages} messages of {len(records[0].value)} B -> {bootstrap}"
    )
    runs = []
    for n in range(1, args.runs + 1):
        print(f"  run {n}", flush=True)
        result = await run_once(bootstrap, records, args.paced_messages, args.paced_rate)
        print(
            f"    {result.messages_per_s} msg/s; saturated p50/p99 {result.saturated.p50_ms}/"
            f"{result.saturated.p99_ms} ms; paced p50/p99 {result.paced.p50_ms}/"
            f"{result.paced.p99_ms} ms"
        )
        runs.append(result)
    summary = summarize(runs, bootstrap=bootstrap, rate=args.paced_rate)
    RESULT_FILE.parent.mkdir(parents=True, exist_ok=True)
    RESULT_FILE.write_text(json.dumps(summary, indent=2) + "\n")
    print(json.dumps({k: v for k, v in summary.items() if k.startswith("median")}, indent=2))
    print(f"written to {RESULT_FILE}")


def parse_args() -> argparse.Namespace:
    """Command-line flags."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=20000, help="messages per run (blast)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--paced-messages", type=int, default=2000)
    parser.add_argument("--paced-rate", type=int, default=1000, help="msgs/s of the paced phase")
    return parser.parse_args()


if __name__ == "__main__":
    asyncio.run(main(parse_args()))
