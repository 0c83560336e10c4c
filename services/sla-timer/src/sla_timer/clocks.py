"""The SLA clock state machine. Pure: no I/O, no clock reads; covered time from business_hours.

A clock counts covered seconds from `started_at` (reception, or the next covered instant). Time
spent paused is kept in `paused_seconds`, so a running clock's deadline is always
`add_business_time(started_at, target + paused_seconds)`: resuming, reclassifying and arming
all derive the deadline the same way. Facts are applied at their own event time, so a fact
that arrives late (a reply seen before triage) still stops the clock when it happened.

    running --meet(at <= deadline)--> met          running --pause--> paused --resume--> running
    running --meet(at > deadline)---> breached     paused --meet--> met
    running --breach timer----------> breached     running|paused --retarget--> (re-armed)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from math import floor
from typing import Any

from sla_timer.business_hours import (
    Calendar,
    add_business_time,
    business_seconds_between,
    next_covered_instant,
)
from ticketing_common.events import ClockKind


class ClockState(StrEnum):
    """Where one SLA clock stands."""

    RUNNING = "running"
    PAUSED = "paused"
    MET = "met"
    BREACHED = "breached"
    NOT_APPLICABLE = "not_applicable"
    CANCELLED = "cancelled"  # the ticket was closed while the clock ran: no outcome


class TimerKind(StrEnum):
    """What a durable timer fires."""

    WARNING = "warning"
    BREACH = "breach"


class ChangeKind(StrEnum):
    """Something about a clock that the service announces with an event."""

    ARMED = "armed"
    WARNED = "warned"
    PAUSED = "paused"
    RESUMED = "resumed"
    MET = "met"
    BREACHED = "breached"


@dataclass(frozen=True)
class SlaClock:
    """One clock of one ticket."""

    kind: ClockKind
    state: ClockState
    request_class: int
    target_seconds: int | None  # None: the class is not in the SLA for this clock
    warning_threshold: float
    started_at: datetime
    paused_seconds: int = 0  # covered seconds spent paused, not counted against the target
    deadline: datetime | None = None  # while running
    warning_at: datetime | None = None  # while running
    warned_at: datetime | None = None
    paused_at: datetime | None = None  # while paused
    remaining_seconds: int | None = None  # frozen while paused
    met_at: datetime | None = None
    breached_at: datetime | None = None
    elapsed_seconds: int | None = None  # once met or breached

    @property
    def stopped(self) -> bool:
        """Met, breached and cancelled clocks never change again."""
        return self.state in (ClockState.MET, ClockState.BREACHED, ClockState.CANCELLED)

    @property
    def target(self) -> int:
        """The target of a clock that has one."""
        if self.target_seconds is None:
            raise ValueError(f"the {self.kind} clock is not in the SLA")
        return self.target_seconds

    @property
    def warning_point(self) -> int:
        """Covered seconds after which the warning fires."""
        return floor(self.target * self.warning_threshold)


@dataclass(frozen=True)
class Change:
    """One announced change, with the clock as it stood right after it."""

    kind: ChangeKind
    clock: SlaClock
    at: datetime
    reason: str | None = None
    remaining_seconds: int | None = None  # on resumption: what was left when it paused


@dataclass(frozen=True)
class Transition:
    """A clock after a step, and what the step changed (in order)."""

    clock: SlaClock
    changes: tuple[Change, ...] = ()

    def then(self, step: Callable[[SlaClock], Transition]) -> Transition:
        """Apply another step to the resulting clock, keeping every change."""
        following = step(self.clock)
        return Transition(following.clock, self.changes + following.changes)


@dataclass(frozen=True)
class TicketFacts:
    """Facts from other producers that stop or pause clocks, kept even before arming."""

    first_agent_reply_at: datetime | None = None
    resolved_at: datetime | None = None
    waiting_since: datetime | None = None
    closed_at: datetime | None = None

    def stop_time(self, kind: ClockKind) -> datetime | None:
        """When this clock's stopping fact happened: first agent reply, or resolution."""
        return self.first_agent_reply_at if kind is ClockKind.RESPONSE else self.resolved_at


def covered(calendar: Calendar, start: datetime, end: datetime) -> int:
    """Covered seconds in [start, end); 0 when end is not after start."""
    return business_seconds_between(calendar, start, end) if end > start else 0


def arm(
    kind: ClockKind,
    *,
    request_class: int,
    target_seconds: int | None,
    warning_threshold: float,
    received_at: datetime,
    at: datetime,
    calendar: Calendar,
) -> Transition:
    """A new clock counting from reception; `not_applicable` (and silent) without a target."""
    started_at = next_covered_instant(calendar, received_at)
    state = ClockState.NOT_APPLICABLE if target_seconds is None else ClockState.RUNNING
    clock = SlaClock(kind, state, request_class, target_seconds, warning_threshold, started_at)
    if target_seconds is None:
        return Transition(clock)
    running = _schedule(clock, calendar)
    return Transition(running, (Change(ChangeKind.ARMED, running, at),))


def catch_up(transition: Transition, facts: TicketFacts, calendar: Calendar) -> Transition:
    """Apply facts that arrived before arming, in the order they happened."""
    steps: list[tuple[datetime, Callable[[SlaClock], Transition]]] = []
    if (waiting := facts.waiting_since) is not None:
        steps.append((waiting, lambda c: pause(c, waiting, calendar, reason="waiting_on_customer")))
    if (stop := facts.stop_time(transition.clock.kind)) is not None:
        steps.append((stop, lambda c: meet(c, stop, calendar)))
    if (closed := facts.closed_at) is not None:
        steps.append((closed, cancel))
    for _, step in sorted(steps, key=lambda pair: pair[0]):
        transition = transition.then(step)
    return transition


def meet(clock: SlaClock, at: datetime, calendar: Calendar) -> Transition:
    """Stop the clock by its fact at `at`: met in time, or a breach when `at` is past due."""
    if clock.state is ClockState.RUNNING:
        assert clock.deadline is not None
        if at > clock.deadline:
            return breach(clock, at)
        elapsed = clock.target - covered(calendar, at, clock.deadline)
        return _met(clock, at, elapsed)
    if clock.state is ClockState.PAUSED:
        assert clock.remaining_seconds is not None
        return _met(clock, at, clock.target - clock.remaining_seconds)
    return Transition(clock)


def pause(clock: SlaClock, at: datetime, calendar: Calendar, *, reason: str) -> Transition:
    """Freeze a running clock at `at` (a clock already past due breaches instead)."""
    if clock.state is not ClockState.RUNNING:
        return Transition(clock)
    assert clock.deadline is not None
    if at > clock.deadline:
        return breach(clock, at)
    paused = replace(
        clock,
        state=ClockState.PAUSED,
        paused_at=at,
        remaining_seconds=covered(calendar, at, clock.deadline),
        deadline=None,
        warning_at=None,
    )
    return Transition(paused, (Change(ChangeKind.PAUSED, paused, at, reason),))


def cancel(clock: SlaClock) -> Transition:
    """Closing a ticket stops its running or paused clocks with no outcome, and silently.

    A ticket closed unresolved (spam, duplicate, withdrawn) neither met nor breached its SLA;
    the catalog has no event for that yet, so nothing is announced and its timers go.
    """
    if clock.state not in (ClockState.RUNNING, ClockState.PAUSED):
        return Transition(clock)
    cancelled = replace(
        clock,
        state=ClockState.CANCELLED,
        deadline=None,
        warning_at=None,
        paused_at=None,
        remaining_seconds=None,
    )
    return Transition(cancelled)


def resume(clock: SlaClock, at: datetime, calendar: Calendar, *, reason: str) -> Transition:
    """Count again from `at`: the deadline moves by the covered time spent paused."""
    if clock.state is not ClockState.PAUSED:
        return Transition(clock)
    running = _resumed(clock, at, calendar)
    change = Change(ChangeKind.RESUMED, running, at, reason, clock.remaining_seconds)
    return Transition(running, (change,))


def retarget(
    clock: SlaClock,
    *,
    request_class: int,
    target_seconds: int | None,
    at: datetime,
    calendar: Calendar,
) -> Transition:
    """A new class's target from the same start; stopped clocks keep their outcome.

    A class that is not in the SLA makes the clock `not_applicable` (no event exists for that).
    A `not_applicable` clock is armed afresh by the caller (`arm` + `catch_up`), not here.
    """
    if clock.stopped or clock.state is ClockState.NOT_APPLICABLE:
        return Transition(clock)
    if target_seconds is None:
        return Transition(_not_applicable(clock, request_class))
    updated = replace(clock, request_class=request_class, target_seconds=target_seconds)
    if clock.state is ClockState.RUNNING:
        running = _schedule(updated, calendar)
        armed = Transition(running, (Change(ChangeKind.ARMED, running, at),))
        assert running.deadline is not None
        return armed.then(lambda c: breach(c, at)) if running.deadline < at else armed
    assert clock.remaining_seconds is not None
    used = clock.target - clock.remaining_seconds
    paused = replace(updated, remaining_seconds=max(target_seconds - used, 0))
    # sla.armed carries a deadline: for a paused clock, the one it would have if resumed now.
    if target_seconds <= used:  # the new target ran out before the pause
        ran_out = _schedule(paused, calendar)
        armed = Transition(ran_out, (Change(ChangeKind.ARMED, ran_out, at),))
        return armed.then(lambda c: breach(c, at))
    projected = _resumed(paused, at, calendar)
    return Transition(paused, (Change(ChangeKind.ARMED, projected, at),))


def fire(clock: SlaClock, timer: TimerKind, *, fire_at: datetime, now: datetime) -> Transition:
    """A due timer: warn or breach if it still matches the clock; otherwise nothing (stale)."""
    if clock.state is not ClockState.RUNNING:
        return Transition(clock)
    if timer is TimerKind.BREACH:
        return breach(clock, now) if clock.deadline == fire_at else Transition(clock)
    if clock.warned_at is not None or clock.warning_at != fire_at:
        return Transition(clock)
    warned = replace(clock, warned_at=now)
    return Transition(warned, (Change(ChangeKind.WARNED, warned, now),))


def breach(clock: SlaClock, at: datetime) -> Transition:
    """The clock ran out; detected at `at`. Its whole target counts as used."""
    return _stop(clock, ChangeKind.BREACHED, at, breached_at=at, elapsed_seconds=clock.target)


def _schedule(clock: SlaClock, calendar: Calendar) -> SlaClock:
    """A running clock's deadline and warning instant, from its start and its paused time."""
    start, paused = clock.started_at, clock.paused_seconds
    return replace(
        clock,
        state=ClockState.RUNNING,
        deadline=add_business_time(calendar, start, clock.target + paused),
        warning_at=add_business_time(calendar, start, clock.warning_point + paused),
        paused_at=None,
        remaining_seconds=None,
    )


def _resumed(clock: SlaClock, at: datetime, calendar: Calendar) -> SlaClock:
    assert clock.paused_at is not None
    paused_for = covered(calendar, clock.paused_at, at)
    return _schedule(replace(clock, paused_seconds=clock.paused_seconds + paused_for), calendar)


def _met(clock: SlaClock, at: datetime, elapsed: int) -> Transition:
    return _stop(clock, ChangeKind.MET, at, met_at=at, elapsed_seconds=max(elapsed, 0))


def _stop(clock: SlaClock, kind: ChangeKind, at: datetime, **outcome: Any) -> Transition:
    """Met or breached for good: no pause, no remaining time, no timers."""
    state = ClockState.MET if kind is ChangeKind.MET else ClockState.BREACHED
    stopped = replace(clock, state=state, paused_at=None, remaining_seconds=None, **outcome)
    return Transition(stopped, (Change(kind, stopped, at),))


def _not_applicable(clock: SlaClock, request_class: int) -> SlaClock:
    return replace(
        clock,
        state=ClockState.NOT_APPLICABLE,
        request_class=request_class,
        target_seconds=None,
        deadline=None,
        warning_at=None,
        paused_at=None,
        remaining_seconds=None,
    )
