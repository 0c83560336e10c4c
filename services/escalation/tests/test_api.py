"""Escalation's HTTP API against real PostgreSQL: answers after commit, refuses with reasons."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import httpx
import pytest

from ticketing_common.events import Channel, TicketCreated

pytestmark = pytest.mark.integration

NOW = "2025-03-03T15:00:05Z"  # the fake clock


def escalation(**fields: Any) -> dict[str, Any]:
    return {"reason": "Needs a code-level fix", "actor": "agent:petrov", **fields}


def vendor_return(**fields: Any) -> dict[str, Any]:
    return {
        "vendor_id": "selectel",
        "outcome": "resolved",
        "note": "Controller replaced, RAID rebuilt",
        "actor": "agent:petrov",
        **fields,
    }


async def test_manual_escalation_up_then_back_down(feed, client: httpx.AsyncClient) -> None:
    ticket_id = await feed.ticket("acme-shop", line=1)
    up = await client.post(f"/tickets/{ticket_id}/escalations", json=escalation(to_line=3))
    assert up.status_code == 201, up.text
    assert up.json()["current_line"] == 3
    down = await client.post(
        f"/tickets/{ticket_id}/escalations",
        json=escalation(to_line=2, reason="Cause known: line 2 applies the config fix"),
    )
    assert down.status_code == 201, down.text
    assert await feed.outbox(ticket_id) == [
        (
            "ticket.escalated",
            {
                "ticket_id": ticket_id,
                "from_line": 1,
                "to_line": 3,
                "trigger": "manual",
                "reason": "Needs a code-level fix",
                "actor": "agent:petrov",
                "vendor_id": None,
                "escalated_at": NOW,
            },
        ),
        (
            "ticket.escalated",
            {
                "ticket_id": ticket_id,
                "from_line": 3,
                "to_line": 2,
                "trigger": "manual",
                "reason": "Cause known: line 2 applies the config fix",
                "actor": "agent:petrov",
                "vendor_id": None,
                "escalated_at": NOW,
            },
        ),
    ]
    history = (await client.get(f"/tickets/{ticket_id}/escalations")).json()["history"]
    assert [(e["from_line"], e["to_line"]) for e in history] == [(None, 1), (1, 3), (3, 2)]
    assert history[1] == {
        "at": NOW,
        "from_line": 1,
        "to_line": 3,
        "trigger": "manual",
        "reason": "Needs a code-level fix",
        "actor": "agent:petrov",
        "vendor_id": None,
    }


async def test_vendor_engagement_and_return(feed, client: httpx.AsyncClient) -> None:
    ticket_id = await feed.ticket("fintech-247", line=2)
    engaged = await client.post(
        f"/tickets/{ticket_id}/escalations",
        json=escalation(
            vendor_id="selectel", external_reference="SEL-88123", reason="Disk controller fault"
        ),
    )
    assert engaged.status_code == 201, engaged.text
    view = engaged.json()
    assert view["current_line"] == 4
    assert view["engaged_vendor"] == {
        "vendor_id": "selectel",
        "external_reference": "SEL-88123",
        "engaged_at": NOW,
    }
    returned = await client.post(f"/tickets/{ticket_id}/vendor-returns", json=vendor_return())
    assert returned.status_code == 201, returned.text
    assert returned.json()["current_line"] == 2  # default: the line before the vendor
    assert returned.json()["engaged_vendor"] is None
    events = await feed.outbox(ticket_id)
    assert [kind for kind, _ in events] == [
        "ticket.escalated",
        "vendor.engaged",
        "vendor.returned",
        "ticket.escalated",
    ]
    assert events[0][1]["to_line"] == 4
    assert events[0][1]["vendor_id"] == "selectel"
    assert events[1][1] == {
        "ticket_id": ticket_id,
        "vendor_id": "selectel",
        "external_reference": "SEL-88123",
        "reason": "Disk controller fault",
        "engaged_at": NOW,
    }
    assert events[2][1] == {
        "ticket_id": ticket_id,
        "vendor_id": "selectel",
        "outcome": "resolved",
        "note": "Controller replaced, RAID rebuilt",
        "returned_at": NOW,
    }
    assert (events[3][1]["from_line"], events[3][1]["to_line"]) == (4, 2)
    history = returned.json()["history"]
    assert history[-1]["vendor_id"] == "selectel"
    assert "returned the ticket (resolved)" in history[-1]["reason"]


async def test_vendor_return_to_a_chosen_line(feed, client: httpx.AsyncClient) -> None:
    ticket_id = await feed.ticket("fintech-247", line=2)
    await client.post(f"/tickets/{ticket_id}/escalations", json=escalation(vendor_id="cdn-edge"))
    returned = await client.post(
        f"/tickets/{ticket_id}/vendor-returns",
        json=vendor_return(vendor_id="cdn-edge", outcome="workaround", to_line=3),
    )
    assert returned.status_code == 201, returned.text
    assert returned.json()["current_line"] == 3


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (escalation(), "exactly one of to_line or vendor_id"),
        (escalation(to_line=2, vendor_id="selectel"), "exactly one of to_line or vendor_id"),
        (escalation(to_line=5), "to_line"),
        (escalation(to_line=2, reason=""), "reason"),
        ({"to_line": 2, "actor": "agent:petrov"}, "reason"),
        (escalation(to_line=2, external_reference="X-1"), "external_reference goes with"),
    ],
)
async def test_malformed_escalations_get_a_422_naming_the_problem(
    feed, client: httpx.AsyncClient, body: dict[str, Any], words: str
) -> None:
    ticket_id = await feed.ticket("acme-shop", line=1)
    response = await client.post(f"/tickets/{ticket_id}/escalations", json=body)
    assert response.status_code == 422
    error = response.json()["error"]
    assert words in error["message"] + str(error["details"])
    assert await feed.outbox(ticket_id) == []


@pytest.mark.parametrize(
    ("customer", "body", "status", "words"),
    [
        ("acme-shop", escalation(to_line=1), 409, "already on line 1"),
        ("acme-shop", escalation(to_line=4), 422, "give vendor_id"),
        ("acme-shop", escalation(vendor_id="selectel"), 422, "included lines: 0, 1, 2, 3"),
        (
            "fintech-247",
            escalation(vendor_id="hostco"),
            422,
            "vendor 'hostco' is not in the contract; contract vendors: selectel, cdn-edge",
        ),
    ],
)
async def test_refused_escalations_say_why(
    feed,
    client: httpx.AsyncClient,
    customer: str,
    body: dict[str, Any],
    status: int,
    words: str,
) -> None:
    ticket_id = await feed.ticket(customer, line=1)
    response = await client.post(f"/tickets/{ticket_id}/escalations", json=body)
    assert response.status_code == status, response.text
    assert words in response.json()["error"]["message"]
    assert await feed.outbox(ticket_id) == []


async def test_a_line_outside_the_contract_is_refused(feed, client: httpx.AsyncClient) -> None:
    ticket_id = await feed.ticket("nordic-clinic", line=1)  # lines 0, 1, 2
    refused = await client.post(f"/tickets/{ticket_id}/escalations", json=escalation(to_line=3))
    assert refused.status_code == 422
    assert refused.json()["error"]["message"] == (
        "line 3 is not in the contract; included lines: 0, 1, 2"
    )
    assert await feed.outbox(ticket_id) == []


async def test_closed_ticket_refuses_manual_escalation(feed, client: httpx.AsyncClient) -> None:
    ticket_id = await feed.ticket("acme-shop", line=1)
    await feed.close(ticket_id)
    refused = await client.post(f"/tickets/{ticket_id}/escalations", json=escalation(to_line=2))
    assert refused.status_code == 409
    assert refused.json()["error"]["message"] == (
        "the ticket is closed; reopen it before escalating"
    )
    assert (await client.get(f"/tickets/{ticket_id}/escalations")).json()["closed"] is True


async def test_second_vendor_and_bare_line_moves_wait_for_the_return(
    feed, client: httpx.AsyncClient
) -> None:
    ticket_id = await feed.ticket("fintech-247", line=3)
    path = f"/tickets/{ticket_id}/escalations"
    assert (await client.post(path, json=escalation(vendor_id="selectel"))).status_code == 201
    second = await client.post(path, json=escalation(vendor_id="cdn-edge"))
    assert second.status_code == 409
    assert "vendor 'selectel' is already engaged" in second.json()["error"]["message"]
    down = await client.post(path, json=escalation(to_line=2))
    assert down.status_code == 409
    assert "record its return" in down.json()["error"]["message"]


@pytest.mark.parametrize(
    ("engage", "body", "status", "words"),
    [
        (
            False,
            vendor_return(),
            409,
            "vendor 'selectel' is not engaged on this ticket (no vendor is engaged)",
        ),
        (True, vendor_return(vendor_id="cdn-edge"), 409, "'selectel' is engaged"),
        (True, vendor_return(to_line=4), 422, "included line below 4"),
        (True, vendor_return(outcome="lost"), 422, "outcome"),
        (True, vendor_return(note=""), 422, "note"),
    ],
)
async def test_refused_vendor_returns_say_why(
    feed,
    client: httpx.AsyncClient,
    engage: bool,
    body: dict[str, Any],
    status: int,
    words: str,
) -> None:
    ticket_id = await feed.ticket("fintech-247", line=2)
    if engage:
        engaged = await client.post(
            f"/tickets/{ticket_id}/escalations", json=escalation(vendor_id="selectel")
        )
        assert engaged.status_code == 201
    response = await client.post(f"/tickets/{ticket_id}/vendor-returns", json=body)
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert words in error["message"] + str(error["details"])
    assert "vendor.returned" not in [kind for kind, _ in await feed.outbox(ticket_id)]


async def test_unknown_ticket_is_a_404(client: httpx.AsyncClient) -> None:
    for response in [
        await client.get("/tickets/TKT-DOESNOTEXIST/escalations"),
        await client.post("/tickets/TKT-DOESNOTEXIST/escalations", json=escalation(to_line=2)),
        await client.post("/tickets/TKT-DOESNOTEXIST/vendor-returns", json=vendor_return()),
    ]:
        assert response.status_code == 404
        assert "TKT-DOESNOTEXIST" in response.json()["error"]["message"]


async def test_untriaged_ticket_cannot_be_escalated(feed, client: httpx.AsyncClient) -> None:
    ticket_id = f"TKT-{uuid4().hex[:12].upper()}"
    created = TicketCreated(
        ticket_id=ticket_id,
        customer_id="acme-shop",
        contract_version="acme-shop@2025-01-01",
        channel=Channel.PHONE,
        body="call notes",
        contact="+70000000000",
        received_at="2025-03-03T09:00:00Z",
    )
    await feed.apply(created, ticket_id=ticket_id, customer="acme-shop", source="/services/intake")
    refused = await client.post(f"/tickets/{ticket_id}/escalations", json=escalation(to_line=2))
    assert refused.status_code == 409
    assert "not triaged" in refused.json()["error"]["message"]


async def test_openapi_shows_request_examples(client: httpx.AsyncClient) -> None:
    schemas = (await client.get("/openapi.json")).json()["components"]["schemas"]
    assert schemas["NewEscalation"]["examples"][1]["vendor_id"] == "selectel"
    assert schemas["VendorReturn"]["examples"][0]["outcome"] == "resolved"


async def test_readiness_reports_database_and_kafka(client: httpx.AsyncClient) -> None:
    ready = await client.get("/readyz")
    assert ready.status_code == 200, ready.text
    assert set(ready.json()["checks"]) >= {"database", "kafka"}
