"""All cues of the triage rule set, English and Russian, in one ordered tuple."""

from __future__ import annotations

from triage.cues import en_app, en_infra, ru_app, ru_infra
from triage.lexicon import Cue

ALL_CUES: tuple[Cue, ...] = (
    *en_infra.NON_CORE_CUES,
    *en_infra.PROVIDER_CUES,
    *en_infra.SERVER_CUES,
    *en_app.SCOPE_CUES,
    *en_app.BUSINESS_CUES,
    *en_app.COMPONENT_CUES,
    *en_app.QUESTION_CUES,
    *ru_infra.NON_CORE_CUES,
    *ru_infra.PROVIDER_CUES,
    *ru_infra.SERVER_CUES,
    *ru_app.SCOPE_CUES,
    *ru_app.BUSINESS_CUES,
    *ru_app.COMPONENT_CUES,
    *ru_app.QUESTION_CUES,
)

__all__ = ["ALL_CUES"]
