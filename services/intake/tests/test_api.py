"""Intake's ticket API against real PostgreSQL: answers after commit, refuses bad input whole."""

from __future__ import annotations

from uuid import uuid4

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import create_async_engine

from intake.tables import messages, outbox, tickets

pytestmark = pytest.mark.integration


def new_ticket(**overrides: object) -> dict[str, object]:
    return {
        "customer": "acme-shop",
        "channel": "web",
        "subject": "Checkout fails",
        "body": "Orders cannot be saved since this morning.",
        "contact": f"{uuid4().hex[:8]}@acme.example",
        **overrides,
    }


async def outbox_types(database_url: str, ticket_id: str) -> list[str]:
    engine = create_async_engine(database_url)
    async with engine.connect() as connection:
        statement = (
            select(outbox.outbox.c.event_type)
            .where(outbox.outbox.c.key == ticket_id)
            .order_by(outbox.outbox.c.id)
        )
        types = list((await connection.execute(statement)).scalars())
    await engine.dispose()
    return types


async def tickets_with_contact(database_url: str, contact: str) -> int:
    engine = create_async_engine(database_url)
    async with engine.connect() as connection:
        statement = select(func.count()).select_from(tickets).where(tickets.c.contact == contact)
        count = (await connection.execute(statement)).scalar_one()
    await engine.dispose()
    return int(count)


async def test_create_and_read_a_ticket(client: httpx.AsyncClient, database_url: str) -> None:
    created = await client.post("/tickets", json=new_ticket())
    assert created.status_code == 201, created.text
    ticket = created.json()
    assert ticket["id"].startswith("TKT-")
    assert ticket["status"] == "new"
    assert ticket["contract_version"].startswith("acme-shop@")
    fetched = (await client.get(f"/tickets/{ticket['id']}")).json()
    assert fetched["messages"][0]["author"] == "customer"
    assert fetched["messages"][0]["body"] == "Orders cannot be saved since this morning."
    assert await outbox_types(database_url, ticket["id"]) == ["ticket.created"]


async def test_first_agent_reply_is_the_first_response_and_opens_the_ticket(
    client: httpx.AsyncClient, database_url: str
) -> None:
    ticket = (await client.post("/tickets", json=new_ticket())).json()
    reply = await client.post(
        f"/tickets/{ticket['id']}/replies", json={"agent": "anna", "body": "Looking into it."}
    )
    assert reply.status_code == 201, reply.text
    second = await client.post(
        f"/tickets/{ticket['id']}/replies", json={"agent": "anna", "body": "Fixed."}
    )
    assert second.status_code == 201
    fetched = (await client.get(f"/tickets/{ticket['id']}")).json()
    assert fetched["status"] == "open"
    assert fetched["first_response_at"] == reply.json()["sent_at"]
    assert await outbox_types(database_url, ticket["id"]) == [
        "ticket.created",
        "ticket.message_added",
        "ticket.status_changed",
        "ticket.message_added",
    ]


async def test_lifecycle_resolve_close_reopen(client: httpx.AsyncClient) -> None:
    ticket = (await client.post("/tickets", json=new_ticket())).json()
    path = f"/tickets/{ticket['id']}/status"
    for status, expected in [
        ("open", "open"),
        ("waiting_on_customer", "waiting_on_customer"),
        ("resolved", "resolved"),
        ("closed", "closed"),
        ("reopened", "open"),
    ]:
        moved = await client.post(path, json={"status": status, "actor": "anna"})
        assert moved.status_code == 200, moved.text
        assert moved.json()["status"] == expected


async def test_invalid_transition_is_refused_and_nothing_changes(
    client: httpx.AsyncClient, database_url: str
) -> None:
    ticket = (await client.post("/tickets", json=new_ticket())).json()
    refused = await client.post(
        f"/tickets/{ticket['id']}/status", json={"status": "resolved", "actor": "anna"}
    )
    assert refused.status_code == 409
    error = refused.json()["error"]
    assert error["code"] == "invalid_transition"
    assert "from 'new' to 'resolved'" in error["message"]
    assert (await client.get(f"/tickets/{ticket['id']}")).json()["status"] == "new"
    assert await outbox_types(database_url, ticket["id"]) == ["ticket.created"]


async def test_unknown_customer_is_refused_and_nothing_is_stored(
    client: httpx.AsyncClient, database_url: str
) -> None:
    body = new_ticket(customer="nobody-inc")
    refused = await client.post("/tickets", json=body)
    assert refused.status_code == 422
    assert "nobody-inc" in refused.json()["error"]["message"]
    assert await tickets_with_contact(database_url, str(body["contact"])) == 0


@pytest.mark.parametrize(
    ("payload", "words"),
    [
        ('{"customer": "acme-shop", ', "JSON"),
        ('{"customer": "acme-shop", "channel": "fax", "body": "x", "contact": "c"}', "channel"),
        ('{"customer": "acme-shop", "channel": "web", "contact": "c"}', "body"),
        ('{"customer": "acme-shop", "channel": "web", "body": "", "contact": "c"}', "body"),
    ],
)
async def test_malformed_requests_get_a_422_naming_the_problem(
    client: httpx.AsyncClient, payload: str, words: str
) -> None:
    response = await client.post(
        "/tickets", content=payload, headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert words.lower() in (error["message"] + str(error["details"])).lower()


async def test_unknown_ticket_is_a_404(client: httpx.AsyncClient) -> None:
    missing = await client.get("/tickets/TKT-DOESNOTEXIST")
    assert missing.status_code == 404
    assert "TKT-DOESNOTEXIST" in missing.json()["error"]["message"]
    reply = await client.post("/tickets/TKT-DOESNOTEXIST/replies", json={"agent": "a", "body": "b"})
    assert reply.status_code == 404


async def test_readiness_reports_database_and_kafka(client: httpx.AsyncClient) -> None:
    ready = await client.get("/readyz")
    assert ready.status_code == 200, ready.text
    assert set(ready.json()["checks"]) >= {"database", "kafka"}


async def test_messages_are_stored_with_the_ticket(
    client: httpx.AsyncClient, database_url: str
) -> None:
    ticket = (await client.post("/tickets", json=new_ticket())).json()
    engine = create_async_engine(database_url)
    async with engine.connect() as connection:
        statement = select(func.count()).where(messages.c.ticket_id == ticket["id"])
        assert (await connection.execute(statement)).scalar_one() == 1
    await engine.dispose()
