"""Raise difficulty on demand: a stateful sampler over the pure `generate_one`."""

from __future__ import annotations

from typing import Any

from .config import LEVELS, GeneratorConfig
from .configure import make_config
from .core import generate_one
from .problem import Problem


class CurriculumSampler:
    """Hands out batches at the current level and moves to the next level when asked.

    Item indices keep counting across calls, so no item repeats; each item is still the pure
    function generate_one(seed, index, config.at_level(level)).

        sampler = CurriculumSampler(seed=0, level=1)
        batch = sampler.next_batch(64)
        if accuracy > 0.8:
            sampler.advance()
    """

    def __init__(self, seed: int = 0, level: int = 1, config: GeneratorConfig | None = None,
                 start: int = 0, **overrides: Any):
        self.seed = seed
        self.base = make_config(config=config, **overrides)
        self.index = start
        self.level = level
        self._config = make_config(config=self.base.at_level(level))

    def set_level(self, level: int) -> None:
        self._config = make_config(config=self.base.at_level(level))
        self.level = level

    def advance(self) -> bool:
        """Go up one level; False when already at the top."""
        if self.level >= max(LEVELS):
            return False
        self.set_level(self.level + 1)
        return True

    def next_batch(self, n: int) -> list[Problem]:
        out = [generate_one(self.seed, i, self._config) for i in range(self.index, self.index + n)]
        self.index += n
        return out
