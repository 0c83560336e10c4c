"""Support line and priority for a classified request (pure functions, see ``triage.rules``)."""

from __future__ import annotations

from collections.abc import Mapping

from triage.lexicon import NON_CORE, Trait

# How strongly the matched cues express each trait (sum of the cues' strongest votes).
TraitStrengths = Mapping[Trait, float]

_STABILITY_CLASSES = (2, 3)


def clamp_line(line: int, included: tuple[int, ...]) -> int:
    """Return the nearest included line at or below ``line``, else the lowest included one."""
    at_or_below = [candidate for candidate in included if candidate <= line]
    return max(at_or_below) if at_or_below else min(included)


def base_line(category: int, traits: TraitStrengths) -> tuple[int, str]:
    """Return the first line the class and traits call for, with the why."""
    if category == NON_CORE:
        return 0, "line 0: dispatch filters non-core requests"
    if category == 1:
        return 4, "line 4: the cause is outside the organization (vendor, hosting, ISP)"
    if category == 2:
        return 2, "line 2: server-level work needs DevOps access"
    if category in (3, 4):
        return _application_line(traits)
    if category == 5:
        return _component_line(traits)
    if traits.get(Trait.CHANGE, 0.0) > traits.get(Trait.HOWTO, 0.0):
        return 3, "line 3: a change request or documentation to write needs development"
    return 1, "line 1: a question answered from scripts and documentation"


def _application_line(traits: TraitStrengths) -> tuple[int, str]:
    ops = traits.get(Trait.OPS, 0.0) + traits.get(Trait.PERF, 0.0)
    if ops > traits.get(Trait.CODE, 0.0):
        return 2, "line 2: configuration or performance issue, fixed without code changes"
    return 3, "line 3: an application defect needs a code-level fix"


def _component_line(traits: TraitStrengths) -> tuple[int, str]:
    if traits.get(Trait.SECURITY, 0.0):
        return 2, "line 2: security incident triage"
    if traits.get(Trait.PERF, 0.0) or not traits.get(Trait.DEFECT, 0.0):
        return 2, "line 2: performance / component triage"
    return 3, "line 3: a defect in one component needs a code-level fix"


def choose_line(
    category: int, traits: TraitStrengths, included: tuple[int, ...]
) -> tuple[int, tuple[str, ...]]:
    """Return the line after clamping to the contract's lines, and the reasons for it."""
    wanted, reason = base_line(category, traits)
    line = clamp_line(wanted, included)
    if line == wanted:
        return line, (reason,)
    clamp = f"line {line}: contract includes lines {list(included)}, line {wanted} is not"
    return line, (reason, clamp)


def choose_priority(
    category: int, traits: TraitStrengths, *, stability: bool
) -> tuple[str, tuple[str, ...]]:
    """Return the priority (see the mapping in ``triage.rules``) and the reasons for it."""
    if category in _STABILITY_CLASSES:
        return _stability_priority(category, traits, stability=stability)
    if category == 1:
        if traits.get(Trait.OUTAGE, 0.0):
            return "P1", ("P1: outage at a third party",)
        return "P2", ("P2: third-party problem without an outage",)
    if category == 4 and traits.get(Trait.CALM, 0.0):
        return "P3", ("P3: class 4 lowered one step, the customer says it is not urgent",)
    if category == 4:
        return "P2", ("P2: a key business process is disrupted",)
    if category == 5 and not (traits.get(Trait.CALM, 0.0) and not traits.get(Trait.SECURITY, 0.0)):
        return "P3", ("P3: partial problem or security incident",)
    return "P4", ("P4: no incident to resolve urgently",)


def _stability_priority(
    category: int, traits: TraitStrengths, *, stability: bool
) -> tuple[str, tuple[str, ...]]:
    if stability:
        return "P1", (
            f"P1: Stability package gives class {category} priority handling "
            "(30 min response, resolution up to 1 h)",
        )
    note = ("class 2 is outside the basic SLA without the Stability package",)
    extra = note if category == 2 else ()
    if traits.get(Trait.PLANNED, 0.0) and not traits.get(Trait.OUTAGE, 0.0):
        return "P3", (f"P3: planned class {category} maintenance, no outage", *extra)
    return "P1", (f"P1: class {category} makes the server or application unusable", *extra)
