"""Contract versions by the id a ticket pinned, each with its covered-time calendar built once."""

from __future__ import annotations

from sla_timer.business_hours import Calendar
from ticketing_common.contracts import ContractBook, ContractVersion


class Calendars:
    """Pinned contract versions and their calendars, built once (building one reads holidays)."""

    def __init__(self, contracts: ContractBook) -> None:
        self._contracts = contracts
        self._calendars: dict[str, Calendar] = {}

    def version(self, version_id: str) -> ContractVersion:
        """The contract version a ticket pinned; LookupError when the contracts file lacks it."""
        return self._contracts.version_by_id(version_id)

    def calendar(self, version_id: str) -> Calendar:
        """The covered time of a pinned contract version."""
        cached = self._calendars.get(version_id)
        if cached is None:
            cached = Calendar.from_contract(self.version(version_id))
            self._calendars[version_id] = cached
        return cached
