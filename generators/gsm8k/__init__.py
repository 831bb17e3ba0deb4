"""Real GSM8K for GSMTrace: loader, solution-to-trace converter, augmentation, leakage check.

    >>> from generators.gsm8k import load_gsm8k, convert, gsm8k_problems
    >>> rows = load_gsm8k("path/to/gsm8k/train.jsonl")   # ids gsm8k-<line index>; or "hub", hub_split="test"
    >>> conv = convert(rows[0])                  # or convert_example(question, solution)
    >>> conv.status, conv.expert, conv.trace

CLI: `python -m generators.gsm8k convert|augment|leakage ...` (see docs/gsm8k.md).
"""

from __future__ import annotations

from typing import Any

from .conversion import Binding, Conversion, convert_example, question_constants
from .loader import gsm8k_id, load_gsm8k, parse_gold_answer
from .overlap import LeakageReport, check_leakage
from .problems import convert_rows, coverage, gsm8k_problem, gsm8k_problems, to_problem
from .variants import augment


def convert(item: dict[str, Any] | str, solution: str | None = None, **options: Any) -> Conversion:
    """`convert(row)` for a GSM8K row `{"question", "answer"}`, or `convert(question, solution)`."""
    if isinstance(item, dict):
        return convert_example(item.get("question"), item.get("answer"), **options)
    return convert_example(item, solution, **options)


leakage = check_leakage  # the contract's name for the check

__all__ = [
    "Binding", "Conversion", "LeakageReport", "augment", "check_leakage", "convert", "convert_example",
    "convert_rows", "coverage", "gsm8k_id", "gsm8k_problem", "gsm8k_problems", "leakage", "load_gsm8k", "parse_gold_answer",
    "question_constants", "to_problem",
]
