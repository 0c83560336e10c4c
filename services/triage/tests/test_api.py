"""Triage's HTTP API against real PostgreSQL: overrides, history, refusals and the dry run."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from ticketing_common.envelope import CloudEvent

pytestmark = pytest.mark.integration

Triaged = Callable[..., Awaitable[Any]]
Emitted = Callable[[str], Awaitable[list[CloudEvent]]]
CHECKOUT = "Customers can't complete checkout, the pay button spins. The rest of the site works."


def override(**fields: object) -> dict[str, object]:
    return {"request_class": 3, "reason": "the whole shop is down", "actor": "anna", **fields}


async def test_a_manual_override_is_stored_with_history_and_emits_reclassified(
    client: httpx.AsyncClient, triaged: Triaged, emitted: Emitted
) -> None:
    ticket_id = (await triaged(CHECKOUT)).ticket_id
    changed = await client.post(
        f"/tickets/{ticket_id}/classification",
        json=override(line=2, priority="P1"),
    )
    assert changed.status_code == 200, changed.text
    view = changed.json()
    assert (view["request_class"], view["line"], view["priority"]) == (3, 2, "P1")
    assert view["source"] == "manual"
    assert view["reasons"][0] == "class 3: set by anna: the whole shop is down"
    assert [d["source"] for d in view["history"]] == ["rules", "manual"]
    assert (view["history"][0]["request_class"], view["history"][0]["actor"]) == (4, None)
    assert view["history"][1]["reason"] == "the whole shop is down"
    assert (await client.get(f"/tickets/{ticket_id}/classification")).json() == view
    triaged_event, reclassified = await emitted(ticket_id)
    assert (triaged_event.type, reclassified.type) == ("ticket.triaged", "ticket.reclassified")
    assert reclassified.data == {
        "ticket_id": ticket_id,
        "previous_class": 4,
        "request_class": 3,
        "previous_line": 3,
        "line": 2,
        "priority": "P1",
        "reason": "the whole shop is down",
        "actor": "anna",
        "reclassified_at": "2025-03-03T09:15:02Z",
    }


async def test_an_omitted_line_and_priority_are_routed_like_automatic_triage(
    client: httpx.AsyncClient, triaged: Triaged
) -> None:
    ticket_id = (await triaged(CHECKOUT)).ticket_id
    changed = await client.post(
        f"/tickets/{ticket_id}/classification",
        json=override(request_class=1, reason="the payment provider is down"),
    )
    assert changed.status_code == 200, changed.text
    view = changed.json()
    # Class 1 wants line 4 (vendors); acme-shop's contract stops at line 3.
    assert (view["request_class"], view["line"]) == (1, 3)
    assert "line 3: contract includes lines [0, 1, 2, 3], line 4 is not" in view["reasons"]
    assert any(reason.startswith(view["priority"] + ": ") for reason in view["reasons"])


async def test_a_request_can_be_declared_non_core(
    client: httpx.AsyncClient, triaged: Triaged, emitted: Emitted
) -> None:
    ticket_id = (await triaged(CHECKOUT)).ticket_id
    changed = await client.post(
        f"/tickets/{ticket_id}/classification",
        json=override(request_class=None, reason="a test message"),
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["request_class"], changed.json()["line"]) == (None, 0)
    reclassified = (await emitted(ticket_id))[-1]
    assert (reclassified.data["previous_class"], reclassified.data["request_class"]) == (4, None)


@pytest.mark.parametrize("bad_class", [7, 0, "abc", "3", True, 2.5])
async def test_an_invalid_class_is_a_422_naming_the_field_and_the_allowed_values(
    client: httpx.AsyncClient, triaged: Triaged, emitted: Emitted, bad_class: object
) -> None:
    ticket_id = (await triaged(CHECKOUT)).ticket_id
    refused = await client.post(
        f"/tickets/{ticket_id}/classification", json=override(request_class=bad_class)
    )
    assert refused.status_code == 422
    message = refused.json()["error"]["message"]
    assert "request_class" in message
    assert "1..6, or null" in message
    assert [event.type for event in await emitted(ticket_id)] == ["ticket.triaged"]


async def test_a_line_outside_the_contract_is_a_422_listing_the_included_lines(
    client: httpx.AsyncClient, triaged: Triaged, emitted: Emitted
) -> None:
    ticket_id = (await triaged(CHECKOUT)).ticket_id
    refused = await client.post(f"/tickets/{ticket_id}/classification", json=override(line=4))
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert error["code"] == "line_not_included"
    assert "line 4" in error["message"]
    assert "included lines: 0, 1, 2, 3" in error["message"]
    assert "acme-shop@2025-01-01" in error["message"]
    view = (await client.get(f"/tickets/{ticket_id}/classification")).json()
    assert (view["source"], len(view["history"])) == ("rules", 1)
    assert [event.type for event in await emitted(ticket_id)] == ["ticket.triaged"]


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"line": 9}, ["line", "less than or equal to 4"]),
        ({"priority": "P9"}, ["priority", "'P1', 'P2', 'P3' or 'P4'"]),
        ({"reason": ""}, ["reason", "at least 1 character"]),
        ({"actor": ""}, ["actor", "at least 1 character"]),
        ({"reason": None}, ["reason"]),
        ({"colour": "red"}, ["colour", "extra inputs are not permitted"]),
    ],
)
async def test_other_malformed_overrides_get_a_422_naming_the_problem(
    client: httpx.AsyncClient, triaged: Triaged, fields: dict[str, object], words: list[str]
) -> None:
    ticket_id = (await triaged(CHECKOUT)).ticket_id
    body = {key: value for key, value in override(**fields).items() if value is not None}
    refused = await client.post(f"/tickets/{ticket_id}/classification", json=body)
    assert refused.status_code == 422
    message = refused.json()["error"]["message"].lower()
    assert all(word.lower() in message for word in words), message


async def test_overriding_with_the_classification_in_force_is_a_409(
    client: httpx.AsyncClient, triaged: Triaged, emitted: Emitted
) -> None:
    ticket_id = (await triaged(CHECKOUT)).ticket_id
    refused = await client.post(
        f"/tickets/{ticket_id}/classification", json=override(request_class=4)
    )
    assert refused.status_code == 409
    assert refused.json()["error"]["message"] == (
        f"ticket {ticket_id} is already class 4, line 3, P2; nothing to change"
    )
    assert [event.type for event in await emitted(ticket_id)] == ["ticket.triaged"]


async def test_a_ticket_never_triaged_is_a_404(client: httpx.AsyncClient) -> None:
    for response in (
        await client.get("/tickets/TKT-NEVERTRIAGED/classification"),
        await client.post("/tickets/TKT-NEVERTRIAGED/classification", json=override()),
    ):
        assert response.status_code == 404
        assert "TKT-NEVERTRIAGED" in response.json()["error"]["message"]


async def test_the_dry_run_classifies_under_the_customers_contract(
    client: httpx.AsyncClient,
) -> None:
    english = await client.post(
        "/classify",
        json={"customer": "acme-shop", "channel": "email", "subject": "Help", "body": CHECKOUT},
    )
    assert english.status_code == 200, english.text
    decision = english.json()
    assert (decision["request_class"], decision["line"], decision["priority"]) == (4, 3, "P2")
    assert decision["contract_version"] == "acme-shop@2025-01-01"
    assert any("'checkout'" in reason for reason in decision["reasons"])
    russian = await client.post(
        "/classify",
        json={
            "customer": "fintech-247",
            "channel": "telegram",
            "body": "Основной сервер упал, переключите нас на резервный сервер.",
        },
    )
    assert russian.status_code == 200, russian.text
    decision = russian.json()
    assert (decision["request_class"], decision["priority"], decision["language"]) == (
        2,
        "P1",
        "ru",
    )


async def test_the_dry_run_refuses_an_unknown_customer(client: httpx.AsyncClient) -> None:
    refused = await client.post(
        "/classify", json={"customer": "nobody-inc", "channel": "email", "body": "Site is down"}
    )
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "unknown_customer"
    assert "nobody-inc" in refused.json()["error"]["message"]


async def test_request_bodies_carry_openapi_examples(client: httpx.AsyncClient) -> None:
    schemas = (await client.get("/openapi.json")).json()["components"]["schemas"]
    for name in ("ClassificationOverride", "ClassifyRequest"):
        assert schemas[name]["examples"], name


async def test_readiness_reports_database_and_kafka(client: httpx.AsyncClient) -> None:
    ready = await client.get("/readyz")
    assert ready.status_code == 200, ready.text
    assert set(ready.json()["checks"]) >= {"database", "kafka"}
