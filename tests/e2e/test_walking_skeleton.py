"""One ticket through all five services, as separate processes, over real Kafka and PostgreSQL.

Customer `e2e-247` has a 24x7 contract with a 4 s response target, a 30 s resolution target and
warnings at 50 %, so a whole SLA life fits in seconds of real time. Every wait polls a
condition with a deadline.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from uuid import uuid4

import httpx
import pytest

from ticketing_common.envelope import CloudEvent, from_value
from ticketing_common.testing.waiting import read_topic, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.e2e]

CUSTOMER = "e2e-247"
OUTAGE = "Every page of our portal returns error 500 since the last release, nothing works."
QUESTION = "Quick question, not urgent: how can I export the list of our users to a spreadsheet?"


def ticket_body(text: str) -> dict[str, str]:
    return {
        "customer": CUSTOMER,
        "channel": "email",
        "subject": "Portal down",
        "body": text,
        "contact": f"{uuid4().hex[:8]}@e2e.example",
    }


def events_of(records: list[Any], ticket_id: str) -> list[CloudEvent]:
    return [e for e in (from_value(r.value) for r in records) if e.subject == ticket_id]


def has_types(ticket_id: str, wanted: list[str]) -> Callable[[list[Any]], bool]:
    def check(records: list[Any]) -> bool:
        seen = {e.type for e in events_of(records, ticket_id)}
        return set(wanted) <= seen

    return check


async def get_json(http: httpx.AsyncClient, url: str) -> Any:
    response = await http.get(url)
    response.raise_for_status()
    return response.json()


async def monthly(http: httpx.AsyncClient, stack: Any) -> dict[str, Any]:
    month = time.strftime("%Y-%m", time.gmtime())
    url = f"{stack.urls['reporting']}/reports/monthly?customer={CUSTOMER}&month={month}"
    report: dict[str, Any] = await get_json(http, url)
    return report


def breached_tickets(report: dict[str, Any]) -> int:
    return int(report["sla"]["tickets_breached"])


def met_responses(report: dict[str, Any]) -> int:
    return int(report["sla"]["response"]["met"])


async def test_a_breached_ticket_is_escalated_and_reported(stack: Any) -> None:
    # A how-to question goes to line 1; nobody answers it, so the response clock breaches and
    # the ticket moves up to line 2 automatically.
    async with httpx.AsyncClient(timeout=10) as http:
        before = await monthly(http, stack)
        created = await http.post(f"{stack.urls['intake']}/tickets", json=ticket_body(QUESTION))
        assert created.status_code == 201, created.text
        ticket_id = created.json()["id"]

        lifecycle = [
            "ticket.created",
            "ticket.triaged",
            "sla.armed",
            "sla.warning",
            "sla.breached",
            "ticket.escalated",
        ]
        records = await read_topic(
            stack.bootstrap_servers,
            stack.topic,
            until=has_types(ticket_id, lifecycle),
            timeout=60,
        )
        events = events_of(records, ticket_id)
        triaged = next(e for e in events if e.type == "ticket.triaged")
        assert (triaged.data["request_class"], triaged.data["line"]) == (6, 1), triaged.data
        armed = {e.data["clock"]: e for e in events if e.type == "sla.armed"}
        assert armed["response"].data["target_seconds"] == 4
        breach = next(e for e in events if e.type == "sla.breached")
        assert breach.data["clock"] == "response"
        escalated = next(e for e in events if e.type == "ticket.escalated")
        assert escalated.data["trigger"] == "sla_breach"
        assert (escalated.data["from_line"], escalated.data["to_line"]) == (1, 2)
        assert escalated.causationid == str(breach.id)

        sla = await get_json(http, f"{stack.urls['sla-timer']}/tickets/{ticket_id}/sla")
        states = {clock["kind"]: clock["state"] for clock in sla["clocks"]}
        assert states["response"] == "breached"
        history = await get_json(
            http, f"{stack.urls['escalation']}/tickets/{ticket_id}/escalations"
        )
        assert history["current_line"] == 2

        async def report_counts_the_breach() -> bool:
            return breached_tickets(await monthly(http, stack)) == breached_tickets(before) + 1

        await wait_until(report_counts_the_breach, timeout=30, message="report counts the breach")


async def test_a_ticket_answered_in_time_is_met(stack: Any) -> None:
    async with httpx.AsyncClient(timeout=10) as http:
        before = await monthly(http, stack)
        created = await http.post(f"{stack.urls['intake']}/tickets", json=ticket_body(OUTAGE))
        ticket_id = created.json()["id"]
        reply = await http.post(
            f"{stack.urls['intake']}/tickets/{ticket_id}/replies",
            json={"agent": "anna", "body": "Rolling back the release now."},
        )
        assert reply.status_code == 201, reply.text
        resolved = await http.post(
            f"{stack.urls['intake']}/tickets/{ticket_id}/status",
            json={"status": "resolved", "actor": "anna", "reason": "rolled back"},
        )
        assert resolved.status_code == 200, resolved.text

        records = await read_topic(
            stack.bootstrap_servers,
            stack.topic,
            until=lambda rs: sum(e.type == "sla.met" for e in events_of(rs, ticket_id)) >= 2,
            timeout=60,
        )
        events = events_of(records, ticket_id)
        assert {e.data["clock"] for e in events if e.type == "sla.met"} == {
            "response",
            "resolution",
        }
        assert not [e for e in events if e.type in ("sla.breached", "ticket.escalated")]

        async def report_counts_the_met_response() -> bool:
            return met_responses(await monthly(http, stack)) == met_responses(before) + 1

        await wait_until(
            report_counts_the_met_response, timeout=30, message="report counts the met response"
        )


async def test_worker_roles_serve_prometheus_metrics(stack: Any) -> None:
    # scripts/stack.py: worker metrics on 9100 + 10 * service index + role index + port offset;
    # sla-timer is the third service and its consumer the second role.
    consumer_metrics = f"http://127.0.0.1:{9100 + 20 + 1 + 100}/metrics"
    async with httpx.AsyncClient(timeout=10) as http:
        await http.post(f"{stack.urls['intake']}/tickets", json=ticket_body(QUESTION))

        async def consumer_counts_applied_events() -> bool:
            text = (await http.get(consumer_metrics)).text
            return 'outcome="applied"' in text and 'service="sla-timer"' in text

        await wait_until(
            consumer_counts_applied_events, timeout=30, message="consumer metrics count events"
        )
