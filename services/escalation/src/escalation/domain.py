"""Line-move rules of escalation (pure: no I/O, no clock).

Lines 0-3 are inside the organisation; line 4 means a named outside vendor, so the ticket
reaches it only by engaging a vendor of the contract, never by a bare line number and never
automatically.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ticketing_common.events import EscalationTrigger

VENDOR_LINE = 4
SYSTEM_ACTOR = "system:escalation"


class EscalationRefusedError(ValueError):
    """A line move or vendor action the rules do not allow."""


class InvalidEscalationError(EscalationRefusedError):
    """The request contradicts the ticket's contract (a bad request)."""


class EscalationConflictError(EscalationRefusedError):
    """The ticket's current state forbids the request (closed, same line, vendor engaged...)."""


@dataclass(frozen=True)
class LineState:
    """Where a ticket stands, as far as line moves are concerned."""

    current_line: int | None
    engaged_vendor: str | None = None
    line_before_vendor: int | None = None
    closed: bool = False


@dataclass(frozen=True)
class BreachDecision:
    """What an SLA breach does: move to `to_line`, or (None) only record `reason`."""

    to_line: int | None
    reason: str


def next_line_up(current: int, included_lines: Sequence[int]) -> int | None:
    """The nearest included line above `current`; never line 4, which needs a named vendor."""
    return min((line for line in included_lines if current < line < VENDOR_LINE), default=None)


def decide_on_breach(state: LineState, clock: str, included_lines: Sequence[int]) -> BreachDecision:
    """Automatic escalation one line up on an SLA breach, when the contract has such a line."""
    current = _triaged(state)
    breached = f"{clock} SLA breached on line {current}"
    if state.closed:
        return BreachDecision(None, f"{breached}; the ticket is closed, not escalated")
    target = next_line_up(current, included_lines)
    if target is not None:
        return BreachDecision(target, breached)
    hint = ""
    if VENDOR_LINE in included_lines and current < VENDOR_LINE:
        hint = " (line 4 needs a named vendor: engage one manually)"
    return BreachDecision(None, f"{breached}; no higher line in contract{hint}")


def validate_line_move(state: LineState, to_line: int, included_lines: Sequence[int]) -> int:
    """The line a manual move to `to_line` starts from (up or down), or why it is refused."""
    current = _open_and_triaged(state)
    if to_line == VENDOR_LINE:
        raise InvalidEscalationError(
            "line 4 is outside the organisation: give vendor_id (a vendor of the contract) "
            "instead of to_line"
        )
    if to_line not in included_lines:
        raise InvalidEscalationError(
            f"line {to_line} is not in the contract; included lines: {_listed(included_lines)}"
        )
    if state.engaged_vendor is not None:
        raise EscalationConflictError(
            f"vendor '{state.engaged_vendor}' holds the ticket on line 4; record its return "
            "(POST /tickets/{id}/vendor-returns) to bring the ticket back"
        )
    if to_line == current:
        raise EscalationConflictError(f"the ticket is already on line {current}")
    return current


def validate_vendor_engagement(
    state: LineState, vendor_id: str, contract_vendors: Sequence[str], included_lines: Sequence[int]
) -> int:
    """The line a vendor engagement starts from, or why it is refused."""
    current = _open_and_triaged(state)
    if VENDOR_LINE not in included_lines:
        raise InvalidEscalationError(
            f"the contract does not include line 4 (vendors); included lines: "
            f"{_listed(included_lines)}"
        )
    if vendor_id not in contract_vendors:
        known = ", ".join(contract_vendors) or "none"
        raise InvalidEscalationError(
            f"vendor '{vendor_id}' is not in the contract; contract vendors: {known}"
        )
    if state.engaged_vendor is not None:
        raise EscalationConflictError(
            f"vendor '{state.engaged_vendor}' is already engaged; record its return first"
        )
    return current


def validate_vendor_return(
    state: LineState, vendor_id: str, to_line: int | None, included_lines: Sequence[int]
) -> int:
    """The line a returning vendor hands the ticket back to (default: the line before it)."""
    if state.engaged_vendor != vendor_id:
        engaged = f"'{state.engaged_vendor}' is" if state.engaged_vendor else "no vendor is"
        raise EscalationConflictError(
            f"vendor '{vendor_id}' is not engaged on this ticket ({engaged} engaged)"
        )
    target = to_line if to_line is not None else state.line_before_vendor
    if target is None:
        target = max(line for line in included_lines if line < VENDOR_LINE)
    if target == VENDOR_LINE or target not in included_lines:
        inside = [line for line in included_lines if line < VENDOR_LINE]
        raise InvalidEscalationError(
            f"a returning vendor hands the ticket to an included line below 4; "
            f"line {target} is not one (allowed: {_listed(inside)})"
        )
    return target


def line_after_reclassification(state: LineState, new_line: int) -> int | None:
    """The line a reclassification moves to; None when the line stays or a vendor holds it."""
    if state.engaged_vendor is not None or new_line == state.current_line:
        return None
    return new_line


def trigger_for_actor(actor: str) -> EscalationTrigger:
    """Automatic actors (`system:<service>`) act by policy; people act manually."""
    return EscalationTrigger.POLICY if actor.startswith("system:") else EscalationTrigger.MANUAL


def _open_and_triaged(state: LineState) -> int:
    if state.closed:
        raise EscalationConflictError("the ticket is closed; reopen it before escalating")
    return _triaged(state)


def _triaged(state: LineState) -> int:
    if state.current_line is None:
        raise EscalationConflictError("the ticket has no support line yet (not triaged)")
    return state.current_line


def _listed(lines: Sequence[int]) -> str:
    return ", ".join(str(line) for line in lines) or "none"
