"""Converted GSM8K items: `gsm8k_problem` (a loaded record as a `generators.Problem`, with its
converted gold trace where conversion succeeds) and the Problem-shaped dicts of the converter's
exports (`to_problem`, `gsm8k_problems`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from fractions import Fraction
from pathlib import Path
from typing import Any

from ..problem import Problem
from .conversion import Conversion, convert_example
from .loader import gsm8k_id, load_gsm8k, parse_gold_answer


def magnitude(trace_data: dict | list, answer: str) -> int:
    """Digits in the integer part of the largest number the trace or answer holds."""
    values = [Fraction(answer)]
    for part in trace_data if isinstance(trace_data, list) else [trace_data]:
        for step in part.get("trace", []):
            if step.get("op") == "init" and "value" in step:
                values.append(Fraction(str(step["value"])))
    return max(len(str(abs(v.numerator) // v.denominator)) for v in values)


def gsm8k_problem(row: dict[str, Any]) -> Problem:
    """A loaded GSM8K record (`load_gsm8k`) as a Problem, with a gold trace where there is one.

    The official layout (`answer` ending with `#### N`) is converted here (`convert_example`); the
    gold answer is the number after `####`, or the conversion's. The converter's output (`trace`,
    `status`) keeps its trace when `status` is ok (its `trace_data` read back from the YAML).
    GSM8K carries no expert label (`expert=None`: the converter's guess is not one), `pattern`
    and `source` are "gsm8k", and `difficulty` is left empty.
    """
    import yaml

    question = str(row["question"])
    trace, trace_data, answer = None, None, str(row.get("answer", ""))
    if "####" in answer:  # official layout: convert here
        conv = convert_example(row.get("question"), row.get("answer"))
        answer = str(parse_gold_answer(row["answer"]))
        if conv.ok:
            trace, trace_data, answer = conv.trace, conv.trace_data, str(conv.answer)
    elif row.get("trace") and row.get("status", "ok") == "ok":  # converter output
        trace = str(row["trace"])
        try:
            trace_data = yaml.safe_load(trace)
        except yaml.YAMLError:
            trace_data = None
    return Problem(id=str(row["id"]), question=question, answer=answer, expert=None, pattern="gsm8k",
                   trace=trace, trace_data=trace_data, source="gsm8k")


def to_problem(row: dict[str, Any], conversion: Conversion, index: int = 0) -> dict[str, Any]:
    """The Problem dict for a converted row (`conversion.ok` must hold), with the converter's expert
    and difficulty: the record the converter's exports (augment, `gsm8k_problems`) write."""
    if not conversion.ok or conversion.trace is None or conversion.trace_data is None:
        raise ValueError(f"row {row.get('id', index)} was not converted: {conversion.status}")
    data = conversion.trace_data
    steps = data["trace"] if isinstance(data, dict) else [s for p in data for s in p["trace"]]
    return {
        "id": str(row.get("id") or gsm8k_id(index)),
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
    hub_split: str = "train",
    *,
    strict: bool = False,
    **options: Any,
) -> list[dict[str, Any]]:
    """Every convertible GSM8K item as a Problem dict, in file order (failures are skipped).

    `source` is what `load_gsm8k` accepts, or rows already loaded. `strict=True` also skips
    items whose trace needed a derived step (see docs/gsm8k.md).
    """
    rows = source if isinstance(source, list) else load_gsm8k(source, hub_split)
    out = []
    for i, (row, conv) in enumerate(zip(rows, convert_rows(rows, **options), strict=True)):
        if conv.ok and not (strict and any(n.startswith("derived") for n in conv.notes)):
            out.append(to_problem(row, conv, i))
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
