"""Cost of the business-hours arithmetic: must be flat in the duration (2,000 h <= 1.5 x 1 h).

Run: `uv run python bench/business_hours.py` (pure CPU, no infrastructure). Prints the median
time per call of several `timeit` rounds on the basic contract (Mon-Fri 09:30-18:30, Moscow,
Russian production calendar), caches warm, as a running SLA timer sees them.
"""

from __future__ import annotations

import statistics
import timeit
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sla_timer.business_hours import Calendar, add_business_time, business_seconds_between
from ticketing_common.contracts import ContractVersion, CoverageEntry, CoveragePlan, HolidayCalendar

ROUNDS = 7
NUMBER = 5_000
MOSCOW = ZoneInfo("Europe/Moscow")


def basic_calendar() -> Calendar:
    """The default contract: business hours in Moscow with Russian holidays."""
    version = ContractVersion(
        effective_from=date(2024, 1, 1),
        timezone="Europe/Moscow",
        coverage=(CoverageEntry(plan=CoveragePlan.BUSINESS_HOURS),),
        holidays=HolidayCalendar(country="RU"),
    )
    return Calendar.from_contract(version)


def median_microseconds(
    statements: dict[str, str], namespace: dict[str, object]
) -> dict[str, float]:
    """Median time per call over ROUNDS rounds, in microseconds, for each statement.

    Rounds of the statements alternate, so load from other processes hits them alike.
    """
    timers = {name: timeit.Timer(code, globals=namespace) for name, code in statements.items()}
    for timer in timers.values():
        timer.timeit(number=200)  # warm the per-day and per-year caches
    rounds: dict[str, list[float]] = {name: [] for name in timers}
    for _ in range(ROUNDS):
        for name, timer in timers.items():
            rounds[name].append(timer.timeit(number=NUMBER) / NUMBER * 1e6)
    return {name: statistics.median(times) for name, times in rounds.items()}


def main() -> None:
    """Print the figures and the 2,000 h / 1 h ratio."""
    namespace: dict[str, object] = {
        "calendar": basic_calendar(),
        "start": datetime(2025, 3, 5, 11, 17, 23, tzinfo=MOSCOW),
        "year_end": datetime(2026, 3, 5, 11, 17, 23, tzinfo=MOSCOW),
        "add": add_business_time,
        "between": business_seconds_between,
    }
    medians = median_microseconds(
        {
            "1h": "add(calendar, start, 3_600)",
            "2000h": "add(calendar, start, 2_000 * 3_600)",
            "year": "between(calendar, start, year_end)",
        },
        namespace,
    )
    one_hour, long_target, one_year = medians["1h"], medians["2000h"], medians["year"]
    print(f"add_business_time 1 h        {one_hour:8.2f} us")
    print(f"add_business_time 2,000 h    {long_target:8.2f} us")
    print(f"business_seconds_between 1 y {one_year:8.2f} us")
    ratio = long_target / one_hour
    print(f"ratio 2,000 h / 1 h          {ratio:8.2f} (budget 1.5)")


if __name__ == "__main__":
    main()
