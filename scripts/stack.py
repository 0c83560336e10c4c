"""Run the whole system locally: migrations, every role of every service, optional demo traffic.

    python scripts/stack.py [--demo] [--port-offset N] [--topic NAME] [--group-suffix S]

Each role (API, consumer, relay, timer) is its own process, as on Kubernetes. Logs go to
`.infra/logs/<service>-<role>.log`. Ctrl-C (or SIGTERM) stops every process gracefully. The
line `STACK READY` is printed once every API answers /readyz, so tests can wait on it.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
Processes = list[tuple[str, "subprocess.Popen[bytes]"]]
LOGS = ROOT / ".infra" / "logs"


@dataclass(frozen=True)
class Service:
    """One service: its module, env prefix, port and roles."""

    name: str
    module: str
    prefix: str
    port: int
    roles: tuple[str, ...]


SERVICES = (
    Service("intake", "intake", "INTAKE_", 8001, ("api", "relay")),
    Service("triage", "triage", "TRIAGE_", 8002, ("api", "consumer", "relay")),
    Service("sla-timer", "sla_timer", "SLA_TIMER_", 8003, ("api", "consumer", "relay", "timer")),
    Service("escalation", "escalation", "ESCALATION_", 8004, ("api", "consumer", "relay")),
    Service("reporting", "reporting", "REPORTING_", 8005, ("api", "consumer")),
)


def service_env(service: Service, args: argparse.Namespace) -> dict[str, str]:
    """Environment of one service's processes."""
    env = dict(os.environ)
    env[f"{service.prefix}HTTP_PORT"] = str(service.port + args.port_offset)
    env[f"{service.prefix}HTTP_HOST"] = "127.0.0.1"
    if args.topic:
        env["TICKET_EVENTS_TOPIC"] = args.topic
        env["DEAD_LETTER_TOPIC"] = f"{args.topic}.dlq"
    if args.group_suffix:
        env[f"{service.prefix}CONSUMER_GROUP"] = f"ticketing-{service.name}-{args.group_suffix}"
    return env


def migrate(args: argparse.Namespace) -> None:
    """Run every service's migrations (a separate step, never at app start-up), in parallel:
    each service has its own schema and alembic takes a lock per schema."""
    started = time.monotonic()
    running = {
        service.name: subprocess.Popen(
            [sys.executable, "-m", service.module, "migrate"],
            env=service_env(service, args),
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for service in SERVICES
    }
    for name, process in running.items():
        _, errors = process.communicate()
        if process.returncode != 0:
            raise SystemExit(f"migrating {name} failed:\n{errors.decode()}")
        print(f"  migrated {name:<11} {time.monotonic() - started:5.1f} s", flush=True)


def metrics_port(service: Service, role: str, args: argparse.Namespace) -> int:
    """Where a worker role serves Prometheus metrics (APIs serve them on /metrics)."""
    return 9100 + 10 * SERVICES.index(service) + service.roles.index(role) + args.port_offset


def start(args: argparse.Namespace) -> Processes:
    """Start every role of every service, each with its own log file."""
    LOGS.mkdir(parents=True, exist_ok=True)
    processes = []
    for service in SERVICES:
        for role in service.roles:
            log = (LOGS / f"{service.name}-{role}.log").open("ab")
            env = service_env(service, args)
            if role != "api":
                env["METRICS_PORT"] = str(metrics_port(service, role, args))
            process = subprocess.Popen(
                [sys.executable, "-m", service.module, role],
                env=env,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # Ctrl-C reaches us; we stop children in order
            )
            processes.append((f"{service.name}-{role}", process))
    return processes


def ready(url: str) -> bool:
    """Whether a service's /readyz answers 200."""
    try:
        with urllib.request.urlopen(f"{url}/readyz", timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def wait_ready(args: argparse.Namespace, processes: Processes) -> None:
    """Poll every API's /readyz until all answer, with a deadline."""
    deadline = time.monotonic() + args.ready_timeout
    pending = {s.name: base_url(s, args) for s in SERVICES}
    while pending:
        for name, process in processes:
            if process.poll() is not None:
                raise SystemExit(f"{name} exited with {process.returncode}; see {LOGS}/{name}.log")
        for name, url in list(pending.items()):
            if ready(url):
                print(f"  ready    {name:<11} {url}", flush=True)
                del pending[name]
        if time.monotonic() > deadline:
            raise SystemExit(f"not ready within {args.ready_timeout} s: {', '.join(pending)}")
        time.sleep(0.3)


def base_url(service: Service, args: argparse.Namespace) -> str:
    """Where a service's API listens."""
    return f"http://127.0.0.1:{service.port + args.port_offset}"


def stop(processes: Processes) -> None:
    """SIGTERM every process (they finish in-flight work), then SIGKILL stragglers.

    Further Ctrl-C or SIGTERM are ignored meanwhile: a terminal and `uv run` both deliver
    the same Ctrl-C, and a second one must not abandon the children half-stopped.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    for _, process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 20
    for name, process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            print(f"  {name} did not stop in time; killing it", flush=True)
            process.kill()


def post(url: str, body: dict[str, object]) -> dict[str, object]:
    """POST JSON and return the decoded answer."""
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"content-type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        answer: dict[str, object] = json.loads(response.read())
        return answer


def print_guide(args: argparse.Namespace) -> None:
    """Where to look once everything runs."""
    urls = {s.name: base_url(s, args) for s in SERVICES}
    print("\nThe system is running. Where to look:", flush=True)
    for service in SERVICES:
        url = urls[service.name]
        workers = ", ".join(
            f"{role} :{metrics_port(service, role, args)}"
            for role in service.roles
            if role != "api"
        )
        print(f"  {service.name:<11} {url}/docs   metrics: {url}/metrics; {workers}")
    print(
        "\nTry:\n"
        f"  curl -s {urls['intake']}/tickets -H 'content-type: application/json' -d "
        '\'{"customer":"acme-shop","channel":"web","subject":"Checkout",'
        '"body":"Orders cannot be saved","contact":"ops@acme.example"}\'\n'
        f"  curl -s {urls['triage']}/tickets/<ticket id>/classification\n"
        f"  curl -s {urls['sla-timer']}/tickets/<ticket id>/sla\n"
        f"  curl -s {urls['escalation']}/tickets/<ticket id>/escalations\n"
        f"  curl -s '{urls['reporting']}/reports/monthly?customer=acme-shop"
        f"&month={time.strftime('%Y-%m', time.gmtime())}'\n"
        f"Logs: {LOGS}/   Stop: Ctrl-C\n",
        flush=True,
    )


def main() -> None:
    """Migrate, start, wait until ready, optionally send demo traffic, run until signalled."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demo", action="store_true", help="send demo tickets once ready")
    parser.add_argument("--port-offset", type=int, default=0)
    parser.add_argument("--topic", help="ticket events topic (default: ticket-events)")
    parser.add_argument("--group-suffix", help="suffix for every consumer group")
    parser.add_argument("--ready-timeout", type=float, default=120.0)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    print("==> migrations", flush=True)
    migrate(args)
    print("==> starting services", flush=True)
    processes = start(args)
    try:
        wait_ready(args, processes)
        print("STACK READY", flush=True)
        if args.demo:
            from demo import send_demo_traffic

            try:
                send_demo_traffic({s.name: base_url(s, args) for s in SERVICES})
            except (RuntimeError, OSError) as error:  # the system keeps running for a look
                print(f"  demo traffic stopped early: {error}", flush=True)
        print_guide(args)
        while all(process.poll() is None for _, process in processes):
            time.sleep(0.5)
        failed = [name for name, process in processes if process.poll() is not None]
        raise SystemExit(f"stopped because {', '.join(failed)} exited; see {LOGS}/")
    except KeyboardInterrupt:
        print("\n==> stopping", flush=True)
    finally:
        stop(processes)
        print("==> stopped", flush=True)


if __name__ == "__main__":
    main()
