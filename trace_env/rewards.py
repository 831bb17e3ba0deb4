"""The GSMTrace reward as a TRL reward function.

``trace_reward(prompts, completions, **kwargs) -> list[float]`` follows the TRL 1.x contract used
by GRPOTrainer and RLOOTrainer: dataset columns arrive as keyword lists (one entry per
completion), plus ``trainer_state``, ``log_metric`` and ``log_extra``. It reads the ``answer``
column and the optional ``expert`` and ``question`` columns, accepts plain-text or chat-message
completions, logs parse / valid / correct rates through ``log_metric`` when given, and never
raises. Works as ``trl grpo --reward_funcs trace_env.rewards.trace_reward``.

Depends only on ``solver`` and the standard library.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

from solver import Outcome, grade

__all__ = ["completion_text", "grade_completions", "trace_reward"]


def completion_text(completion: Any) -> str:
    """The text of one completion: a string, or the assistant turn(s) of a chat-message list."""
    if isinstance(completion, str):
        return completion
    if isinstance(completion, dict):
        completion = [completion]
    if isinstance(completion, (list, tuple)):
        parts = [_content(m) for m in completion if isinstance(m, dict) and m.get("role", "assistant") == "assistant"]
        return "\n".join(p for p in parts if p)
    return ""


def _content(message: dict) -> str:
    content = message.get("content")
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # content parts: [{"type": "text", "text": ...}, ...]
        return "\n".join(p.get("text", "") for p in content if isinstance(p, dict) and isinstance(p.get("text"), str))
    return ""


def _column(kwargs: dict[str, Any], name: str, n: int) -> list[Any]:
    values = kwargs.get(name)
    if values is None or isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
        return [values] * n if isinstance(values, str) else [None] * n
    values = list(values)
    return values + [None] * (n - len(values)) if len(values) < n else values[:n]


def grade_completions(completions: Sequence[Any], **kwargs: Any) -> list[Outcome]:
    """Grade a batch of completions against the ``answer`` / ``expert`` / ``question`` columns."""
    n = len(completions)
    answers = _column(kwargs, "answer", n)
    experts = _column(kwargs, "expert", n)
    questions = _column(kwargs, "question", n)
    if kwargs.get("answer") is None:
        warnings.warn("trace_reward: the dataset has no 'answer' column; no completion can score above 0.7",
                      RuntimeWarning, stacklevel=3)
    outcomes = []
    for completion, answer, expert, question in zip(completions, answers, experts, questions, strict=True):
        label = expert if isinstance(expert, str) and expert else None
        outcomes.append(grade(completion_text(completion), answer, label, question if isinstance(question, str) else None))
    return outcomes


def trace_reward(prompts: Sequence[Any] | None = None, completions: Sequence[Any] | None = None,
                 **kwargs: Any) -> list[float]:
    """TRL reward function: one reward in {0.0, 0.3, 0.5, 0.7, 1.0} per completion."""
    completions = list(completions or [])
    try:
        outcomes = grade_completions(completions, **kwargs)
    except Exception as err:  # never take a training run down; an all-zero batch is visible in the logs
        warnings.warn(f"trace_reward failed: {type(err).__name__}: {err}", RuntimeWarning, stacklevel=2)
        return [0.0] * len(completions)
    _log(outcomes, kwargs)
    return [o.reward for o in outcomes]


def _log(outcomes: list[Outcome], kwargs: dict[str, Any]) -> None:
    if not outcomes:
        return
    n = len(outcomes)
    log_metric = kwargs.get("log_metric")
    if callable(log_metric):
        try:
            log_metric("trace/parse_rate", sum(o.parsed for o in outcomes) / n)
            log_metric("trace/valid_rate", sum(o.valid for o in outcomes) / n)
            log_metric("trace/correct_rate", sum(o.correct for o in outcomes) / n)
        except Exception as err:  # logging must not cost a reward
            warnings.warn(f"trace_reward: log_metric failed: {err}", RuntimeWarning, stacklevel=3)
    log_extra = kwargs.get("log_extra")
    if callable(log_extra):
        try:
            log_extra("trace_category", [o.category for o in outcomes])
        except Exception as err:
            warnings.warn(f"trace_reward: log_extra failed: {err}", RuntimeWarning, stacklevel=3)
