"""The pattern registry: name -> PatternSpec. Pattern modules register themselves on import."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .names import FAMILIES

if TYPE_CHECKING:
    from .context import Ctx, Draft


@dataclass(frozen=True)
class PatternSpec:
    """One problem pattern: a fixed gold-trace shape and several phrasings of its question.

    `phrasings` are templates whose `{slots}` the build function fills. Every phrasing of a
    pattern maps to the same trace shape, so no question form ever gets two structures.
    """

    name: str
    expert: str            # label of the problem ("composition" for composed ones)
    family: str
    phrasings: tuple[str, ...]
    build: Callable[[Ctx], Draft]
    summary: str = ""
    n_experts: int = 1      # number of sub-traces
    variable_length: bool = False   # chain length follows Difficulty.chain_length
    decimals: bool = False  # honours the decimals knob
    gaps: tuple[str, ...] = ()      # GSM8K gaps covered: interleaved, many_inits, long, decimal, ...


PATTERNS: dict[str, PatternSpec] = {}


def pattern(
    name: str,
    expert: str,
    family: str,
    phrasings: list[str] | tuple[str, ...],
    summary: str = "",
    *,
    n_experts: int = 1,
    variable_length: bool = False,
    decimals: bool = False,
    gaps: tuple[str, ...] = (),
) -> Callable[[Callable[[Ctx], Draft]], Callable[[Ctx], Draft]]:
    """Decorator that registers a build function under `name`."""
    if family not in FAMILIES:
        raise ValueError(f"unknown family {family!r}")

    def register(fn: Callable[[Ctx], Draft]) -> Callable[[Ctx], Draft]:
        if name in PATTERNS:
            raise ValueError(f"pattern {name!r} registered twice")
        if not phrasings:
            raise ValueError(f"pattern {name!r} has no phrasings")
        PATTERNS[name] = PatternSpec(
            name=name, expert=expert, family=family, phrasings=tuple(phrasings), build=fn,
            summary=summary or (fn.__doc__ or "").strip().split("\n")[0], n_experts=n_experts,
            variable_length=variable_length, decimals=decimals, gaps=gaps,
        )
        return fn

    return register
