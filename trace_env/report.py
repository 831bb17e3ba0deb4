"""Statistics of an evaluation: rates, Wilson intervals and per-group breakdowns."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

CATEGORIES = ("correct", "wrong_answer", "invalid", "wrong_expert", "unparseable")
# A record carries its outcome's own verdicts (`solver.grade.Outcome.parsed / valid / correct`,
# as in `Outcome.to_dict()`), and the rates count those: "valid" means the trace executed
# without error (`Outcome.valid`), so an invalid (0.5), wrong-expert or unparseable trace is not
# valid (the seed's metric counted 0.5 traces as valid). Nothing here re-derives a verdict from a
# category name or a reward.


def wilson(successes: int, n: int, z: float = 1.959963984540054) -> list[float]:
    """Wilson score interval for a binomial proportion (95% by default); [0, 1] when n == 0."""
    if n <= 0:
        return [0.0, 1.0]
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    # The bounds are exactly 0 / 1 at the extremes; floating point would leave 1e-17 residue.
    lo = 0.0 if successes == 0 else max(0.0, centre - half)
    hi = 1.0 if successes == n else min(1.0, centre + half)
    return [lo, hi]


def summarize(records: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Accuracy, its interval, rates, outcome counts and mean reward of graded records.

    Each record needs `category`, `reward` and the outcome's `parsed`, `valid` and `correct`.
    """
    records = list(records)
    n = len(records)
    outcomes = Counter(r["category"] for r in records)
    correct = sum(bool(r["correct"]) for r in records)
    parsed = sum(bool(r["parsed"]) for r in records)
    valid = sum(bool(r["valid"]) for r in records)
    return {
        "n": n,
        "correct": correct,
        "accuracy": correct / n if n else 0.0,
        "ci95": wilson(correct, n),
        "rates": {
            "parse": parsed / n if n else 0.0,
            "valid": valid / n if n else 0.0,
            "correct": correct / n if n else 0.0,
        },
        "mean_reward": sum(float(r["reward"]) for r in records) / n if n else 0.0,
        # Problems with a gold trace (a trace that runs is checked as a program on variants of the
        # question; the others are graded on the answer alone), and the traces that were checked.
        "with_gold": sum(bool(r.get("gold")) for r in records),
        "program_checked": sum(bool(r.get("variants")) for r in records),
        # The right number, whether or not from the right program (the accuracy before the check).
        "answer_correct": sum(bool(r.get("answer_correct", r["correct"])) for r in records),
        "outcomes": {c: outcomes.get(c, 0) for c in CATEGORIES}
        | {c: k for c, k in outcomes.items() if c not in CATEGORIES},
    }


def _group_key(value: Any) -> str:
    return "unknown" if value is None or value == "" else str(value)


def breakdown(records: Iterable[Mapping[str, Any]], field: str) -> dict[str, dict[str, Any]]:
    """`summarize` per value of `field` (missing values grouped under "unknown")."""
    groups: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for record in records:
        groups[_group_key(record.get(field))].append(record)

    def order(key: str) -> tuple[int, float, str]:  # numbers numerically, then names, unknown last
        if key == "unknown":
            return (2, 0.0, key)
        try:
            return (0, float(key), key)
        except ValueError:
            return (1, 0.0, key)

    return {key: summarize(groups[key]) for key in sorted(groups, key=order)}


def expert_confusion(records: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, int]]:
    """Gold expert label -> expert the trace declared -> count (routing errors at a glance)."""
    table: dict[str, Counter[str]] = defaultdict(Counter)
    for record in records:
        table[_group_key(record.get("expert"))][_group_key(record.get("trace_expert"))] += 1
    return {gold: dict(sorted(row.items())) for gold, row in sorted(table.items())}


def build_report(records: list[Mapping[str, Any]], meta: Mapping[str, Any]) -> dict[str, Any]:
    """The report dict: overall summary, per expert / pattern / chain length, routing, meta."""
    report = summarize(records)
    report["by_expert"] = breakdown(records, "expert")
    report["by_pattern"] = breakdown(records, "pattern")
    report["by_chain_length"] = breakdown(records, "chain_length")
    report["expert_confusion"] = expert_confusion(records)
    report["meta"] = dict(meta)
    return report
