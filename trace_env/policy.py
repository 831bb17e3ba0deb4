"""The policy protocol: a batch of observations in, a batch of trace texts out.

It lives beside the environments and the evaluator, which drive policies; `agents` implements it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol, runtime_checkable


@runtime_checkable
class Policy(Protocol):
    """Anything that writes traces for a batch of problem texts.

    `act` receives observations (problem texts, or refinement texts from `GSMTraceRefine-v1`)
    and returns one text per observation, in order. Policies may also offer `stats() -> dict`
    (e.g. how many generations hit the token limit), which the evaluator records in the report,
    and `sample(observations, k, temperature) -> list[list[str]]` (k sampled texts per
    observation, for pass@k and maj@k).
    """

    name: str

    def act(self, observations: list[str]) -> list[str]: ...


class FunctionPolicy:
    """Wrap a plain function `fn(list[str]) -> list[str]` as a `Policy`."""

    def __init__(self, fn: Callable[[list[str]], Sequence[str]], name: str | None = None) -> None:
        self.fn = fn
        self.name = name or getattr(fn, "__name__", "function")

    def act(self, observations: list[str]) -> list[str]:
        return list(self.fn(list(observations)))


def as_policy(obj: Any) -> Policy:
    """A `Policy` from an agent object or a bare callable; a clear TypeError otherwise.

    An object with `act` but no `name` is named after its class.
    """
    if callable(getattr(obj, "act", None)):
        if not hasattr(obj, "name"):
            obj.name = type(obj).__name__
        return obj
    if callable(obj):
        return FunctionPolicy(obj)
    raise TypeError(f"expected a policy with .act(observations) or a callable, got {type(obj).__name__}")
