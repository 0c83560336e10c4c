"""Manual overrides (pure): what a person sets is kept, what they omit is routed by the rules."""

from __future__ import annotations

import pytest

from triage.domain import LineNotIncludedError, manual_decision
from triage.rules import TriageInput, TriagePolicy

CHECKOUT = TriageInput(
    subject="Checkout fails",
    body="Customers can't complete checkout, the pay button spins. The rest of the site works.",
    channel="email",
)
BASIC = TriagePolicy(lines=(0, 1, 2, 3))
STABILITY = TriagePolicy(lines=(0, 1, 2, 3, 4), stability=True)


def test_omitted_line_and_priority_follow_the_routing_rules() -> None:
    decision = manual_decision(
        CHECKOUT,
        request_class=1,
        line=None,
        priority=None,
        policy=BASIC,
        actor="anna",
        reason="payment provider outage",
    )
    assert (decision.request_class, decision.line) == (1, 3)
    assert decision.reasons[0] == "class 1: set by anna: payment provider outage"
    assert (
        "line 4: the cause is outside the organization (vendor, hosting, ISP)" in decision.reasons
    )
    assert "line 3: contract includes lines [0, 1, 2, 3], line 4 is not" in decision.reasons
    assert decision.language == "en"


def test_stability_makes_a_manual_class_2_p1() -> None:
    decision = manual_decision(
        CHECKOUT,
        request_class=2,
        line=None,
        priority=None,
        policy=STABILITY,
        actor="anna",
        reason="the server ran out of memory",
    )
    assert (decision.line, decision.priority) == (2, "P1")
    assert any("Stability package" in reason for reason in decision.reasons)


def test_what_the_person_sets_is_kept_and_explained() -> None:
    decision = manual_decision(
        CHECKOUT,
        request_class=None,
        line=0,
        priority="P4",
        policy=BASIC,
        actor="petrov",
        reason="test message from the customer's QA",
    )
    assert (decision.request_class, decision.line, decision.priority) == (None, 0, "P4")
    assert decision.reasons == (
        "non-core: set by petrov: test message from the customer's QA",
        "line 0: set by petrov",
        "P4: set by petrov",
    )


def test_a_line_outside_the_contract_is_refused_naming_the_included_lines() -> None:
    with pytest.raises(LineNotIncludedError, match=r"line 4 .*included lines: 0, 1, 2, 3"):
        manual_decision(
            CHECKOUT,
            request_class=1,
            line=4,
            priority=None,
            policy=BASIC,
            actor="anna",
            reason="vendor",
        )
