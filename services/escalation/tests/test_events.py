"""Escalation's event handlers through the real EventProcessor on the migrated schema."""

from __future__ import annotations

import json
from uuid import uuid4

import httpx
import pytest

from ticketing_common.events import ClockKind, Priority, SlaBreached, TicketReclassified

pytestmark = pytest.mark.integration

START_ISO = "2025-03-03T15:00:05Z"  # the fake clock: 6 h 5 s after the request came in


async def test_breach_escalates_one_included_line_up(feed, client: httpx.AsyncClient) -> None:
    ticket_id = await feed.ticket("acme-shop", line=1)
    assert await feed.breach(ticket_id) == "applied"
    [(kind, data)] = await feed.outbox(ticket_id)
    assert kind == "ticket.escalated"
    assert data == {
        "ticket_id": ticket_id,
        "from_line": 1,
        "to_line": 2,
        "trigger": "sla_breach",
        "reason": "resolution SLA breached on line 1",
        "actor": "system:escalation",
        "vendor_id": None,
        "escalated_at": START_ISO,
    }
    view = (await client.get(f"/tickets/{ticket_id}/escalations")).json()
    assert view["current_line"] == 2
    assert [(e["from_line"], e["to_line"], e["trigger"]) for e in view["history"]] == [
        (None, 1, "policy"),
        (1, 2, "sla_breach"),
    ]
    assert view["history"][0]["reason"] == "initial line from triage"
    assert view["history"][0]["actor"] == "system:triage"


async def test_breach_at_the_top_line_emits_nothing_and_says_so(
    feed, client: httpx.AsyncClient
) -> None:
    ticket_id = await feed.ticket("acme-shop", line=3)
    assert await feed.breach(ticket_id) == "applied"
    assert await feed.outbox(ticket_id) == []
    view = (await client.get(f"/tickets/{ticket_id}/escalations")).json()
    assert view["current_line"] == 3
    last = view["history"][-1]
    assert (last["from_line"], last["to_line"], last["trigger"]) == (3, 3, "sla_breach")
    assert "no higher line in contract" in last["reason"]


async def test_breach_never_moves_to_the_vendor_line(feed, client: httpx.AsyncClient) -> None:
    ticket_id = await feed.ticket("fintech-247", line=3)
    await feed.breach(ticket_id, "fintech-247")
    assert await feed.outbox(ticket_id) == []
    view = (await client.get(f"/tickets/{ticket_id}/escalations")).json()
    assert "line 4 needs a named vendor" in view["history"][-1]["reason"]


async def test_a_redelivered_breach_escalates_once(feed) -> None:
    ticket_id = await feed.ticket("acme-shop", line=0)
    record = feed.record(
        SlaBreached(
            ticket_id=ticket_id,
            clock=ClockKind.RESPONSE,
            target_seconds=7200,
            deadline="2025-03-03T11:00:00Z",
            breached_at="2025-03-03T11:00:00Z",
            request_class=4,
        ),
        ticket_id,
        "acme-shop",
        "/services/sla-timer",
    )
    assert await feed.processor.process(record) == "applied"
    assert await feed.processor.process(record) == "duplicate"
    [(kind, data)] = await feed.outbox(ticket_id)
    assert kind == "ticket.escalated"
    assert (data["from_line"], data["to_line"]) == (0, 1)
    assert data["reason"] == "response SLA breached on line 0"


async def test_breach_of_an_unknown_ticket_is_dead_lettered(feed) -> None:
    ticket_id = f"TKT-{uuid4().hex[:12].upper()}"
    assert await feed.breach(ticket_id) == "dead_lettered"
    [letter] = feed.dead_letters.sent
    assert letter["topic"] == "ticket-events.dlq"
    assert letter["headers"]["dlq-attempts"] == "1"  # permanent: not retried
    reason = letter["headers"]["dlq-reason"]
    assert reason.startswith("PermanentError: sla.breached for ticket " + ticket_id)
    assert "escalation does not know" in reason


async def test_reclassification_moves_the_line_without_emitting(
    feed, client: httpx.AsyncClient
) -> None:
    ticket_id = await feed.ticket("acme-shop", line=1)
    reclassified = TicketReclassified(
        ticket_id=ticket_id,
        previous_class=4,
        request_class=3,
        previous_line=1,
        line=2,
        priority=Priority.P1,
        reason="The whole shop is down, not only checkout",
        actor="agent:ivanova",
        reclassified_at="2025-03-03T10:05:00Z",
    )
    outcome = await feed.apply(
        reclassified, ticket_id=ticket_id, customer="acme-shop", source="/services/triage"
    )
    assert outcome == "applied"
    assert await feed.outbox(ticket_id) == []
    view = (await client.get(f"/tickets/{ticket_id}/escalations")).json()
    assert (view["current_line"], view["request_class"], view["priority"]) == (2, 3, "P1")
    last = view["history"][-1]
    assert (last["from_line"], last["to_line"], last["trigger"]) == (1, 2, "manual")
    assert last["reason"] == "The whole shop is down, not only checkout"
    assert last["actor"] == "agent:ivanova"


async def test_breach_of_a_closed_ticket_is_recorded_not_escalated(feed) -> None:
    ticket_id = await feed.ticket("acme-shop", line=1)
    assert await feed.close(ticket_id) == "applied"
    await feed.breach(ticket_id)
    assert await feed.outbox(ticket_id) == []


async def test_escalated_event_names_its_cause(feed) -> None:
    ticket_id = await feed.ticket("acme-shop", line=2)
    breach = feed.record(breached_now(ticket_id), ticket_id, "acme-shop", "/services/sla-timer")
    await feed.processor.process(breach)
    [envelope] = await feed.envelopes(ticket_id)
    cause = json.loads(breach.value)
    assert envelope["source"] == "/services/escalation"
    assert envelope["causationid"] == cause["id"]
    assert envelope["correlationid"] == cause["correlationid"]
    assert envelope["customerid"] == "acme-shop"


def breached_now(ticket_id: str) -> SlaBreached:
    return SlaBreached(
        ticket_id=ticket_id,
        clock=ClockKind.RESOLUTION,
        target_seconds=21600,
        deadline="2025-03-03T15:00:00Z",
        breached_at="2025-03-03T15:00:00Z",
        request_class=4,
    )
