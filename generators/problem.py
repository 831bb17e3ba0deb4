"""The Problem record shared by synthetic and GSM8K-derived items."""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Problem:
    """One problem with its verified gold trace. Fields read as attributes or keys."""

    id: str
    question: str
    answer: str
    expert: str
    pattern: str
    trace: str
    trace_data: dict | list
    difficulty: dict = field(default_factory=dict)
    source: str = "synthetic"

    def __getitem__(self, key: str) -> Any:
        if key not in _FIELDS:
            raise KeyError(key)
        return getattr(self, key)

    def get(self, key: str, default: Any = None) -> Any:
        return getattr(self, key) if key in _FIELDS else default

    def keys(self) -> list[str]:
        return list(_FIELDS)

    def __contains__(self, key: object) -> bool:
        return key in _FIELDS

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dict (trace_data numbers are ints or numeric strings already)."""
        return {name: copy.deepcopy(getattr(self, name)) for name in _FIELDS}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Problem:
        missing = [k for k in ("id", "question", "answer", "expert", "pattern", "trace", "trace_data") if k not in data]
        if missing:
            raise ValueError(f"problem record is missing {missing}")
        return cls(**{k: data[k] for k in _FIELDS if k in data})


_FIELDS = tuple(f.name for f in dataclasses.fields(Problem))
