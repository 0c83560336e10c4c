"""Reporting's entrypoints: `python -m reporting api|consumer|migrate` (it emits no events)."""

from pathlib import Path

from reporting.app import create_app
from reporting.handlers import HANDLERS
from reporting.settings import ReportingSettings
from reporting.tables import processed_events
from ticketing_common.entrypoints import consumer_role, run_service

ALEMBIC_INI = Path(__file__).resolve().parents[2] / "alembic.ini"


def main() -> None:
    """Run one role of the service."""
    run_service(
        "reporting",
        settings=ReportingSettings,
        app=create_app,
        workers={"consumer": consumer_role(processed_events, lambda _settings: HANDLERS)},
        alembic_ini=ALEMBIC_INI,
    )


if __name__ == "__main__":
    main()
