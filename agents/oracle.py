"""OracleAgent: answers every known problem with its gold trace (an upper bound and a smoke test)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from generators import Problem
from trace_env.sources import as_problem


class OracleAgent:
    """Looks up the gold trace of each observation among the problems it was built from.

    Build it from the same problems the environment or evaluator serves
    (`OracleAgent(env.unwrapped.problems)`, `OracleAgent(problems)`), as dicts,
    `generators.Problem`. An observation matches a problem when it equals the
    question, or starts with it followed by a blank line (the refinement observation of
    `GSMTraceRefine-v1`). Problems without a gold trace (raw GSM8K) are refused up front unless
    `require_traces=False`; an observation the oracle cannot place raises `KeyError`.
    """

    name = "oracle"

    def __init__(self, problems: Iterable[Any], *, require_traces: bool = True) -> None:
        self._traces: dict[str, str] = {}
        missing = 0
        for index, record in enumerate(problems):
            problem: Problem = as_problem(record, index)
            if problem.trace is None:
                missing += 1
                continue
            self._traces.setdefault(problem.question, problem.trace)
        if missing and require_traces:
            raise ValueError(
                f"{missing} problem(s) have no gold trace (raw GSM8K has none): the oracle needs "
                "problems from the generators or converted GSM8K, or require_traces=False"
            )
        if not self._traces:
            raise ValueError("OracleAgent needs at least one problem with a gold trace")

    def __len__(self) -> int:
        return len(self._traces)

    def trace_for(self, observation: str) -> str:
        """The gold trace for one observation (KeyError when it matches no known question)."""
        found = self._traces.get(observation)
        if found is not None:
            return found
        cut = observation.find("\n\n")
        while cut != -1:  # refinement observations start with the question and a blank line
            found = self._traces.get(observation[:cut])
            if found is not None:
                return found
            cut = observation.find("\n\n", cut + 1)
        raise KeyError(f"OracleAgent knows no problem for observation {observation[:80]!r}")

    def act(self, observations: list[str]) -> list[str]:
        return [self.trace_for(obs) for obs in observations]
