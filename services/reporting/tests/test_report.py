"""Building the monthly report from ticket facts: counts, compliance, medians, empty months."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import UTC, datetime
from uuid import uuid4

import pytest

from reporting.facts import ClockFacts, ClockOutcome, EscalationFact, TicketFacts
from reporting.report import (
    InvalidMonthError,
    MonthlyReport,
    build_report,
    clock_stats,
    compliance_percent,
    parse_month,
    tickets_csv,
)
from ticketing_common.events import Channel, EscalationTrigger, Priority, TicketStatus

AT = datetime(2031, 1, 13, 9, 15, tzinfo=UTC)
MET = ClockOutcome.MET
BREACHED = ClockOutcome.BREACHED


def ticket(**changes: object) -> TicketFacts:
    base = TicketFacts(
        ticket_id=f"TKT-{uuid4().hex[:8]}",
        customer_id="acme-shop",
        contract_version="acme-shop@2025-01-01",
        month="2031-01",
        channel=Channel.EMAIL,
        received_at=AT,
        status=TicketStatus.NEW,
        status_changed_at=AT,
        last_event_at=AT,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def clock(outcome: ClockOutcome, seconds: int | None = None) -> ClockFacts:
    return ClockFacts(outcome=outcome, seconds=seconds, target_seconds=7200, decided_at=AT)


def move(from_line: int, to_line: int, trigger: str = "manual", vendor: str | None = None):
    return EscalationFact(
        event_id=uuid4(),
        ticket_id="TKT-1",
        from_line=from_line,
        to_line=to_line,
        trigger=EscalationTrigger(trigger),
        vendor_id=vendor,
        escalated_at=AT,
    )


def report(tickets: list[TicketFacts], moves: list[EscalationFact] = ()) -> MonthlyReport:
    return build_report(
        customer_id="acme-shop",
        month="2031-01",
        tickets=tickets,
        escalations=list(moves),
        generated_at=AT,
    )


@pytest.mark.parametrize(
    ("text", "month"), [("2031-01", "2031-01"), ("1999-12", "1999-12"), (" 2031-10 ", "2031-10")]
)
def test_a_valid_month(text: str, month: str) -> None:
    assert parse_month(text) == month


@pytest.mark.parametrize(
    "text", ["2031-1", "2031-13", "2031-00", "31-01", "2031/01", "", "0000-01"]
)
def test_a_malformed_month_names_the_expected_format(text: str) -> None:
    with pytest.raises(InvalidMonthError, match="YYYY-MM"):
        parse_month(text)


@pytest.mark.parametrize(
    ("met", "breached", "percent"),
    [(0, 0, None), (1, 0, 100.0), (0, 3, 0.0), (1, 1, 50.0), (2, 1, 66.67), (199, 1, 99.5)],
)
def test_compliance_percent(met: int, breached: int, percent: float | None) -> None:
    assert compliance_percent(met, breached) == percent


@pytest.mark.parametrize(
    ("clocks", "met", "breached", "median"),
    [
        ([], 0, 0, None),
        ([clock(ClockOutcome.NONE)], 0, 0, None),
        ([clock(MET, 600)], 1, 0, 600.0),
        ([clock(MET, 600), clock(MET, 1200)], 2, 0, 900.0),
        ([clock(MET, 600), clock(MET, 1200), clock(MET, 30)], 3, 0, 600.0),
        # A breach counts its target; clocks still running do not count at all.
        ([clock(MET, 600), clock(BREACHED, 7200), clock(ClockOutcome.NONE)], 1, 1, 3900.0),
    ],
)
def test_clock_stats(clocks: list[ClockFacts], met: int, breached: int, median: float | None):
    stats = clock_stats(clocks)
    assert (stats.met, stats.breached, stats.median_seconds) == (met, breached, median)


def test_an_empty_month_is_a_report_of_zeros() -> None:
    empty = report([])
    assert empty.tickets_total == 0
    assert set(empty.by_class) == {"1", "2", "3", "4", "5", "6", "non_core", "unclassified"}
    assert not any(empty.by_class.values())
    assert set(empty.by_channel) == {c.value for c in Channel}
    assert not any(empty.by_status.values())
    assert not any(empty.by_line.values())
    assert empty.sla.response.compliance_percent is None
    assert empty.sla.resolution.median_seconds is None
    assert empty.sla.tickets_breached == 0
    assert empty.escalations.total == 0
    assert empty.escalations.to_vendors == {}


def test_counts_by_class_channel_line_and_status() -> None:
    tickets = [
        ticket(classified_at=AT, request_class=4, current_line=2, status=TicketStatus.OPEN),
        ticket(classified_at=AT, request_class=4, current_line=3, channel=Channel.PHONE),
        ticket(classified_at=AT, request_class=None, current_line=0, status=TicketStatus.CLOSED),
        ticket(channel=Channel.TELEGRAM),
    ]
    built = report(tickets)
    assert built.tickets_total == 4
    assert built.by_class == {
        **{"1": 0, "2": 0, "3": 0, "4": 2, "5": 0, "6": 0},
        **{"non_core": 1, "unclassified": 1},
    }
    assert built.by_channel["email"] == 2
    assert built.by_channel["phone"] == 1
    assert built.by_channel["telegram"] == 1
    assert built.by_line == {"0": 1, "1": 0, "2": 1, "3": 1, "4": 0, "unassigned": 1}
    assert built.by_status == {
        "new": 2,
        "open": 1,
        "waiting_on_customer": 0,
        "resolved": 0,
        "closed": 1,
    }


def test_sla_section_counts_each_clock_and_breached_tickets() -> None:
    tickets = [
        ticket(response=clock(MET, 600), resolution=clock(BREACHED, 21600)),
        ticket(response=clock(BREACHED, 3600), resolution=clock(BREACHED, 14400)),
        ticket(response=clock(MET, 1200), resolution=clock(MET, 9000)),
        ticket(),
    ]
    sla = report(tickets).sla
    assert (sla.response.met, sla.response.breached) == (2, 1)
    assert sla.response.compliance_percent == 66.67
    assert sla.response.median_seconds == 1200.0
    assert (sla.resolution.met, sla.resolution.breached) == (1, 2)
    assert sla.resolution.compliance_percent == 33.33
    assert sla.resolution.median_seconds == 14400.0
    assert sla.tickets_breached == 2


def test_escalations_count_upward_moves_by_line_trigger_and_vendor() -> None:
    tickets = [ticket(vendor_engagements=2), ticket(vendor_engagements=1)]
    moves = [
        move(1, 2),
        move(2, 3, "sla_breach"),
        move(3, 4, "manual", vendor="hostco"),
        move(3, 4, "policy", vendor="cdn-edge"),
        move(4, 3),
    ]
    section = report(tickets, moves).escalations
    assert section.total == 4
    assert section.by_target_line == {"1": 0, "2": 1, "3": 1, "4": 2}
    assert section.by_trigger == {"manual": 2, "sla_breach": 1, "policy": 1}
    assert section.to_vendors == {"cdn-edge": 1, "hostco": 1}
    assert section.vendor_engagements == 3
    assert section.returns_down == 1


def test_the_example_in_the_openapi_document_is_a_valid_report() -> None:
    example = MonthlyReport.model_json_schema()["examples"][0]
    assert MonthlyReport.model_validate(example).tickets_total == 3


def test_csv_has_one_row_per_ticket() -> None:
    tickets = [
        ticket(
            ticket_id="TKT-A",
            classified_at=AT,
            request_class=4,
            priority=Priority.P2,
            current_line=2,
            response=clock(MET, 600),
        ),
        ticket(ticket_id="TKT-B"),
    ]
    rows = list(csv.DictReader(io.StringIO(tickets_csv(tickets))))
    assert [row["ticket_id"] for row in rows] == ["TKT-A", "TKT-B"]
    assert rows[0]["request_class"] == "4"
    assert rows[0]["priority"] == "P2"
    assert rows[0]["response_outcome"] == "met"
    assert rows[0]["response_seconds"] == "600"
    assert rows[0]["received_at"] == "2031-01-13T09:15:00+00:00"
    assert rows[1]["request_class"] == "unclassified"
    assert rows[1]["current_line"] == ""


def test_csv_of_an_empty_month_is_the_header_only() -> None:
    assert tickets_csv([]).count("\r\n") == 1
