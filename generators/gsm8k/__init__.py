"""Real GSM8K for GSMTrace: loader, solution-to-trace converter, augmentation, leakage check.

    >>> from generators.gsm8k import load_gsm8k, convert_example, gsm8k_problems
    >>> rows = load_gsm8k("path/to/gsm8k/train.jsonl")
    >>> conv = convert_example(rows[0]["question"], rows[0]["answer"])
    >>> conv.status, conv.expert, conv.trace

CLI: `python -m generators.gsm8k convert|augment|leakage ...` (see docs/gsm8k.md).
"""

from __future__ import annotations

from .augment import augment
from .convert import Binding, Conversion, convert_example
from .leakage import LeakageReport, check_leakage
from .loader import load_gsm8k, parse_gold_answer
from .problems import convert_rows, coverage, gsm8k_problems, to_problem

__all__ = [
    "Binding", "Conversion", "LeakageReport", "augment", "check_leakage", "convert_example",
    "convert_rows", "coverage", "gsm8k_problems", "load_gsm8k", "parse_gold_answer", "to_problem",
]
