"""Prometheus metrics shared by every service (default registry), and the HTTP middleware.

Every metric has a `service` label, so one dashboard covers all services.
"""

from __future__ import annotations

import time
from enum import StrEnum

from prometheus_client import Counter, Gauge, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class ConsumeOutcome(StrEnum):
    """What a consumer did with one event (the `outcome` label of EVENTS_CONSUMED)."""

    APPLIED = "applied"
    DUPLICATE = "duplicate"
    SKIPPED_UNKNOWN = "skipped_unknown"
    DEAD_LETTERED = "dead_lettered"
    RETRIED = "retried"


EVENTS_CONSUMED = Counter(
    "ticketing_events_consumed_total",
    "Events a consumer finished with, by outcome (applied|duplicate|skipped_unknown|"
    "dead_lettered|retried)",
    ["service", "type", "outcome"],
)
EVENTS_PUBLISHED = Counter(
    "ticketing_outbox_published_total",
    "Events the outbox relay published to Kafka",
    ["service", "type"],
)
OUTBOX_LAG = Gauge(
    "ticketing_outbox_pending",
    "Outbox rows written but not yet published",
    ["service"],
)
EVENT_HANDLE_SECONDS = Histogram(
    "ticketing_event_handle_seconds",
    "Time to handle one consumed event, database commit included",
    ["service", "type"],
)
HTTP_REQUESTS = Counter(
    "ticketing_http_requests_total",
    "HTTP requests served, by route template and status",
    ["service", "method", "route", "status"],
)
HTTP_REQUEST_SECONDS = Histogram(
    "ticketing_http_request_seconds",
    "HTTP request latency, by route template",
    ["service", "method", "route"],
)

# Unmatched paths share one label value, so scanners cannot blow up the label cardinality.
UNMATCHED_ROUTE = "<unmatched>"


class HttpMetricsMiddleware:
    """ASGI middleware counting requests by method, route template and status, with latency."""

    def __init__(self, app: ASGIApp, *, service_name: str) -> None:
        self.app = app
        self.service_name = service_name

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve the request and record it."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500  # if the app raises before responding
        started = time.perf_counter()

        async def send_recording_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_recording_status)
        finally:
            self._record(scope, status, time.perf_counter() - started)

    def _record(self, scope: Scope, status: int, seconds: float) -> None:
        route = getattr(scope.get("route"), "path", None) or UNMATCHED_ROUTE
        method = str(scope.get("method", ""))
        HTTP_REQUESTS.labels(self.service_name, method, route, str(status)).inc()
        HTTP_REQUEST_SECONDS.labels(self.service_name, method, route).observe(seconds)
