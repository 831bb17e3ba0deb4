"""The GSMTrace reward as a verl custom reward function.

verl (0.9) loads it from its config and calls it once per response with keyword arguments::

    custom_reward_function:
      path: pkg://trace_env.verl      # or the file path of this module
      name: compute_score

    compute_score(data_source=..., solution_str=..., ground_truth=..., extra_info=..., **more)

``ground_truth`` is the row's ``reward_model.ground_truth`` (the gold answer); ``extra_info`` is the
row's ``extra_info`` dict, from which the question and the expert label are read, as
``python -m generators export --format verl`` writes them. verl adds keys of its own to
``extra_info`` (``num_turns``, ``rollout_reward_scores``, ...) and may pass more keyword arguments
(``reward_router_address``, the config's ``reward_kwargs``); both are ignored.

Returns a dict, which verl's reward managers accept: ``score`` is the reward, every other key is
logged per response (numeric values are averaged in verl's validation metrics; ``acc`` is the key
verl reports as its core validation metric)::

    score     0.0 / 0.3 / 0.5 / 0.7 / 1.0  (the project's graded reward, see solver.grade)
    acc       1.0 if the trace computes the gold answer, else 0.0
    parsed    1.0 if a trace was found
    valid     1.0 if the trace is valid (right or wrong answer)
    category  "correct" | "wrong_answer" | "invalid" | "wrong_expert" | "unparseable"

Only the model's output fails quietly: a response is read by `trace_env.completions`' rule (text, or
chat messages), and one with no trace scores 0.0, unparseable. A row
that cannot be graded raises ``ValueError`` / ``TypeError`` naming the field: a gold answer that is
not a number, an ``extra_info`` without a ``question`` text (grading without it would turn grounding
off), an expert label that is not text. A fault of the grader itself raises ``solver.GraderError``:
verl's reward must be a number, and scoring a grader bug as the policy's would be silently wrong.

Depends only on ``solver`` and `trace_env.completions` (absolute imports, so verl may also load this
file by its path).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from solver import GraderError
from solver.numbers import parse_number
from trace_env.completions import grade_completion

__all__ = ["compute_score"]

_log = logging.getLogger(__name__)


def compute_score(data_source: Any, solution_str: Any, ground_truth: Any, extra_info: Mapping[str, Any] | None = None,
                  **kwargs: Any) -> dict[str, float | str]:
    """Grade one verl response against its row; see the module docstring for what it returns."""
    question, expert = _row_fields(extra_info)
    gold = extra_info.get("trace")  # type: ignore[union-attr]  # _row_fields checked it is a mapping
    try:
        parse_number(ground_truth)
    except ValueError as err:
        raise ValueError(f"compute_score: ground_truth {ground_truth!r:.60} (data_source {data_source!r}) "
                         f"is not a gold answer: {err}") from None
    outcome = grade_completion(solution_str, ground_truth, expert, question, gold if isinstance(gold, str) else None)
    try:
        outcome.checked()
    except GraderError as err:
        row = (extra_info or {}).get("id") or (extra_info or {}).get("index")
        _log.error("compute_score: the grader failed on row %r (not the policy's fault): %s", row, err)
        raise GraderError(f"grader fault on row {row!r} of {data_source!r}, not the policy's: {err}") from err
    return {
        "score": float(outcome.reward),
        "acc": float(outcome.correct),
        "parsed": float(outcome.parsed),
        "valid": float(outcome.valid),
        "category": outcome.category,
        "program_checked": float(outcome.program_checked),
    }


def _row_fields(extra_info: Any) -> tuple[str, str | None]:
    """The question (required) and the expert label (optional) from a row's extra_info."""
    if not isinstance(extra_info, Mapping):
        raise TypeError(f"compute_score: extra_info must be the row's dict with a 'question', got "
                        f"{type(extra_info).__name__}; export the data with "
                        "`python -m generators export --format verl`")
    question = extra_info.get("question")
    if not isinstance(question, str) or not question.strip():
        raise ValueError(f"compute_score: extra_info['question'] must be the problem text, got {question!r:.60}; "
                         "grading without it would turn grounding off")
    expert = extra_info.get("expert")
    if isinstance(expert, float) and expert != expert:  # pandas' missing value (NaN)
        expert = None
    if expert is not None and not isinstance(expert, str):
        raise TypeError(f"compute_score: extra_info['expert'] must be an expert label or None, got {expert!r:.40}")
    return question, expert or None
