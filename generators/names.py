"""The names a generator config may use: expert labels and pattern families, and its error type.

A leaf module (it imports only `solver`), so the config, the pattern registry and the selection
logic can all name experts and families without importing each other.
"""

from __future__ import annotations

from solver import COMPOSITION, EXPERTS

# Every expert label a problem can carry: the solver's experts plus the composed-trace label.
EXPERT_LABELS: tuple[str, ...] = (*EXPERTS, COMPOSITION)

FAMILIES = (
    "entity_track",
    "arithmetic_sequential",
    "arithmetic_interleaved",
    "arithmetic_long",
    "comparison",
    "percentage",
    "rate_equation",
    "composition_2",
    "composition_3",
)


class ConfigError(ValueError):
    """A configuration value is out of range or names something unknown."""
