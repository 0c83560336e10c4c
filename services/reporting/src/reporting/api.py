"""Reporting's HTTP API for analysts: monthly reports per customer, as JSON and CSV."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from reporting import store
from reporting.facts import EscalationFact, TicketFacts
from reporting.report import (
    MONTH_FORMAT,
    InvalidMonthError,
    MonthlyReport,
    build_report,
    parse_month,
    tickets_csv,
)
from ticketing_common.app import DomainError
from ticketing_common.contracts import ContractBook, UnknownCustomerError

router = APIRouter(prefix="/reports", tags=["reports"])

CustomerQuery = Annotated[
    str,
    Query(
        min_length=1,
        max_length=128,
        description="Customer id from the contracts file",
        examples=["acme-shop"],
    ),
]
MonthQuery = Annotated[
    str,
    Query(
        description=f"Month as {MONTH_FORMAT}; tickets count in the month they were "
        "received, in UTC",
        examples=["2031-01"],
    ),
]
_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"description": "The customer is not in the contracts file"},
    422: {"description": f"A parameter is missing, or the month is not {MONTH_FORMAT}"},
}
_CSV_EXAMPLE = (
    "ticket_id,customer_id,month,channel,received_at,request_class,priority,current_line,...\r\n"
    "TKT-3F2A9C1B0D4E,acme-shop,2031-01,email,2031-01-13T07:15:00+00:00,4,P2,2,...\r\n"
)


@router.get(
    "/monthly",
    response_model=MonthlyReport,
    summary="A customer's monthly report",
    responses=_ERRORS,
)
async def monthly_report(
    customer: CustomerQuery, month: MonthQuery, request: Request
) -> MonthlyReport:
    """Tickets received in the month by class, channel, line and status; SLA; escalations.

    A known customer without tickets that month gets a report of zeros.
    """
    month = _valid_month(month)
    _known_customer(request.app.state.contracts, customer)
    tickets, moves = await _month_facts(request, customer, month)
    return build_report(
        customer_id=customer,
        month=month,
        tickets=tickets,
        escalations=moves,
        generated_at=request.app.state.clock.now(),
    )


@router.get(
    "/monthly.csv",
    response_class=Response,
    summary="The tickets of a customer's month, one CSV row each",
    responses={200: {"content": {"text/csv": {"example": _CSV_EXAMPLE}}}, **_ERRORS},
)
async def monthly_csv(customer: CustomerQuery, month: MonthQuery, request: Request) -> Response:
    """The per-ticket facts behind the monthly report, for spreadsheets."""
    month = _valid_month(month)
    _known_customer(request.app.state.contracts, customer)
    tickets, _ = await _month_facts(request, customer, month)
    return Response(
        tickets_csv(tickets),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{customer}-{month}.csv"'},
    )


def _valid_month(month: str) -> str:
    try:
        return parse_month(month)
    except InvalidMonthError as error:
        raise DomainError(422, "invalid_month", str(error)) from error


def _known_customer(contracts: ContractBook, customer: str) -> None:
    try:
        contracts.customer(customer)
    except UnknownCustomerError as error:
        raise DomainError(404, "unknown_customer", f"{error}: not in the contracts file") from error


async def _month_facts(
    request: Request, customer: str, month: str
) -> tuple[list[TicketFacts], list[EscalationFact]]:
    async with request.app.state.sessions() as session, session.begin():
        tickets = await store.month_tickets(session, customer_id=customer, month=month)
        moves = await store.month_escalations(session, customer_id=customer, month=month)
    return tickets, moves
