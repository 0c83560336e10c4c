"""JSON log lines: shape, trace ids, extra fields, redaction."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from opentelemetry.sdk.trace import TracerProvider

from ticketing_common.logs import REDACTED, configure_logging

tracer = TracerProvider().get_tracer("test_logs")


@pytest.fixture
def log_stream() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    stream = io.StringIO()
    configure_logging("intake", "DEBUG", stream=stream)
    yield stream
    root.handlers[:] = saved_handlers
    root.setLevel(saved_level)


def lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_line_inside_a_span_carries_its_trace_and_span_ids(log_stream: io.StringIO) -> None:
    with tracer.start_as_current_span("handle") as span:
        logging.getLogger("intake.webhooks").info(
            "ticket %s created", "T-1", extra={"ticket_id": "T-1", "attempt": 2}
        )

    (line,) = lines(log_stream)
    ids = span.get_span_context()
    assert line["message"] == "ticket T-1 created"
    assert line["level"] == "INFO"
    assert line["logger"] == "intake.webhooks"
    assert line["service"] == "intake"
    assert line["time"].endswith("+00:00")
    assert line["trace_id"] == f"{ids.trace_id:032x}"
    assert line["span_id"] == f"{ids.span_id:016x}"
    assert (line["ticket_id"], line["attempt"]) == ("T-1", 2)


def test_line_outside_a_span_has_no_trace_ids(log_stream: io.StringIO) -> None:
    logging.getLogger("x").warning("plain")

    (line,) = lines(log_stream)
    assert "trace_id" not in line
    assert "span_id" not in line


def test_secret_looking_extra_fields_are_redacted(log_stream: io.StringIO) -> None:
    logging.getLogger("x").info(
        "verified", extra={"webhook_secret": "s3cr3t", "Authorization": "Bearer t", "ok": 1}
    )

    (line,) = lines(log_stream)
    assert line["webhook_secret"] == REDACTED
    assert line["Authorization"] == REDACTED
    assert line["ok"] == 1


def test_exception_and_unserialisable_values_still_give_one_json_line(
    log_stream: io.StringIO,
) -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        logging.getLogger("x").exception("failed", extra={"when": object()})

    (line,) = lines(log_stream)
    assert line["level"] == "ERROR"
    assert "ValueError: boom" in line["exception"]
    assert line["when"].startswith("<object object")


def test_configuring_twice_does_not_duplicate_lines(log_stream: io.StringIO) -> None:
    second = io.StringIO()
    configure_logging("intake", "INFO", stream=second)
    logging.getLogger("x").info("once")
    logging.getLogger("x").debug("below the level")

    assert log_stream.getvalue() == ""
    assert [line["message"] for line in lines(second)] == ["once"]
