"""RandomAgent: well-formed traces with random expert, quantities and operations (a chance baseline)."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

from solver import EXPERTS, extract_quantities, format_trace

BINARY_OPS = ("add", "sub", "mul", "div", "min", "max")


class RandomAgent:
    """Writes a random but well-formed trace for every observation.

    Each trace picks a random expert, initialises 1-4 of the quantities found in the observation
    (so the numbers are grounded), applies 1-3 random binary operations from that expert's
    vocabulary and queries the last result. It parses and usually executes, so it measures what
    chance alone scores on the reward ladder; its accuracy is close to 0%. Deterministic for a
    given `seed` and sequence of calls.
    """

    name = "random"

    def __init__(self, seed: int = 0, *, max_inits: int = 4, max_ops: int = 3) -> None:
        self.rng = np.random.default_rng(seed)
        self.max_inits = max(1, int(max_inits))
        self.max_ops = max(1, int(max_ops))

    def _values(self, text: str) -> list[Fraction]:
        try:
            found = [q.value for q in extract_quantities(text)]
        except Exception:  # a baseline never fails an evaluation
            found = []
        unique = list(dict.fromkeys(found))
        return unique or [Fraction(2), Fraction(100)]

    def trace_data(self, observation: str) -> dict[str, Any]:
        """The random trace as plain data (see `solver.format_trace`)."""
        rng = self.rng
        expert = str(rng.choice(sorted(EXPERTS)))
        allowed = [op for op in BINARY_OPS if op in EXPERTS[expert].compute_ops] or ["add"]
        values = self._values(observation)
        k = int(rng.integers(1, min(self.max_inits, len(values)) + 1))
        chosen = [values[int(i)] for i in rng.permutation(len(values))[:k]]
        names = [f"q{i + 1}" for i in range(k)]
        steps: list[dict[str, Any]] = [
            {"op": "init", "var": name, "value": value} for name, value in zip(names, chosen, strict=True)
        ]
        for i in range(int(rng.integers(1, self.max_ops + 1))):
            args = [str(rng.choice(names)), str(rng.choice(names))]
            var = f"step{i + 1}"
            steps.append({"op": "compute", "compute_op": str(rng.choice(allowed)), "args": args, "var": var})
            names.append(var)
        steps.append({"op": "query", "var": names[-1]})
        return {"expert": expert, "trace": steps}

    def act(self, observations: list[str]) -> list[str]:
        return [format_trace(self.trace_data(obs)) for obs in observations]
