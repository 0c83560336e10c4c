"""`GET /tickets/{id}/sla` with the app's lifespan running, against the migrated schema."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import httpx
import pytest

if TYPE_CHECKING:
    from conftest import Harness

pytestmark = pytest.mark.integration
SECOND = timedelta(seconds=1)


async def clocks(client: httpx.AsyncClient, ticket_id: str) -> dict[str, dict[str, Any]]:
    response = await client.get(f"/tickets/{ticket_id}/sla")
    assert response.status_code == 200, response.text
    return {clock["kind"]: clock for clock in response.json()["clocks"]}


def summary(clock: dict[str, Any]) -> tuple[Any, ...]:
    return clock["state"], clock["remaining_seconds"], clock["elapsed_seconds"]


async def test_remaining_time_while_running_paused_met_and_breached(
    client: httpx.AsyncClient, harness: Harness
) -> None:
    ticket_id, received = await harness.open_ticket()
    harness.clock.set(received + SECOND)
    running = await clocks(client, ticket_id)
    assert summary(running["response"]) == ("running", 3, 1)
    assert summary(running["resolution"]) == ("running", 29, 1)
    assert running["response"]["target_seconds"] == 4
    assert datetime.fromisoformat(running["response"]["deadline"]) == received + 4 * SECOND

    await harness.move(ticket_id, "new", "waiting_on_customer", received + SECOND)
    harness.clock.set(received + 50 * SECOND)
    paused = await clocks(client, ticket_id)
    assert summary(paused["response"]) == ("paused", 3, 1)  # frozen however long it waits
    assert paused["response"]["deadline"] is None

    back = harness.clock.now()
    await harness.move(ticket_id, "waiting_on_customer", "open", back)
    await harness.reply(ticket_id, back + SECOND)
    harness.clock.set(back + 10 * SECOND)
    await harness.fire()
    final = await clocks(client, ticket_id)
    assert summary(final["response"]) == ("met", 2, 2)  # replied 1 s after 1 s + the pause
    assert final["response"]["met_at"] is not None
    assert summary(final["resolution"]) == ("running", 19, 11)  # the 49 s wait excluded
    harness.clock.set(back + 40 * SECOND)
    await harness.fire()
    breached = (await clocks(client, ticket_id))["resolution"]
    assert summary(breached) == ("breached", 0, 30)
    assert breached["breached_at"] is not None


async def test_a_ticket_before_triage_has_no_clocks_and_an_unknown_one_is_a_404(
    client: httpx.AsyncClient, harness: Harness
) -> None:
    spam, _ = await harness.open_ticket(request_class=None)
    body = (await client.get(f"/tickets/{spam}/sla")).json()
    assert (body["customer_id"], body["request_class"], body["clocks"]) == ("e2e-247", None, [])
    missing = await client.get("/tickets/TKT-DOESNOTEXIST/sla")
    assert missing.status_code == 404
    assert "TKT-DOESNOTEXIST" in missing.json()["error"]["message"]


async def test_readiness_reports_database_and_kafka(client: httpx.AsyncClient) -> None:
    ready = await client.get("/readyz")
    assert ready.status_code == 200, ready.text
    assert set(ready.json()["checks"]) >= {"database", "kafka"}
