"""Covered-time ("business hours") arithmetic for SLA clocks. Pure: no I/O, no clock reads.

Semantics, to the second (sub-second parts of inputs are dropped):
- Covered time is a set of weekly local intervals in an IANA zone. An interval that crosses
  midnight belongs to the day it starts on: a holiday removes it whole, the previous day's tail
  stays on a holiday. Local times that do not exist (spring-forward gap) mean the end of the gap;
  ambiguous ones (fall-back) their first occurrence. Clocks run in real elapsed seconds, so an
  interval spanning a DST switch is an hour shorter or longer that day.
- Days off: the country's public holidays (`holidays` package) and the contract's extra dates.
  Working days: the weekends the country declared working (`weekend_workdays` of the `holidays`
  package; in 0.109 Russia has no WORKDAY category) and the contract's extra working days. A
  working day is covered like a Monday (its own intervals plus Monday's), because transferred
  working days follow the ordinary weekday schedule. The contract's dates win over the country's.
- `add_business_time(c, s, d)` is the first instant at which `d` covered seconds have elapsed since
  `s`; a start outside covered time therefore counts from the next covered instant, and for d > 0
  the second just before the result is covered. `d == 0` returns `s` itself: no time has to pass.
- Cost is flat in the duration: per local year (cached) the covered seconds before each day are
  built from the regular weekly pattern, corrected on the few dates covered unlike their weekday
  (days off, working days, the day after each, DST switch days); adding time is then a bisect in
  that table and a walk through one day's spans, and counting is two lookups.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from itertools import accumulate
from zoneinfo import ZoneInfo

import holidays as holidays_lib

from ticketing_common.contracts import ContractVersion

DAY = 86_400
ONE_DAY = timedelta(days=1)
REFERENCE_WEEKDAY = 0  # a working day off the weekly pattern is covered like a Monday
_SECOND = timedelta(seconds=1)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_NAIVE_EPOCH = datetime(1970, 1, 1)
_SPAN_CACHE_LIMIT = 20_000

Span = tuple[int, int]  # [start, end) in seconds


@lru_cache(maxsize=512)
def _country_days(
    country: str, subdivision: str | None, year: int
) -> tuple[frozenset[date], frozenset[date]]:
    """A year's public holidays and the weekend days the country declared working."""
    table = holidays_lib.country_holidays(country, subdiv=subdivision, years=year)
    return frozenset(table), frozenset(table.weekend_workdays)


def _merge(spans: Iterable[Span]) -> tuple[Span, ...]:
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        elif end > start:
            merged.append((start, end))
    return tuple(merged)


def _clip_to_day(own: tuple[Span, ...], previous: tuple[Span, ...]) -> tuple[Span, ...]:
    """Local seconds of one date covered by its own intervals and the previous day's tails."""
    tails = ((max(start - DAY, 0), end - DAY) for start, end in previous if end > DAY)
    return _merge([*((start, min(end, DAY)) for start, end in own), *tails])


def _weekly_template(weekly: Iterable[tuple[int, int, int]]) -> tuple[tuple[Span, ...], ...]:
    days: list[list[Span]] = [[] for _ in range(7)]
    for weekday, start, end in weekly:
        if not (0 <= weekday < 7 and 0 <= start < DAY and start < end <= start + DAY):
            raise ValueError(f"bad weekly interval {(weekday, start, end)}")
        days[weekday].append((start, end))
    return tuple(_merge(spans) for spans in days)


class Calendar:
    """Covered time: weekly intervals in a time zone, minus days off, plus working days."""

    def __init__(
        self,
        *,
        weekly: Iterable[tuple[int, int, int]],
        timezone: str,
        country: str | None = None,
        subdivision: str | None = None,
        extra_holidays: Iterable[date] = (),
        extra_working_days: Iterable[date] = (),
    ) -> None:
        self.zone = ZoneInfo(timezone)
        self._country, self._subdivision = country, subdivision
        self._extra_off = frozenset(extra_holidays)
        self._extra_working = frozenset(extra_working_days) - self._extra_off
        self._template = _weekly_template(weekly)
        self._regular = tuple(
            sum(b - a for a, b in _clip_to_day(self._template[w], self._template[w - 1]))
            for w in range(7)
        )
        self.week_seconds = sum(self._regular)
        if self.week_seconds == 0:
            raise ValueError("a calendar must cover some time every week")
        self._spans: dict[date, tuple[tuple[Span, ...], int]] = {}
        self._special_years: dict[int, tuple[frozenset[date], frozenset[date]]] = {}
        self._years: dict[int, list[int]] = {}

    @classmethod
    def from_contract(cls, version: ContractVersion) -> Calendar:
        """The covered time of a contract version."""
        days_off = version.holidays
        return cls(
            weekly=version.coverage_intervals(),
            timezone=version.timezone,
            country=days_off.country if days_off else None,
            subdivision=days_off.subdivision if days_off else None,
            extra_holidays=days_off.extra_dates if days_off else (),
            extra_working_days=days_off.extra_working_days if days_off else (),
        )

    # -- which days are off or worked ------------------------------------------------------------
    def _special(self, year: int) -> tuple[frozenset[date], frozenset[date]]:
        """(days off, working days) of a local year."""
        cached = self._special_years.get(year)
        if cached is None:
            off: set[date] = set()
            working = {day for day in self._extra_working if day.year == year}
            if self._country is not None:
                off = set(_country_days(self._country, self._subdivision, year)[0])
                for near in (year - 1, year, year + 1):
                    declared = _country_days(self._country, self._subdivision, near)[1]
                    working |= {day for day in declared if day.year == year}
            off = (off - self._extra_working) | {d for d in self._extra_off if d.year == year}
            cached = (frozenset(off), frozenset(working - off))
            self._special_years[year] = cached
        return cached

    def _intervals_on(self, day: date) -> tuple[Span, ...]:
        off, working = self._special(day.year)
        if day in off:
            return ()
        own = self._template[day.weekday()]
        return _merge(own + self._template[REFERENCE_WEEKDAY]) if day in working else own

    # -- one local date in UTC seconds -----------------------------------------------------------
    def _to_utc(self, day: date, seconds: int) -> int:
        local = datetime.combine(day, time()) + timedelta(seconds=seconds)
        aware = local.replace(tzinfo=self.zone)
        instant = (local - _NAIVE_EPOCH) // _SECOND - _offset(aware)
        if datetime.fromtimestamp(instant, self.zone).replace(tzinfo=None) == local:
            return instant
        # In a spring-forward gap: fold=0 lands after the switch, fold=1 before it.
        before, after = instant - (_offset(aware.replace(fold=1)) - _offset(aware)), instant
        while after - before > 1:
            middle = (before + after) // 2
            if datetime.fromtimestamp(middle, self.zone).replace(tzinfo=None) >= local:
                after = middle
            else:
                before = middle
        return after

    def _day(self, day: date) -> tuple[tuple[Span, ...], int]:
        """Covered UTC spans of a local date and their total seconds (cached)."""
        cached = self._spans.get(day)
        if cached is None:
            local = _clip_to_day(self._intervals_on(day), self._intervals_on(day - ONE_DAY))
            converted = ((self._to_utc(day, a), self._to_utc(day, b)) for a, b in local)
            spans = tuple((a, b) for a, b in converted if b > a)
            cached = (spans, sum(b - a for a, b in spans))
            if len(self._spans) >= _SPAN_CACHE_LIMIT:
                self._spans.clear()
            self._spans[day] = cached
        return cached

    def local_date(self, instant: int) -> date:
        """The local date of a UTC epoch second."""
        return datetime.fromtimestamp(instant, self.zone).date()

    def _covered_before(self, day: date, instant: int) -> int:
        return sum(min(end, instant) - start for start, end in self._day(day)[0] if start < instant)

    # -- many days at once -----------------------------------------------------------------------
    def _year(self, year: int) -> list[int]:
        """Covered seconds from the start of a local year to the start of each of its days.

        Built from the regular weekly pattern, corrected on the few dates covered unlike their
        weekday: holidays, working days, the day after each (midnight tails) and DST switches.
        """
        cached = self._years.get(year)
        if cached is None:
            january_first = date(year, 1, 1)
            weekday, length = january_first.weekday(), (date(year + 1, 1, 1) - january_first).days
            daily = [self._regular[(weekday + index) % 7] for index in range(length)]
            for day in self._irregular_candidates(year):
                daily[(day - january_first).days] = self._day(day)[1]
            cached = [0, *accumulate(daily)]
            self._years[year] = cached
        return cached

    def _irregular_candidates(self, year: int) -> set[date]:
        candidates = set(self._offset_change_days(year))
        for near in (year - 1, year):
            for day in self._special(near)[0] | self._special(near)[1]:
                candidates.update((day, day + ONE_DAY))
        return {day for day in candidates if day.year == year}

    def _offset_change_days(self, year: int) -> list[date]:
        day, found = date(year, 1, 1), []
        offset = _offset(datetime.combine(day, time(), tzinfo=self.zone))
        while day.year == year:
            following = _offset(datetime.combine(day + ONE_DAY, time(), tzinfo=self.zone))
            if following != offset:
                found.append(day)
            day, offset = day + ONE_DAY, following
        return found

    def covered_days(self, first: date, stop: date) -> int:
        """Covered seconds of the local dates `first` up to, not including, `stop`."""
        if stop <= first:
            return 0
        covered = sum(self._year(year)[-1] for year in range(first.year, stop.year))
        covered += self._year(stop.year)[_day_of_year(stop)]
        return covered - self._year(first.year)[_day_of_year(first)]

    # -- the two operations on epoch seconds -----------------------------------------------------
    def seconds_between(self, start: int, end: int) -> int:
        """Covered seconds in [start, end) (epoch seconds, start <= end)."""
        first, last = self.local_date(start), self.local_date(end)
        covered = self.covered_days(first, last) + self._covered_before(last, end)
        return covered - self._covered_before(first, start)

    def add_seconds(self, start: int, seconds: int) -> int:
        """First epoch second at which `seconds` (> 0) covered seconds have elapsed."""
        day = self.local_date(start)
        year, cumulative = day.year, self._year(day.year)
        # The target, counted from the start of the local year.
        target = cumulative[_day_of_year(day)] + self._covered_before(day, start) + seconds
        while target > cumulative[-1]:
            target -= cumulative[-1]
            year += 1
            cumulative = self._year(year)
        index = bisect_left(cumulative, target) - 1  # the day whose coverage reaches the target
        remaining = target - cumulative[index]
        for span_start, span_end in self._day(date(year, 1, 1) + timedelta(days=index))[0]:
            if remaining <= span_end - span_start:
                return span_start + remaining
            remaining -= span_end - span_start
        raise AssertionError("unreachable: the day's total covers what remains")

    def covers(self, instant: int) -> bool:
        """Whether the second starting at `instant` is covered."""
        return any(a <= instant < b for a, b in self._day(self.local_date(instant))[0])


def _day_of_year(day: date) -> int:
    return day.toordinal() - date(day.year, 1, 1).toordinal()


def _offset(aware: datetime) -> int:
    offset = aware.utcoffset()
    return 0 if offset is None else offset // _SECOND


def _epoch(instant: datetime) -> int:
    if instant.tzinfo is None:
        raise ValueError("business-hours arithmetic needs aware datetimes")
    return (instant - _EPOCH) // _SECOND


def _utc(seconds: int) -> datetime:
    return _EPOCH + timedelta(seconds=seconds)


def add_business_time(calendar: Calendar, start: datetime, seconds: int) -> datetime:
    """The UTC instant at which `seconds` of covered time have elapsed since `start`."""
    if seconds < 0:
        raise ValueError(f"cannot add negative business time ({seconds} s)")
    begin = _epoch(start)
    return _utc(calendar.add_seconds(begin, seconds) if seconds else begin)


def business_seconds_between(calendar: Calendar, start: datetime, end: datetime) -> int:
    """Covered seconds between two aware instants (`end` before `start` is an error)."""
    begin, finish = _epoch(start), _epoch(end)
    if finish < begin:
        raise ValueError(f"end {end.isoformat()} is before start {start.isoformat()}")
    return calendar.seconds_between(begin, finish)


def next_covered_instant(calendar: Calendar, at: datetime) -> datetime:
    """`at` itself when covered, else the start of the next covered second (UTC)."""
    return _utc(calendar.add_seconds(_epoch(at), 1) - 1)


def is_covered(calendar: Calendar, at: datetime) -> bool:
    """Whether the second starting at `at` is covered time."""
    return calendar.covers(_epoch(at))
