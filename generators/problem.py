"""The one problem record: synthetic items, GSM8K problems, environment and training problems alike."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from solver import Outcome, grade


@dataclass
class Problem:
    """One problem, optionally with its verified gold trace and its training target.

    Fields read as attributes or keys (`p.question == p["question"]`). `trace` / `trace_data` are
    the gold trace as generated or converted (None where a source has none: raw GSM8K, custom
    records); `target` is the gold trace in the form a model is trained to write (`with_target`;
    None until a training stage sets it, or where there is no gold trace). `expert` and `pattern`
    are None where a source has no such label.
    """

    id: str
    question: str
    answer: str                      # gold answer as canonical number text ("18", "2.5")
    expert: str | None = None
    pattern: str | None = None
    trace: str | None = None
    trace_data: dict | list | None = None
    difficulty: dict = field(default_factory=dict)
    source: str = "synthetic"
    target: str | None = None

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
        """A JSON-safe dict (trace_data numbers are ints or numeric strings already); `target`
        only when set, so a generated problem's dict is its generator record."""
        out = {name: copy.deepcopy(getattr(self, name)) for name in _FIELDS}
        if out["target"] is None:
            del out["target"]
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Problem:
        """A problem file's record (the generator's `to_dict`): the gold trace is required."""
        missing = [k for k in ("id", "question", "answer", "expert", "pattern", "trace", "trace_data") if k not in data]
        if missing:
            raise ValueError(f"problem record is missing {missing}")
        return cls(**{k: data[k] for k in _FIELDS if k in data})

    @property
    def chain_length(self) -> int | None:
        """Reasoning steps: `difficulty["steps"]` (generators, GSM8K), else None."""
        steps = self.difficulty.get("steps") if isinstance(self.difficulty, Mapping) else None
        return int(steps) if isinstance(steps, int | float) and not isinstance(steps, bool) else None

    def grade(self, text: str) -> Outcome:
        """Grade a trace against this problem (question passed, so grounding applies; with a gold
        trace, checked as a program on variants of the question).

        A fault of the grader itself raises ``solver.GraderError``: never scored as the policy's."""
        return grade(text, self.answer, expert=self.expert, question=self.question, gold=self.trace).checked()

    def with_target(self, trace_form: str = "value", var_names: str = "gold") -> Problem:
        """A copy whose `target` is the gold trace in `trace_form` ('value' or 'ref') and `var_names`
        ('gold' or 'generic') style (`generators.refs.target_trace`); None without a gold trace."""
        from .refs import target_trace

        if self.trace is None:
            target = None
        elif not self.trace_data:  # a gold trace text whose data could not be read: trained on as written
            target = self.trace
        else:
            target = target_trace(self.trace, self.trace_data, self.question, self.answer, trace_form, var_names)
        return dataclasses.replace(self, target=target)


_FIELDS = tuple(f.name for f in dataclasses.fields(Problem))
