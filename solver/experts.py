"""The experts and the fixed step / compute vocabulary of each."""

from __future__ import annotations

from dataclasses import dataclass

COMPOSITION = "composition"  # label of a problem whose gold trace is composed (a list of sub-traces)

STEP_OPS: frozenset[str] = frozenset(
    {"init", "compute", "query", "percent_of", "percent_off", "percent_increase", "transfer", "consume", "add_entity"}
)
COMPUTE_OPS: frozenset[str] = frozenset(
    {"add", "sub", "mul", "div", "floordiv", "mod", "pow", "min", "max", "floor", "ceil", "round"}
)
# Arity of each compute op: (minimum, maximum) number of args.
COMPUTE_ARITY: dict[str, tuple[int, int]] = {
    "add": (2, 1_000),
    "mul": (2, 1_000),
    "min": (2, 1_000),
    "max": (2, 1_000),
    "sub": (2, 2),
    "div": (2, 2),
    "floordiv": (2, 2),
    "mod": (2, 2),
    "pow": (2, 2),
    "floor": (1, 1),
    "ceil": (1, 1),
    "round": (1, 1),
}


@dataclass(frozen=True)
class ExpertSpec:
    name: str
    step_ops: frozenset[str]
    compute_ops: frozenset[str]


_BASIC = frozenset({"init", "compute", "query"})
_FOUR = frozenset({"add", "sub", "mul", "div"})

EXPERTS: dict[str, ExpertSpec] = {
    "arithmetic": ExpertSpec("arithmetic", _BASIC, COMPUTE_OPS),
    "comparison": ExpertSpec("comparison", _BASIC, _FOUR | {"min", "max"}),
    "rate_equation": ExpertSpec("rate_equation", _BASIC, _FOUR),
    "entity_track": ExpertSpec("entity_track", _BASIC | {"transfer", "consume", "add_entity"}, _FOUR),
    "percentage": ExpertSpec(
        "percentage", _BASIC | {"percent_of", "percent_off", "percent_increase"}, _FOUR
    ),
}
