"""The monthly report of one customer, built from the ticket facts (pure: no I/O, no clock).

The report counts the tickets *received* in the month (UTC): their class, channel, current
line and status, how their SLA clocks ended, and every line move they went through so far.
A clock's time is its covered seconds: `sla.met.elapsed_seconds`, or the target for a breach.
"""

from __future__ import annotations

import csv
import io
import re
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict, Field
from pydantic.config import JsonDict

from reporting.facts import ClockFacts, ClockOutcome, EscalationFact, TicketFacts
from ticketing_common.events import Channel, ClockKind, EscalationTrigger, TicketStatus

MONTH_FORMAT = "YYYY-MM (e.g. 2031-01)"
_MONTH = re.compile(r"(\d{4})-(\d{2})")
CLASS_KEYS = ("1", "2", "3", "4", "5", "6", "non_core", "unclassified")
LINE_KEYS = ("0", "1", "2", "3", "4", "unassigned")
TARGET_LINE_KEYS = ("1", "2", "3", "4")


class InvalidMonthError(ValueError):
    """A month that is not YYYY-MM."""


def parse_month(text: str) -> str:
    """The month as YYYY-MM, or InvalidMonthError saying the expected format."""
    match = _MONTH.fullmatch(text.strip())
    if match is None or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) == 0:
        raise InvalidMonthError(f"month must be {MONTH_FORMAT}, got {text!r}")
    return match.group(0)


class ClockStats(BaseModel):
    """How one SLA clock fared over the month's tickets."""

    met: int = Field(description="Tickets whose clock stopped in time")
    breached: int = Field(description="Tickets whose clock ran out")
    compliance_percent: float | None = Field(
        description="met / (met + breached) x 100, two decimals; null when no clock ended"
    )
    median_seconds: float | None = Field(
        description="Median covered seconds (elapsed when met, the target when breached)"
    )


class SlaSection(BaseModel):
    """Response and resolution clocks."""

    response: ClockStats
    resolution: ClockStats
    tickets_breached: int = Field(description="Tickets with at least one breached clock")


class EscalationSection(BaseModel):
    """Line moves of the month's tickets."""

    total: int = Field(description="Moves to a higher line")
    by_target_line: dict[str, int] = Field(description="Upward moves by the line moved to")
    by_trigger: dict[str, int] = Field(description="Upward moves by what caused them")
    to_vendors: dict[str, int] = Field(description="Upward moves handed to a vendor, by vendor")
    vendor_engagements: int = Field(description="`vendor.engaged` events on these tickets")
    returns_down: int = Field(description="Moves back to a lower line")


EXAMPLE_REPORT: JsonDict = {
    "customer": "acme-shop",
    "month": "2031-01",
    "generated_at": "2031-02-01T06:00:00Z",
    "tickets_total": 3,
    "by_class": {"1": 0, "2": 0, "3": 1, "4": 1, "5": 0, "6": 0, "non_core": 1, "unclassified": 0},
    "by_channel": {"email": 2, "phone": 1, "telegram": 0, "whatsapp": 0, "slack": 0, "web": 0},
    "by_line": {"0": 1, "1": 0, "2": 1, "3": 1, "4": 0, "unassigned": 0},
    "by_status": {"new": 0, "open": 1, "waiting_on_customer": 0, "resolved": 1, "closed": 1},
    "sla": {
        "response": {
            "met": 2,
            "breached": 0,
            "compliance_percent": 100.0,
            "median_seconds": 1500.0,
        },
        "resolution": {
            "met": 0,
            "breached": 1,
            "compliance_percent": 0.0,
            "median_seconds": 21600.0,
        },
        "tickets_breached": 1,
    },
    "escalations": {
        "total": 1,
        "by_target_line": {"1": 0, "2": 0, "3": 1, "4": 0},
        "by_trigger": {"manual": 0, "sla_breach": 1, "policy": 0},
        "to_vendors": {},
        "vendor_engagements": 0,
        "returns_down": 0,
    },
}


class MonthlyReport(BaseModel):
    """A customer's monthly report: the tickets received that month (UTC) and their fate."""

    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE_REPORT]})

    customer: str
    month: str = Field(description="YYYY-MM; tickets count in the month they were received (UTC)")
    generated_at: datetime
    tickets_total: int
    by_class: dict[str, int] = Field(
        description="Class 1..6, `non_core` (triaged as non-core), `unclassified` (not yet)"
    )
    by_channel: dict[str, int]
    by_line: dict[str, int] = Field(description="Current line (0..4; `unassigned` before triage)")
    by_status: dict[str, int]
    sla: SlaSection
    escalations: EscalationSection


def build_report(
    *,
    customer_id: str,
    month: str,
    tickets: Sequence[TicketFacts],
    escalations: Sequence[EscalationFact],
    generated_at: datetime,
) -> MonthlyReport:
    """The monthly report of one customer from its month's ticket facts and line moves."""
    return MonthlyReport(
        customer=customer_id,
        month=month,
        generated_at=generated_at,
        tickets_total=len(tickets),
        by_class=_counts(CLASS_KEYS, (class_key(t) for t in tickets)),
        by_channel=_counts([c.value for c in Channel], (t.channel.value for t in tickets)),
        by_line=_counts(LINE_KEYS, (line_key(t) for t in tickets)),
        by_status=_counts([s.value for s in TicketStatus], (t.status.value for t in tickets)),
        sla=sla_section(tickets),
        escalations=escalation_section(tickets, escalations),
    )


def class_key(ticket: TicketFacts) -> str:
    """The `by_class` key a ticket counts under."""
    if not ticket.classified:
        return "unclassified"
    return "non_core" if ticket.request_class is None else str(ticket.request_class)


def line_key(ticket: TicketFacts) -> str:
    """The `by_line` key a ticket counts under."""
    return "unassigned" if ticket.current_line is None else str(ticket.current_line)


def sla_section(tickets: Sequence[TicketFacts]) -> SlaSection:
    """Both clocks' statistics and the tickets with any breach."""
    breached = sum(
        1 for t in tickets if ClockOutcome.BREACHED in (t.response.outcome, t.resolution.outcome)
    )
    return SlaSection(
        response=clock_stats([t.clock(ClockKind.RESPONSE) for t in tickets]),
        resolution=clock_stats([t.clock(ClockKind.RESOLUTION) for t in tickets]),
        tickets_breached=breached,
    )


def clock_stats(clocks: Sequence[ClockFacts]) -> ClockStats:
    """Met, breached, compliance and median covered seconds of one clock over tickets."""
    ended = [c for c in clocks if c.outcome is not ClockOutcome.NONE]
    met = sum(1 for c in ended if c.outcome is ClockOutcome.MET)
    seconds = [c.seconds for c in ended if c.seconds is not None]
    return ClockStats(
        met=met,
        breached=len(ended) - met,
        compliance_percent=compliance_percent(met, len(ended) - met),
        median_seconds=float(statistics.median(seconds)) if seconds else None,
    )


def compliance_percent(met: int, breached: int) -> float | None:
    """Share of ended clocks that were met, in percent; None when none ended."""
    ended = met + breached
    return None if ended == 0 else round(100 * met / ended, 2)


def escalation_section(
    tickets: Sequence[TicketFacts], moves: Sequence[EscalationFact]
) -> EscalationSection:
    """Upward moves by target line, trigger and vendor; returns down; vendor engagements."""
    upward = [m for m in moves if m.is_upward]
    return EscalationSection(
        total=len(upward),
        by_target_line=_counts(TARGET_LINE_KEYS, (str(m.to_line) for m in upward)),
        by_trigger=_counts([t.value for t in EscalationTrigger], (m.trigger.value for m in upward)),
        to_vendors=dict(sorted(Counter(m.vendor_id for m in upward if m.vendor_id).items())),
        vendor_engagements=sum(t.vendor_engagements for t in tickets),
        returns_down=len(moves) - len(upward),
    )


def _counts(keys: Iterable[str], values: Iterable[str]) -> dict[str, int]:
    """Every key with its count (zero included), then any unexpected value."""
    counted = Counter(values)
    result = {key: counted.pop(key, 0) for key in keys}
    return result | dict(sorted(counted.items()))


CSV_COLUMNS = (
    "ticket_id",
    "customer_id",
    "month",
    "channel",
    "received_at",
    "request_class",
    "priority",
    "current_line",
    "highest_line",
    "status",
    "resolved_at",
    "first_response_at",
    "response_outcome",
    "response_seconds",
    "resolution_outcome",
    "resolution_seconds",
    "escalations",
    "vendor_engagements",
)


def tickets_csv(tickets: Sequence[TicketFacts]) -> str:
    """The month's tickets as CSV, one row per ticket (the `class_key` as request_class)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for ticket in tickets:
        writer.writerow(_csv_cell(value) for value in _csv_values(ticket))
    return buffer.getvalue()


def _csv_values(ticket: TicketFacts) -> tuple[object, ...]:
    return (
        ticket.ticket_id,
        ticket.customer_id,
        ticket.month,
        ticket.channel.value,
        ticket.received_at,
        class_key(ticket),
        ticket.priority.value if ticket.priority else None,
        ticket.current_line,
        ticket.highest_line,
        ticket.status.value,
        ticket.resolved_at,
        ticket.first_response_at,
        ticket.response.outcome.value,
        ticket.response.seconds,
        ticket.resolution.outcome.value,
        ticket.resolution.seconds,
        ticket.escalations,
        ticket.vendor_engagements,
    )


def _csv_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    return str(value)
