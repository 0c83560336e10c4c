"""Explainable triage rules for English and Russian support requests (pure: no I/O, no clock).

``classify`` scores every category with weighted regex cues (``triage.cues``), picks the best
and explains the choice in ``Decision.reasons``: which rule fired on which words.

Categories: request classes 1..6 of the six-class model, or ``None`` for non-core mail
(spam, ads, job applications, billing, wrong address, thank-you notes).

Support line (then clamped to the contract: nearest included line at or below, else the lowest):
class 1 -> 4; class 2 -> 2; classes 3, 4 -> 3, or 2 for configuration / performance issues;
class 5 -> 2 (security, performance), or 3 for a functional defect of one component;
class 6 -> 1 (how-to, existing documentation), or 3 (change request, writing documentation);
non-core -> 0.

Priority:
    class 1  P1 when something is down now, else P2
    class 2  P1; P3 for planned maintenance; always P1 with the Stability package
    class 3  P1; P3 for planned preventive maintenance; always P1 with the Stability package
    class 4  P2; P3 when the customer says it is not urgent
    class 5  P3; P4 when the customer says it is not urgent (security incidents stay P3)
    class 6  P4; non-core P4
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from triage.cues import ALL_CUES
from triage.lexicon import CATEGORIES, NON_CORE, Cue, Language, Trait, find_match
from triage.routing import TraitStrengths, choose_line, choose_priority

RULE_SET_VERSION = "rules-1.0.0"

# On equal scores prefer the class whose mistake costs more (an outage over a question).
_TIE_PREFERENCE = (3, 2, 4, 1, 5, 6, NON_CORE)
_MAX_EVIDENCE = 3
# Below this score the evidence is a lone weak word ("orders", "hosting"): let a person decide.
_MIN_SCORE = 1.0
_ADMIN_GATE_FACTOR = 0.5
# An attack or an infection explains the load and the errors it causes (class 5 rather than 2-4).
_SECURITY_DISCOUNT = 0.5
_SYMPTOM_CLASSES = (2, 3, 4)
# A business word ("orders", "заказ") or a component name alone is not an incident.
_NO_SYMPTOM_FACTOR = 0.5
_INCIDENT_CLASSES = (4, 5)
_SYMPTOM_TRAITS = (Trait.SYMPTOM, Trait.OUTAGE, Trait.SECURITY)
_SUPPORT_LINES = frozenset(range(5))


@dataclass(frozen=True, slots=True)
class TriageInput:
    """A request as received: optional subject, body text and the channel it came through."""

    subject: str | None
    body: str
    channel: str


@dataclass(frozen=True, slots=True)
class TriagePolicy:
    """What the customer's contract allows: included support lines and the Stability package."""

    lines: tuple[int, ...] = (0, 1, 2, 3)
    stability: bool = False

    def __post_init__(self) -> None:
        if not self.lines or not set(self.lines) <= _SUPPORT_LINES:
            raise ValueError(f"contract lines must be a non-empty subset of 0..4: {self.lines}")


@dataclass(frozen=True, slots=True)
class Decision:
    """The triage outcome: class (None = non-core), first line, priority and the reasons."""

    request_class: int | None
    line: int
    priority: str
    reasons: tuple[str, ...]
    language: Language
    rule_set_version: str = RULE_SET_VERSION


@dataclass(frozen=True, slots=True)
class Hit:
    """A cue that fired, with the words it matched."""

    cue: Cue
    words: str


def classify(request: TriageInput, *, policy: TriagePolicy) -> Decision:
    """Classify a request, choose its support line and priority, and say why."""
    text = normalize(request.subject, request.body)
    hits = find_hits(text)
    scores = score(hits)
    category, why = choose_category(scores, hits)
    traits = trait_strengths(hits)
    line, line_reasons = choose_line(category, traits, policy.lines)
    priority, priority_reasons = choose_priority(category, traits, stability=policy.stability)
    return Decision(
        request_class=None if category == NON_CORE else category,
        line=line,
        priority=priority,
        reasons=(*why, *line_reasons, *priority_reasons),
        language=detect_language(text),
    )


_QUOTES = str.maketrans({"«": '"', "»": '"', "“": '"', "”": '"', "„": '"', "’": "'", "‘": "'"})
_SPACES = re.compile(r"\s+")


def normalize(subject: str | None, body: str) -> str:
    """Lower-case, fold 'ё' to 'е', straighten quotes and collapse white space."""
    joined = f"{subject}. {body}" if subject else body
    folded = joined.lower().replace("ё", "е").translate(_QUOTES)
    return _SPACES.sub(" ", folded).strip()


def detect_language(text: str) -> Language:
    """Return "ru" when Cyrillic letters make up at least a third of the letters, else "en"."""
    cyrillic = sum(1 for char in text if "а" <= char <= "я")
    latin = sum(1 for char in text if "a" <= char <= "z")
    return "ru" if cyrillic and cyrillic * 2 >= latin else "en"


def find_hits(text: str, cues: tuple[Cue, ...] = ALL_CUES) -> tuple[Hit, ...]:
    """Return every cue that fires on the normalized text, with its first non-negated match."""
    hits = []
    for entry in cues:
        match = find_match(entry, text)
        if match is not None:
            hits.append(Hit(cue=entry, words=match.group(0).strip()))
    return tuple(hits)


def trait_strengths(hits: tuple[Hit, ...]) -> TraitStrengths:
    """Sum, per trait, the strongest vote of each cue carrying it (at least 1 per cue)."""
    strengths: dict[Trait, float] = {}
    for hit in hits:
        strength = max([1.0, *hit.cue.weights.values()])
        for trait in hit.cue.traits:
            strengths[trait] = strengths.get(trait, 0.0) + strength
    return strengths


def score(hits: tuple[Hit, ...]) -> dict[int, float]:
    """Sum the cues' votes per category, then apply the structural discounts.

    Class 2 counts half without a sign that we administer the server; classes 4-5 count half
    when nothing fails; classes 2-4 count half when a security cue fired, because the attack
    explains the symptoms.
    """
    totals = dict.fromkeys(CATEGORIES, 0.0)
    for hit in hits:
        for category, weight in hit.cue.weights.items():
            totals[category] += weight
    if not _has_trait(hits, Trait.ADMIN):
        _discount(totals, (2,), _ADMIN_GATE_FACTOR)
    if not any(_has_trait(hits, trait) for trait in _SYMPTOM_TRAITS):
        _discount(totals, _INCIDENT_CLASSES, _NO_SYMPTOM_FACTOR)
    if _has_trait(hits, Trait.SECURITY):
        _discount(totals, _SYMPTOM_CLASSES, _SECURITY_DISCOUNT)
    return totals


def _discount(totals: dict[int, float], categories: tuple[int, ...], factor: float) -> None:
    for category in categories:
        if totals[category] > 0:
            totals[category] *= factor


def _has_trait(hits: tuple[Hit, ...], trait: Trait) -> bool:
    return any(trait in hit.cue.traits for hit in hits)


def choose_category(scores: dict[int, float], hits: tuple[Hit, ...]) -> tuple[int, list[str]]:
    """Pick the best-scoring category and explain it with its strongest evidence."""
    best = max(_TIE_PREFERENCE, key=lambda category: (scores[category], -_rank(category)))
    if scores[best] < _MIN_SCORE:
        return 6, ["class 6: no rule matched, routed as a question for a person to qualify"]
    reasons = [_describe(best, hit) for hit in _evidence(best, hits)]
    runner_up = max(
        (category for category in _TIE_PREFERENCE if category != best),
        key=lambda category: (scores[category], -_rank(category)),
    )
    reasons.extend(_ruled_out(runner_up, hits))
    if best == 2 and not _has_trait(hits, Trait.ADMIN):
        reasons.append("class 2 counted at half weight: no sign that we administer the server")
    if best == 5 and _has_trait(hits, Trait.SECURITY):
        reasons.append("classes 2-4 counted at half weight: a security incident explains symptoms")
    return best, reasons


def _rank(category: int) -> int:
    return _TIE_PREFERENCE.index(category)


def _evidence(category: int, hits: tuple[Hit, ...]) -> list[Hit]:
    voting = [hit for hit in hits if hit.cue.weights.get(category, 0.0) > 0]
    voting.sort(key=lambda hit: hit.cue.weights[category], reverse=True)
    return voting[:_MAX_EVIDENCE]


def _ruled_out(category: int, hits: tuple[Hit, ...]) -> list[str]:
    against = [hit for hit in hits if hit.cue.weights.get(category, 0.0) < 0]
    if not against:
        return []
    strongest = min(against, key=lambda hit: hit.cue.weights[category])
    return [f"not {_name(category)}: " + _quote(strongest)]


def _describe(category: int, hit: Hit) -> str:
    return f"{_name(category)}: " + _quote(hit)


def _quote(hit: Hit) -> str:
    return f"'{hit.words}' matches {hit.cue.label} ({hit.cue.lang})"


def _name(category: int) -> str:
    return "non-core" if category == NON_CORE else f"class {category}"
