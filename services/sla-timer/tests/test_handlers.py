"""Events in through the real idempotent processor, SLA events out through the outbox."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from sla_timer.business_hours import Calendar, add_business_time
from sla_timer.tables import timers
from ticketing_common.consumer import Outcome
from ticketing_common.contracts import load_contracts
from ticketing_common.events import Priority, TicketReclassified, TicketTriaged

if TYPE_CHECKING:
    from conftest import Harness

pytestmark = pytest.mark.integration
CONTRACTS = Path(__file__).resolve().parents[3] / "config" / "contracts.yaml"
SECOND = timedelta(seconds=1)


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


async def timer_states(harness: Harness, ticket_id: str, clock: str) -> set[str]:
    statement = select(timers.c.state).where(
        timers.c.ticket_id == ticket_id, timers.c.clock == clock
    )
    async with harness.sessions() as session:
        return set((await session.execute(statement)).scalars())


async def test_triage_arms_both_clocks_from_reception(harness: Harness) -> None:
    ticket_id, received = await harness.open_ticket()
    events = await harness.emitted(ticket_id)
    assert [e.type for e in events] == ["sla.armed", "sla.armed"]
    response, resolution = (e.data for e in events)
    assert (response["clock"], response["target_seconds"]) == ("response", 4)
    assert instant(response["started_at"]) == received  # not the triage time
    assert instant(response["deadline"]) == received + 4 * SECOND
    assert instant(response["warning_at"]) == received + 2 * SECOND
    assert (resolution["clock"], resolution["target_seconds"]) == ("resolution", 30)
    assert instant(resolution["deadline"]) == received + 30 * SECOND
    assert response["contract_version"] == "e2e-247@2020-01-01"
    envelope = events[0]
    assert (envelope.source, envelope.customerid) == ("/services/sla-timer", "e2e-247")
    assert envelope.correlationid == f"corr-{ticket_id}"
    assert envelope.causationid is not None


async def test_durable_timers_fire_the_warning_then_the_breach(harness: Harness) -> None:
    ticket_id, received = await harness.open_ticket()
    harness.clock.set(received + 2 * SECOND)
    await harness.fire()
    assert await harness.emitted_types(ticket_id) == ["sla.armed", "sla.armed", "sla.warning"]
    harness.clock.set(received + 4 * SECOND)
    await harness.fire()
    [warning] = await harness.emitted_data(ticket_id, "sla.warning")
    [breach] = await harness.emitted_data(ticket_id, "sla.breached")
    assert {
        k: warning[k] for k in ("clock", "threshold", "elapsed_seconds", "remaining_seconds")
    } == {
        "clock": "response",
        "threshold": 0.5,
        "elapsed_seconds": 2,
        "remaining_seconds": 2,
    }
    assert instant(warning["fired_at"]) == received + 2 * SECOND
    assert (breach["clock"], breach["request_class"], breach["line"]) == ("response", 4, 1)
    assert instant(breach["breached_at"]) == instant(breach["deadline"]) == received + 4 * SECOND
    harness.clock.set(received + 60 * SECOND)
    await harness.fire()
    await harness.fire()  # nothing is fired twice
    assert (await harness.emitted_types(ticket_id))[2:] == [
        "sla.warning",
        "sla.breached",
        "sla.warning",
        "sla.breached",
    ]
    timer_events = (await harness.emitted(ticket_id))[2:]
    assert {(e.correlationid, e.causationid) for e in timer_events} == {(ticket_id, None)}


async def test_an_agent_reply_in_time_meets_the_response_clock(harness: Harness) -> None:
    ticket_id, received = await harness.open_ticket()
    await harness.reply(ticket_id, received + 3 * SECOND)
    [met] = await harness.emitted_data(ticket_id, "sla.met")
    assert (met["clock"], met["elapsed_seconds"], met["target_seconds"]) == ("response", 3, 4)
    harness.clock.set(received + 20 * SECOND)
    await harness.fire()
    assert await harness.emitted_types(ticket_id) == [
        "sla.armed",
        "sla.armed",
        "sla.met",
        "sla.warning",  # the resolution clock's, at 15 s; the response clock has no timers left
    ]
    assert await timer_states(harness, ticket_id, "response") == {"cancelled"}


async def test_a_late_reply_is_a_breach_even_before_the_breach_timer_fires(
    harness: Harness,
) -> None:
    ticket_id, received = await harness.open_ticket()
    await harness.reply(ticket_id, received + 5 * SECOND)
    [breach] = await harness.emitted_data(ticket_id, "sla.breached")
    assert breach["clock"] == "response"
    assert instant(breach["breached_at"]) == received + 5 * SECOND
    assert await harness.emitted_data(ticket_id, "sla.met") == []
    harness.clock.set(received + 5 * SECOND)
    await harness.fire()
    assert len(await harness.emitted_data(ticket_id, "sla.breached")) == 1


async def test_a_reply_seen_before_triage_meets_the_clock_at_arming(
    harness: Harness, new_id: Callable[[], str]
) -> None:
    ticket_id, received = new_id(), harness.clock.now()
    await harness.create(ticket_id, received)
    await harness.reply(ticket_id, received + SECOND)  # intake's relay was faster than triage's
    await harness.triage(ticket_id, received + 3 * SECOND)
    events = await harness.emitted(ticket_id)
    assert [(e.type, e.data["clock"]) for e in events] == [
        ("sla.armed", "response"),
        ("sla.met", "response"),
        ("sla.armed", "resolution"),
    ]
    assert events[1].data["elapsed_seconds"] == 1
    assert instant(events[1].data["met_at"]) == received + SECOND


async def test_waiting_on_the_customer_pauses_and_the_answer_resumes(harness: Harness) -> None:
    ticket_id, received = await harness.open_ticket()
    await harness.move(ticket_id, "new", "waiting_on_customer", received + SECOND)
    paused = await harness.emitted_data(ticket_id, "sla.paused")
    assert [(p["clock"], p["remaining_seconds"]) for p in paused] == [
        ("response", 3),
        ("resolution", 29),
    ]
    harness.clock.set(received + 100 * SECOND)
    await harness.fire()  # nothing is due while paused
    assert await harness.emitted_types(ticket_id) == ["sla.armed"] * 2 + ["sla.paused"] * 2
    back = harness.clock.now()
    await harness.move(ticket_id, "waiting_on_customer", "open", back)
    resumed = await harness.emitted_data(ticket_id, "sla.resumed")
    assert [(r["remaining_seconds"], instant(r["deadline"])) for r in resumed] == [
        (3, back + 3 * SECOND),
        (29, back + 29 * SECOND),
    ]
    harness.clock.set(back + 3 * SECOND)
    await harness.fire()
    assert (await harness.emitted_types(ticket_id))[6:] == ["sla.warning", "sla.breached"]


async def test_resolution_meets_the_resolution_clock_only(harness: Harness) -> None:
    ticket_id, received = await harness.open_ticket()
    await harness.move(ticket_id, "open", "resolved", received + 2 * SECOND)
    [met] = await harness.emitted_data(ticket_id, "sla.met")
    assert (met["clock"], met["elapsed_seconds"]) == ("resolution", 2)
    harness.clock.set(received + 4 * SECOND)
    await harness.fire()
    [breach] = await harness.emitted_data(ticket_id, "sla.breached")
    assert breach["clock"] == "response"  # no agent reply: the response clock kept running


async def test_resolving_a_waiting_ticket_meets_resolution_and_resumes_response(
    harness: Harness,
) -> None:
    ticket_id, received = await harness.open_ticket()
    await harness.move(ticket_id, "new", "open", received + SECOND)  # no clock cares
    assert await harness.emitted_types(ticket_id) == ["sla.armed", "sla.armed"]
    await harness.move(ticket_id, "open", "waiting_on_customer", received + SECOND)
    await harness.move(ticket_id, "waiting_on_customer", "resolved", received + 10 * SECOND)
    events = (await harness.emitted(ticket_id))[4:]
    assert [(e.type, e.data["clock"]) for e in events] == [
        ("sla.resumed", "response"),  # resolving is not a reply: the response clock runs on
        ("sla.met", "resolution"),
    ]
    assert instant(events[0].data["deadline"]) == received + 13 * SECOND
    assert events[1].data["elapsed_seconds"] == 1  # the wait does not count


async def test_reclassification_rearms_with_the_new_targets_from_reception(
    harness: Harness, new_id: Callable[[], str]
) -> None:
    ticket_id, received = new_id(), harness.clock.now()
    await harness.create(ticket_id, received, "fintech-247", "2024-01-01")
    await harness.triage(ticket_id, received, 4)
    reclassified = TicketReclassified(
        ticket_id=ticket_id,
        previous_class=4,
        request_class=3,  # "Stability": 30 min response, 1 h resolution
        line=2,
        priority=Priority.P1,
        reason="the whole shop is down",
        actor="agent:ivanova",
        reclassified_at=received + timedelta(minutes=10),
    )
    await harness.applied(reclassified, ticket_id=ticket_id)
    armed = await harness.emitted_data(ticket_id, "sla.armed")
    assert [(a["request_class"], a["target_seconds"]) for a in armed] == [
        (4, 7200),
        (4, 21600),
        (3, 1800),
        (3, 3600),
    ]
    assert instant(armed[2]["deadline"]) == received + timedelta(minutes=30)
    assert await timer_states(harness, ticket_id, "response") == {"cancelled", "pending"}
    harness.clock.set(received + timedelta(minutes=30))
    await harness.fire()
    [breach] = await harness.emitted_data(ticket_id, "sla.breached")
    assert (breach["clock"], breach["request_class"], breach["line"]) == ("response", 3, 2)


async def test_business_hours_deadline_crosses_the_weekend(
    harness: Harness, new_id: Callable[[], str]
) -> None:
    moscow = ZoneInfo("Europe/Moscow")
    received = datetime(2025, 4, 11, 18, 0, tzinfo=moscow)  # a Friday, 30 min before closing
    ticket_id = new_id()
    await harness.create(ticket_id, received, "acme-shop", "2025-01-01")
    await harness.triage(ticket_id, received, 3)  # basic table: 1 h response, 4 h resolution
    response, resolution = await harness.emitted_data(ticket_id, "sla.armed")
    calendar = Calendar.from_contract(
        load_contracts(CONTRACTS).version_by_id(response["contract_version"])
    )
    assert instant(response["deadline"]) == add_business_time(calendar, received, 3600)
    assert instant(response["deadline"]) == datetime(2025, 4, 14, 10, 0, tzinfo=moscow)
    assert instant(response["warning_at"]) == datetime(2025, 4, 14, 9, 48, tzinfo=moscow)
    assert instant(resolution["deadline"]) == datetime(2025, 4, 14, 13, 0, tzinfo=moscow)


async def test_non_core_requests_and_classes_outside_the_sla_arm_nothing(
    harness: Harness, new_id: Callable[[], str]
) -> None:
    spam, _ = await harness.open_ticket(request_class=None)
    assert await harness.emitted_types(spam) == []
    ticket_id, received = new_id(), harness.clock.now()
    await harness.create(ticket_id, received, "acme-shop", "2025-01-01")
    await harness.triage(ticket_id, received, 6)  # a question: no resolution target
    armed = await harness.emitted_data(ticket_id, "sla.armed")
    assert [a["clock"] for a in armed] == ["response"]


async def test_an_event_about_an_unknown_ticket_is_dead_lettered(
    harness: Harness, new_id: Callable[[], str]
) -> None:
    ticket_id = new_id()
    event = TicketTriaged(
        ticket_id=ticket_id,
        request_class=4,
        line=1,
        priority=Priority.P2,
        reasons=("test",),
        rule_set_version="test",
        triaged_at=harness.clock.now(),
    )
    assert await harness.apply(event, ticket_id=ticket_id) == Outcome.DEAD_LETTERED
    assert len(harness.dead_letters.sent) == 1
    assert await harness.emitted_types(ticket_id) == []


async def test_closing_an_unresolved_ticket_cancels_its_clocks(harness: Harness) -> None:
    ticket_id, received = await harness.open_ticket()
    await harness.move(ticket_id, "new", "closed", received + SECOND)
    harness.clock.set(received + 100 * SECOND)
    await harness.fire()
    assert await harness.emitted_types(ticket_id) == ["sla.armed", "sla.armed"]
    assert await timer_states(harness, ticket_id, "response") == {"cancelled"}
    assert await timer_states(harness, ticket_id, "resolution") == {"cancelled"}


async def test_a_close_seen_before_triage_cancels_the_clocks_at_arming(
    harness: Harness, new_id: Callable[[], str]
) -> None:
    ticket_id, received = new_id(), harness.clock.now()
    await harness.create(ticket_id, received)
    await harness.move(ticket_id, "new", "closed", received + SECOND)  # spam, closed at once
    await harness.triage(ticket_id, received + 2 * SECOND)
    harness.clock.set(received + 100 * SECOND)
    await harness.fire()
    assert "sla.breached" not in await harness.emitted_types(ticket_id)
