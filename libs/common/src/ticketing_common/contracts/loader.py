"""Read `config/contracts.yaml` into a ContractBook, with errors a human can act on."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from ticketing_common.contracts.model import ContractBook


class ContractConfigError(ValueError):
    """The contracts file is missing, not YAML, or not a valid set of contracts."""

    def __init__(self, source: str, problems: Sequence[str]) -> None:
        self.source = source
        self.problems = tuple(problems)
        super().__init__(f"invalid contracts file {source}:\n  " + "\n  ".join(self.problems))


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key written twice in one mapping (YAML keeps the last)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Hashable, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    "while reading a mapping",
                    node.start_mark,
                    f"found duplicate key {key!r}",
                    key_node.start_mark,
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def error_path(loc: tuple[int | str, ...]) -> str:
    """`('customers', 1, 'contract', 'versions', 0, 'timezone')` -> `customers[1]…timezone`."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part.startswith("["):  # pydantic's "[key]" marker for a bad mapping key
            path += part
        else:
            path += f".{part}" if path else part
    return path or "(top level)"


def _describe(error: ErrorDetails) -> str:
    message = error["msg"].removeprefix("Value error, ")
    return f"{error_path(error['loc'])}: {message}"


def parse_contracts(text: str, *, source: str = "<string>") -> ContractBook:
    """Validate the text of a contracts file; raise ContractConfigError naming each bad field."""
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # a SafeLoader subclass: no tags
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown place"
        raise ContractConfigError(source, [f"YAML syntax error at {where}: {exc.problem}"]) from exc
    except yaml.YAMLError as exc:
        raise ContractConfigError(source, [f"YAML error: {exc}"]) from exc
    if not isinstance(data, dict):
        raise ContractConfigError(source, ["expected a mapping with a `customers:` list"])
    try:
        return ContractBook.model_validate(data)
    except ValidationError as exc:
        raise ContractConfigError(source, [_describe(e) for e in exc.errors()]) from exc


def load_contracts(path: str | Path) -> ContractBook:
    """Load and validate a contracts YAML file."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise ContractConfigError(str(file), [f"cannot read the file: {exc.strerror}"]) from exc
    return parse_contracts(text, source=str(file))
