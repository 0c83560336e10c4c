"""OpenTelemetry tracing: provider setup, W3C trace context in Kafka headers, FastAPI spans.

The outbox stores `current_traceparent()` next to each event; the relay publishes it with
`kafka_headers_with_trace(headers, context=context_from_traceparent(stored))`, and a consumer
continues the trace with `tracer.start_as_current_span(..., context=context_from_headers(h))`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

from fastapi import FastAPI
from opentelemetry import propagate, trace
from opentelemetry.context import Context
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

KafkaHeaders = Sequence[tuple[str, bytes]]

TRACEPARENT_HEADER = "traceparent"
# Probes and scrapes would drown the real traffic in spans.
UNTRACED_PATHS = ("/healthz", "/readyz", "/metrics")

_W3C = TraceContextTextMapPropagator()
_log = logging.getLogger(__name__)


def setup_tracing(service_name: str, *, otlp_endpoint: str | None) -> TracerProvider:
    """Install the process's tracer provider; export over OTLP/HTTP only when configured.

    The global provider can be set once per process: a second call returns the first one.
    """
    current = trace.get_tracer_provider()
    if isinstance(current, TracerProvider):
        return current
    provider = TracerProvider(resource=Resource.create({SERVICE_NAME: service_name}))
    if otlp_endpoint:
        # Imported lazily: the exporter pulls in protobuf and requests.
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        # An explicit endpoint is used as-is, so append the signal path the env var implies.
        exporter = OTLPSpanExporter(endpoint=f"{otlp_endpoint.rstrip('/')}/v1/traces")
        provider.add_span_processor(BatchSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    _log.debug("tracing configured", extra={"otlp_export": bool(otlp_endpoint)})
    return provider


def instrument_app(app: FastAPI, *, tracer_provider: TracerProvider | None = None) -> None:
    """One server span per request, continuing an incoming `traceparent`."""
    FastAPIInstrumentor.instrument_app(
        app,
        tracer_provider=tracer_provider,
        excluded_urls=",".join(UNTRACED_PATHS),
        exclude_spans=["receive", "send"],
    )


def current_traceparent() -> str | None:
    """W3C `traceparent` of the current span, or None outside a (valid) span."""
    carrier: dict[str, str] = {}
    _W3C.inject(carrier)
    return carrier.get(TRACEPARENT_HEADER)


def context_from_traceparent(traceparent: str | None) -> Context:
    """Context whose parent is the span named by a stored `traceparent` (empty if None)."""
    if not traceparent:
        return Context()
    return _W3C.extract({TRACEPARENT_HEADER: traceparent}, context=Context())


def context_from_headers(headers: KafkaHeaders | None) -> Context:
    """Trace context carried in Kafka record headers (empty context when there is none)."""
    carrier = {key.lower(): _decode(value) for key, value in headers or ()}
    return propagate.extract(carrier, context=Context())


def kafka_headers_with_trace(
    headers: Iterable[tuple[str, bytes]] | None = None, *, context: Context | None = None
) -> list[tuple[str, bytes]]:
    """`headers` plus the trace context (current one unless `context` is given)."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier, context=context)
    replaced = {key.lower() for key in carrier}
    kept = [(key, value) for key, value in headers or () if key.lower() not in replaced]
    return kept + [(key, value.encode("utf-8")) for key, value in carrier.items()]


def _decode(value: bytes | None) -> str:
    return value.decode("utf-8", errors="replace") if value is not None else ""
