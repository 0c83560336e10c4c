"""The event catalog: envelope round trips, decoding policy, immutability, invariants."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast
from uuid import uuid4

import pytest
from pydantic import ValidationError

from ticketing_common.envelope import Event, from_value, new_envelope, to_record
from ticketing_common.events import (
    EVENT_TYPES,
    TicketCreated,
    TicketEscalated,
    TicketStatus,
    TicketStatusChanged,
    TicketTriaged,
    can_transition,
    decode,
    event_class,
    event_types,
)

ALL_EVENTS = event_types()
SENT_AT = datetime(2025, 3, 3, 9, 15, tzinfo=UTC)


def examples_of(cls: type[Event]) -> list[dict[str, Any]]:
    """The JSON examples a model publishes in its schema."""
    extra = cast(dict[str, Any], cls.model_config.get("json_schema_extra"))
    return cast(list[dict[str, Any]], extra["examples"])


def example_event(cls: type[Event]) -> Event:
    return cls.model_validate(examples_of(cls)[0])


def wire_round_trip(
    event: Event, *, event_type: str | None = None, dataschema: str | None = None
) -> Event | None:
    ticket_id = f"TCK-{uuid4().hex[:8]}"
    envelope = new_envelope(
        event,
        source="/services/test",
        subject=ticket_id,
        time=SENT_AT,
        customer_id="acme",
        correlation_id=str(uuid4()),
        causation_id=None,
        sequence=1,
    )
    changes = {"type": event_type, "dataschema": dataschema}
    envelope = envelope.model_copy(update={k: v for k, v in changes.items() if v is not None})
    record = to_record(envelope, traceparent="00-" + "a" * 32 + "-" + "b" * 16 + "-01")
    assert record.key == ticket_id.encode()
    return decode(from_value(record.value))


@pytest.mark.parametrize("cls", ALL_EVENTS, ids=lambda cls: cls.EVENT_TYPE)
def test_every_event_survives_the_wire_unchanged(cls: type[Event]) -> None:
    for example in examples_of(cls):
        event = cls.model_validate(example)
        decoded = wire_round_trip(event)
        assert type(decoded) is cls
        assert decoded == event


def test_optional_fields_left_out_come_back_as_their_defaults() -> None:
    example = {k: v for k, v in examples_of(TicketCreated)[0].items() if k != "subject"}
    event = TicketCreated.model_validate(example)
    assert wire_round_trip(event) == event
    assert event.subject is None


def test_a_non_core_request_is_triaged_without_a_class() -> None:
    event = TicketTriaged.model_validate(
        {**examples_of(TicketTriaged)[0], "request_class": None, "line": 0}
    )
    assert wire_round_trip(event) == event


@pytest.mark.parametrize(
    ("event_type", "dataschema"),
    [
        ("ticket.frobnicated", "urn:ticketing:schema:ticket.frobnicated:v1"),
        ("ticket.created", "urn:ticketing:schema:ticket.created:v99"),
    ],
    ids=["unknown type", "unknown version"],
)
def test_unknown_type_or_version_decodes_to_none(event_type: str, dataschema: str) -> None:
    assert wire_round_trip(example_event(TicketCreated), event_type=event_type,
                           dataschema=dataschema) is None  # fmt: skip


@pytest.mark.parametrize(
    "bad",
    [{"channel": "fax"}, {"received_at": "2025-03-03T09:15:00"}, {"ticket_id": ""}],
    ids=["unknown channel", "naive time", "empty id"],
)
def test_a_known_type_with_bad_data_is_poison(bad: dict[str, Any]) -> None:
    envelope = new_envelope(
        example_event(TicketCreated),
        source="/services/test",
        subject="TCK-1",
        time=SENT_AT,
        customer_id="acme",
        correlation_id="c-1",
        causation_id=None,
        sequence=1,
    )
    broken = envelope.model_copy(update={"data": {**envelope.data, **bad}})
    with pytest.raises(ValidationError):
        decode(from_value(to_record(broken).value))


@pytest.mark.parametrize("cls", ALL_EVENTS, ids=lambda cls: cls.EVENT_TYPE)
def test_events_are_frozen(cls: type[Event]) -> None:
    event = example_event(cls)
    with pytest.raises(ValidationError):
        event.ticket_id = "TCK-other"  # type: ignore[attr-defined]


def test_registry_lists_each_type_and_version_once() -> None:
    assert len(ALL_EVENTS) == 14
    assert {(cls.EVENT_TYPE, cls.VERSION) for cls in ALL_EVENTS} == set(EVENT_TYPES)
    assert event_class("sla.breached", 1) is not None
    assert event_class("sla.breached", 2) is None
    for cls in ALL_EVENTS:
        assert cls.dataschema() == f"urn:ticketing:schema:{cls.EVENT_TYPE}:v{cls.VERSION}"


def test_a_line_move_must_change_the_line() -> None:
    example = examples_of(TicketEscalated)[0]
    with pytest.raises(ValidationError, match="must differ"):
        TicketEscalated.model_validate({**example, "to_line": example["from_line"]})


def test_a_status_change_must_change_the_status() -> None:
    example = {**examples_of(TicketStatusChanged)[0], "to_status": "open", "from_status": "open"}
    with pytest.raises(ValidationError, match="must differ"):
        TicketStatusChanged.model_validate(example)


@pytest.mark.parametrize(
    ("source", "target", "allowed"),
    [
        (TicketStatus.NEW, TicketStatus.OPEN, True),
        (TicketStatus.OPEN, TicketStatus.WAITING_ON_CUSTOMER, True),
        (TicketStatus.WAITING_ON_CUSTOMER, TicketStatus.OPEN, True),
        (TicketStatus.OPEN, TicketStatus.RESOLVED, True),
        (TicketStatus.RESOLVED, TicketStatus.CLOSED, True),
        (TicketStatus.RESOLVED, TicketStatus.OPEN, True),
        (TicketStatus.CLOSED, TicketStatus.OPEN, True),
        (TicketStatus.NEW, TicketStatus.CLOSED, True),
        (TicketStatus.NEW, TicketStatus.RESOLVED, False),
        (TicketStatus.CLOSED, TicketStatus.RESOLVED, False),
        (TicketStatus.RESOLVED, TicketStatus.WAITING_ON_CUSTOMER, False),
        (TicketStatus.OPEN, TicketStatus.NEW, False),
    ],
)
def test_ticket_lifecycle(source: TicketStatus, target: TicketStatus, allowed: bool) -> None:
    assert can_transition(source, target) is allowed
