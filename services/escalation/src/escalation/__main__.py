"""Escalation's entrypoints: `python -m escalation api|consumer|relay|migrate`."""

from pathlib import Path

from escalation.app import build_deps, create_app
from escalation.handlers import handlers
from escalation.settings import EscalationSettings
from escalation.tables import outbox, processed_events
from ticketing_common.entrypoints import consumer_role, relay_role, run_service

ALEMBIC_INI = Path(__file__).resolve().parents[2] / "alembic.ini"


def main() -> None:
    """Run one role of the service."""
    run_service(
        "escalation",
        settings=EscalationSettings,
        app=create_app,
        workers={
            "consumer": consumer_role(processed_events, lambda s: handlers(build_deps(s))),
            "relay": relay_role(outbox),
        },
        alembic_ini=ALEMBIC_INI,
    )


if __name__ == "__main__":
    main()
