"""Intake's entrypoints: `python -m intake api|relay|migrate`."""

from pathlib import Path

from intake.app import create_app
from intake.settings import IntakeSettings
from intake.tables import outbox
from ticketing_common.entrypoints import relay_role, run_service

ALEMBIC_INI = Path(__file__).resolve().parents[2] / "alembic.ini"


def main() -> None:
    """Run one role of the service."""
    run_service(
        "intake",
        settings=IntakeSettings,
        app=create_app,
        workers={"relay": relay_role(outbox)},
        alembic_ini=ALEMBIC_INI,
    )


if __name__ == "__main__":
    main()
