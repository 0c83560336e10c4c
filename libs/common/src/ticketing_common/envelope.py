"""CloudEvents 1.0 envelope (structured JSON mode) and its mapping to Kafka records."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, Literal
from uuid import UUID, uuid4

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

CONTENT_TYPE = "application/cloudevents+json"
SCHEMA_URN_PREFIX = "urn:ticketing:schema:"


class Event(BaseModel):
    """Base of every typed event payload (the CloudEvent `data`).

    Unknown fields are ignored, not rejected: evolution is additive, so a consumer built
    against version N must still accept a payload to which a producer added optional fields.
    """

    model_config = ConfigDict(frozen=True, extra="ignore")

    EVENT_TYPE: ClassVar[str]
    VERSION: ClassVar[int] = 1

    @classmethod
    def dataschema(cls) -> str:
        """URN naming this event type's JSON Schema (`libs/common/schemas/<type>.v<n>.json`)."""
        return schema_urn(cls.EVENT_TYPE, cls.VERSION)


def schema_urn(event_type: str, version: int) -> str:
    """The `dataschema` value of one event type and version."""
    return f"{SCHEMA_URN_PREFIX}{event_type}:v{version}"


def parse_schema_urn(urn: str) -> tuple[str, int] | None:
    """Split a `dataschema` URN into (type, version); None when it is not ours."""
    if not urn.startswith(SCHEMA_URN_PREFIX):
        return None
    event_type, _, version = urn[len(SCHEMA_URN_PREFIX) :].rpartition(":v")
    if not event_type or not version.isdigit():
        return None
    return event_type, int(version)


class CloudEvent(BaseModel):
    """A CloudEvents 1.0 envelope with this system's extension attributes."""

    model_config = ConfigDict(frozen=True, extra="allow")

    specversion: Literal["1.0"] = "1.0"
    id: UUID = Field(description="Unique event id; consumers use it as the idempotency key")
    source: str = Field(description="Producing service, e.g. /services/intake")
    type: str = Field(description="Event type, e.g. ticket.created")
    subject: str = Field(description="Ticket id; also the Kafka key")
    time: AwareDatetime
    datacontenttype: Literal["application/json"] = "application/json"
    dataschema: str
    customerid: str
    correlationid: str
    causationid: str | None = None
    sequence: int = Field(ge=1, description="Per-ticket, per-producer sequence number")
    data: dict[str, Any]

    @property
    def version(self) -> int:
        """The payload version carried in `dataschema` (1 when it is not ours)."""
        parsed = parse_schema_urn(self.dataschema)
        return parsed[1] if parsed else 1


def new_envelope(
    event: Event,
    *,
    source: str,
    subject: str,
    time: datetime,
    customer_id: str,
    correlation_id: str,
    causation_id: str | None,
    sequence: int,
    event_id: UUID | None = None,
) -> CloudEvent:
    """Wrap a typed event in its envelope."""
    return CloudEvent(
        id=event_id or uuid4(),
        source=source,
        type=event.EVENT_TYPE,
        subject=subject,
        time=time,
        dataschema=event.dataschema(),
        customerid=customer_id,
        correlationid=correlation_id,
        causationid=causation_id,
        sequence=sequence,
        data=event.model_dump(mode="json"),
    )


Headers = Sequence[tuple[str, bytes]]


@dataclass(frozen=True, slots=True)
class KafkaRecord:
    """What goes on the wire: key = ticket id, value = structured CloudEvent JSON."""

    key: bytes
    value: bytes
    headers: list[tuple[str, bytes]]


def to_record(envelope: CloudEvent, *, traceparent: str | None = None) -> KafkaRecord:
    """Serialize an envelope to a Kafka record in structured content mode."""
    headers = [("content-type", CONTENT_TYPE.encode())]
    if traceparent:
        headers.append(("traceparent", traceparent.encode()))
    return KafkaRecord(
        key=envelope.subject.encode(),
        value=envelope.model_dump_json(exclude_none=True).encode(),
        headers=headers,
    )


def from_value(value: bytes) -> CloudEvent:
    """Parse a structured-mode record value; raises pydantic.ValidationError when malformed."""
    return CloudEvent.model_validate_json(value)


def header(headers: Headers | None, name: str) -> str | None:
    """The first header of that name, decoded, or None."""
    for key, raw in headers or ():
        if key == name and raw is not None:
            return raw.decode()
    return None
