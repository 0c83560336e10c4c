"""Local infrastructure without Docker: `python scripts/infra.py up|down|status|env`.

Kafka (KRaft, one node, from Maven Central jars) and PostgreSQL (system packages, or the
server behind DATABASE_URL). State lives in `.infra/`, downloads in `.cache/`.
"""

from __future__ import annotations

import argparse
import shlex
import sys
import time

from _infra import kafka, postgres
from _infra.procs import InfraError
from _infra.settings import Settings, load_settings

COMPONENTS = ("postgres", "kafka")


def up(s: Settings, only: str | None = None) -> int:
    """Start what is not running, wait for readiness, create topics."""
    start = time.monotonic()
    if only in (None, "postgres"):
        postgres.up(s)
    if only in (None, "kafka"):
        kafka.up(s)
    print(f"infra up in {time.monotonic() - start:.1f} s")
    return 0


def down(s: Settings, only: str | None = None) -> int:
    """Stop only what `up` started."""
    if only in (None, "kafka"):
        kafka.down(s)
    if only in (None, "postgres"):
        postgres.down(s)
    return 0


def status(s: Settings, only: str | None = None) -> int:
    """One line per component; exit 0 only when both are up."""
    results = [kafka.status_line(s), postgres.status_line(s)]
    for _, line in results:
        print(line)
    return 0 if all(ok for ok, _ in results) else 1


def env(s: Settings, only: str | None = None) -> int:
    """Shell `export` lines for `eval "$(python scripts/infra.py env)"`."""
    print(f"export KAFKA_BOOTSTRAP_SERVERS={shlex.quote(s.bootstrap_servers)}")
    print(f"export DATABASE_URL={shlex.quote(postgres.database_url(s))}")
    print(f"export TICKET_EVENTS_TOPIC={shlex.quote(s.topic)}")
    return 0


COMMANDS = {"up": up, "down": down, "status": status, "env": env}


def main(argv: list[str]) -> int:
    """Parse the command and run it; errors print a message and exit 1."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=COMMANDS)
    parser.add_argument(
        "--only", choices=COMPONENTS, help="act on one component (fault tests stop Kafka alone)"
    )
    args = parser.parse_args(argv)
    try:
        return COMMANDS[args.command](load_settings(), args.only)
    except InfraError as err:
        print(f"infra {args.command}: {err}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
