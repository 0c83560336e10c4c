"""build_app: uniform error bodies, domain errors, HTTP metrics, trace continuation."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from typing import Literal

import httpx
import pytest
from fastapi import APIRouter, FastAPI, HTTPException
from prometheus_client import REGISTRY
from pydantic import BaseModel

from ticketing_common.app import DomainError, build_app
from ticketing_common.settings import ServiceSettings
from ticketing_common.telemetry import current_traceparent


class NewTicket(BaseModel):
    channel: Literal["email", "phone", "telegram"]
    subject: str


router = APIRouter()


@router.post("/tickets", status_code=201)
async def create_ticket(ticket: NewTicket) -> dict[str, str]:
    if ticket.subject == "quota":
        raise DomainError(409, "quota_exceeded", "The monthly request quota is used up")
    return {"channel": ticket.channel}


@router.get("/tickets/{ticket_id}")
async def get_ticket(ticket_id: str) -> dict[str, str | None]:
    if ticket_id == "missing":
        raise HTTPException(404, "Ticket missing not found")
    return {"ticket_id": ticket_id, "traceparent": current_traceparent()}


@pytest.fixture
def app() -> Iterator[FastAPI]:
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    settings = ServiceSettings(service_name="apptest", db_schema="apptest")
    built = build_app(
        title="t", description="d", version="0", lifespan=None, routers=[router], settings=settings
    )
    yield built
    root.handlers[:] = saved_handlers
    root.setLevel(saved_level)


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


async def test_malformed_json_gets_a_422_naming_the_body(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/tickets", content=b'{"channel": "email",', headers={"content-type": "application/json"}
    )

    error = response.json()["error"]
    assert response.status_code == 422
    assert error["code"] == "malformed_json"
    assert error["message"].startswith("body: malformed JSON at character")
    assert error["details"][0]["field"] == "body"


async def test_validation_error_message_names_the_field(client: httpx.AsyncClient) -> None:
    response = await client.post("/tickets", json={"channel": "fax"})

    error = response.json()["error"]
    assert response.status_code == 422
    assert error["code"] == "validation_error"
    assert "body.channel: Input should be 'email', 'phone' or 'telegram'" in error["message"]
    assert "body.subject: Field required" in error["message"]
    assert [d["field"] for d in error["details"]] == ["body.channel", "body.subject"]


async def test_http_exception_keeps_its_status_in_the_same_shape(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/tickets/missing")

    assert response.status_code == 404
    assert response.json() == {
        "error": {"code": "not_found", "message": "Ticket missing not found", "details": []}
    }


async def test_unknown_route_and_method_use_the_same_shape(client: httpx.AsyncClient) -> None:
    not_found = await client.get("/nowhere")
    wrong_method = await client.delete("/tickets")

    assert not_found.json()["error"]["code"] == "not_found"
    assert wrong_method.status_code == 405
    assert wrong_method.json()["error"]["code"] == "method_not_allowed"
    assert "allow" in wrong_method.headers


async def test_domain_error_renders_its_status_code_and_message(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/tickets", json={"channel": "email", "subject": "quota"})

    assert response.status_code == 409
    assert response.json()["error"] == {
        "code": "quota_exceeded",
        "message": "The monthly request quota is used up",
        "details": [],
    }


async def test_requests_are_counted_by_route_template(client: httpx.AsyncClient) -> None:
    def count(route: str, status: str) -> float:
        labels = {"service": "apptest", "method": "GET", "route": route, "status": status}
        return REGISTRY.get_sample_value("ticketing_http_requests_total", labels) or 0.0

    before = count("/tickets/{ticket_id}", "200"), count("<unmatched>", "404")
    await client.get("/tickets/T-1")
    await client.get("/tickets/T-2")
    await client.get("/random/scanner/path")

    after = count("/tickets/{ticket_id}", "200"), count("<unmatched>", "404")
    assert (after[0] - before[0], after[1] - before[1]) == (2, 1)


async def test_request_span_continues_the_incoming_traceparent(
    client: httpx.AsyncClient,
) -> None:
    trace_id = "4bf92f3577b34da6a3ce929d0e0e4736"
    incoming = f"00-{trace_id}-00f067aa0ba902b7-01"

    response = await client.get("/tickets/T-1", headers={"traceparent": incoming})

    traceparent = response.json()["traceparent"]
    assert traceparent is not None
    assert traceparent.split("-")[1] == trace_id
    assert traceparent.split("-")[2] != "00f067aa0ba902b7"
