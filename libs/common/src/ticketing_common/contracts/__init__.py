"""Customer contracts (config/contracts.yaml): coverage, holidays, SLA targets, lines, quota."""

from ticketing_common.contracts.coverage import (
    SECONDS_PER_DAY,
    CoverageEntry,
    CoverageInterval,
    CoveragePlan,
    Weekday,
    merge_intervals,
    parse_clock,
)
from ticketing_common.contracts.loader import (
    ContractConfigError,
    error_path,
    load_contracts,
    parse_contracts,
)
from ticketing_common.contracts.model import (
    Contract,
    ContractBook,
    ContractVersion,
    Customer,
    HolidayCalendar,
    NoContractInForceError,
    RequestQuota,
    UnknownCustomerError,
    Vendor,
)
from ticketing_common.contracts.sla import BASIC_SLA_TARGETS, STABILITY_SLA_TARGETS, SlaTargets

__all__ = [
    "BASIC_SLA_TARGETS",
    "SECONDS_PER_DAY",
    "STABILITY_SLA_TARGETS",
    "Contract",
    "ContractBook",
    "ContractConfigError",
    "ContractVersion",
    "CoverageEntry",
    "CoverageInterval",
    "CoveragePlan",
    "Customer",
    "HolidayCalendar",
    "NoContractInForceError",
    "RequestQuota",
    "SlaTargets",
    "UnknownCustomerError",
    "Vendor",
    "Weekday",
    "error_path",
    "load_contracts",
    "merge_intervals",
    "parse_clock",
    "parse_contracts",
]
