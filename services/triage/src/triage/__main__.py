"""Triage's entrypoints: `python -m triage api|consumer|relay|migrate`."""

from pathlib import Path

from ticketing_common.entrypoints import consumer_role, relay_role, run_service
from triage.app import build_deps, create_app
from triage.handlers import handlers
from triage.settings import TriageSettings
from triage.tables import outbox, processed_events

ALEMBIC_INI = Path(__file__).resolve().parents[2] / "alembic.ini"


def main() -> None:
    """Run one role of the service."""
    run_service(
        "triage",
        settings=TriageSettings,
        app=create_app,
        workers={
            "consumer": consumer_role(processed_events, lambda s: handlers(build_deps(s))),
            "relay": relay_role(outbox),
        },
        alembic_ini=ALEMBIC_INI,
    )


if __name__ == "__main__":
    main()
