"""Manual overrides of triage decisions (pure: no I/O, no clock).

A person sets the class; the support line and priority they leave out are derived with the same
routing rules as automatic triage (``triage.routing``), from the request's own words.
"""

from __future__ import annotations

from enum import StrEnum

from ticketing_common.contracts import ContractVersion
from triage.lexicon import NON_CORE
from triage.routing import choose_line, choose_priority
from triage.rules import (
    Decision,
    TriageInput,
    TriagePolicy,
    detect_language,
    find_hits,
    normalize,
    trait_strengths,
)


class DecisionSource(StrEnum):
    """Who decided a classification."""

    RULES = "rules"
    MANUAL = "manual"


class LineNotIncludedError(ValueError):
    """The requested support line is not part of the customer's contract."""


def policy_for(contract: ContractVersion) -> TriagePolicy:
    """What the rules need to know about a contract version."""
    return TriagePolicy(lines=contract.lines, stability=contract.stability)


def manual_decision(
    request: TriageInput,
    *,
    request_class: int | None,
    line: int | None,
    priority: str | None,
    policy: TriagePolicy,
    actor: str,
    reason: str,
) -> Decision:
    """A person's decision; an omitted line or priority is derived as automatic triage would."""
    category = NON_CORE if request_class is None else request_class
    text = normalize(request.subject, request.body)
    traits = trait_strengths(find_hits(text))
    name = "non-core" if request_class is None else f"class {request_class}"
    reasons = [f"{name}: set by {actor}: {reason}"]
    if line is None:
        line, line_reasons = choose_line(category, traits, policy.lines)
        reasons.extend(line_reasons)
    else:
        check_line(line, policy)
        reasons.append(f"line {line}: set by {actor}")
    if priority is None:
        priority, priority_reasons = choose_priority(category, traits, stability=policy.stability)
        reasons.extend(priority_reasons)
    else:
        reasons.append(f"{priority}: set by {actor}")
    return Decision(
        request_class=request_class,
        line=line,
        priority=priority,
        reasons=tuple(reasons),
        language=detect_language(text),
    )


def check_line(line: int, policy: TriagePolicy) -> None:
    """Refuse a support line the contract does not include, naming the ones it does."""
    if line not in policy.lines:
        included = ", ".join(str(candidate) for candidate in policy.lines)
        raise LineNotIncludedError(
            f"line {line} is not included in the customer's contract; included lines: {included}"
        )
