"""Properties of covered-time arithmetic on several calendars, checked with hypothesis.

The oracle `covered_minutes` is an independent, slow definition: a minute is covered when its
local wall time lies in an interval of its own date or in the tail of the previous date's, and
that date is not a day off. All boundaries here fall on whole minutes, so minutes suffice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sla_timer.business_hours import (
    Calendar,
    add_business_time,
    business_seconds_between,
    is_covered,
)

DAY = 86_400
MINUTE = timedelta(minutes=1)


def _clock(text: str) -> int:
    hour, minute = text.split(":")
    return int(hour) * 3600 + int(minute) * 60


@dataclass(frozen=True)
class Case:
    """A calendar and the plain description the oracle reads."""

    name: str
    timezone: str
    intervals: tuple[tuple[int, int, int], ...]
    country: str | None = None
    subdivision: str | None = None

    def calendar(self) -> Calendar:
        return Calendar(
            weekly=self.intervals,
            timezone=self.timezone,
            country=self.country,
            subdivision=self.subdivision,
        )


def _weekly(days: range | list[int], start: str, end: str) -> tuple[tuple[int, int, int], ...]:
    first, last = _clock(start), _clock(end)
    return tuple((day, first, last if last > first else last + DAY) for day in days)


CASES = [
    Case("moscow-basic-ru", "Europe/Moscow", _weekly(range(5), "09:30", "18:30"), "RU"),
    Case("berlin-evening-de", "Europe/Berlin", _weekly(range(5), "09:30", "20:00"), "DE", "BY"),
    Case(
        "new-york-split-us",
        "America/New_York",
        (*_weekly(range(5), "08:00", "12:00"), *_weekly(range(5), "13:00", "17:30")),
        "US",
    ),
    Case(
        "berlin-nights",
        "Europe/Berlin",
        (*_weekly([4, 5, 6], "22:00", "06:00"), *_weekly([5], "05:00", "09:00")),
        "DE",
    ),
    Case(
        "moscow-weekend-day-ru",
        "Europe/Moscow",
        (*_weekly(range(5), "09:30", "18:30"), *_weekly([6], "09:00", "17:00")),
        "RU",
    ),
    Case("berlin-24x7", "Europe/Berlin", _weekly(range(7), "00:00", "24:00")),
    # Spans both DST nights of Sunday; boundaries avoid the repeated hour, where the oracle's
    # wall-clock reading and the module's "first occurrence" rule differ on purpose.
    Case("new-york-dst-night", "America/New_York", _weekly([6], "00:30", "02:30")),
]
CALENDARS = {case.name: case.calendar() for case in CASES}


@cache
def _days_off_and_working(case: Case, year: int) -> tuple[frozenset[date], frozenset[date]]:
    if case.country is None:
        return frozenset(), frozenset()
    years = range(year - 1, year + 2)
    table = holidays.country_holidays(case.country, subdiv=case.subdivision, years=years)
    return frozenset(table), frozenset(table.weekend_workdays) - frozenset(table)


def _day_off(case: Case, day: date) -> bool:
    return day in _days_off_and_working(case, day.year)[0]


def _working(case: Case, day: date) -> bool:
    return day in _days_off_and_working(case, day.year)[1]


def _intervals_on(case: Case, day: date) -> list[tuple[int, int]]:
    if _day_off(case, day):
        return []
    weekdays = {day.weekday(), 0} if _working(case, day) else {day.weekday()}
    return [(start, end) for weekday, start, end in case.intervals if weekday in weekdays]


def _minute_covered(case: Case, instant: datetime) -> bool:
    local = instant.astimezone(ZoneInfo(case.timezone))
    wall = local.hour * 3600 + local.minute * 60
    today, yesterday = local.date(), local.date() - timedelta(days=1)
    own = any(start <= wall < end for start, end in _intervals_on(case, today))
    tail = any(wall < end - DAY for _, end in _intervals_on(case, yesterday))
    return own or tail


def covered_minutes(case: Case, start: datetime, end: datetime) -> int:
    """Covered minutes in [start, end), both on whole minutes: the slow oracle."""
    count, instant = 0, start
    while instant < end:
        count += _minute_covered(case, instant)
        instant += MINUTE
    return count


EPOCH_2023 = int(datetime(2023, 1, 1, tzinfo=UTC).timestamp())
EPOCH_2028 = int(datetime(2028, 1, 1, tzinfo=UTC).timestamp())
INTERESTING = [
    datetime(2025, 3, 30, 1, tzinfo=UTC),
    datetime(2025, 10, 26, 1, tzinfo=UTC),  # Europe
    datetime(2025, 3, 9, 7, tzinfo=UTC),
    datetime(2025, 11, 2, 6, tzinfo=UTC),  # New York
    datetime(2024, 12, 31, 21, tzinfo=UTC),  # Russian New Year holidays
    datetime(2024, 4, 27, 6, tzinfo=UTC),  # Russian working Saturdays
    datetime(2025, 11, 1, 6, tzinfo=UTC),
]

cases = st.sampled_from(CASES)
anywhere = st.integers(EPOCH_2023, EPOCH_2028).map(lambda s: datetime.fromtimestamp(s, UTC))
near_switch = st.builds(
    lambda switch, offset: switch + timedelta(seconds=offset),
    st.sampled_from(INTERESTING),
    st.integers(-4 * DAY, 4 * DAY),
)
instants = st.one_of(anywhere, near_switch)
durations = st.one_of(st.integers(0, 3 * 3600), st.integers(0, 2_500 * 3600))
# The first call into a year builds that year's table (and loads the `holidays` data): slow once.
patient = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


@patient
@given(case=cases, start=instants, seconds=durations)
def test_between_inverts_add(case: Case, start: datetime, seconds: int) -> None:
    calendar = CALENDARS[case.name]
    result = add_business_time(calendar, start, seconds)
    assert business_seconds_between(calendar, start, result) == seconds


@patient
@given(case=cases, start=instants, seconds=st.integers(1, 2_500 * 3600))
def test_result_ends_covered_time_at_the_earliest(
    case: Case, start: datetime, seconds: int
) -> None:
    calendar = CALENDARS[case.name]
    result = add_business_time(calendar, start, seconds)
    just_before = result - timedelta(seconds=1)
    assert result > start
    assert is_covered(calendar, just_before)
    assert business_seconds_between(calendar, start, just_before) == seconds - 1


@patient
@given(case=cases, start=instants, first=durations, second=durations)
def test_add_is_monotonic_and_composes(
    case: Case, start: datetime, first: int, second: int
) -> None:
    calendar = CALENDARS[case.name]
    low, high = sorted((first, second))
    assert add_business_time(calendar, start, low) <= add_business_time(calendar, start, high)
    if low > 0:  # adding in two steps lands where adding at once does
        middle = add_business_time(calendar, start, low)
        assert add_business_time(calendar, middle, high) == add_business_time(
            calendar, start, low + high
        )


@patient
@given(case=cases, a=instants, gaps=st.tuples(st.integers(0, 40 * DAY), st.integers(0, 400 * DAY)))
def test_between_is_additive_and_bounded(case: Case, a: datetime, gaps: tuple[int, int]) -> None:
    calendar = CALENDARS[case.name]
    b = a + timedelta(seconds=gaps[0])
    c = b + timedelta(seconds=gaps[1])
    whole = business_seconds_between(calendar, a, c)
    assert whole == business_seconds_between(calendar, a, b) + business_seconds_between(
        calendar, b, c
    )
    assert 0 <= whole <= (c - a).total_seconds()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    case=cases,
    start=instants.map(lambda t: t.replace(second=0, microsecond=0)),
    minutes=st.integers(0, 6 * 24 * 60),
)
def test_between_matches_the_minute_oracle(case: Case, start: datetime, minutes: int) -> None:
    end = start + minutes * MINUTE
    expected = covered_minutes(case, start, end) * 60
    assert business_seconds_between(CALENDARS[case.name], start, end) == expected


@patient
@given(start=st.integers(0, 30 * DAY), seconds=durations)
def test_russian_new_year_is_never_a_landing_day(start: int, seconds: int) -> None:
    calendar = CALENDARS["moscow-basic-ru"]
    begin = datetime(2024, 12, 15, tzinfo=UTC) + timedelta(seconds=start)
    result = add_business_time(calendar, begin, max(seconds, 1))
    landed_on = (result - timedelta(seconds=1)).astimezone(ZoneInfo("Europe/Moscow")).date()
    assert landed_on not in holidays.country_holidays("RU", years=landed_on.year)
    assert landed_on.weekday() < 5 or landed_on in {date(2024, 12, 28), date(2025, 11, 1)}


@patient
@given(start=instants, seconds=durations)
def test_24x7_adds_elapsed_time(start: datetime, seconds: int) -> None:
    result = add_business_time(CALENDARS["berlin-24x7"], start, seconds)
    assert result == start.replace(microsecond=0) + timedelta(seconds=seconds)
