"""The GSMTrace reward as a TRL reward function.

``trace_reward(prompts, completions, **kwargs) -> list[float | None]`` follows the TRL 1.x
contract used by GRPOTrainer and RLOOTrainer: dataset columns arrive as keyword arguments (one
entry per completion), plus ``trainer_state``, ``log_metric`` and ``log_extra``. It reads the
``answer`` column and the optional ``expert`` and ``question`` columns, and reads each completion's
trace by the one rule of `trace_env.completions` (plain text; else the last assistant message's
`submit_trace` argument, else its text). It logs parse / valid / correct rates through
``log_metric`` when given. Works as ``trl grpo --reward_funcs trace_env.rewards.trace_reward``.

Columns may be lists, tuples, numpy arrays or pandas Series; a scalar is broadcast to the batch.
Only the model's output fails quietly (a completion with no trace scores 0.0, unparseable, with the
reason as its error). A column that cannot be
used raises: a length that differs from the batch, a question that is not text (grading without
it would turn grounding off), a gold answer that is not a number. A missing ``answer`` or
``question`` column warns once. A fault of the grader itself gives that completion ``None``,
which TRL treats as unscorable (no advantage), and is logged; it is never scored as the policy's.

Depends only on ``solver``, `trace_env.completions` and the standard library.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from solver import GRADER_ERROR, Outcome
from solver.numbers import parse_number
from solver.variants import gold_program

from .completions import grade_completion

__all__ = ["REWARD_FUNCTIONS", "SCORES", "correct_reward", "grade_completions", "score_completions", "trace_reward"]

_log = logging.getLogger(__name__)
_warned: set[str] = set()


def _warn_once(key: str, message: str) -> None:
    if key not in _warned:
        _warned.add(key)
        warnings.warn(message, RuntimeWarning, stacklevel=4)


def _column(kwargs: dict[str, Any], name: str, n: int) -> list[Any] | None:
    """The column as a list of n entries (a scalar is broadcast); None when it is absent."""
    values = kwargs.get(name)
    if values is None:
        return None
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable) or getattr(values, "ndim", 1) == 0:
        return [values.item() if hasattr(values, "item") else values] * n
    if isinstance(values, Mapping):
        raise TypeError(f"trace_reward: column {name!r} is a mapping; pass one entry per completion")
    values = values.tolist() if hasattr(values, "tolist") else list(values)
    if len(values) != n:
        raise ValueError(f"trace_reward: column {name!r} has {len(values)} entries for {n} completions")
    return values


def _questions(kwargs: dict[str, Any], n: int) -> list[str | None]:
    questions = _column(kwargs, "question", n)
    if questions is None:
        _warn_once("question", "trace_reward: the dataset has no 'question' column, so grounding is off: "
                               "traces may use any number")
        return [None] * n
    for i, question in enumerate(questions):
        if not isinstance(question, str):
            raise TypeError(f"trace_reward: question {i} is {type(question).__name__} {question!r:.40}, not text; "
                            "grading without it would turn grounding off")
    return questions


def _answers(kwargs: dict[str, Any], n: int) -> list[Any]:
    answers = _column(kwargs, "answer", n)
    if answers is None:
        _warn_once("answer", "trace_reward: the dataset has no 'answer' column; no completion can score above 0.7")
        return [None] * n
    for i, answer in enumerate(answers):
        try:
            parse_number(answer)
        except ValueError as err:
            raise ValueError(f"trace_reward: gold answer {i} is unusable: {err}") from None
    return answers


def _experts(kwargs: dict[str, Any], n: int) -> list[str | None]:
    experts = _column(kwargs, "expert", n) or [None] * n
    labels: list[str | None] = []
    for i, expert in enumerate(experts):
        if isinstance(expert, str) or expert is None:
            labels.append(expert or None)
        elif isinstance(expert, float) and expert != expert:  # pandas' missing value (NaN)
            labels.append(None)
        else:
            raise TypeError(f"trace_reward: expert {i} is {type(expert).__name__} {expert!r:.40}, not a label")
    return labels


def _golds(kwargs: dict[str, Any], n: int) -> list[str | None]:
    """The gold traces (``trace`` column), when the dataset has them; "" or None for a row without."""
    golds = _column(kwargs, "trace", n) or [None] * n
    return [g if isinstance(g, str) and g.strip() else None for g in golds]


def grade_completions(completions: Sequence[Any], **kwargs: Any) -> list[Outcome]:
    """Grade a batch of completions against the ``answer`` / ``expert`` / ``question`` columns, and
    the gold ``trace`` column where a row has one (the completion is then checked as a program on
    variants of the question)."""
    n = len(completions)
    answers, experts, questions = _answers(kwargs, n), _experts(kwargs, n), _questions(kwargs, n)
    golds = _golds(kwargs, n)
    outcomes = [grade_completion(c, a, e, q, g)
                for c, a, e, q, g in zip(completions, answers, experts, questions, golds, strict=True)]
    for outcome, question, gold in zip(outcomes, questions, golds, strict=True):
        if gold is not None and question is not None and outcome.valid and not outcome.program_checked \
                and gold_program(gold, question) is None:
            _warn_once("gold", "trace_reward: a gold trace in the 'trace' column does not run on its question; "
                               "such rows are graded on their answer alone (see trace/program_checked_rate)")
            break
    return outcomes


def _ladder(outcome: Outcome) -> float | None:
    return outcome.reward


def _answer_only(outcome: Outcome) -> float | None:
    return None if outcome.reward is None else float(outcome.correct)


# What each reward variant pays for an outcome (train_grpo.py --rl_reward).
SCORES = {"ladder": _ladder, "correct": _answer_only}


def score_completions(completions: Sequence[Any] | None, reward: str = "ladder",
                      **kwargs: Any) -> tuple[list[Outcome], list[float | None]]:
    """Grade a batch and score it with the named variant of `SCORES`: the outcomes (which carry
    parsed / valid / correct) and the rewards. Logs the rates through ``log_metric`` when given."""
    if reward not in SCORES:
        raise ValueError(f"unknown reward {reward!r}; choose from {sorted(SCORES)}")
    outcomes = grade_completions(list(completions or []), **kwargs)
    faults = [o for o in outcomes if o.category == GRADER_ERROR]
    if faults:
        _log.error("trace_reward: the grader failed on %d of %d completions (scored None, not the policy's "
                   "fault): %s", len(faults), len(outcomes), faults[0].error)
    _log_rates(outcomes, kwargs)
    return outcomes, [SCORES[reward](o) for o in outcomes]


def trace_reward(prompts: Sequence[Any] | None = None, completions: Sequence[Any] | None = None,
                 **kwargs: Any) -> list[float | None]:
    """TRL reward function: one reward in {0.0, 0.3, 0.5, 0.7, 1.0} per completion (None for a
    completion the grader itself failed on)."""
    return score_completions(completions, "ladder", **kwargs)[1]


def correct_reward(prompts: Sequence[Any] | None = None, completions: Sequence[Any] | None = None,
                   **kwargs: Any) -> list[float | None]:
    """TRL reward function: 1.0 for a correct trace, 0.0 for anything else (None for a grader fault).

    The ladder's partial credit (0.7 for a trace that runs but answers wrongly) pays a policy for
    validity as well as for correctness; this variant pays for the answer alone, so a group whose
    completions are all wrong carries no signal instead of a push towards valid-but-wrong traces.
    """
    return score_completions(completions, "correct", **kwargs)[1]


# The reward variants as TRL reward functions, by name.
REWARD_FUNCTIONS = {"ladder": trace_reward, "correct": correct_reward}


def _log_rates(outcomes: list[Outcome], kwargs: dict[str, Any]) -> None:
    if not outcomes:
        return
    n = len(outcomes)
    log_metric = kwargs.get("log_metric")
    if callable(log_metric):
        try:
            log_metric("trace/parse_rate", sum(o.parsed for o in outcomes) / n)
            log_metric("trace/valid_rate", sum(o.valid for o in outcomes) / n)
            log_metric("trace/correct_rate", sum(o.correct for o in outcomes) / n)
            log_metric("trace/grader_error_rate", sum(o.category == GRADER_ERROR for o in outcomes) / n)
            log_metric("trace/program_checked_rate", sum(o.program_checked for o in outcomes) / n)
            log_metric("trace/wrong_program_rate", sum(o.answer_correct and not o.correct for o in outcomes) / n)
        except Exception as err:  # logging must not cost a reward
            warnings.warn(f"trace_reward: log_metric failed: {err}", RuntimeWarning, stacklevel=3)
    log_extra = kwargs.get("log_extra")
    if callable(log_extra):
        try:
            log_extra("trace_category", [o.category for o in outcomes])
        except Exception as err:
            warnings.warn(f"trace_reward: log_extra failed: {err}", RuntimeWarning, stacklevel=3)
