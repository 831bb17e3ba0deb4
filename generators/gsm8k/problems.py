"""Converted GSM8K items as Problem-shaped dicts (the record `generators.Problem` reads)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from fractions import Fraction
from pathlib import Path
from typing import Any

from .conversion import Conversion, convert_example
from .loader import load_gsm8k


def magnitude(trace_data: dict | list, answer: str) -> int:
    """Digits in the integer part of the largest number the trace or answer holds."""
    values = [Fraction(answer)]
    for part in trace_data if isinstance(trace_data, list) else [trace_data]:
        for step in part.get("trace", []):
            if step.get("op") == "init" and "value" in step:
                values.append(Fraction(str(step["value"])))
    return max(len(str(abs(v.numerator) // v.denominator)) for v in values)


def to_problem(row: dict[str, Any], conversion: Conversion, index: int = 0, split: str = "train") -> dict[str, Any]:
    """The Problem dict for a converted row (`conversion.ok` must hold)."""
    if not conversion.ok or conversion.trace is None or conversion.trace_data is None:
        raise ValueError(f"row {row.get('id', index)} was not converted: {conversion.status}")
    data = conversion.trace_data
    steps = data["trace"] if isinstance(data, dict) else [s for p in data for s in p["trace"]]
    return {
        "id": str(row.get("id") or f"gsm8k-{split}-{index}"),
        "question": row["question"],
        "answer": conversion.answer,
        "expert": conversion.expert,
        "pattern": "gsm8k",
        "trace": conversion.trace,
        "trace_data": data,
        "difficulty": {
            "steps": len(steps),
            "experts": 1,
            "magnitude": magnitude(data, conversion.answer or "0"),
            "computations": conversion.steps,
            "derived": sum(1 for n in conversion.notes if n.startswith("derived")),
        },
        "source": "gsm8k",
    }


def convert_rows(rows: Iterable[dict[str, Any]], **options: Any) -> list[Conversion]:
    return [convert_example(row.get("question"), row.get("answer"), **options) for row in rows]


def gsm8k_problems(
    source: str | Path | list[dict[str, Any]] = "hub",
    split: str = "train",
    *,
    strict: bool = False,
    **options: Any,
) -> list[dict[str, Any]]:
    """Every convertible GSM8K item as a Problem dict, in file order (failures are skipped).

    `source` is what `load_gsm8k` accepts, or rows already loaded. `strict=True` also skips
    items whose trace needed a derived step (see docs/gsm8k.md).
    """
    rows = source if isinstance(source, list) else load_gsm8k(source, split)
    out = []
    for i, (row, conv) in enumerate(zip(rows, convert_rows(rows, **options), strict=True)):
        if conv.ok and not (strict and any(n.startswith("derived") for n in conv.notes)):
            out.append(to_problem(row if "id" in row else {**row, "id": f"gsm8k-{split}-{i}"}, conv, i, split))
    return out


def coverage(conversions: list[Conversion]) -> dict[str, Any]:
    """Counts behind the CLI summary: ok, total, rate, reasons, ungrounded values, experts."""
    total = len(conversions)
    ok = sum(c.ok for c in conversions)
    return {
        "total": total,
        "ok": ok,
        "rate": ok / total if total else 0.0,
        "derived": sum(1 for c in conversions if c.ok and any(n.startswith("derived") for n in c.notes)),
        "reasons": Counter(c.reason for c in conversions if not c.ok),
        "ungrounded": Counter(c.status.split(": ", 1)[1] for c in conversions if c.reason == "ungrounded_number"),
        "experts": Counter(c.expert for c in conversions if c.ok),
    }
