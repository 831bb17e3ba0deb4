"""Generator configuration: every knob, plus difficulty levels and presets.

`validate()` checks a config on its own terms (ranges, known expert and family names); whether
its pattern names exist and leave something selectable is checked against the pattern registry
by `generators.configure.make_config`, where configs are made.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from .names import EXPERT_LABELS, FAMILIES, ConfigError
from .wording import MODES as WORDING_MODES

DEFAULT_EXPERT_WEIGHTS = {
    "entity_track": 0.15,
    "arithmetic": 0.30,
    "comparison": 0.15,
    "percentage": 0.12,
    "rate_equation": 0.12,
    "composition": 0.16,
}


@dataclass(frozen=True)
class Difficulty:
    """How hard items are.

    magnitude: 1 small numbers (tens), 2 hundreds, 3 thousands, 4 hundreds of thousands.
    chain_length: (min, max) number of events in the variable-length (long-chain) patterns;
        each event adds an init and a compute, so 3 events already give 8 steps.
    max_experts: largest number of sub-traces a composed item may have (1 disables them).
    """

    magnitude: int = 2
    chain_length: tuple[int, int] = (3, 5)
    max_experts: int = 3

    def __post_init__(self) -> None:
        if isinstance(self.chain_length, list):
            object.__setattr__(self, "chain_length", tuple(self.chain_length))

    def validate(self) -> None:
        if self.magnitude not in (1, 2, 3, 4):
            raise ConfigError(f"magnitude must be 1..4, got {self.magnitude}")
        if not isinstance(self.chain_length, tuple) or len(self.chain_length) != 2:
            raise ConfigError(f"chain_length must be a (min, max) pair, got {self.chain_length!r}")
        lo, hi = self.chain_length
        if not (isinstance(lo, int) and isinstance(hi, int) and 3 <= lo <= hi <= 12):
            raise ConfigError(f"chain_length must satisfy 3 <= min <= max <= 12, got {self.chain_length}")
        if self.max_experts not in (1, 2, 3):
            raise ConfigError(f"max_experts must be 1, 2 or 3, got {self.max_experts}")


LEVELS: dict[int, Difficulty] = {
    1: Difficulty(magnitude=1, chain_length=(3, 3), max_experts=1),
    2: Difficulty(magnitude=2, chain_length=(3, 4), max_experts=2),
    3: Difficulty(magnitude=2, chain_length=(4, 6), max_experts=3),
    4: Difficulty(magnitude=3, chain_length=(5, 8), max_experts=3),
    5: Difficulty(magnitude=4, chain_length=(7, 10), max_experts=3),
}


@dataclass(frozen=True)
class Curriculum:
    """Difficulty that rises with the item index: `schedule` lists (first_index, level).

    `Curriculum.linear(1, 5, 4000)` spreads levels 1..5 evenly over 4000 items. For raising
    difficulty on demand instead, use `GeneratorConfig.at_level(k)` or `CurriculumSampler`.
    """

    schedule: tuple[tuple[int, int], ...] = ((0, 1),)

    @classmethod
    def linear(cls, start: int, end: int, n_items: int) -> Curriculum:
        if start > end or n_items <= 0:
            raise ConfigError("linear curriculum needs start <= end and n_items > 0")
        span = end - start + 1
        return cls(tuple((n_items * i // span, start + i) for i in range(span)))

    def level_at(self, index: int) -> int:
        level = self.schedule[0][1]
        for first, lvl in self.schedule:
            if index >= first:
                level = lvl
        return level

    def validate(self) -> None:
        if not self.schedule or self.schedule[0][0] != 0:
            raise ConfigError("curriculum schedule must start at index 0")
        firsts = [f for f, _ in self.schedule]
        if firsts != sorted(set(firsts)):
            raise ConfigError("curriculum schedule indices must strictly increase")
        for _, lvl in self.schedule:
            if lvl not in LEVELS:
                raise ConfigError(f"unknown curriculum level {lvl}; levels are {sorted(LEVELS)}")


@dataclass(frozen=True)
class GeneratorConfig:
    """Every knob of `generate`. Probabilities are per item (or per number for words/commas).

    expert_weights: relative weight of each expert label ("composition" for composed items).
    pattern_weights: relative weight of a pattern inside its expert (default 1; 0 disables).
    family_weights: multiplier on the weight of every pattern of a family (see FAMILIES).
    patterns: if given, only these patterns are used.
    phrasings: how many phrasings of each pattern to use; 1 = one template per pattern.
    wording: the wording mode (`generators.wording.MODES`): "all"; "train" (known parts in a
        training combination, none of the whole patterns in `select.HELDOUT_PATTERNS`);
        "frontier" (known parts, the combinations kept for RL prompts); the held-out families
        "combinations", "parts" and "patterns"; or "heldout" (parts and patterns together).
    number_words: chance that an item spells out its small counts ("seven", "forty").
    thousands_separators: chance that an item writes numbers >= 1000 with commas ("12,500").
    decimals: chance that a pattern that supports it uses decimal values ($2.50, 1.5 hours).
    distractors: chance of adding irrelevant sentences with numbers; up to max_distractors.
    integer_answers: keep every answer whole (GSM8K style); False also allows finite decimals.
    refs: write question numbers as `init {ref: N}` (for the numbered-quantities prompt)
        instead of `init {value: ...}`; numbers whose quantity reads differently keep `value`.
    difficulty / level / curriculum: see `Difficulty`, `LEVELS`, `Curriculum` (a curriculum
        overrides the level per item; a level overrides `difficulty`).
    namespace: namespace of the item RNG (its key, and part of the ids); different namespaces never
        share items by construction.
    """

    expert_weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_EXPERT_WEIGHTS))
    pattern_weights: dict[str, float] = field(default_factory=dict)
    family_weights: dict[str, float] = field(default_factory=dict)
    patterns: tuple[str, ...] | None = None
    phrasings: int = 8
    wording: str = "all"
    number_words: float = 0.1
    thousands_separators: float = 0.7
    decimals: float = 0.15
    distractors: float = 0.1
    max_distractors: int = 1
    integer_answers: bool = True
    refs: bool = False
    difficulty: Difficulty = field(default_factory=Difficulty)
    level: int | None = None
    curriculum: Curriculum | None = None
    namespace: str = "train"

    def __post_init__(self) -> None:
        # Normalise list inputs so configs stay hashable-friendly and comparable.
        if isinstance(self.patterns, list | str):
            object.__setattr__(self, "patterns", (self.patterns,) if isinstance(self.patterns, str) else tuple(self.patterns))

    def difficulty_at(self, index: int) -> tuple[Difficulty, int | None]:
        """The difficulty (and level, if any) that applies to item `index`."""
        if self.curriculum is not None:
            lvl = self.curriculum.level_at(index)
            return LEVELS[lvl], lvl
        if self.level is not None:
            return LEVELS[self.level], self.level
        return self.difficulty, None

    def at_level(self, level: int) -> GeneratorConfig:
        """Same knobs at a fixed difficulty level (raise difficulty on demand)."""
        return dataclasses.replace(self, level=level, curriculum=None).validated()

    def replace(self, **changes: Any) -> GeneratorConfig:
        return dataclasses.replace(self, **changes).validated()

    def validated(self) -> GeneratorConfig:
        self.validate()
        return self

    def validate(self) -> None:
        """Ranges and names of this config alone (pattern names: see `configure.make_config`)."""
        for name, w in self.expert_weights.items():
            if name not in EXPERT_LABELS:
                raise ConfigError(f"unknown expert {name!r}; experts are {EXPERT_LABELS}")
            _check_weight(f"expert_weights[{name!r}]", w)
        if not any(w > 0 for w in self.expert_weights.values()):
            raise ConfigError("expert_weights must give some expert a positive weight")
        for name, w in self.pattern_weights.items():
            _check_weight(f"pattern_weights[{name!r}]", w)
        for name, w in self.family_weights.items():
            if name not in FAMILIES:
                raise ConfigError(f"unknown family {name!r}; families are {FAMILIES}")
            _check_weight(f"family_weights[{name!r}]", w)
        if self.patterns is not None and not self.patterns:
            raise ConfigError("patterns must be a non-empty list of pattern names (or None for all)")
        if not isinstance(self.phrasings, int) or self.phrasings < 1:
            raise ConfigError(f"phrasings must be an int >= 1, got {self.phrasings!r}")
        if self.wording not in WORDING_MODES:
            raise ConfigError(f"wording must be one of {WORDING_MODES}, got {self.wording!r}")
        for knob in ("number_words", "thousands_separators", "decimals", "distractors"):
            v = getattr(self, knob)
            if not isinstance(v, int | float) or not 0.0 <= v <= 1.0:
                raise ConfigError(f"{knob} must be a probability in [0, 1], got {v!r}")
        if not isinstance(self.max_distractors, int) or not 0 <= self.max_distractors <= 3:
            raise ConfigError("max_distractors must be an int in 0..3")
        self.difficulty.validate()
        if self.level is not None and self.level not in LEVELS:
            raise ConfigError(f"level must be one of {sorted(LEVELS)}, got {self.level!r}")
        if self.curriculum is not None:
            self.curriculum.validate()
        if not self.namespace or not self.namespace.replace("_", "").isalnum():
            raise ConfigError(f"namespace must be a short alphanumeric name, got {self.namespace!r}")


def _check_weight(label: str, w: object) -> None:
    if not isinstance(w, int | float) or w < 0 or w != w or w == float("inf"):
        raise ConfigError(f"{label} must be a finite weight >= 0, got {w!r}")


PRESETS: dict[str, dict[str, Any]] = {
    # The seed experiment's setup: one template per pattern, clean numbers, no noise.
    "seed": dict(phrasings=1, number_words=0.0, thousands_separators=0.0, decimals=0.0, distractors=0.0, level=2),
    # Short single-expert problems with small numbers.
    "easy": dict(level=1, distractors=0.0, number_words=0.0, decimals=0.0, family_weights={"arithmetic_long": 0.0}),
    # The defaults (GeneratorConfig()).
    "default": {},
    # Level 3: medium chains, all compositions.
    "medium": dict(level=3),
    # Longer chains, bigger numbers, more compositions and noise.
    "hard": dict(
        level=4,
        expert_weights={**DEFAULT_EXPERT_WEIGHTS, "composition": 0.35, "arithmetic": 0.3},
        family_weights={"arithmetic_long": 4.0, "arithmetic_interleaved": 2.0, "composition_3": 2.0},
        number_words=0.2, decimals=0.3, distractors=0.35, max_distractors=2,
    ),
    # Difficulty rising from level 1 to 5 over the first 5000 items.
    "curriculum": dict(curriculum=Curriculum.linear(1, 5, 5000), distractors=0.2),
}

