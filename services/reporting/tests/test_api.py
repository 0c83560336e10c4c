"""Events through the real EventProcessor into the `reporting` schema, then the report API."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import httpx
import pytest

from ticketing_common.events import AuthorKind, Channel

pytestmark = pytest.mark.integration


async def apply_month(feed, story, year: int, month: int) -> dict[str, object]:
    """Four tickets of one month, with an out-of-order pair and a redelivered event."""
    start = datetime(year, month, 10, 7, 0, tzinfo=UTC)
    t1, t2, t3, t4 = (story(received_at=start) for _ in range(4))
    escalation = feed.record(t1.escalated(2, 3, at=400, trigger="sla_breach"))
    outcomes = await feed.apply(
        # T1: class 4 by email; response met in 600 s; resolution breached, then escalated.
        t1.created(Channel.EMAIL),
        t1.triaged(4, line=2, priority="P2", at=1),
        t1.armed("response", target=7200),
        t1.armed("resolution", target=21600),
        t1.message(AuthorKind.AGENT, at=10),
        t1.met("response", elapsed=600, target=7200, at=10),
        t1.status("new", "open", at=10),
    )
    # Escalation's relay was faster than sla-timer's: the move arrives before the breach.
    outcomes.append(await feed.processor.process(escalation))
    outcomes += await feed.apply(
        t1.breached("resolution", target=21600, at=399),
        t1.status("open", "resolved", at=500),
        # T2: class 3 by phone; escalation to line 2 arrives before triage put it on line 1.
        t2.created(Channel.PHONE),
        t2.escalated(1, 2, at=30, trigger="manual"),
        t2.triaged(3, line=1, priority="P1", at=1),
        t2.met("response", elapsed=1200, target=3600, at=20),
        t2.met("resolution", elapsed=9000, target=14400, at=200),
        t2.status("new", "open", at=20),
        # T3: non-core (spam) by telegram, closed at once; T4: not triaged yet.
        t3.created(Channel.TELEGRAM),
        t3.triaged(None, line=0, priority="P4", at=1),
        t3.status("new", "closed", at=2),
        t4.created(Channel.EMAIL),
    )
    redelivered = await feed.processor.process(escalation)
    return {
        "outcomes": outcomes,
        "redelivered": redelivered,
        "tickets": (t1, t2, t3, t4),
        "month": f"{year:04d}-{month:02d}",
    }


async def test_monthly_report_of_a_month_of_tickets(
    client: httpx.AsyncClient, feed, story, unused_month: tuple[int, int]
) -> None:
    applied = await apply_month(feed, story, *unused_month)
    assert set(applied["outcomes"]) == {"applied"}
    assert applied["redelivered"] == "duplicate"
    assert feed.dead_letters.sent == []

    response = await client.get(
        "/reports/monthly", params={"customer": "acme-shop", "month": applied["month"]}
    )
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["customer"], report["month"]) == ("acme-shop", applied["month"])
    assert report["generated_at"] == "2040-01-01T00:00:00Z"
    assert report["tickets_total"] == 4
    assert report["by_class"] == {
        **{"1": 0, "2": 0, "3": 1, "4": 1, "5": 0, "6": 0},
        **{"non_core": 1, "unclassified": 1},
    }
    assert report["by_channel"] == {
        **{"email": 2, "phone": 1, "telegram": 1},
        **{"whatsapp": 0, "slack": 0, "web": 0},
    }
    assert report["by_line"] == {"0": 1, "1": 0, "2": 1, "3": 1, "4": 0, "unassigned": 1}
    assert report["by_status"] == {
        **{"new": 1, "open": 1, "waiting_on_customer": 0},
        **{"resolved": 1, "closed": 1},
    }
    assert report["sla"] == {
        "response": {
            "met": 2,
            "breached": 0,
            "compliance_percent": 100.0,
            "median_seconds": 900.0,
        },
        "resolution": {
            "met": 1,
            "breached": 1,
            "compliance_percent": 50.0,
            "median_seconds": 15300.0,
        },
        "tickets_breached": 1,
    }
    assert report["escalations"] == {
        "total": 2,  # the redelivered escalation counted once
        "by_target_line": {"1": 0, "2": 1, "3": 1, "4": 0},
        "by_trigger": {"manual": 1, "sla_breach": 1, "policy": 0},
        "to_vendors": {},
        "vendor_engagements": 0,
        "returns_down": 0,
    }


async def test_monthly_csv_lists_the_tickets_of_the_month(
    client: httpx.AsyncClient, feed, story, unused_month: tuple[int, int]
) -> None:
    applied = await apply_month(feed, story, *unused_month)
    response = await client.get(
        "/reports/monthly.csv", params={"customer": "acme-shop", "month": applied["month"]}
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert applied["month"] in response.headers["content-disposition"]
    rows = {row["ticket_id"]: row for row in csv.DictReader(io.StringIO(response.text))}
    t1, t2, t3, t4 = applied["tickets"]
    assert set(rows) == {t.ticket_id for t in (t1, t2, t3, t4)}
    assert rows[t1.ticket_id]["resolution_outcome"] == "breached"
    assert rows[t1.ticket_id]["current_line"] == "3"
    assert rows[t1.ticket_id]["highest_line"] == "3"
    assert rows[t1.ticket_id]["escalations"] == "1"
    assert rows[t2.ticket_id]["current_line"] == "2"
    assert rows[t3.ticket_id]["request_class"] == "non_core"
    assert rows[t4.ticket_id]["status"] == "new"


async def test_a_known_customer_without_tickets_gets_a_zero_report(
    client: httpx.AsyncClient, unused_month: tuple[int, int]
) -> None:
    year, month = unused_month
    response = await client.get(
        "/reports/monthly", params={"customer": "nordic-clinic", "month": f"{year}-{month:02d}"}
    )
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["tickets_total"] == 0
    assert report["sla"]["response"] == {
        "met": 0,
        "breached": 0,
        "compliance_percent": None,
        "median_seconds": None,
    }
    csv_response = await client.get(
        "/reports/monthly.csv",
        params={"customer": "nordic-clinic", "month": f"{year}-{month:02d}"},
    )
    assert csv_response.text.count("\r\n") == 1


async def test_an_event_of_an_unknown_ticket_is_dead_lettered(feed, story) -> None:
    orphan = story().triaged(4, line=2)
    assert await feed.apply(orphan) == ["dead_lettered"]
    (letter,) = feed.dead_letters.sent
    reason = dict(letter["headers"])["dlq-reason"].decode()
    assert "PermanentError" in reason
    assert "ticket.created" in reason


@pytest.mark.parametrize("path", ["/reports/monthly", "/reports/monthly.csv"])
@pytest.mark.parametrize(
    ("params", "status", "code", "words"),
    [
        ({"customer": "acme-shop", "month": "2031-1"}, 422, "invalid_month", "YYYY-MM"),
        ({"customer": "acme-shop", "month": "2031-13"}, 422, "invalid_month", "YYYY-MM"),
        ({"customer": "acme-shop", "month": "January"}, 422, "invalid_month", "January"),
        ({"customer": "acme-shop"}, 422, "validation_error", "query.month"),
        ({"month": "2031-01"}, 422, "validation_error", "query.customer"),
        ({"customer": "nobody-inc", "month": "2031-01"}, 404, "unknown_customer", "nobody-inc"),
    ],
)
async def test_bad_requests_get_a_message_naming_the_problem(
    client: httpx.AsyncClient,
    path: str,
    params: dict[str, str],
    status: int,
    code: str,
    words: str,
) -> None:
    response = await client.get(path, params=params)
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code
    assert words in error["message"]


async def test_openapi_documents_the_report_with_an_example(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    operation = spec["paths"]["/reports/monthly"]["get"]
    assert {"200", "404", "422"} <= set(operation["responses"])
    schema = spec["components"]["schemas"]["MonthlyReport"]
    assert schema["examples"][0]["customer"] == "acme-shop"
    assert "/reports/monthly.csv" in spec["paths"]


async def test_readiness_reports_database_and_kafka(client: httpx.AsyncClient) -> None:
    ready = await client.get("/readyz")
    assert ready.status_code == 200, ready.text
    assert set(ready.json()["checks"]) >= {"database", "kafka"}
