"""Headroom of a policy: pass@k, maj@k and mean@k from K sampled traces per problem.

* ``pass@k`` is the unbiased estimator of Chen et al. (2021): with n samples of which c are
  correct, ``1 - C(n - c, k) / C(n, k)``, averaged over problems. It is the chance that at least
  one of k fresh samples is correct, without the bias of taking the first k.
* ``maj@k`` (self-consistency) votes over the answers the solver computed: the most frequent
  answer among the samples whose trace ran (ties go to the answer reached first) is the
  problem's answer. The solver computes every answer, so the vote is free.
* ``mean@k`` is the average share of correct samples (the expected accuracy of one sample).

Greedy accuracy against pass@k is the headroom RL can turn into greedy accuracy.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from typing import Any

from .report import wilson


def pass_at_k(n: int, c: int, k: int) -> float:
    """Unbiased pass@k for one problem with n samples, c of them correct (k <= n)."""
    if not 0 < k <= n or not 0 <= c <= n:
        raise ValueError(f"pass@k needs 0 < k <= n and 0 <= c <= n, got n={n}, c={c}, k={k}")
    if n - c < k:
        return 1.0
    return 1.0 - math.comb(n - c, k) / math.comb(n, k)


def ks_for(n: int) -> list[int]:
    """The k reported for n samples: powers of two up to n, and n itself."""
    ks = [1 << i for i in range(n.bit_length()) if 1 << i <= n]
    return ks if ks[-1] == n else [*ks, n]


def majority(answers: Sequence[str | None]) -> str | None:
    """The most frequent computed answer (None entries are traces that did not run)."""
    counts = Counter(a for a in answers if a is not None)
    if not counts:
        return None
    best = max(counts.values())
    return next(a for a in answers if a is not None and counts[a] == best)


def problem_record(outcomes: Sequence[Any], texts: Sequence[str]) -> dict[str, Any]:
    """What one problem's samples add up to: counts, the vote and how varied the samples are."""
    answers = [o.to_dict()["answer"] if o.valid else None for o in outcomes]
    voted = majority(answers)
    correct_answers = {a for a, o in zip(answers, outcomes, strict=True) if o.correct}
    return {
        "samples_n": len(outcomes),
        "samples_correct": sum(o.correct for o in outcomes),
        "majority_answer": voted,
        "majority_correct": voted is not None and voted in correct_answers,
        "distinct": len(set(texts)),
    }


def summarize_samples(records: Sequence[dict[str, Any]], temperature: float) -> dict[str, Any]:
    """pass@k for each reported k, maj@K and mean@K over problems (K = samples per problem)."""
    if not records:
        raise ValueError("no sampled problems to summarize")
    n = records[0]["samples_n"]
    problems = len(records)
    solved_any = sum(r["samples_correct"] > 0 for r in records)
    voted = sum(r["majority_correct"] for r in records)
    return {
        "k": n,
        "problems": problems,
        "temperature": temperature,
        "pass_at": {str(k): sum(pass_at_k(n, r["samples_correct"], k) for r in records) / problems
                    for k in ks_for(n)},
        "pass_at_k_ci95": wilson(solved_any, problems),
        "maj_at_k": voted / problems,
        "maj_at_k_ci95": wilson(voted, problems),
        "mean_at_k": sum(r["samples_correct"] for r in records) / (n * problems),
        "distinct_mean": sum(r["distinct"] for r in records) / problems,
    }
