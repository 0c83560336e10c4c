"""The catalog of event types: from a CloudEvent envelope to its typed event."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType

from ticketing_common.envelope import CloudEvent, Event
from ticketing_common.events.escalations import TicketEscalated, VendorEngaged, VendorReturned
from ticketing_common.events.sla import (
    SlaArmed,
    SlaBreached,
    SlaMet,
    SlaPaused,
    SlaResumed,
    SlaWarning,
)
from ticketing_common.events.tickets import (
    MessageAdded,
    TicketCreated,
    TicketReclassified,
    TicketStatusChanged,
    TicketTriaged,
)

# Explicit on purpose: an event type exists on the wire only once it is listed here.
_CATALOG: tuple[type[Event], ...] = (
    TicketCreated,
    MessageAdded,
    TicketTriaged,
    TicketReclassified,
    TicketStatusChanged,
    TicketEscalated,
    VendorEngaged,
    VendorReturned,
    SlaArmed,
    SlaWarning,
    SlaBreached,
    SlaMet,
    SlaPaused,
    SlaResumed,
)


def _index(classes: Iterable[type[Event]]) -> Mapping[tuple[str, int], type[Event]]:
    index: dict[tuple[str, int], type[Event]] = {}
    for cls in classes:
        key = (cls.EVENT_TYPE, cls.VERSION)
        if key in index:
            raise ValueError(f"{key} is claimed by {index[key].__name__} and {cls.__name__}")
        index[key] = cls
    return MappingProxyType(index)


EVENT_TYPES: Mapping[tuple[str, int], type[Event]] = _index(_CATALOG)


def event_class(event_type: str, version: int) -> type[Event] | None:
    """The model of one event type and version; None when the catalog does not know it."""
    return EVENT_TYPES.get((event_type, version))


def event_types() -> tuple[type[Event], ...]:
    """Every cataloged event class, in catalog order."""
    return tuple(EVENT_TYPES.values())


def decode(envelope: CloudEvent) -> Event | None:
    """The typed event inside an envelope, or None for an unknown type or version.

    Consumers skip None on purpose. A known type whose data does not validate raises
    pydantic.ValidationError: that is a poison event for the dead-letter topic.
    """
    cls = event_class(envelope.type, envelope.version)
    if cls is None:
        return None
    return cls.model_validate(envelope.data)


__all__ = ["EVENT_TYPES", "decode", "event_class", "event_types"]
