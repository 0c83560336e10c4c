"""The clock state machine, by hand-checked cases in 24x7 time and in Moscow business hours."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from sla_timer.business_hours import Calendar, add_business_time
from sla_timer.clocks import (
    ChangeKind,
    ClockState,
    SlaClock,
    TicketFacts,
    TimerKind,
    Transition,
    arm,
    breach,
    cancel,
    catch_up,
    fire,
    meet,
    pause,
    resume,
    retarget,
)
from sla_timer.readings import elapsed_at, remaining_at, timers_for
from ticketing_common.contracts import load_contracts
from ticketing_common.events import ClockKind

CONTRACTS = load_contracts(Path(__file__).resolve().parents[3] / "config" / "contracts.yaml")
ALWAYS = Calendar.from_contract(CONTRACTS.version_by_id("e2e-247@2020-01-01"))
MOSCOW = ZoneInfo("Europe/Moscow")
ACME = Calendar.from_contract(CONTRACTS.version_by_id("acme-shop@2025-01-01"))
T = datetime(2025, 3, 3, 10, 0, tzinfo=UTC)


def s(seconds: int) -> datetime:
    """T plus some seconds."""
    return T + timedelta(seconds=seconds)


def msk(day: int, hour: int, minute: int = 0) -> datetime:
    """A Moscow wall-clock instant in April 2025 (no holidays; 11th is a Friday)."""
    return datetime(2025, 4, day, hour, minute, tzinfo=MOSCOW)


def armed(
    target: int | None = 4,
    *,
    threshold: float = 0.5,
    received_at: datetime = T,
    calendar: Calendar = ALWAYS,
    kind: ClockKind = ClockKind.RESPONSE,
) -> SlaClock:
    return arm(
        kind,
        request_class=4,
        target_seconds=target,
        warning_threshold=threshold,
        received_at=received_at,
        at=received_at,
        calendar=calendar,
    ).clock


def changes(transition: Transition) -> list[ChangeKind]:
    return [change.kind for change in transition.changes]


def test_arming_counts_from_reception_and_announces_deadline_and_warning() -> None:
    step = arm(
        ClockKind.RESPONSE,
        request_class=4,
        target_seconds=4,
        warning_threshold=0.5,
        received_at=T,
        at=s(1),
        calendar=ALWAYS,
    )
    assert changes(step) == [ChangeKind.ARMED]
    clock = step.clock
    assert (clock.state, clock.started_at, clock.deadline, clock.warning_at) == (
        ClockState.RUNNING,
        T,
        s(4),
        s(2),
    )
    assert timers_for(clock) == [(TimerKind.WARNING, s(2)), (TimerKind.BREACH, s(4))]


@pytest.mark.parametrize(
    ("received_at", "target", "started_at", "deadline", "warning_at"),
    [
        # Friday 17:30 + 1 h fits before 18:30 the same evening.
        (msk(11, 17, 30), 3600, msk(11, 17, 30), msk(11, 18, 30), msk(11, 18, 18)),
        # Friday 18:00: 30 min on Friday, 30 min from Monday 09:30; warning at 80 % = 48 min.
        (msk(11, 18), 3600, msk(11, 18), msk(14, 10), msk(14, 9, 48)),
        # Received on Saturday: the clock starts at Monday 09:30.
        (msk(12, 12), 3600, msk(14, 9, 30), msk(14, 10, 30), msk(14, 10, 18)),
        # Resolution, 4 h, from Friday 18:00: 30 min + 3 h 30 min on Monday; warning at 3 h 12.
        (msk(11, 18), 4 * 3600, msk(11, 18), msk(14, 13), msk(14, 12, 12)),
    ],
)
def test_arming_in_business_hours(
    received_at: datetime,
    target: int,
    started_at: datetime,
    deadline: datetime,
    warning_at: datetime,
) -> None:
    clock = armed(target, threshold=0.8, received_at=received_at, calendar=ACME)
    assert (clock.started_at, clock.deadline, clock.warning_at) == (
        started_at,
        deadline,
        warning_at,
    )
    assert clock.deadline == add_business_time(ACME, received_at, target)


def test_a_class_not_in_the_sla_gets_a_silent_clock_without_timers() -> None:
    step = arm(
        ClockKind.RESOLUTION,
        request_class=6,
        target_seconds=None,
        warning_threshold=0.8,
        received_at=T,
        at=T,
        calendar=ALWAYS,
    )
    assert step.clock.state is ClockState.NOT_APPLICABLE
    assert step.changes == ()
    assert timers_for(step.clock) == []
    assert remaining_at(step.clock, s(10), ALWAYS) is None


@pytest.mark.parametrize(
    ("reply_at", "state", "elapsed", "change"),
    [
        (s(3), ClockState.MET, 3, ChangeKind.MET),
        (s(4), ClockState.MET, 4, ChangeKind.MET),  # on the deadline is in time
        (s(5), ClockState.BREACHED, 4, ChangeKind.BREACHED),  # late reply, timer not fired yet
    ],
)
def test_a_reply_meets_the_clock_in_time_and_breaches_it_when_late(
    reply_at: datetime, state: ClockState, elapsed: int, change: ChangeKind
) -> None:
    step = meet(armed(), reply_at, ALWAYS)
    assert changes(step) == [change]
    assert (step.clock.state, step.clock.elapsed_seconds) == (state, elapsed)
    assert timers_for(step.clock) == []


def test_a_breached_clock_stays_breached_and_a_met_one_stays_met() -> None:
    breached = breach(armed(), s(4)).clock
    met = meet(armed(), s(1), ALWAYS).clock
    for clock in (breached, met):
        assert meet(clock, s(2), ALWAYS).changes == ()
        assert pause(clock, s(2), ALWAYS, reason="waiting").changes == ()
        assert retarget(clock, request_class=3, target_seconds=30, at=s(2), calendar=ALWAYS) == (
            Transition(clock)
        )
    assert remaining_at(breached, s(9), ALWAYS) == 0
    assert remaining_at(met, s(9), ALWAYS) == 3


def test_pause_freezes_the_remaining_time_and_resume_shifts_the_deadline() -> None:
    paused = pause(armed(), s(1), ALWAYS, reason="waiting_on_customer")
    assert changes(paused) == [ChangeKind.PAUSED]
    assert (paused.clock.remaining_seconds, paused.clock.deadline) == (3, None)
    assert timers_for(paused.clock) == []
    assert remaining_at(paused.clock, s(100), ALWAYS) == 3
    assert elapsed_at(paused.clock, s(100), ALWAYS) == 1
    resumed = resume(paused.clock, s(11), ALWAYS, reason="ticket moved to open")
    assert changes(resumed) == [ChangeKind.RESUMED]
    assert resumed.changes[0].remaining_seconds == 3
    assert (resumed.clock.deadline, resumed.clock.warning_at) == (s(14), s(12))
    assert elapsed_at(resumed.clock, s(12), ALWAYS) == 2


def test_resume_in_business_hours_moves_the_deadline_by_the_covered_pause() -> None:
    clock = armed(3600, threshold=0.8, received_at=msk(11, 17), calendar=ACME)
    paused = pause(clock, msk(11, 17, 15), ACME, reason="waiting_on_customer").clock
    assert paused.remaining_seconds == 45 * 60
    resumed = resume(paused, msk(14, 11), ACME, reason="ticket moved to open").clock
    assert resumed.deadline == msk(14, 11, 45)
    assert resumed.deadline == add_business_time(ACME, msk(14, 11), 45 * 60)


def test_pausing_a_clock_past_its_deadline_is_a_breach() -> None:
    step = pause(armed(), s(6), ALWAYS, reason="waiting_on_customer")
    assert changes(step) == [ChangeKind.BREACHED]
    assert step.clock.breached_at == s(6)


def test_a_paused_clock_is_met_with_its_frozen_elapsed_time() -> None:
    paused = pause(armed(), s(1), ALWAYS, reason="waiting_on_customer").clock
    step = meet(paused, s(50), ALWAYS)
    assert changes(step) == [ChangeKind.MET]
    assert (step.clock.elapsed_seconds, step.clock.met_at) == (1, s(50))


@pytest.mark.parametrize(
    ("facts", "expected", "state"),
    [
        (TicketFacts(), [ChangeKind.ARMED], ClockState.RUNNING),
        (
            TicketFacts(first_agent_reply_at=s(1)),
            [ChangeKind.ARMED, ChangeKind.MET],
            ClockState.MET,
        ),
        (
            TicketFacts(first_agent_reply_at=s(9)),
            [ChangeKind.ARMED, ChangeKind.BREACHED],
            ClockState.BREACHED,
        ),
        (TicketFacts(resolved_at=s(1)), [ChangeKind.ARMED], ClockState.RUNNING),  # not a reply
        (TicketFacts(waiting_since=s(1)), [ChangeKind.ARMED, ChangeKind.PAUSED], ClockState.PAUSED),
        (
            TicketFacts(first_agent_reply_at=s(1), waiting_since=s(2)),
            [ChangeKind.ARMED, ChangeKind.MET],
            ClockState.MET,
        ),
    ],
)
def test_facts_seen_before_triage_apply_at_arming(
    facts: TicketFacts, expected: list[ChangeKind], state: ClockState
) -> None:
    step = catch_up(
        arm(
            ClockKind.RESPONSE,
            request_class=4,
            target_seconds=4,
            warning_threshold=0.5,
            received_at=T,
            at=s(20),
            calendar=ALWAYS,
        ),
        facts,
        ALWAYS,
    )
    assert changes(step) == expected
    assert step.clock.state is state


def test_reply_before_triage_is_met_at_the_reply_time() -> None:
    facts = TicketFacts(first_agent_reply_at=s(3))
    step = catch_up(Transition(armed()), facts, ALWAYS)
    assert (step.clock.met_at, step.clock.elapsed_seconds) == (s(3), 3)


def test_reclassification_rearms_from_the_same_start() -> None:
    step = retarget(armed(4), request_class=3, target_seconds=30, at=s(1), calendar=ALWAYS)
    assert changes(step) == [ChangeKind.ARMED]
    assert (step.clock.request_class, step.clock.deadline, step.clock.warning_at) == (
        3,
        s(30),
        s(15),
    )


def test_reclassification_to_a_target_already_used_up_breaches() -> None:
    step = retarget(armed(30), request_class=3, target_seconds=4, at=s(10), calendar=ALWAYS)
    assert changes(step) == [ChangeKind.ARMED, ChangeKind.BREACHED]
    assert (step.clock.state, step.clock.deadline, step.clock.breached_at) == (
        ClockState.BREACHED,
        s(4),
        s(10),
    )


def test_reclassification_of_a_paused_clock_keeps_it_paused_with_the_new_remaining_time() -> None:
    paused = pause(armed(4), s(1), ALWAYS, reason="waiting_on_customer").clock
    step = retarget(paused, request_class=3, target_seconds=30, at=s(5), calendar=ALWAYS)
    assert changes(step) == [ChangeKind.ARMED]
    assert (step.clock.state, step.clock.remaining_seconds) == (ClockState.PAUSED, 29)
    assert step.changes[0].clock.deadline == s(34)  # announced as if it resumed now
    assert resume(step.clock, s(5), ALWAYS, reason="open").clock.deadline == s(34)


def test_reclassification_to_a_class_outside_the_sla_silences_the_clock() -> None:
    step = retarget(armed(4), request_class=4, target_seconds=None, at=s(1), calendar=ALWAYS)
    assert step.changes == ()
    assert step.clock.state is ClockState.NOT_APPLICABLE
    assert timers_for(step.clock) == []


def test_timers_fire_once_and_stale_timers_do_nothing() -> None:
    clock = armed()
    warned = fire(clock, TimerKind.WARNING, fire_at=s(2), now=s(2))
    assert changes(warned) == [ChangeKind.WARNED]
    assert timers_for(warned.clock) == [(TimerKind.BREACH, s(4))]
    assert fire(warned.clock, TimerKind.WARNING, fire_at=s(2), now=s(3)).changes == ()
    assert fire(warned.clock, TimerKind.BREACH, fire_at=s(3), now=s(3)).changes == ()  # stale
    breached = fire(warned.clock, TimerKind.BREACH, fire_at=s(4), now=s(5))
    assert changes(breached) == [ChangeKind.BREACHED]
    assert (breached.clock.breached_at, breached.clock.elapsed_seconds) == (s(5), 4)
    paused = pause(clock, s(1), ALWAYS, reason="waiting_on_customer").clock
    assert fire(paused, TimerKind.BREACH, fire_at=s(4), now=s(4)).changes == ()


def test_a_warning_not_fired_before_a_pause_fires_right_after_the_resume() -> None:
    paused = pause(armed(), s(3), ALWAYS, reason="waiting_on_customer").clock
    resumed = resume(paused, s(10), ALWAYS, reason="open").clock
    assert (resumed.warning_at, resumed.deadline) == (s(9), s(11))
    assert timers_for(resumed)[0] == (TimerKind.WARNING, s(9))  # already due: fires at once


def test_cancel_stops_running_and_paused_clocks_silently() -> None:
    running = armed(60)
    cancelled = cancel(running)
    assert cancelled.clock.state is ClockState.CANCELLED
    assert cancelled.changes == ()
    assert cancelled.clock.deadline is None
    assert timers_for(cancelled.clock) == []
    paused = pause(running, s(10), ALWAYS, reason="wait").clock
    assert cancel(paused).clock.state is ClockState.CANCELLED
    met = meet(running, s(10), ALWAYS).clock
    assert cancel(met).clock == met  # an outcome, once reached, stays


def test_a_close_before_arming_cancels_at_catch_up() -> None:
    facts = TicketFacts(closed_at=s(1))
    caught_up = catch_up(Transition(armed(60)), facts, ALWAYS)
    assert caught_up.clock.state is ClockState.CANCELLED
