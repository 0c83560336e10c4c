"""Structured JSON logs: one JSON object per line on stdout.

Each line has `time` (UTC, ISO 8601), `level`, `logger`, `message`, `service`, `trace_id` and
`span_id` (of the current OpenTelemetry span, when there is one), `exception` (when logged with
exc_info) and every `extra={...}` field.

Rule for every service: never log message bodies (e-mail text, chat messages, call notes,
attachments) or secrets (passwords, tokens, signatures, webhook secrets, database URLs with
credentials) at INFO or above. Log identifiers instead: ticket id, event id and type, customer
id. Bodies may appear at DEBUG only, and never secrets. As a safety net, `extra` fields whose
names look like secrets are replaced by "[redacted]".
"""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime
from typing import Any, TextIO

from opentelemetry import trace

REDACTED = "[redacted]"
_SECRET_NAME = re.compile(
    r"pass(word|wd)?|secret|token|authorization|api[_-]?key|signature|cookie|credential",
    re.IGNORECASE,
)
# Attributes every LogRecord has; anything else on a record came from `extra`.
_RECORD_ATTRIBUTES = frozenset(
    vars(logging.LogRecord("", logging.INFO, "", 0, "", None, None)).keys()
) | {"message", "asctime", "taskName"}
# Loggers that install their own handlers; route them through ours instead.
_FOREIGN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access", "aiokafka", "alembic")


class JsonFormatter(logging.Formatter):
    """Formats a record as one JSON line with trace ids and extra fields."""

    def __init__(self, service_name: str) -> None:
        super().__init__()
        self.service_name = service_name

    def format(self, record: logging.LogRecord) -> str:
        """The record as a single-line JSON object."""
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "service": self.service_name,
        }
        span_context = trace.get_current_span().get_span_context()
        if span_context.is_valid:
            entry["trace_id"] = format(span_context.trace_id, "032x")
            entry["span_id"] = format(span_context.span_id, "016x")
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        for key, value in vars(record).items():
            if key not in _RECORD_ATTRIBUTES and key not in entry:
                entry[key] = REDACTED if _SECRET_NAME.search(key) else value
        return json.dumps(entry, default=str, ensure_ascii=False)


def configure_logging(
    service_name: str, level: str | int = "INFO", *, stream: TextIO | None = None
) -> None:
    """Send all logging (ours, uvicorn's, aiokafka's) to stdout as JSON lines; idempotent."""
    handler = logging.StreamHandler(stream or sys.stdout)
    handler.setFormatter(JsonFormatter(service_name))
    root = logging.getLogger()
    for old in root.handlers[:]:
        # Replace plain stream handlers (ours, basicConfig's); keep others such as pytest's.
        if type(old) is logging.StreamHandler:
            root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name in _FOREIGN_LOGGERS:
        foreign = logging.getLogger(name)
        foreign.handlers.clear()
        foreign.propagate = True
