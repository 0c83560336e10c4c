"""Trace context through Kafka headers and stored traceparents."""

from __future__ import annotations

from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider

from ticketing_common.telemetry import (
    context_from_headers,
    context_from_traceparent,
    current_traceparent,
    kafka_headers_with_trace,
)

# A provider of the test's own: spans enter the context whatever the global provider is.
tracer = TracerProvider().get_tracer("test_telemetry")


def test_trace_context_survives_a_trip_through_kafka_headers() -> None:
    with tracer.start_as_current_span("publish") as span:
        sent = span.get_span_context()
        headers = kafka_headers_with_trace([("ce_type", b"ticket.created")])

    received = trace.get_current_span(context_from_headers(headers)).get_span_context()

    assert ("ce_type", b"ticket.created") in headers
    assert received.is_remote
    assert (received.trace_id, received.span_id) == (sent.trace_id, sent.span_id)


def test_consumer_span_continues_the_producers_trace() -> None:
    with tracer.start_as_current_span("publish") as span:
        headers = kafka_headers_with_trace(None)
    producer_context = span.get_span_context()

    with tracer.start_as_current_span("consume", context=context_from_headers(headers)) as child:
        assert child.get_span_context().trace_id == producer_context.trace_id
        assert child.parent is not None
        assert child.parent.span_id == producer_context.span_id


def test_stale_traceparent_header_is_replaced_not_duplicated() -> None:
    stale = ("traceparent", b"00-" + b"1" * 32 + b"-" + b"2" * 16 + b"-01")
    with tracer.start_as_current_span("relay"):
        current = current_traceparent()
        headers = kafka_headers_with_trace([stale])

    assert [value for key, value in headers if key == "traceparent"] == [(current or "").encode()]


def test_stored_traceparent_parents_the_published_headers() -> None:
    with tracer.start_as_current_span("http request") as span:
        stored = current_traceparent()
    # Later, in the relay, outside any span:
    headers = kafka_headers_with_trace([], context=context_from_traceparent(stored))

    received = trace.get_current_span(context_from_headers(headers)).get_span_context()
    assert received.trace_id == span.get_span_context().trace_id


def test_current_traceparent_is_w3c_inside_a_span_and_none_outside() -> None:
    assert current_traceparent() is None
    with tracer.start_as_current_span("work") as span:
        traceparent = current_traceparent()

    ids = span.get_span_context()
    assert traceparent == f"00-{ids.trace_id:032x}-{ids.span_id:016x}-{ids.trace_flags:02x}"


def test_headers_without_trace_context_give_an_empty_context() -> None:
    for headers in (None, [], [("ce_type", b"x"), ("traceparent", b"garbage")]):
        span = trace.get_current_span(context_from_headers(headers))
        assert not span.get_span_context().is_valid
    assert kafka_headers_with_trace([("a", b"1")]) == [("a", b"1")]
