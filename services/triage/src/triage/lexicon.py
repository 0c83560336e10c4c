"""The cue model of the triage rules: a weighted regex that votes for or against categories.

A cue votes with a weight per category (1..6 are the request classes, ``NON_CORE`` is spam,
wrong address and other non-support mail). A negative weight is counter-evidence, e.g. "the
hosting company says everything is fine" argues against class 1. Traits carry the cues' meaning
for line and priority choice (how-to vs change request, configuration vs code, outage vs planned).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Literal

Language = Literal["en", "ru"]
CueLanguage = Literal["en", "ru", "any"]

NON_CORE = 0
CATEGORIES = (1, 2, 3, 4, 5, 6, NON_CORE)


class Trait(StrEnum):
    """What a cue says about the request beyond its class."""

    OUTAGE = "outage"  # something is down right now
    SYMPTOM = "symptom"  # something fails, is wrong or slow (classes 4, 5 need a symptom)
    PLANNED = "planned"  # scheduled maintenance, not an emergency
    CALM = "calm"  # the customer says it is not urgent
    ADMIN = "admin"  # we administer the server (ssh, hostnames, VPS): class 2 is ours
    OPS = "ops"  # configuration / operations cause: line 2
    CODE = "code"  # code-level cause: line 3
    DEFECT = "defect"  # functional defect of one component: line 3
    SECURITY = "security"  # attack, malware, vulnerability: line 2 triage
    PERF = "perf"  # slowness: line 2 triage
    HOWTO = "howto"  # how-to question or existing documentation: line 1
    CHANGE = "change"  # change request, development, writing documentation: line 3


@dataclass(frozen=True, slots=True)
class Cue:
    """One weighted pattern; ``label`` completes "'<words>' matches <label>" in a reason."""

    label: str
    lang: CueLanguage
    pattern: re.Pattern[str]
    weights: Mapping[int, float]
    traits: frozenset[Trait]
    negatable: bool


def cue(
    lang: CueLanguage,
    label: str,
    pattern: str,
    weights: Mapping[int, float] | None = None,
    *traits: Trait,
    negatable: bool = False,
) -> Cue:
    """Build a cue; ``pattern`` is matched against lower-cased text with 'ё' folded to 'е'."""
    return Cue(
        label=label,
        lang=lang,
        pattern=re.compile(pattern),
        weights=MappingProxyType(dict(weights or {})),
        traits=frozenset(traits),
        negatable=negatable,
    )


# A negation word at most two words before a match cancels a negatable cue:
# "not a bug", "nothing is broken", "это не ошибка", "ничего не сломано".
_NEGATION = re.compile(
    r"(?:\b(?:not|no|nothing|never|without|\w+n't|не|нет|ничего|ни|без))\W+(?:\w+\W+){0,2}$"
)
_NEGATION_WINDOW = 40


def is_negated(text: str, start: int) -> bool:
    """Tell whether the words just before ``start`` negate what follows."""
    return _NEGATION.search(text[max(0, start - _NEGATION_WINDOW) : start]) is not None


def find_match(entry: Cue, text: str) -> re.Match[str] | None:
    """Return the first match of the cue in ``text`` that is not negated."""
    for match in entry.pattern.finditer(text):
        if not (entry.negatable and is_negated(text, match.start())):
            return match
    return None
