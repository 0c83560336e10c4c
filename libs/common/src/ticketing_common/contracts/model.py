"""Customers and their effective-dated support contracts (validated configuration)."""

from __future__ import annotations

from datetime import date, datetime, time
from functools import cached_property
from typing import Annotated, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays as holidays_lib
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PositiveInt,
    PrivateAttr,
    StringConstraints,
    field_validator,
    model_validator,
)

from ticketing_common.contracts.coverage import (
    CoverageEntry,
    CoverageInterval,
    CoveragePlan,
    merge_intervals,
)
from ticketing_common.contracts.sla import (
    BASIC_SLA_TARGETS,
    STABILITY_CLASSES,
    STABILITY_SLA_TARGETS,
    SlaTargets,
)

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=64)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
RequestClass = Annotated[int, Field(ge=1, le=6)]
SupportLine = Annotated[int, Field(ge=0, le=4)]


class UnknownCustomerError(LookupError):
    """No customer with that id in the contracts file."""


class NoContractInForceError(LookupError):
    """The customer has no contract version in force at that instant."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class HolidayCalendar(_Frozen):
    """Public holidays of a country (the `holidays` package) plus the contract's own dates."""

    country: str
    subdivision: str | None = None
    extra_dates: tuple[date, ...] = ()
    extra_working_days: tuple[date, ...] = ()

    @field_validator("country")
    @classmethod
    def _known_country(cls, value: str) -> str:
        if value.upper() not in holidays_lib.list_supported_countries():
            raise ValueError(f"unknown holiday country {value!r} (an ISO 3166 code, e.g. 'RU')")
        return value.upper()

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.subdivision is not None:
            try:
                holidays_lib.country_holidays(self.country, subdiv=self.subdivision)
            except NotImplementedError:
                raise ValueError(
                    f"unknown subdivision {self.subdivision!r} of {self.country}"
                ) from None
        both = sorted(set(self.extra_dates) & set(self.extra_working_days))
        if both:
            raise ValueError(f"dates both holiday and working day: {[d.isoformat() for d in both]}")
        return self


class Vendor(_Frozen):
    """An outside party line 4 escalates to (hosting, CDN, hardware or software vendor)."""

    id: Slug
    name: Name
    contact: Name


class RequestQuota(_Frozen):
    """How many requests the plan includes; None means unlimited."""

    per_day: PositiveInt | None = None
    per_month: PositiveInt | None = None


class ContractVersion(_Frozen):
    """The terms of a contract from `effective_from` until the next version starts."""

    effective_from: date
    timezone: str
    coverage: tuple[CoverageEntry, ...] = (CoverageEntry(plan=CoveragePlan.BUSINESS_HOURS),)
    holidays: HolidayCalendar | None = None
    sla: dict[RequestClass, SlaTargets] = Field(default_factory=dict)
    stability: bool = False
    lines: tuple[SupportLine, ...] = (0, 1, 2, 3)
    vendors: tuple[Vendor, ...] = ()
    request_quota: RequestQuota = RequestQuota()
    warning_threshold: float = Field(default=0.8, gt=0, lt=1)
    _customer_id: str | None = PrivateAttr(default=None)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    # Emptiness is checked here, not with min_length: pydantic would report a bad item twice.
    @field_validator("coverage")
    @classmethod
    def _some_coverage(cls, value: tuple[CoverageEntry, ...]) -> tuple[CoverageEntry, ...]:
        if not value:
            raise ValueError("list at least one coverage plan or interval")
        return value

    @field_validator("lines")
    @classmethod
    def _sorted_lines(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if not value:
            raise ValueError("include at least one support line")
        if len(set(value)) != len(value):
            raise ValueError("a support line is listed twice")
        return tuple(sorted(value))

    @field_validator("vendors")
    @classmethod
    def _unique_vendors(cls, value: tuple[Vendor, ...]) -> tuple[Vendor, ...]:
        ids = [vendor.id for vendor in value]
        if len(set(ids)) != len(ids):
            raise ValueError(f"duplicate vendor id in {ids}")
        return value

    @model_validator(mode="after")
    def _always_has_no_holidays(self) -> Self:
        if self.is_24x7 and self.holidays is not None:
            raise ValueError("24x7 coverage is always on: remove `holidays` from this version")
        return self

    @property
    def version_id(self) -> str:
        """`<customer>@<effective_from>`, the id `ticket.created` pins."""
        if self._customer_id is None:
            raise ValueError("this contract version is not attached to a customer")
        return f"{self._customer_id}@{self.effective_from.isoformat()}"

    @property
    def customer_id(self) -> str | None:
        """The customer this version belongs to (None for a version built on its own)."""
        return self._customer_id

    @cached_property
    def zone(self) -> ZoneInfo:
        """The contract's IANA time zone."""
        return ZoneInfo(self.timezone)

    @property
    def is_24x7(self) -> bool:
        """True when the coverage includes the `24x7` plan."""
        return any(entry.plan is CoveragePlan.ALWAYS for entry in self.coverage)

    def starts_at(self) -> datetime:
        """The instant this version comes into force: local midnight of `effective_from`."""
        return datetime.combine(self.effective_from, time(), tzinfo=self.zone)

    def targets_for(self, request_class: int) -> SlaTargets:
        """SLA targets of a request class: basic table, then "Stability", then overrides."""
        if not 1 <= request_class <= 6:
            raise ValueError(f"request class must be 1..6, got {request_class}")
        targets = BASIC_SLA_TARGETS[request_class]
        if self.stability and request_class in STABILITY_CLASSES:
            targets = STABILITY_SLA_TARGETS
        override = self.sla.get(request_class)
        if override is None:
            return targets
        return targets.model_copy(update=override.model_dump(include=override.model_fields_set))

    def coverage_intervals(self) -> tuple[CoverageInterval, ...]:
        """Merged weekly intervals (weekday, start s, end s; end > 86 400 crosses midnight)."""
        return merge_intervals(i for entry in self.coverage for i in entry.intervals())

    def includes_line(self, line: int) -> bool:
        """Whether the contract includes support line 0..4."""
        return line in self.lines

    def bind(self, customer_id: str) -> None:
        """Attach the version to its customer (done by `Customer` on validation)."""
        self._customer_id = customer_id


class Contract(_Frozen):
    """All versions of one customer's contract, in force one after another."""

    versions: tuple[ContractVersion, ...]

    @field_validator("versions")
    @classmethod
    def _in_order(cls, value: tuple[ContractVersion, ...]) -> tuple[ContractVersion, ...]:
        if not value:
            raise ValueError("a contract needs at least one version")
        for index in range(1, len(value)):
            previous, current = value[index - 1].effective_from, value[index].effective_from
            if current <= previous:
                raise ValueError(
                    f"versions must be sorted by effective_from without repeats: versions[{index}]"
                    f" starts {current.isoformat()}, not after {previous.isoformat()}"
                )
        return value


class Customer(_Frozen):
    """A customer and its contract."""

    id: Slug
    name: Name
    contract: Contract

    @model_validator(mode="after")
    def _bind_versions(self) -> Self:
        for version in self.contract.versions:
            version.bind(self.id)
        return self

    def version_for(self, at: datetime) -> ContractVersion:
        """The version in force at an aware instant."""
        if at.tzinfo is None:
            raise ValueError("version_for needs an aware datetime")
        in_force = [v for v in self.contract.versions if v.starts_at() <= at]
        if not in_force:
            first = self.contract.versions[0].effective_from.isoformat()
            raise NoContractInForceError(
                f"customer {self.id!r} has no contract in force at {at.isoformat()}"
                f" (the first version starts {first})"
            )
        return in_force[-1]


class ContractBook(_Frozen):
    """Every customer of the contracts file, looked up by id."""

    customers: tuple[Customer, ...] = ()

    @field_validator("customers")
    @classmethod
    def _unique_ids(cls, value: tuple[Customer, ...]) -> tuple[Customer, ...]:
        seen: dict[str, int] = {}
        for index, customer in enumerate(value):
            if customer.id in seen:
                raise ValueError(
                    f"duplicate customer id {customer.id!r} at customers[{index}].id"
                    f" (already used by customers[{seen[customer.id]}])"
                )
            seen[customer.id] = index
        return value

    @cached_property
    def _by_id(self) -> dict[str, Customer]:
        return {customer.id: customer for customer in self.customers}

    @property
    def customer_ids(self) -> tuple[str, ...]:
        """Ids in file order."""
        return tuple(customer.id for customer in self.customers)

    def customer(self, customer_id: str) -> Customer:
        """The customer with that id, or UnknownCustomerError."""
        try:
            return self._by_id[customer_id]
        except KeyError:
            raise UnknownCustomerError(f"unknown customer {customer_id!r}") from None

    def version_for(self, customer_id: str, at: datetime) -> ContractVersion:
        """The contract version in force for a customer at an aware instant."""
        return self.customer(customer_id).version_for(at)

    def version_by_id(self, version_id: str) -> ContractVersion:
        """The version a ticket pinned (`<customer>@<effective_from>`)."""
        customer_id, _, effective = version_id.partition("@")
        for version in self.customer(customer_id).contract.versions:
            if version.effective_from.isoformat() == effective:
                return version
        raise NoContractInForceError(f"customer {customer_id!r} has no version {version_id!r}")
