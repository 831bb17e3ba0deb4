"""Where generator configs are made: preset + overrides, then checks against the pattern registry.

`GeneratorConfig.validate()` knows only the config; this module also knows the registered
patterns, so it refuses unknown pattern names and configs under which some difficulty level
leaves no pattern to choose from.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from .config import PRESETS, Curriculum, Difficulty, GeneratorConfig
from .names import ConfigError
from .registry import PATTERNS
from .select import candidate_patterns


def make_config(preset: str | None = None, config: GeneratorConfig | None = None, **overrides: Any) -> GeneratorConfig:
    """A checked config from a preset name, an existing config, and keyword overrides."""
    if preset is not None and config is not None:
        raise ConfigError("give either preset= or config=, not both")
    if preset is not None:
        if preset not in PRESETS:
            raise ConfigError(f"unknown preset {preset!r}; presets are {sorted(PRESETS)}")
        base: dict[str, Any] = dict(PRESETS[preset])
        base.update(overrides)
        overrides = base
        config = GeneratorConfig()
    config = config or GeneratorConfig()
    fields = {f.name for f in dataclasses.fields(GeneratorConfig)}
    unknown = sorted(set(overrides) - fields)
    if unknown:
        raise ConfigError(f"unknown config option(s) {unknown}; options are {sorted(fields)}")
    if "patterns" in overrides and overrides["patterns"] is not None:
        overrides["patterns"] = tuple(overrides["patterns"])
    if isinstance(overrides.get("difficulty"), dict):
        diff = dict(overrides["difficulty"])
        if "chain_length" in diff:
            diff["chain_length"] = tuple(diff["chain_length"])
        try:
            overrides["difficulty"] = Difficulty(**diff)
        except TypeError as err:
            raise ConfigError(f"bad difficulty: {err}") from None
    if isinstance(overrides.get("curriculum"), list | tuple):
        overrides["curriculum"] = Curriculum(tuple(tuple(x) for x in overrides["curriculum"]))
    made = dataclasses.replace(config, **overrides).validated()
    check_patterns(made)
    return made


def check_patterns(cfg: GeneratorConfig) -> None:
    """Raise ConfigError when `cfg` names an unknown pattern or some level selects nothing."""
    unknown = sorted({*cfg.pattern_weights, *(cfg.patterns or ())} - set(PATTERNS))
    if unknown:
        raise ConfigError(f"unknown pattern(s) {unknown}; see `python -m generators patterns`")
    firsts = [first for first, _ in cfg.curriculum.schedule] if cfg.curriculum is not None else [0]
    for index in firsts:  # each level of a curriculum must leave something to choose
        candidate_patterns(cfg, cfg.difficulty_at(index)[0])
