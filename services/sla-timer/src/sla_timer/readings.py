"""What a clock reads at an instant, and the timers it needs (pure)."""

from __future__ import annotations

from datetime import datetime

from sla_timer.business_hours import Calendar
from sla_timer.clocks import ClockState, SlaClock, TimerKind, covered


def elapsed_at(clock: SlaClock, now: datetime, calendar: Calendar) -> int | None:
    """Covered seconds counted against the target by `now`; None when not in the SLA."""
    if clock.state is ClockState.RUNNING:
        counted = covered(calendar, clock.started_at, now) - clock.paused_seconds
        return max(counted, 0)
    if clock.state is ClockState.PAUSED:
        assert clock.remaining_seconds is not None
        return clock.target - clock.remaining_seconds
    return clock.elapsed_seconds


def remaining_at(clock: SlaClock, now: datetime, calendar: Calendar) -> int | None:
    """Covered seconds left at `now` (frozen while paused, 0 once breached)."""
    if clock.state is ClockState.RUNNING:
        assert clock.deadline is not None
        return covered(calendar, now, clock.deadline)
    if clock.state is ClockState.PAUSED:
        return clock.remaining_seconds
    if clock.state is ClockState.MET:
        assert clock.elapsed_seconds is not None
        return clock.target - clock.elapsed_seconds
    return 0 if clock.state is ClockState.BREACHED else None


def timers_for(clock: SlaClock) -> list[tuple[TimerKind, datetime]]:
    """The timers a clock needs: a running clock has a breach timer and, until warned, a warning."""
    if clock.state is not ClockState.RUNNING:
        return []
    assert clock.deadline is not None
    assert clock.warning_at is not None
    due = [(TimerKind.BREACH, clock.deadline)]
    if clock.warned_at is None:
        due.insert(0, (TimerKind.WARNING, clock.warning_at))
    return due
