"""Intake's lifecycle rules."""

import pytest

from intake.domain import (
    InvalidTransitionError,
    StatusRequest,
    next_status,
    status_after_agent_reply,
)
from ticketing_common.events import TicketStatus as S


@pytest.mark.parametrize(
    ("current", "requested", "expected"),
    [
        (S.NEW, StatusRequest.WAITING_ON_CUSTOMER, S.WAITING_ON_CUSTOMER),
        (S.OPEN, StatusRequest.RESOLVED, S.RESOLVED),
        (S.WAITING_ON_CUSTOMER, StatusRequest.OPEN, S.OPEN),
        (S.RESOLVED, StatusRequest.CLOSED, S.CLOSED),
        (S.RESOLVED, StatusRequest.REOPENED, S.OPEN),
        (S.CLOSED, StatusRequest.REOPENED, S.OPEN),
    ],
)
def test_allowed_moves(current: S, requested: StatusRequest, expected: S) -> None:
    assert next_status(current, requested) is expected


@pytest.mark.parametrize(
    ("current", "requested", "words"),
    [
        (S.NEW, StatusRequest.RESOLVED, "from 'new' to 'resolved'"),
        (S.CLOSED, StatusRequest.WAITING_ON_CUSTOMER, "allowed from 'closed': open"),
        (S.OPEN, StatusRequest.REOPENED, "only a resolved or closed ticket can be reopened"),
        (S.OPEN, StatusRequest.OPEN, "from 'open' to 'open'"),
    ],
)
def test_refused_moves_say_why(current: S, requested: StatusRequest, words: str) -> None:
    with pytest.raises(InvalidTransitionError, match=words):
        next_status(current, requested)


def test_agent_reply_opens_only_a_new_ticket() -> None:
    assert status_after_agent_reply(S.NEW) is S.OPEN
    assert status_after_agent_reply(S.WAITING_ON_CUSTOMER) is None
