"""Escalation's line-move rules."""

import pytest

from escalation.domain import (
    EscalationConflictError,
    InvalidEscalationError,
    LineState,
    decide_on_breach,
    line_after_reclassification,
    next_line_up,
    trigger_for_actor,
    validate_line_move,
    validate_vendor_engagement,
    validate_vendor_return,
)
from ticketing_common.events import EscalationTrigger

BASIC = (0, 1, 2, 3)
ALL = (0, 1, 2, 3, 4)
GAPPY = (0, 2, 3)
VENDORS = ("selectel", "cdn-edge")


@pytest.mark.parametrize(
    ("current", "lines", "expected"),
    [
        (0, BASIC, 1),
        (1, BASIC, 2),
        (2, BASIC, 3),
        (3, BASIC, None),
        (0, GAPPY, 2),
        (1, GAPPY, 2),
        (2, (0, 1, 2), None),
        (3, ALL, None),  # never to line 4 automatically: it needs a named vendor
        (4, ALL, None),
        (2, ALL, 3),
    ],
)
def test_next_line_up(current: int, lines: tuple[int, ...], expected: int | None) -> None:
    assert next_line_up(current, lines) == expected


@pytest.mark.parametrize(
    ("state", "lines", "to_line", "words"),
    [
        (LineState(2), BASIC, 3, "resolution SLA breached on line 2"),
        (LineState(3), BASIC, None, "no higher line in contract"),
        (LineState(3), ALL, None, "line 4 needs a named vendor"),
        (LineState(4, engaged_vendor="selectel"), ALL, None, "no higher line in contract"),
        (LineState(1, closed=True), BASIC, None, "the ticket is closed, not escalated"),
    ],
)
def test_breach_decision(
    state: LineState, lines: tuple[int, ...], to_line: int | None, words: str
) -> None:
    decision = decide_on_breach(state, "resolution", lines)
    assert decision.to_line == to_line
    assert words in decision.reason


def test_breach_of_an_untriaged_ticket_is_refused() -> None:
    with pytest.raises(EscalationConflictError, match="not triaged"):
        decide_on_breach(LineState(None), "response", BASIC)


@pytest.mark.parametrize(
    ("state", "to_line", "from_line"),
    [
        (LineState(1), 3, 1),
        (LineState(3), 1, 1 + 2),  # down is allowed once the cause is known
        (LineState(4), 2, 4),  # triage put it on line 4 without a vendor
    ],
)
def test_allowed_manual_moves(state: LineState, to_line: int, from_line: int) -> None:
    assert validate_line_move(state, to_line, ALL) == from_line


@pytest.mark.parametrize(
    ("state", "lines", "to_line", "error", "words"),
    [
        (LineState(1), BASIC, 1, EscalationConflictError, "already on line 1"),
        (LineState(1), (0, 1, 2), 3, InvalidEscalationError, "included lines: 0, 1, 2"),
        (LineState(1), ALL, 4, InvalidEscalationError, "give vendor_id"),
        (LineState(1, closed=True), BASIC, 2, EscalationConflictError, "closed"),
        (LineState(None), BASIC, 2, EscalationConflictError, "not triaged"),
        (LineState(4, "selectel", 2), ALL, 2, EscalationConflictError, "vendor-returns"),
    ],
)
def test_refused_manual_moves_say_why(
    state: LineState,
    lines: tuple[int, ...],
    to_line: int,
    error: type[Exception],
    words: str,
) -> None:
    with pytest.raises(error, match=words):
        validate_line_move(state, to_line, lines)


@pytest.mark.parametrize(
    ("state", "vendor", "lines", "error", "words"),
    [
        (LineState(3), "hostco", ALL, InvalidEscalationError, "contract vendors: selectel"),
        (LineState(3), "selectel", BASIC, InvalidEscalationError, "does not include line 4"),
        (LineState(4, "cdn-edge", 3), "selectel", ALL, EscalationConflictError, "'cdn-edge'"),
        (LineState(3, closed=True), "selectel", ALL, EscalationConflictError, "closed"),
    ],
)
def test_refused_vendor_engagements_say_why(
    state: LineState, vendor: str, lines: tuple[int, ...], error: type[Exception], words: str
) -> None:
    with pytest.raises(error, match=words):
        validate_vendor_engagement(state, vendor, VENDORS, lines)


def test_vendor_engagement_starts_from_the_current_line() -> None:
    assert validate_vendor_engagement(LineState(2), "selectel", VENDORS, ALL) == 2


@pytest.mark.parametrize(
    ("state", "to_line", "expected"),
    [
        (LineState(4, "selectel", 2), None, 2),
        (LineState(4, "selectel", 2), 3, 3),
        (LineState(4, "selectel", None), None, 3),  # triage had put it on 4: highest line below
    ],
)
def test_vendor_return_target(state: LineState, to_line: int | None, expected: int) -> None:
    assert validate_vendor_return(state, "selectel", to_line, ALL) == expected


@pytest.mark.parametrize(
    ("state", "to_line", "error", "words"),
    [
        (LineState(2), None, EscalationConflictError, "no vendor is engaged"),
        (LineState(4, "cdn-edge", 2), None, EscalationConflictError, "'cdn-edge' is engaged"),
        (LineState(4, "selectel", 2), 4, InvalidEscalationError, "below 4"),
    ],
)
def test_refused_vendor_returns_say_why(
    state: LineState, to_line: int | None, error: type[Exception], words: str
) -> None:
    with pytest.raises(error, match=words):
        validate_vendor_return(state, "selectel", to_line, ALL)


def test_vendor_return_to_a_line_outside_the_contract_is_refused() -> None:
    with pytest.raises(InvalidEscalationError, match="allowed: 0, 2, 3"):
        validate_vendor_return(LineState(4, "selectel", 2), "selectel", 1, (0, 2, 3, 4))


@pytest.mark.parametrize(
    ("state", "new_line", "expected"),
    [
        (LineState(1), 2, 2),
        (LineState(2), 2, None),
        (LineState(4, "selectel", 2), 1, None),  # the vendor holds the ticket until it returns
    ],
)
def test_line_after_reclassification(state: LineState, new_line: int, expected: int | None) -> None:
    assert line_after_reclassification(state, new_line) == expected


@pytest.mark.parametrize(
    ("actor", "trigger"),
    [("system:triage", EscalationTrigger.POLICY), ("agent:ivanova", EscalationTrigger.MANUAL)],
)
def test_trigger_for_actor(actor: str, trigger: EscalationTrigger) -> None:
    assert trigger_for_actor(actor) is trigger
