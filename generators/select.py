"""Which pattern and which phrasing an item uses, given the config."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from .names import ConfigError
from .registry import PATTERNS, PatternSpec

if TYPE_CHECKING:
    from .config import Difficulty, GeneratorConfig

_CACHE: dict[tuple, list[tuple[PatternSpec, float]]] = {}

# Whole patterns no training stage draws, in two held-out families. A fixed list, not a rule over
# registration order, so adding a pattern never moves an existing one across the split.
# "structures": one problem structure per expert that no other pattern has (a new op or constant
# in its expert: how many times, 24 hours a day, a running balance, ...).
HELDOUT_STRUCTURES = frozenset({
    "ai_decimal_weight", "cmp_how_many_times", "pct_commission", "comp3_discount_change",
    "et_running_balance", "rate_hours_days",
})
# "patterns": compositions whose every sub-trace is a structure training has (the same shape
# functions as the trained patterns), wired together as no trained composition wires them.
HELDOUT_COMPOSITIONS = frozenset({"comp_share_after_events", "comp_compare_then_pack", "comp_rate_then_pack"})
# Their wirings: (first expert, the first sub-trace's operations, the second's operation). Each
# held-out composition divides the result of one trained sub-structure (a transfer then a loss,
# more-than then together, rate times hours). No trained composition wires that sub-structure
# into a division; trained ones do divide other entity_track, comparison and rate_equation
# results, and do wire those three into other tails. The composition grid (patterns/grid.py)
# has every other cell of its heads and tails.
HELDOUT_WIRINGS = frozenset({
    ("entity_track", ("transfer", "consume"), "div"),
    ("comparison", ("add", "add"), "div"),
    ("rate_equation", ("mul",), "div"),
})
HELDOUT_PATTERNS = HELDOUT_STRUCTURES | HELDOUT_COMPOSITIONS


def held_family(name: str) -> str | None:
    """The wording mode that draws pattern `name` whole ("patterns" or "structures"), or None."""
    return "patterns" if name in HELDOUT_COMPOSITIONS else "structures" if name in HELDOUT_STRUCTURES else None


def allowed_phrasings(spec: PatternSpec, cfg: GeneratorConfig) -> list[int]:
    """Indices of the templates this config may start from for `spec` (possibly empty): those its
    wording mode allows (`generators.wording`), the first `cfg.phrasings` of them."""
    from .patterns._phrasings import GRAMMAR

    return GRAMMAR.template_choices(spec.name, cfg.wording, held_family(spec.name))[: cfg.phrasings]


def candidate_patterns(cfg: GeneratorConfig, diff: Difficulty) -> list[tuple[PatternSpec, float]]:
    """(pattern, probability) for every selectable pattern; raises ConfigError if none."""
    key = (
        tuple(sorted(cfg.expert_weights.items())), tuple(sorted(cfg.pattern_weights.items())),
        tuple(sorted(cfg.family_weights.items())),
        cfg.patterns, cfg.wording, cfg.phrasings, diff.max_experts, len(PATTERNS),
    )
    if key in _CACHE:
        return _CACHE[key]
    by_expert: dict[str, list[tuple[PatternSpec, float]]] = {}
    for spec in PATTERNS.values():
        if cfg.patterns is not None and spec.name not in cfg.patterns:
            continue
        w = cfg.pattern_weights.get(spec.name, 1.0) * cfg.family_weights.get(spec.family, 1.0)
        if w <= 0 or spec.n_experts > diff.max_experts or not allowed_phrasings(spec, cfg):
            continue
        by_expert.setdefault(spec.expert, []).append((spec, w))
    total_expert = sum(cfg.expert_weights.get(e, 0.0) for e in by_expert)
    if total_expert <= 0:
        raise ConfigError(
            "no pattern is selectable: check expert_weights, pattern_weights, patterns, "
            "wording and the difficulty's max_experts"
        )
    out = []
    for expert, specs in sorted(by_expert.items()):
        ew = cfg.expert_weights.get(expert, 0.0) / total_expert
        pw_total = sum(w for _, w in specs)
        out.extend((spec, ew * w / pw_total) for spec, w in specs if ew > 0)
    if len(_CACHE) > 256:  # many distinct configs in one process: start over
        _CACHE.clear()
    _CACHE[key] = out
    return out


def choose(rng: random.Random, options: list[tuple[PatternSpec, float]]) -> PatternSpec:
    r = rng.random()
    acc = 0.0
    for spec, p in options:
        acc += p
        if r < acc:
            return spec
    return options[-1][0]
