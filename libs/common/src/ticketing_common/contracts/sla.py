"""SLA targets per request class: the basic table and the "Stability" package."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, PositiveInt

STABILITY_CLASSES = frozenset({2, 3})


class SlaTargets(BaseModel):
    """Response and resolution targets in covered seconds; None means "not in SLA"."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    response_seconds: PositiveInt | None = None
    resolution_seconds: PositiveInt | None = None


# DOMAIN.md, "SLA table (basic contract)"; class 5 resolution and class 6 start are contract-set.
BASIC_SLA_TARGETS: dict[int, SlaTargets] = {
    1: SlaTargets(),
    2: SlaTargets(),
    3: SlaTargets(response_seconds=3600, resolution_seconds=4 * 3600),
    4: SlaTargets(response_seconds=2 * 3600, resolution_seconds=6 * 3600),
    5: SlaTargets(response_seconds=3 * 3600, resolution_seconds=6 * 3600),
    6: SlaTargets(response_seconds=4 * 3600),
}
STABILITY_SLA_TARGETS = SlaTargets(response_seconds=1800, resolution_seconds=3600)
