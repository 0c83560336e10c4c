"""Triage rules on the labeled dev set: confusion matrices, accuracy and throughput.

Usage: uv run python bench/triage_accuracy.py [--data PATH] [--errors]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from triage.rules import Decision, TriageInput, TriagePolicy, classify

DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "triage-dev.jsonl"
ALL_LINES = TriagePolicy(lines=(0, 1, 2, 3, 4))
LABELS = ("1", "2", "3", "4", "5", "6", "none")
RUNS = 5


@dataclass(frozen=True)
class Example:
    """One labeled request of the dev set."""

    id: str
    lang: str
    request: TriageInput
    label: str
    line: int


def load(path: Path) -> list[Example]:
    """Read the JSON-lines dev set."""
    examples = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        if raw.strip():
            row = json.loads(raw)
            request = TriageInput(subject=row["subject"], body=row["text"], channel=row["channel"])
            examples.append(
                Example(row["id"], row["lang"], request, str(row["class"]), row["line"])
            )
    return examples


def label_of(decision: Decision) -> str:
    """Return the dev-set label for a decision's class."""
    return "none" if decision.request_class is None else str(decision.request_class)


def print_confusion(title: str, pairs: list[tuple[str, str]]) -> None:
    """Print a confusion matrix, rows = expected, columns = predicted."""
    counts = Counter(pairs)
    print(f"\n{title} (rows expected, columns predicted)")
    print("      " + "".join(f"{label:>6}" for label in LABELS))
    for expected in LABELS:
        cells = "".join(f"{counts[(expected, predicted)]:>6}" for predicted in LABELS)
        print(f"{expected:>6}{cells}")


def report_accuracy(examples: list[Example], decisions: list[Decision]) -> None:
    """Print class and line accuracy, overall and per language."""
    for lang in ("en", "ru", "all"):
        chosen = [
            (example, decision)
            for example, decision in zip(examples, decisions, strict=True)
            if lang in ("all", example.lang)
        ]
        class_ok = sum(example.label == label_of(decision) for example, decision in chosen)
        line_ok = sum(example.line == decision.line for example, decision in chosen)
        total = len(chosen)
        print(
            f"{lang:>4}: class {class_ok}/{total} = {class_ok / total:.1%}   "
            f"line {line_ok}/{total} = {line_ok / total:.1%}"
        )


def report_errors(examples: list[Example], decisions: list[Decision]) -> None:
    """Print every misclassified request with the rule's reasons."""
    for example, decision in zip(examples, decisions, strict=True):
        if example.label != label_of(decision) or example.line != decision.line:
            print(
                f"\n{example.id}: expected {example.label}/{example.line}, "
                f"got {label_of(decision)}/{decision.line}"
            )
            for reason in decision.reasons:
                print(f"    {reason}")


def throughput(examples: list[Example]) -> float:
    """Return requests per second, the median of several runs over the whole set."""
    rates = []
    for _ in range(RUNS):
        started = time.perf_counter()
        for example in examples:
            classify(example.request, policy=ALL_LINES)
        rates.append(len(examples) / (time.perf_counter() - started))
    return statistics.median(rates)


def main() -> None:
    """Run the benchmark and print its report."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--errors", action="store_true", help="list the misclassified requests")
    args = parser.parse_args()
    examples = load(args.data)
    decisions = [classify(example.request, policy=ALL_LINES) for example in examples]
    for lang in ("en", "ru"):
        pairs = [
            (example.label, label_of(decision))
            for example, decision in zip(examples, decisions, strict=True)
            if example.lang == lang
        ]
        print_confusion(f"class confusion, {lang}", pairs)
    print()
    report_accuracy(examples, decisions)
    print(f"throughput: {throughput(examples):,.0f} requests/s (median of {RUNS} runs)")
    if args.errors:
        report_errors(examples, decisions)


if __name__ == "__main__":
    main()
