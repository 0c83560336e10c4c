"""How events change a ticket's facts: table-driven, and independent of arrival order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from functools import reduce
from itertools import permutations
from uuid import uuid4

import pytest

from reporting.facts import ClockOutcome, SlaEventKind, TicketFacts
from reporting.handlers import HANDLERS
from reporting.projections import apply, escalation_of, month_of, new_ticket, sla_event_of
from ticketing_common.envelope import Event
from ticketing_common.events import AuthorKind, ClockKind, Priority, TicketStatus, event_types


def replay(*events: Event) -> TicketFacts:
    """The facts after `ticket.created` (first) and then the other events in order."""
    created, *rest = events
    return reduce(apply, rest, new_ticket(created))  # type: ignore[arg-type]


def test_every_catalog_event_type_has_a_handler() -> None:
    assert set(HANDLERS) == set(event_types())


@pytest.mark.parametrize(
    ("received_at", "month"),
    [
        (datetime(2031, 1, 13, 9, 15, tzinfo=UTC), "2031-01"),
        (datetime(2031, 1, 31, 23, 59, 59, tzinfo=UTC), "2031-01"),
        (datetime(2031, 2, 1, 0, 0, tzinfo=UTC), "2031-02"),
        # 01:30 in Moscow on 1 February is still January in UTC.
        (datetime(2031, 2, 1, 1, 30, tzinfo=timezone(timedelta(hours=3))), "2031-01"),
        # 20:00 in New York on 31 December is already January in UTC.
        (datetime(2030, 12, 31, 20, 0, tzinfo=timezone(timedelta(hours=-5))), "2031-01"),
    ],
)
def test_a_ticket_belongs_to_the_utc_month_it_was_received(
    received_at: datetime, month: str
) -> None:
    assert month_of(received_at) == month


def test_a_new_ticket_has_no_decisions_yet(story) -> None:
    s = story()
    facts = new_ticket(s.created())
    assert (facts.status, facts.month, facts.classified) == (TicketStatus.NEW, "2031-01", False)
    assert facts.current_line is None
    assert facts.response.outcome is ClockOutcome.NONE
    assert facts.resolution.outcome is ClockOutcome.NONE


def test_triage_classifies_and_places_the_ticket(story) -> None:
    s = story()
    facts = replay(s.created(), s.triaged(4, line=2, priority="P2"))
    assert (facts.request_class, facts.priority, facts.current_line) == (4, Priority.P2, 2)
    assert facts.classified


def test_a_non_core_request_is_classified_without_a_class(story) -> None:
    s = story()
    facts = replay(s.created(), s.triaged(None, line=0))
    assert facts.classified
    assert facts.request_class is None


@pytest.mark.parametrize(
    ("arrival", "expected_line", "expected_class"),
    [
        # Escalation (10:00) arrives before triage (09:16): the later fact wins either way.
        (("triaged", "escalated"), 3, 4),
        (("escalated", "triaged"), 3, 4),
        # A manual reclassification at 09:40 overrides triage, whatever arrives first.
        (("triaged", "reclassified"), 1, 3),
        (("reclassified", "triaged"), 1, 3),
    ],
)
def test_class_and_line_follow_event_time_not_arrival(
    story, arrival: tuple[str, str], expected_line: int, expected_class: int
) -> None:
    s = story()
    events = {
        "triaged": s.triaged(4, line=2, at=1),
        "escalated": s.escalated(2, 3, at=45),
        "reclassified": s.reclassified(3, line=1, at=25),
    }
    facts = replay(s.created(), *(events[name] for name in arrival))
    assert (facts.current_line, facts.request_class) == (expected_line, expected_class)


def test_highest_line_is_kept_after_a_move_back_down(story) -> None:
    s = story()
    facts = replay(
        s.created(),
        s.triaged(4, line=2),
        s.escalated(2, 3, at=30),
        s.escalated(3, 2, at=90, trigger="manual"),
    )
    assert (facts.current_line, facts.highest_line, facts.escalations) == (2, 3, 1)


@pytest.mark.parametrize(
    ("clock_events", "outcome", "seconds"),
    [
        ([("met", 600, 20)], ClockOutcome.MET, 600),
        ([("breached", 7200, 120)], ClockOutcome.BREACHED, 7200),
        # A breach sticks: a later (or earlier-arriving) met does not undo it.
        ([("breached", 7200, 120), ("met", 8000, 140)], ClockOutcome.BREACHED, 7200),
        ([("met", 600, 20), ("breached", 7200, 120)], ClockOutcome.BREACHED, 7200),
        # Of two mets (clock re-armed after a reopen), the later one by time counts.
        ([("met", 600, 20), ("met", 900, 300)], ClockOutcome.MET, 900),
        ([("met", 900, 300), ("met", 600, 20)], ClockOutcome.MET, 900),
        ([], ClockOutcome.NONE, None),
    ],
)
def test_sla_clock_outcome(
    story,
    clock_events: list[tuple[str, int, float]],
    outcome: ClockOutcome,
    seconds: int | None,
) -> None:
    s = story()
    events = [
        s.met("response", elapsed=value, target=7200, at=at)
        if kind == "met"
        else s.breached("response", target=value, at=at)
        for kind, value, at in clock_events
    ]
    facts = replay(s.created(), s.armed("response", target=7200), *events)
    assert (facts.response.outcome, facts.response.seconds) == (outcome, seconds)
    assert facts.response.target_seconds == 7200
    assert facts.resolution.outcome is ClockOutcome.NONE


@pytest.mark.parametrize(
    ("moves", "status", "resolved_minute"),
    [
        ([("new", "open", 5), ("open", "resolved", 60)], "resolved", 60),
        ([("new", "open", 5), ("open", "resolved", 60), ("resolved", "closed", 90)], "closed", 60),
        (
            [("new", "open", 5), ("open", "resolved", 60), ("resolved", "open", 70)],
            "open",
            None,
        ),
        ([("new", "closed", 2)], "closed", None),
    ],
)
def test_status_and_resolution_time(
    story, moves: list[tuple[str, str, float]], status: str, resolved_minute: float | None
) -> None:
    s = story()
    facts = replay(s.created(), *(s.status(a, b, at=at) for a, b, at in moves))
    assert facts.status is TicketStatus(status)
    assert facts.resolved_at == (None if resolved_minute is None else s.t(resolved_minute))


def test_messages_count_and_the_first_agent_reply_is_the_earliest(story) -> None:
    s = story()
    facts = replay(
        s.created(),
        s.message(AuthorKind.AGENT, at=30),
        s.message(AuthorKind.CUSTOMER, at=35),
        s.message(AuthorKind.AGENT, at=10),  # arrived late, written earlier
        s.message(AuthorKind.SYSTEM, at=40),
    )
    assert (facts.agent_messages, facts.customer_messages) == (2, 1)
    assert facts.first_response_at == s.t(10)
    assert facts.last_event_at == s.t(40)


def test_vendor_and_sla_counters(story) -> None:
    s = story()
    facts = replay(
        s.created(),
        s.vendor_engaged("hostco", at=60),
        s.vendor_returned("hostco", at=120),
        s.warning("resolution", at=100),
        s.paused("resolution", at=110),
        s.resumed("resolution", at=130),
    )
    assert (facts.vendor_engagements, facts.vendor_returns) == (1, 1)
    assert (facts.sla_warnings, facts.sla_pauses) == (1, 1)


def test_a_second_ticket_created_changes_nothing(story) -> None:
    s = story()
    once = replay(s.created(), s.triaged(4, line=2))
    assert apply(once, s.created()) == once


def test_the_same_facts_whatever_the_arrival_order(story) -> None:
    s = story()
    later = [
        s.triaged(4, line=2, at=1),
        s.message(AuthorKind.AGENT, at=10),
        s.met("response", elapsed=600, target=7200, at=10),
        s.breached("resolution", target=21600, at=400),
        s.escalated(2, 3, at=401, trigger="sla_breach"),
        s.status("new", "open", at=10),
    ]
    results = {replay(s.created(), *order) for order in permutations(later)}
    assert len(results) == 1
    facts = results.pop()
    assert (facts.current_line, facts.status, facts.escalations) == (3, TicketStatus.OPEN, 1)
    assert facts.resolution.outcome is ClockOutcome.BREACHED


def test_history_records_of_escalations_and_sla_events(story) -> None:
    s = story()
    event_id = uuid4()
    move = escalation_of(s.escalated(3, 4, at=50, vendor_id="hostco"), event_id=event_id)
    assert (move.event_id, move.vendor_id, move.is_upward) == (event_id, "hostco", True)
    assert not escalation_of(s.escalated(3, 2, at=60), event_id=uuid4()).is_upward
    met = sla_event_of(s.met("response", elapsed=600, target=7200, at=10), event_id=event_id)
    assert (met.kind, met.clock, met.at) == (SlaEventKind.MET, ClockKind.RESPONSE, s.t(10))
    assert (met.elapsed_seconds, met.target_seconds, met.remaining_seconds) == (600, 7200, None)
    paused = sla_event_of(s.paused("resolution", at=20), event_id=uuid4())
    assert (paused.kind, paused.remaining_seconds) == (SlaEventKind.PAUSED, 1800)
