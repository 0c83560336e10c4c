"""The contract model and its loader: good files load, bad ones name the bad field."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from ticketing_common.contracts import (
    ContractConfigError,
    ContractVersion,
    CoverageInterval,
    NoContractInForceError,
    SlaTargets,
    UnknownCustomerError,
    error_path,
    load_contracts,
    parse_contracts,
)

REPO_CONTRACTS = Path(__file__).resolve().parents[3] / "config" / "contracts.yaml"
H = 3600

Doc = dict[str, Any]


def _version(**fields: Any) -> Doc:
    return {"effective_from": date(2024, 1, 1), "timezone": "Europe/Moscow", **fields}


def _base() -> Doc:
    return {
        "customers": [
            {
                "id": "alpha",
                "name": "Alpha",
                "contract": {"versions": [_version(holidays={"country": "RU"})]},
            },
            {
                "id": "beta",
                "name": "Beta",
                "contract": {
                    "versions": [
                        _version(timezone="Europe/Berlin"),
                        _version(effective_from=date(2025, 1, 1), timezone="Europe/Berlin"),
                    ]
                },
            },
        ]
    }


def _parse(doc: Doc) -> Any:
    return parse_contracts(yaml.safe_dump(doc, sort_keys=False), source="test.yaml")


def _edit(change: Callable[[Doc], None]) -> Doc:
    doc = copy.deepcopy(_base())
    change(doc)
    return doc


def _v(doc: Doc, customer: int = 1, version: int = 0) -> Doc:
    result: Doc = doc["customers"][customer]["contract"]["versions"][version]
    return result


# -- the repository's own file -----------------------------------------------------------------


def test_repository_contracts_load() -> None:
    book = load_contracts(REPO_CONTRACTS)
    assert book.customer_ids == ("acme-shop", "nordic-clinic", "fintech-247", "e2e-247")


def test_default_contract_is_business_hours_monday_to_friday() -> None:
    version = load_contracts(REPO_CONTRACTS).customer("acme-shop").contract.versions[0]
    assert version.coverage_intervals() == tuple(
        CoverageInterval(day, 9 * H + 1800, 18 * H + 1800) for day in range(5)
    )
    assert version.targets_for(3) == SlaTargets(response_seconds=H, resolution_seconds=4 * H)


def test_e2e_customer_has_tiny_targets_for_every_class() -> None:
    version = load_contracts(REPO_CONTRACTS).version_for("e2e-247", datetime.now(UTC))
    for request_class in range(1, 7):
        assert version.targets_for(request_class) == SlaTargets(
            response_seconds=4, resolution_seconds=30
        )
    assert version.warning_threshold == 0.5
    assert version.is_24x7


def test_fintech_has_stability_quota_and_vendors() -> None:
    version = load_contracts(REPO_CONTRACTS).version_for("fintech-247", datetime.now(UTC))
    assert version.targets_for(2) == SlaTargets(response_seconds=1800, resolution_seconds=3600)
    assert version.request_quota.per_day == 8
    assert version.lines == (0, 1, 2, 3, 4)
    assert {vendor.id for vendor in version.vendors} == {"selectel", "cdn-edge"}


# -- versions and lookups ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (datetime(2024, 6, 1, tzinfo=UTC), "beta@2024-01-01"),
        (datetime(2024, 12, 31, 22, 59, 59, tzinfo=UTC), "beta@2024-01-01"),
        (datetime(2024, 12, 31, 23, 0, tzinfo=UTC), "beta@2025-01-01"),  # Berlin midnight
        (datetime(2030, 1, 1, tzinfo=UTC), "beta@2025-01-01"),
    ],
)
def test_version_in_force_starts_at_local_midnight(at: datetime, expected: str) -> None:
    book = _parse(_base())
    assert book.version_for("beta", at).version_id == expected
    assert book.version_by_id(expected).version_id == expected


def test_lookups_fail_clearly() -> None:
    book = _parse(_base())
    with pytest.raises(UnknownCustomerError, match="'gamma'"):
        book.version_for("gamma", datetime(2024, 6, 1, tzinfo=UTC))
    with pytest.raises(NoContractInForceError, match="first version starts 2024-01-01"):
        book.version_for("alpha", datetime(2023, 6, 1, tzinfo=UTC))
    with pytest.raises(NoContractInForceError):
        book.version_by_id("alpha@2023-01-01")
    with pytest.raises(ValueError, match="aware"):
        book.version_for("alpha", datetime(2024, 6, 1))


# -- SLA targets -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "request_class", "expected"),
    [
        ({}, 1, (None, None)),
        ({}, 2, (None, None)),
        ({}, 3, (H, 4 * H)),
        ({}, 4, (2 * H, 6 * H)),
        ({}, 5, (3 * H, 6 * H)),
        ({}, 6, (4 * H, None)),
        ({"stability": True}, 2, (1800, 3600)),
        ({"stability": True}, 3, (1800, 3600)),
        ({"stability": True}, 4, (2 * H, 6 * H)),
        ({"sla": {5: {"resolution_seconds": 8 * H}}}, 5, (3 * H, 8 * H)),
        ({"sla": {6: {"response_seconds": None}}}, 6, (None, None)),
        ({"stability": True, "sla": {3: {"response_seconds": 900}}}, 3, (900, 3600)),
    ],
)
def test_targets_for(
    fields: Doc, request_class: int, expected: tuple[int | None, int | None]
) -> None:
    version = ContractVersion.model_validate(_version(**fields))
    targets = version.targets_for(request_class)
    assert (targets.response_seconds, targets.resolution_seconds) == expected


# -- coverage ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("coverage", "expected"),
    [
        (["24x7"], [(day, 0, 86_400) for day in range(7)]),
        (
            ["business_hours", "evening"],
            [(day, 9 * H + 1800, 20 * H) for day in range(5)],
        ),
        ([{"plan": "weekend_day", "day": "sun"}], [(6, 9 * H, 17 * H)]),
        (["weekend_long", "weekend"], [(5, 9 * H, 20 * H), (6, 9 * H, 20 * H)]),
        (
            [{"days": ["fri", "mon"], "start": "22:00", "end": "06:00"}],
            [(0, 22 * H, 30 * H), (4, 22 * H, 30 * H)],
        ),
        ([{"days": ["wed"], "start": "18:00", "end": "24:00"}], [(2, 18 * H, 24 * H)]),
        ([{"days": ["wed"], "start": "00:00", "end": "00:00"}], [(2, 0, 24 * H)]),
    ],
)
def test_coverage_intervals(coverage: list[Any], expected: list[tuple[int, int, int]]) -> None:
    version = ContractVersion.model_validate(_version(coverage=coverage))
    assert [tuple(interval) for interval in version.coverage_intervals()] == expected


# -- bad files name the field ------------------------------------------------------------------


def _set(path: Callable[[Doc], Doc], key: str, value: Any) -> Callable[[Doc], None]:
    def change(doc: Doc) -> None:
        path(doc)[key] = value

    return change


def _first(doc: Doc) -> Doc:
    return _v(doc, 0)


BAD_DOCUMENTS: list[tuple[str, Callable[[Doc], None], str]] = [
    (
        "time zone",
        _set(_v, "timezone", "Europe/Mosco"),
        "customers[1].contract.versions[0].timezone: unknown time zone 'Europe/Mosco'",
    ),
    (
        "holiday country",
        _set(_first, "holidays", {"country": "XX"}),
        "customers[0].contract.versions[0].holidays.country: unknown holiday country 'XX'",
    ),
    (
        "subdivision",
        _set(_first, "holidays", {"country": "DE", "subdivision": "ZZ"}),
        "customers[0].contract.versions[0].holidays: unknown subdivision 'ZZ' of DE",
    ),
    (
        "plan name",
        _set(_v, "coverage", ["business_hours", "nights"]),
        "customers[1].contract.versions[0].coverage[1].plan: Input should be",
    ),
    (
        "weekend_day without day",
        _set(_v, "coverage", ["weekend_day"]),
        "customers[1].contract.versions[0].coverage[0]: `day: sat|sun` is required",
    ),
    (
        "weekend_day on a weekday",
        _set(_v, "coverage", [{"plan": "weekend_day", "day": "mon"}]),
        "coverage[0]: weekend_day needs day sat or sun",
    ),
    (
        "interval time",
        _set(_v, "coverage", [{"days": ["mon"], "start": "25:00", "end": "26:00"}]),
        "customers[1].contract.versions[0].coverage[0].start: expected a time 'HH:MM'",
    ),
    (
        "unquoted time",
        _set(_v, "coverage", [{"days": ["mon"], "start": "09:00", "end": 1110}]),
        'coverage[0].end: write the time in quotes, e.g. "18:30"',
    ),
    (
        "half an interval",
        _set(_v, "coverage", [{"days": ["mon"], "start": "09:00"}]),
        "coverage[0]: give either `plan` or all of `days`, `start` and `end`",
    ),
    (
        "unknown field",
        _set(_v, "timezon", "UTC"),
        "customers[1].contract.versions[0].timezon: Extra inputs are not permitted",
    ),
    (
        "request class",
        _set(_v, "sla", {7: {"response_seconds": 60}}),
        "customers[1].contract.versions[0].sla[7][key]: Input should be less than or equal to 6",
    ),
    (
        "zero target",
        _set(_v, "sla", {3: {"response_seconds": 0}}),
        "customers[1].contract.versions[0].sla[3].response_seconds: Input should be greater",
    ),
    (
        "line out of range",
        _set(_v, "lines", [0, 5]),
        "customers[1].contract.versions[0].lines[1]: Input should be less than or equal to 4",
    ),
    ("line twice", _set(_v, "lines", [1, 1]), "versions[0].lines: a support line is listed twice"),
    ("no lines", _set(_v, "lines", []), "versions[0].lines: include at least one support line"),
    ("no coverage", _set(_v, "coverage", []), "versions[0].coverage: list at least one coverage"),
    (
        "warning threshold",
        _set(_v, "warning_threshold", 1.0),
        "customers[1].contract.versions[0].warning_threshold: Input should be less than 1",
    ),
    (
        "quota",
        _set(_v, "request_quota", {"per_day": -1}),
        "customers[1].contract.versions[0].request_quota.per_day: Input should be greater",
    ),
    (
        "vendor",
        _set(_v, "vendors", [{"id": "x", "name": "X"}]),
        "customers[1].contract.versions[0].vendors[0].contact: Field required",
    ),
    (
        "24x7 with holidays",
        _set(_first, "coverage", ["24x7"]),
        "customers[0].contract.versions[0]: 24x7 coverage is always on",
    ),
    (
        "holiday and working day",
        _set(
            _first,
            "holidays",
            {
                "country": "RU",
                "extra_dates": [date(2024, 3, 9)],
                "extra_working_days": [date(2024, 3, 9)],
            },
        ),
        "holidays: dates both holiday and working day: ['2024-03-09']",
    ),
    (
        "versions out of order",
        lambda doc: doc["customers"][1]["contract"]["versions"].reverse(),
        "customers[1].contract.versions: versions must be sorted by effective_from",
    ),
    (
        "no versions",
        lambda doc: doc["customers"][1]["contract"].update(versions=[]),
        "customers[1].contract.versions: a contract needs at least one version",
    ),
    (
        "customer id",
        lambda doc: doc["customers"][0].update(id="Alpha Shop"),
        "customers[0].id: String should match pattern",
    ),
    (
        "duplicate customer",
        lambda doc: doc["customers"][1].update(id="alpha"),
        "customers: duplicate customer id 'alpha' at customers[1].id"
        " (already used by customers[0])",
    ),
]


@pytest.mark.parametrize(
    ("change", "message"),
    [pytest.param(change, message, id=name) for name, change, message in BAD_DOCUMENTS],
)
def test_invalid_file_names_the_field(change: Callable[[Doc], None], message: str) -> None:
    with pytest.raises(ContractConfigError) as caught:
        _parse(_edit(change))
    assert message in str(caught.value)
    assert str(caught.value).startswith("invalid contracts file test.yaml:")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("customers:\n  - id: a\n    name: [unclosed\n", "YAML syntax error at line 4"),
        ("customers:\n\tid: a\n", "YAML syntax error at line 2, column 1"),
        (
            "customers: []\ncustomers: []\n",
            "YAML syntax error at line 2, column 1: found duplicate",
        ),
        ("- just a list\n", "expected a mapping with a `customers:` list"),
        ("", "expected a mapping with a `customers:` list"),
    ],
)
def test_unreadable_yaml(text: str, message: str) -> None:
    with pytest.raises(ContractConfigError, match="invalid contracts file") as caught:
        parse_contracts(text)
    assert message in str(caught.value)


def test_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    with pytest.raises(ContractConfigError, match=r"nope\.yaml:\n  cannot read the file"):
        load_contracts(missing)


def test_good_file_from_disk(tmp_path: Path) -> None:
    file = tmp_path / "contracts.yaml"
    file.write_text(yaml.safe_dump(_base()), encoding="utf-8")
    book = load_contracts(file)
    assert book.customer("alpha").contract.versions[0].holidays is not None


def test_several_errors_are_all_reported() -> None:
    doc = _edit(_set(_v, "timezone", "Mars/Olympus"))
    _first(doc)["lines"] = [9]
    with pytest.raises(ContractConfigError) as caught:
        _parse(doc)
    assert caught.value.problems == (
        "customers[0].contract.versions[0].lines[0]: Input should be less than or equal to 4",
        "customers[1].contract.versions[0].timezone: unknown time zone 'Mars/Olympus'",
    )


@pytest.mark.parametrize(
    ("loc", "expected"),
    [
        (
            ("customers", 1, "contract", "versions", 0, "timezone"),
            "customers[1].contract.versions[0].timezone",
        ),
        (
            ("customers", 0, "contract", "versions", 0, "sla", 7, "[key]"),
            "customers[0].contract.versions[0].sla[7][key]",
        ),
        ((), "(top level)"),
    ],
)
def test_error_path(loc: tuple[int | str, ...], expected: str) -> None:
    assert error_path(loc) == expected
