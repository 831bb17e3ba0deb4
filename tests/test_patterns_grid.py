"""The composition grid (generators/patterns/grid.py): its cells, its wirings and what it keeps out
of training. (Each cell's answer is recomputed from its question in test_patterns_semantics.py.)

Wirings are read from the gold traces' sub-traces, not from the module's tables.
"""

from __future__ import annotations

from collections import defaultdict

import yaml

import generators
from generators.registry import PATTERNS
from generators.select import HELDOUT_COMPOSITIONS, HELDOUT_PATTERNS

GRID = sorted(n for n in PATTERNS if n.startswith("grid_"))
HEADS = ("events", "stock", "compare", "fewer", "rate", "team", "sum", "left", "groups", "pct")
TAILS = ("share", "boxes", "sell", "minus", "percent", "compare", "events")


Wiring = tuple[str, tuple[str, ...], str, bool]


def _ops(part: dict) -> tuple[str, ...]:
    return tuple(step.get("compute_op", step["op"]) for step in part["trace"] if step["op"] not in ("init", "query"))


def _wirings(trace: str) -> set[Wiring]:
    """(first expert, its operations, second expert, whether the second divides) for each sub-trace
    and the next."""
    parts = yaml.safe_load(trace)
    return {(a["expert"], _ops(a), b["expert"], "div" in _ops(b)) for a, b in zip(parts, parts[1:], strict=False)}


def _wirings_of(names: list[str], n: int = 12) -> dict[str, set[Wiring]]:
    out = defaultdict(set)
    for name in names:
        for p in generators.generate(n, seed=11, patterns=(name,), wording="all"):
            out[name] |= _wirings(p.trace)
    return out


def test_the_grid_has_a_cell_for_every_head_and_tail_but_the_held_out_wirings():
    cells = {tuple(n.split("_")[1:]) for n in GRID}
    # a division tail (share, boxes) never follows the heads of the held-out compositions
    held = {(h, t) for h in ("events", "compare", "rate") for t in ("share", "boxes")}
    assert cells == {(h, t) for h in HEADS for t in TAILS} - held
    assert not set(GRID) & HELDOUT_PATTERNS


def test_no_trained_composition_wires_sub_structures_the_way_a_held_out_one_does():
    held = set().union(*_wirings_of(sorted(HELDOUT_COMPOSITIONS)).values())
    assert held == {("entity_track", ("transfer", "consume"), "arithmetic", True),
                    ("comparison", ("add", "add"), "arithmetic", True),
                    ("rate_equation", ("mul",), "arithmetic", True)}
    trained = [n for n, s in PATTERNS.items() if s.expert == "composition" and n not in HELDOUT_PATTERNS]
    seen = _wirings_of(trained, n=4)
    for name, wirings in seen.items():
        assert not wirings & held, name
    everything = set().union(*seen.values())
    for expert, ops, _, _ in held:
        # the same first sub-structure is trained with other tails...
        assert any(w[:2] == (expert, ops) and not w[3] for w in everything)
        # ...and another sub-structure of the same expert is trained into a division
        assert any(w[0] == expert and w[1] != ops and w[3] for w in everything)


def test_which_tail_follows_is_not_told_by_the_head():
    # the point of the grid: the first sub-trace's expert does not tell the second's
    firsts, seconds = defaultdict(set), defaultdict(set)
    for wirings in _wirings_of(GRID, n=2).values():
        for first, _, second, _ in wirings:
            firsts[first].add(second)
            seconds[second].add(first)
    assert set(firsts) == {"entity_track", "comparison", "rate_equation", "arithmetic", "percentage"}
    assert all(len(tails) == 4 for tails in firsts.values()), dict(firsts)
    assert all(len(heads) == 5 for heads in seconds.values()), dict(seconds)


def test_the_grid_is_training_wording_and_its_held_out_parts_stay_out_of_it():
    train = generators.generate(1500, seed=8, patterns=tuple(GRID), wording="train")
    parts = generators.generate(200, seed=8, patterns=tuple(GRID), wording="parts")
    assert {p.pattern for p in train} == set(GRID)
    assert all(p.difficulty["held_parts"] == 0 and p.difficulty["phrasing"] < 2 for p in train)
    assert all(p.difficulty["held_parts"] > 0 for p in parts)
    assert any(p.difficulty["phrasing"] == 2 for p in parts)  # a cell's third template is held out
    assert not {p.question for p in train} & {p.question for p in parts}
