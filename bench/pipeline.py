"""End-to-end pipeline latency and throughput, against a Kafka baseline measured in the same run.

Starts the whole stack (scripts/stack.py) on a fresh topic and spare ports, posts tickets to
intake at each requested rate, and watches the topic for each ticket's `ticket.triaged` and
first `sla.armed`. Latency = wall-clock time the event is seen on the topic - intake's
`received_at` (its commit time), both on this machine, so a busy benchmark client cannot
delay "accepted". Sustained tickets/s = tickets armed / (last armed - first accepted). The
baseline is one raw aiokafka run of bench/kafka_ceiling.py in this same run.
Usage: uv run python bench/pipeline.py [--rates 10,25,50] [--seconds 15]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from uuid import uuid4

import httpx
from aiokafka import AIOKafkaConsumer

sys.path.insert(0, str(Path(__file__).parent))
import kafka_ceiling

from ticketing_common.envelope import from_value

ROOT = Path(__file__).resolve().parents[1]
RESULT_FILE = Path(__file__).parent / "results" / "pipeline.json"
PORT_OFFSET = 200
BODIES = (
    "Every page of the shop returns error 500 since the last release.",
    "Checkout takes 40 seconds and customers abandon their carts.",
    "Подскажите, как выгрузить список заказов за прошлый месяц?",
    "На сайте взломали админку и разместили вредоносный код, нужна помощь.",
)


@dataclass
class Watch:
    """When each ticket was accepted, triaged and armed (wall-clock seconds, one machine)."""

    accepted: dict[str, float] = field(default_factory=dict)
    triaged: dict[str, float] = field(default_factory=dict)
    armed: dict[str, float] = field(default_factory=dict)


async def watch_topic(consumer: AIOKafkaConsumer, watch: Watch, stop: asyncio.Event) -> None:
    """Record the first time each ticket's triaged and armed events are seen."""
    while not stop.is_set():
        for records in (await consumer.getmany(timeout_ms=100)).values():
            now = time.time()  # wall clock, comparable with intake's received_at
            for record in records:
                event = from_value(record.value)
                if event.type == "ticket.triaged":
                    watch.triaged.setdefault(event.subject, now)
                elif event.type == "sla.armed":
                    watch.armed.setdefault(event.subject, now)


async def post_at_rate(client: httpx.AsyncClient, watch: Watch, rate: int, seconds: float) -> None:
    """Post `rate` tickets per second for `seconds`, never waiting on earlier answers."""
    total = int(rate * seconds)
    started = time.monotonic()
    pending = set()
    for n in range(total):
        await asyncio.sleep(max(0.0, started + n / rate - time.monotonic()))
        pending.add(asyncio.create_task(post_one(client, watch, n)))
        if n % max(1, rate) == 0:
            print(f"    posted {n}/{total}", end="\r", flush=True)
    await asyncio.gather(*pending)
    print(f"    posted {total}/{total}", flush=True)


async def post_one(client: httpx.AsyncClient, watch: Watch, n: int) -> None:
    """One ticket; its acceptance time is when intake answered 201."""
    response = await client.post(
        "/tickets",
        json={
            "customer": "acme-shop",
            "channel": "email",
            "subject": f"bench {n}",
            "body": BODIES[n % len(BODIES)],
            "contact": f"bench-{n}@example.test",
        },
    )
    response.raise_for_status()
    ticket = response.json()
    # Intake's own commit time, so a busy benchmark client does not delay "accepted".
    watch.accepted[ticket["id"]] = datetime.fromisoformat(ticket["received_at"]).timestamp()


def latencies_ms(watch: Watch, seen: dict[str, float]) -> dict[str, float | None]:
    """p50 and p99 of seen - accepted over the tickets seen."""
    samples = sorted((seen[t] - a) * 1000 for t, a in watch.accepted.items() if t in seen)
    if not samples:
        return {"p50_ms": None, "p99_ms": None}
    return {
        "p50_ms": round(statistics.median(samples), 1),
        "p99_ms": round(samples[min(len(samples) - 1, int(len(samples) * 0.99))], 1),
    }


async def measure_rate(bootstrap: str, topic: str, rate: int, seconds: float) -> dict[str, object]:
    """One rate: post, wait until every ticket is armed (or a deadline), summarise."""
    watch, stop = Watch(), asyncio.Event()
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=f"bench-{uuid4().hex[:8]}",
        auto_offset_reset="latest",
        enable_auto_commit=False,
    )
    await consumer.start()
    await kafka_ceiling.assigned(consumer)
    watching = asyncio.create_task(watch_topic(consumer, watch, stop))
    base = f"http://127.0.0.1:{8001 + PORT_OFFSET}"
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        await post_at_rate(client, watch, rate, seconds)
    deadline = time.monotonic() + 120
    while len(watch.armed.keys() & watch.accepted.keys()) < len(watch.accepted):
        if time.monotonic() > deadline:
            break
        await asyncio.sleep(0.2)
    stop.set()
    await watching
    await consumer.stop()
    armed = [watch.armed[t] for t in watch.accepted if t in watch.armed]
    span = (max(armed) - min(watch.accepted.values())) if armed else float("nan")
    return {
        "rate_per_s": rate,
        "tickets": len(watch.accepted),
        "armed": len(armed),
        "accepted_to_triaged": latencies_ms(watch, watch.triaged),
        "accepted_to_armed": latencies_ms(watch, watch.armed),
        "sustained_tickets_per_s": round(len(armed) / span, 1) if armed else 0.0,
    }


def start_stack(topic: str) -> subprocess.Popen[str]:
    """The whole system on spare ports and a fresh topic; returns once it is ready."""
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
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    assert process.stdout is not None
    for line in process.stdout:
        print(f"  {line.rstrip()}", flush=True)
        if line.startswith("STACK READY"):
            return process
    raise SystemExit("the stack exited before it was ready; see .infra/logs/")


async def main(args: argparse.Namespace) -> None:
    """Baseline, then the pipeline at each rate; print and store the figures."""
    bootstrap = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
    print("==> baseline: raw aiokafka produce->consume (bench/kafka_ceiling.py, 1 run)")
    records = kafka_ceiling.build_records(5000)
    baseline = await kafka_ceiling.run_once(bootstrap, records, 1000, 500)
    print(f"    {baseline.messages_per_s} msg/s; paced p50 {baseline.paced.p50_ms} ms")
    topic = f"bench-pipeline-{uuid4().hex[:8]}"
    await kafka_ceiling_topic(bootstrap, topic)
    print("==> starting the stack")
    stack = start_stack(topic)
    try:
        results = []
        for rate in args.rates:
            print(f"==> {rate} tickets/s for {args.seconds:.0f} s")
            result = await measure_rate(bootstrap, topic, rate, args.seconds)
            print(f"    {json.dumps(result)}", flush=True)
            results.append(result)
    finally:
        stack.send_signal(signal.SIGINT)
        stack.wait(timeout=60)
    report(baseline, results)


async def kafka_ceiling_topic(bootstrap: str, topic: str) -> None:
    """Create the stack's topic and its dead-letter topic."""
    from ticketing_common.testing.fixtures import create_topics

    await create_topics(bootstrap, topic, f"{topic}.dlq")


def report(baseline: kafka_ceiling.RunResult, results: list[dict[str, object]]) -> None:
    """Print the table with ratios to the baseline and write the JSON file."""
    print("\nrate/s  tickets  triaged p50/p99 ms   armed p50/p99 ms   sustained/s  vs kafka")
    for r in results:
        tri, arm = r["accepted_to_triaged"], r["accepted_to_armed"]
        assert isinstance(tri, dict)
        assert isinstance(arm, dict)
        sustained = float(str(r["sustained_tickets_per_s"]))
        print(
            f"{r['rate_per_s']:>6}  {r['tickets']:>7}  {tri['p50_ms']!s:>8}/{tri['p99_ms']!s:<8}"
            f"  {arm['p50_ms']!s:>8}/{arm['p99_ms']!s:<8}  {sustained:>10}  "
            f"{sustained / baseline.messages_per_s:.4f}"
        )
    print(
        f"baseline (same run): {baseline.messages_per_s} msg/s, paced single-hop p50 "
        f"{baseline.paced.p50_ms} ms; ratios are sustained tickets/s over raw messages/s"
    )
    RESULT_FILE.parent.mkdir(parents=True, exist_ok=True)
    RESULT_FILE.write_text(
        json.dumps(
            {
                "baseline": baseline.__dict__
                | {"saturated": baseline.saturated.__dict__, "paced": baseline.paced.__dict__},
                "results": results,
            },
            indent=2,
            default=str,
        )
        + "\n"
    )
    print(f"written to {RESULT_FILE}")


def parse_args() -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rates", type=lambda s: [int(x) for x in s.split(",")], default=[10, 25, 50]
    )
    parser.add_argument("--seconds", type=float, default=15.0)
    return parser.parse_args()


if __name__ == "__main__":
    asyncio.run(main(parse_args()))
