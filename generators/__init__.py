"""Seeded GSM-style word problems with solver-verified gold traces.

    >>> from generators import generate
    >>> problems = generate(100, seed=0, preset="hard")
    >>> problems[0].question, problems[0].trace, problems[0].answer

Item i is a pure function of (seed, i, config). `generators.gsm8k` (real GSM8K data) is a
separate module that is imported only when asked for.
"""

from __future__ import annotations

import importlib
from typing import Any

from . import patterns as _patterns  # noqa: F401  (registers every pattern)
from .config import LEVELS, PRESETS, Curriculum, Difficulty, GeneratorConfig
from .configure import make_config
from .core import GenerationError, generate, generate_one
from .curriculum import CurriculumSampler
from .export import load_jsonl, to_dataset, to_jsonl
from .lengths import LengthReport, TruncationError, check_trace_lengths
from .names import FAMILIES, ConfigError
from .problem import Problem
from .registry import PATTERNS, PatternSpec

__all__ = [
    "FAMILIES", "LEVELS", "PATTERNS", "PRESETS", "ConfigError", "Curriculum", "CurriculumSampler",
    "Difficulty", "GenerationError", "GeneratorConfig", "LengthReport", "PatternSpec", "Problem",
    "TruncationError", "check_trace_lengths", "generate", "generate_one", "load_jsonl", "make_config",
    "to_dataset", "to_jsonl",
]


def __getattr__(name: str) -> Any:
    # `generators.gsm8k` belongs to another module owner; load it lazily so that its absence
    # or breakage never breaks synthetic generation.
    if name == "gsm8k":
        return importlib.import_module(".gsm8k", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
