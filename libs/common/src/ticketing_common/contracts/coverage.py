"""Covered time of a contract: named coverage plans and custom weekly intervals."""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import StrEnum
from typing import Any, NamedTuple, Self

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

SECONDS_PER_DAY = 86_400
_CLOCK = re.compile(r"^(?P<h>[01]?\d|2[0-3]):(?P<m>[0-5]\d)$")


class Weekday(StrEnum):
    """A day of the week as written in the contracts file; its index is Python's (mon = 0)."""

    MON = "mon"
    TUE = "tue"
    WED = "wed"
    THU = "thu"
    FRI = "fri"
    SAT = "sat"
    SUN = "sun"

    @property
    def number(self) -> int:
        """0 for Monday … 6 for Sunday, as `date.weekday()` returns."""
        return list(Weekday).index(self)


class CoveragePlan(StrEnum):
    """The named coverage plans of the basic offer (DOMAIN.md, "Covered time")."""

    BUSINESS_HOURS = "business_hours"
    EVENING = "evening"
    WEEKEND_DAY = "weekend_day"
    WEEKEND = "weekend"
    WEEKEND_LONG = "weekend_long"
    ALWAYS = "24x7"


class CoverageInterval(NamedTuple):
    """Covered time starting on a weekday: seconds after that day's local midnight.

    `end` may exceed 86 400 when the interval crosses midnight into the next day; the
    interval still belongs to `weekday` (a holiday on that date removes all of it).
    """

    weekday: int
    start: int
    end: int


def parse_clock(text: str, *, allow_24: bool = False) -> int:
    """Seconds after midnight of a local "HH:MM" time ("24:00" only when `allow_24`)."""
    if allow_24 and text == "24:00":
        return SECONDS_PER_DAY
    match = _CLOCK.match(text)
    if match is None:
        upper = "24:00" if allow_24 else "23:59"
        raise ValueError(f"expected a time 'HH:MM' between 00:00 and {upper}, got {text!r}")
    return int(match["h"]) * 3600 + int(match["m"]) * 60


_WEEKDAYS = (Weekday.MON, Weekday.TUE, Weekday.WED, Weekday.THU, Weekday.FRI)
_WEEKEND = (Weekday.SAT, Weekday.SUN)
_PLAN_HOURS: dict[CoveragePlan, tuple[tuple[Weekday, ...], str, str]] = {
    CoveragePlan.BUSINESS_HOURS: (_WEEKDAYS, "09:30", "18:30"),
    CoveragePlan.EVENING: (_WEEKDAYS, "18:00", "20:00"),
    CoveragePlan.WEEKEND: (_WEEKEND, "09:00", "17:00"),
    CoveragePlan.WEEKEND_LONG: (_WEEKEND, "09:00", "20:00"),
    CoveragePlan.ALWAYS: (tuple(Weekday), "00:00", "24:00"),
}
_WEEKEND_DAY_HOURS = ("09:00", "17:00")


class CoverageEntry(BaseModel):
    """One item of `coverage:`: a named plan (`business_hours`, `{plan: weekend_day, day: sat}`)
    or a custom weekly interval (`{days: [mon, tue], start: "08:00", end: "12:00"}`)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    plan: CoveragePlan | None = None
    day: Weekday | None = None
    days: tuple[Weekday, ...] | None = None
    start: str | None = None
    end: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _bare_plan_name(cls, data: Any) -> Any:
        return {"plan": data} if isinstance(data, str) else data

    @field_validator("start", "end", mode="before")
    @classmethod
    def _clock_is_text(cls, value: Any) -> Any:
        if isinstance(value, int):
            # PyYAML reads an unquoted 18:30 as the base-60 integer 1110.
            raise ValueError('write the time in quotes, e.g. "18:30" (YAML read a number)')
        return value

    @field_validator("start")
    @classmethod
    def _valid_start(cls, value: str | None) -> str | None:
        if value is not None:
            parse_clock(value)
        return value

    @field_validator("end")
    @classmethod
    def _valid_end(cls, value: str | None) -> str | None:
        if value is not None:
            parse_clock(value, allow_24=True)
        return value

    @model_validator(mode="after")
    def _one_shape(self) -> Self:
        if self.plan is None:
            self._check_custom()
        elif self.days is not None or self.start is not None or self.end is not None:
            raise ValueError("a named plan takes no days/start/end; list a custom interval apart")
        elif (self.plan is CoveragePlan.WEEKEND_DAY) != (self.day is not None):
            raise ValueError("`day: sat|sun` is required for weekend_day and only for it")
        elif self.day is not None and self.day not in _WEEKEND:
            raise ValueError(f"weekend_day needs day sat or sun, got {self.day.value!r}")
        return self

    def _check_custom(self) -> None:
        if self.day is not None:
            raise ValueError("`day` belongs to plan weekend_day; a custom interval uses `days`")
        if not self.days or self.start is None or self.end is None:
            raise ValueError("give either `plan` or all of `days`, `start` and `end`")
        if len(set(self.days)) != len(self.days):
            raise ValueError("`days` lists a day twice")

    def intervals(self) -> list[CoverageInterval]:
        """The weekly intervals this entry covers."""
        days, start, end = self._shape()
        first = parse_clock(start)
        last = parse_clock(end, allow_24=True)
        if last <= first:  # crosses midnight into the next day
            last += SECONDS_PER_DAY
        return [CoverageInterval(day.number, first, last) for day in days]

    def _shape(self) -> tuple[tuple[Weekday, ...], str, str]:
        if self.plan is None:
            # _check_custom guaranteed all three on validation
            return self.days or (), self.start or "", self.end or ""
        if self.plan is CoveragePlan.WEEKEND_DAY:
            assert self.day is not None
            return (self.day,), *_WEEKEND_DAY_HOURS
        return _PLAN_HOURS[self.plan]


def merge_intervals(intervals: Iterable[CoverageInterval]) -> tuple[CoverageInterval, ...]:
    """Sort by weekday and start; merge overlapping or touching intervals of the same weekday."""
    merged: list[CoverageInterval] = []
    for item in sorted(intervals):
        last = merged[-1] if merged else None
        if last is not None and last.weekday == item.weekday and item.start <= last.end:
            merged[-1] = last._replace(end=max(last.end, item.end))
        else:
            merged.append(item)
    return tuple(merged)
