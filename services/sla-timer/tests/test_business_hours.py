"""Hand-checked covered-time arithmetic: weekends, holidays, working Saturdays, DST, midnight."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from sla_timer.business_hours import (
    Calendar,
    add_business_time,
    business_seconds_between,
    is_covered,
    next_covered_instant,
)
from ticketing_common.contracts import load_contracts

H = 3600
MOSCOW = ZoneInfo("Europe/Moscow")
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
CONTRACTS = Path(__file__).resolve().parents[3] / "config" / "contracts.yaml"
WEEKDAYS = range(5)


def hours(text: str) -> int:
    hour, minute = text.split(":")
    return int(hour) * H + int(minute) * 60


def weekly(days: range | list[int], start: str, end: str) -> list[tuple[int, int, int]]:
    first, last = hours(start), hours(end)
    return [(day, first, last if last > first else last + 86_400) for day in days]


def contract_calendar(customer: str, at: datetime) -> Calendar:
    return Calendar.from_contract(load_contracts(CONTRACTS).version_for(customer, at))


MOSCOW_BASIC = Calendar(
    weekly=weekly(WEEKDAYS, "09:30", "18:30"), timezone="Europe/Moscow", country="RU"
)
BERLIN_EVENING = Calendar(
    weekly=weekly(WEEKDAYS, "09:30", "20:00"),
    timezone="Europe/Berlin",
    country="DE",
    subdivision="BY",
)
BERLIN_ALWAYS = Calendar(weekly=weekly(range(7), "00:00", "24:00"), timezone="Europe/Berlin")
BERLIN_NIGHTS = Calendar(weekly=weekly([4, 5, 6], "22:00", "06:00"), timezone="Europe/Berlin")
NEW_YORK_BASIC = Calendar(
    weekly=weekly(WEEKDAYS, "09:30", "18:30"), timezone="America/New_York", country="US"
)


@pytest.mark.parametrize(
    ("calendar", "start", "seconds", "expected"),
    [
        # Friday 17:30 + 2 h: one hour on Friday, one on Monday morning.
        (
            MOSCOW_BASIC,
            datetime(2025, 3, 7, 17, 30, tzinfo=MOSCOW),
            2 * H,
            datetime(2025, 3, 10, 10, 30, tzinfo=MOSCOW),
        ),
        # Received at 03:00: the clock starts at 09:30.
        (
            MOSCOW_BASIC,
            datetime(2025, 3, 5, 3, 0, tzinfo=MOSCOW),
            H,
            datetime(2025, 3, 5, 10, 30, tzinfo=MOSCOW),
        ),
        # Exactly at the end of the day lands on 18:30, not on the next morning.
        (
            MOSCOW_BASIC,
            datetime(2025, 3, 5, 17, 30, tzinfo=MOSCOW),
            H,
            datetime(2025, 3, 5, 18, 30, tzinfo=MOSCOW),
        ),
        # 9 h = one whole business day from the day's start.
        (
            MOSCOW_BASIC,
            datetime(2025, 3, 5, 9, 30, tzinfo=MOSCOW),
            9 * H,
            datetime(2025, 3, 5, 18, 30, tzinfo=MOSCOW),
        ),
        # New Year holidays: 31 Dec 2024 and 1-8 Jan 2025 are days off in Russia.
        (
            MOSCOW_BASIC,
            datetime(2024, 12, 31, 12, 0, tzinfo=MOSCOW),
            H,
            datetime(2025, 1, 9, 10, 30, tzinfo=MOSCOW),
        ),
        # Saturday 28 Dec 2024 is a transferred working day in Russia.
        (
            MOSCOW_BASIC,
            datetime(2024, 12, 27, 17, 0, tzinfo=MOSCOW),
            2 * H,
            datetime(2024, 12, 28, 10, 0, tzinfo=MOSCOW),
        ),
        # Berlin spring forward on Sunday 30 Mar 2025: Friday 18:00 CET + 3 h -> Mon 10:30 CEST.
        (
            BERLIN_EVENING,
            datetime(2025, 3, 28, 17, 0, tzinfo=UTC),
            3 * H,
            datetime(2025, 3, 31, 8, 30, tzinfo=UTC),
        ),
        # Berlin fall back on Sunday 26 Oct 2025: Friday 19:00 CEST + 2 h -> Mon 10:30 CET.
        (
            BERLIN_EVENING,
            datetime(2025, 10, 24, 17, 0, tzinfo=UTC),
            2 * H,
            datetime(2025, 10, 27, 9, 30, tzinfo=UTC),
        ),
        # Thanksgiving 27 Nov 2025 is a US holiday.
        (
            NEW_YORK_BASIC,
            datetime(2025, 11, 26, 18, 0, tzinfo=NEW_YORK),
            H,
            datetime(2025, 11, 28, 10, 0, tzinfo=NEW_YORK),
        ),
        # 24x7 through the short DST night: real elapsed time.
        (
            BERLIN_ALWAYS,
            datetime(2025, 3, 30, 0, 0, tzinfo=UTC),
            2 * H,
            datetime(2025, 3, 30, 2, 0, tzinfo=UTC),
        ),
        # A night interval crossing midnight: Friday 23:00 + 2 h = Saturday 01:00.
        (
            BERLIN_NIGHTS,
            datetime(2025, 6, 6, 23, 0, tzinfo=BERLIN),
            2 * H,
            datetime(2025, 6, 7, 1, 0, tzinfo=BERLIN),
        ),
        # ... and from Monday 06:00 it resumes on Friday 22:00.
        (
            BERLIN_NIGHTS,
            datetime(2025, 6, 9, 5, 0, tzinfo=BERLIN),
            2 * H,
            datetime(2025, 6, 13, 23, 0, tzinfo=BERLIN),
        ),
        # Nothing to add: the start itself, even outside covered time.
        (
            MOSCOW_BASIC,
            datetime(2025, 3, 8, 3, 0, tzinfo=MOSCOW),
            0,
            datetime(2025, 3, 8, 3, 0, tzinfo=MOSCOW),
        ),
    ],
)
def test_add_business_time(
    calendar: Calendar, start: datetime, seconds: int, expected: datetime
) -> None:
    result = add_business_time(calendar, start, seconds)
    assert result == expected
    assert result.tzinfo is UTC
    assert business_seconds_between(calendar, start, result) == seconds


@pytest.mark.parametrize(
    ("calendar", "start", "end", "expected"),
    [
        # The Russian production calendar: 247 working days in 2025, 248 in 2024.
        (
            MOSCOW_BASIC,
            datetime(2025, 1, 1, tzinfo=MOSCOW),
            datetime(2026, 1, 1, tzinfo=MOSCOW),
            247 * 9 * H,
        ),
        (
            MOSCOW_BASIC,
            datetime(2024, 1, 1, tzinfo=MOSCOW),
            datetime(2025, 1, 1, tzinfo=MOSCOW),
            248 * 9 * H,
        ),
        # A weekend counts nothing.
        (
            MOSCOW_BASIC,
            datetime(2025, 3, 8, 0, 0, tzinfo=MOSCOW),
            datetime(2025, 3, 10, 0, 0, tzinfo=MOSCOW),
            0,
        ),
        # DST weekends in Berlin, 24x7: 47 h in spring, 49 h in autumn.
        (
            BERLIN_ALWAYS,
            datetime(2025, 3, 29, tzinfo=BERLIN),
            datetime(2025, 3, 31, tzinfo=BERLIN),
            47 * H,
        ),
        (
            BERLIN_ALWAYS,
            datetime(2025, 10, 25, tzinfo=BERLIN),
            datetime(2025, 10, 27, tzinfo=BERLIN),
            49 * H,
        ),
        # Night 22:00-06:00 across the switch: 7 h in spring, 9 h in autumn.
        (
            BERLIN_NIGHTS,
            datetime(2025, 3, 29, 21, 0, tzinfo=BERLIN),
            datetime(2025, 3, 30, 7, 0, tzinfo=BERLIN),
            7 * H,
        ),
        (
            BERLIN_NIGHTS,
            datetime(2025, 10, 25, 21, 0, tzinfo=BERLIN),
            datetime(2025, 10, 26, 7, 0, tzinfo=BERLIN),
            9 * H,
        ),
        # Bavarian holidays: Epiphany (6 Jan 2025, Monday) is off.
        (
            BERLIN_EVENING,
            datetime(2025, 1, 6, tzinfo=BERLIN),
            datetime(2025, 1, 7, tzinfo=BERLIN),
            0,
        ),
        # Same instant: nothing.
        (
            MOSCOW_BASIC,
            datetime(2025, 3, 5, 12, tzinfo=MOSCOW),
            datetime(2025, 3, 5, 12, tzinfo=MOSCOW),
            0,
        ),
    ],
)
def test_business_seconds_between(
    calendar: Calendar, start: datetime, end: datetime, expected: int
) -> None:
    assert business_seconds_between(calendar, start, end) == expected


def test_holiday_removes_intervals_starting_that_day_but_keeps_the_previous_tail() -> None:
    calendar = Calendar(
        weekly=weekly(WEEKDAYS, "22:00", "06:00"), timezone="UTC", extra_holidays=[date(2025, 3, 5)]
    )
    # Tue 00-06 (Monday's tail), Tue 22 - Wed 06 (Tuesday's, tail kept on the holiday),
    # nothing Wednesday night, Thu 22 - Fri 00.
    covered = business_seconds_between(
        calendar, datetime(2025, 3, 4, tzinfo=UTC), datetime(2025, 3, 7, tzinfo=UTC)
    )
    assert covered == (6 + 8 + 2) * H


def test_working_day_is_covered_like_a_monday() -> None:
    calendar = Calendar(
        weekly=[*weekly([0], "08:00", "12:00"), *weekly(range(1, 5), "09:00", "17:00")],
        timezone="UTC",
        extra_working_days=[date(2025, 3, 8)],
    )
    saturday = datetime(2025, 3, 8, tzinfo=UTC)
    assert business_seconds_between(calendar, saturday, saturday + timedelta(days=1)) == 4 * H
    assert next_covered_instant(calendar, saturday) == datetime(2025, 3, 8, 8, tzinfo=UTC)


def test_contract_extra_dates_win_over_country_working_days() -> None:
    # acme-shop's 2024 version does not work the transferred Saturday 28 Dec 2024.
    calendar = contract_calendar("acme-shop", datetime(2024, 6, 1, tzinfo=UTC))
    result = add_business_time(calendar, datetime(2024, 12, 27, 17, 0, tzinfo=MOSCOW), 2 * H)
    assert result == datetime(2025, 1, 9, 10, 0, tzinfo=MOSCOW)


def test_spring_forward_gap_inside_an_interval_counts_real_time() -> None:
    # 01:30-03:30 local on the night the clock jumps from 02:00 to 03:00: one real hour.
    calendar = Calendar(weekly=[(6, hours("01:30"), hours("03:30"))], timezone="Europe/Berlin")
    day = datetime(2025, 3, 30, tzinfo=BERLIN)
    assert business_seconds_between(calendar, day, day + timedelta(days=1)) == H
    assert next_covered_instant(calendar, day) == datetime(2025, 3, 30, 0, 30, tzinfo=UTC)


def test_interval_starting_in_the_gap_starts_when_the_gap_ends() -> None:
    calendar = Calendar(weekly=[(6, hours("02:30"), hours("04:00"))], timezone="Europe/Berlin")
    day = datetime(2025, 3, 30, tzinfo=BERLIN)
    assert next_covered_instant(calendar, day) == datetime(2025, 3, 30, 3, 0, tzinfo=BERLIN)
    assert business_seconds_between(calendar, day, day + timedelta(days=1)) == H


def test_ambiguous_fall_back_times_mean_their_first_occurrence() -> None:
    # New York, 2 Nov 2025: 01:00-02:00 happens twice. 01:30-03:30 runs from the first 01:30
    # (05:30 UTC) to 03:30 EST (08:30 UTC): three real hours, the repeated one included.
    calendar = Calendar(weekly=[(6, hours("01:30"), hours("03:30"))], timezone="America/New_York")
    day = datetime(2025, 11, 2, tzinfo=NEW_YORK)
    assert business_seconds_between(calendar, day, day + timedelta(days=1)) == 3 * H
    assert next_covered_instant(calendar, day) == datetime(2025, 11, 2, 5, 30, tzinfo=UTC)


def test_24x7_is_plain_elapsed_time() -> None:
    calendar = contract_calendar("e2e-247", datetime(2025, 1, 1, tzinfo=UTC))
    start = datetime(2025, 3, 30, 0, 59, 59, 700_000, tzinfo=UTC)
    assert add_business_time(calendar, start, 4) == datetime(2025, 3, 30, 1, 0, 3, tzinfo=UTC)
    assert business_seconds_between(calendar, start, start + timedelta(days=400)) == 400 * 86_400


def test_next_covered_instant_and_is_covered() -> None:
    inside = datetime(2025, 3, 5, 12, 0, tzinfo=MOSCOW)
    assert next_covered_instant(MOSCOW_BASIC, inside) == inside
    assert is_covered(MOSCOW_BASIC, inside)
    assert not is_covered(MOSCOW_BASIC, datetime(2025, 3, 5, 18, 30, tzinfo=MOSCOW))
    assert is_covered(MOSCOW_BASIC, datetime(2025, 3, 5, 18, 29, 59, tzinfo=MOSCOW))
    saturday = datetime(2025, 3, 8, 12, 0, tzinfo=MOSCOW)
    assert next_covered_instant(MOSCOW_BASIC, saturday) == datetime(
        2025, 3, 10, 9, 30, tzinfo=MOSCOW
    )


def test_long_targets_cross_years() -> None:
    start = datetime(2024, 11, 1, 9, 30, tzinfo=MOSCOW)
    result = add_business_time(MOSCOW_BASIC, start, 2_000 * H)
    assert business_seconds_between(MOSCOW_BASIC, start, result) == 2_000 * H
    assert result.astimezone(MOSCOW).time().hour in range(9, 19)


def test_contract_calendars_build() -> None:
    at = datetime(2025, 6, 1, tzinfo=UTC)
    for customer in load_contracts(CONTRACTS).customer_ids:
        calendar = contract_calendar(customer, at)
        assert business_seconds_between(calendar, at, at + timedelta(days=7)) > 0


def test_errors() -> None:
    aware = datetime(2025, 3, 5, 12, tzinfo=UTC)
    with pytest.raises(ValueError, match="negative"):
        add_business_time(MOSCOW_BASIC, aware, -1)
    with pytest.raises(ValueError, match="aware"):
        add_business_time(MOSCOW_BASIC, datetime(2025, 3, 5, 12), 60)
    with pytest.raises(ValueError, match="before start"):
        business_seconds_between(MOSCOW_BASIC, aware, aware - timedelta(seconds=1))
    with pytest.raises(ValueError, match="some time every week"):
        Calendar(weekly=[], timezone="UTC")
    with pytest.raises(ValueError, match="bad weekly interval"):
        Calendar(weekly=[(0, 3600, 3600)], timezone="UTC")
