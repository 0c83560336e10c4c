"""Assembles a service's FastAPI app: logs, tracing, metrics, health and uniform error bodies.

Every 4xx/5xx body has one shape::

    {"error": {"code": "validation_error", "message": "body.channel: Input should be ...",
               "details": [{"field": "body.channel", "message": "...", "type": "literal_error"}]}}
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRouter
from starlette.exceptions import HTTPException as StarletteHTTPException

from ticketing_common.db import create_engine, create_session_factory
from ticketing_common.health import Check, KafkaProbe, database_check, health_router, kafka_check
from ticketing_common.logs import configure_logging
from ticketing_common.metrics import HttpMetricsMiddleware
from ticketing_common.settings import ServiceSettings
from ticketing_common.telemetry import instrument_app, setup_tracing

Lifespan = Callable[[FastAPI], AbstractAsyncContextManager[Any]]

_log = logging.getLogger(__name__)


class DomainError(Exception):
    """A request the domain refuses; rendered as `{"error": {...}}` with `status_code`."""

    def __init__(
        self,
        status_code: int,
        code: str,
        message: str,
        details: Sequence[Any] = (),
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.code = code
        self.message = message
        self.details = list(details)


def error_response(
    status_code: int,
    code: str,
    message: str,
    details: Sequence[Any] = (),
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """The uniform error body."""
    body = {"error": {"code": code, "message": message, "details": list(details)}}
    return JSONResponse(jsonable_encoder(body), status_code=status_code, headers=headers)


def build_app(
    *,
    title: str,
    description: str,
    version: str,
    lifespan: Lifespan | None,
    routers: Sequence[APIRouter],
    settings: ServiceSettings,
    readiness_checks: Mapping[str, Check] | None = None,
) -> FastAPI:
    """A service's app with logging, tracing, metrics, health endpoints and error bodies.

    `/readyz` runs the checks in `app.state.readiness_checks`, read per request, so a lifespan
    can add checks for the clients it builds:
    `app.state.readiness_checks["database"] = database_check(engine)`.
    """
    configure_logging(settings.service_name, settings.log_level)
    provider = setup_tracing(
        settings.service_name, otlp_endpoint=settings.otel_exporter_otlp_endpoint
    )
    app = FastAPI(title=title, description=description, version=version, lifespan=lifespan)
    checks: dict[str, Check] = dict(readiness_checks or {})
    app.state.readiness_checks = checks
    app.state.settings = settings
    install_error_handlers(app)
    app.include_router(health_router(checks))
    for router in routers:
        app.include_router(router)
    app.add_middleware(HttpMetricsMiddleware, service_name=settings.service_name)
    instrument_app(app, tracer_provider=provider)
    return app


def install_error_handlers(app: FastAPI) -> None:
    """Render validation errors, HTTP exceptions, domain errors and crashes uniformly."""
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(Exception, _unexpected_error)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    if not isinstance(exc, RequestValidationError):  # registered for RequestValidationError only
        raise exc
    details = [_validation_detail(error) for error in exc.errors()]
    malformed = any(error.get("type") == "json_invalid" for error in exc.errors())
    code = "malformed_json" if malformed else "validation_error"
    message = "; ".join(f"{d['field']}: {d['message']}" for d in details) or "invalid request"
    return error_response(422, code, message, details)


def _validation_detail(error: Mapping[str, Any]) -> dict[str, Any]:
    location = [str(part) for part in error.get("loc", ())]
    message = str(error.get("msg", "invalid value")).removeprefix("Value error, ")
    if error.get("type") == "json_invalid":
        # loc is ("body", <character offset>): name the body and say where parsing stopped.
        reason = (error.get("ctx") or {}).get("error", "")
        position = f" at character {location[1]}" if len(location) > 1 else ""
        location = location[:1]
        message = f"malformed JSON{position}" + (f": {reason}" if reason else "")
    return {"field": ".".join(location), "message": message, "type": error.get("type")}


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    if not isinstance(exc, StarletteHTTPException):  # registered for StarletteHTTPException only
        raise exc
    phrase = _phrase(exc.status_code)
    detail = exc.detail
    message = detail if isinstance(detail, str) and detail else phrase
    details: list[Any] = [] if isinstance(detail, str) or detail is None else [detail]
    code = phrase.lower().replace(" ", "_").replace("-", "_")
    return error_response(exc.status_code, code, message, details, headers=exc.headers)


async def _domain_error(request: Request, exc: Exception) -> JSONResponse:
    if not isinstance(exc, DomainError):  # registered for DomainError only
        raise exc
    return error_response(exc.status_code, exc.code, exc.message, exc.details)


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    _log.exception("unhandled error", extra={"method": request.method, "path": request.url.path})
    return error_response(500, "internal_error", "Internal server error")


def _phrase(status_code: int) -> str:
    try:
        return HTTPStatus(status_code).phrase
    except ValueError:
        return "Error"


def service_lifespan(
    settings: ServiceSettings, *, state: Callable[[], Mapping[str, Any]] | None = None
) -> Lifespan:
    """The lifespan every service API shares: it owns the engine and the Kafka readiness probe.

    `app.state.sessions` is the session factory; `state()` adds the service's own objects
    (handler dependencies, clock, contracts); `/readyz` checks the database and Kafka.
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_engine(settings)
        kafka = KafkaProbe(settings.kafka_bootstrap_list)
        app.state.sessions = create_session_factory(engine)
        for name, value in (state() if state else {}).items():
            setattr(app.state, name, value)
        app.state.readiness_checks["database"] = database_check(engine)
        app.state.readiness_checks["kafka"] = kafka_check(kafka)
        try:
            yield
        finally:
            await kafka.close()
            await engine.dispose()

    return lifespan
