"""The solver's memory, in one place: every remembered function, and one call that forgets them all.

Grading is a pure function of its inputs, so the solver remembers what it computed per question
and per output (`functools.lru_cache`, bounded). `remembered(n)` is that decorator plus a
registry, so a benchmark timing work from scratch, or a test that patches a grader's insides,
calls `forget()` instead of reaching for each module's private functions.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

_REMEMBERED: list[Any] = []


def remembered(maxsize: int) -> Callable[[F], F]:
    """`functools.lru_cache(maxsize)` whose memory `forget()` clears."""

    def wrap(fn: F) -> F:
        cached = lru_cache(maxsize=maxsize)(fn)
        _REMEMBERED.append(cached)
        return cached  # type: ignore[return-value]

    return wrap


def forget() -> int:
    """Clear every remembered result in the solver; returns how many functions were cleared."""
    for cached in _REMEMBERED:
        cached.cache_clear()
    return len(_REMEMBERED)
