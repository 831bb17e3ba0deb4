"""generators: the pattern registry, coverage of the seed's families and GSM8K gaps, and
every pattern verified over many seeds and configurations (what each answer means is checked
in test_patterns_semantics.py)."""

from __future__ import annotations

from collections import Counter

import pytest

from generators import FAMILIES, PATTERNS, generate
from solver import EXPERTS, grade

SINGLE_EXPERTS = set(EXPERTS)


def test_at_least_forty_patterns_across_every_family():
    assert len(PATTERNS) >= 40
    by_family = Counter(spec.family for spec in PATTERNS.values())
    assert set(by_family) == set(FAMILIES)
    for family in FAMILIES:
        assert by_family[family] >= 2, family
    assert sum(spec.n_experts == 3 for spec in PATTERNS.values()) >= 3


def test_every_pattern_has_several_distinct_phrasings():
    for spec in PATTERNS.values():
        assert len(spec.phrasings) >= 3, spec.name
        assert len(set(spec.phrasings)) == len(spec.phrasings), spec.name
        assert spec.summary, spec.name


def test_gsm8k_gaps_are_covered():
    gaps = Counter(g for spec in PATTERNS.values() for g in spec.gaps)
    for gap in ("interleaved", "many_inits", "long", "decimals", "fractions", "constants"):
        assert gaps[gap] >= 2, gap


def _problems_of(name: str, n: int, **cfg):
    return generate(n, seed=1234, patterns=[name], **cfg)


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_pattern_verified_over_many_seeds(name):
    spec = PATTERNS[name]
    problems = _problems_of(name, 25) + _problems_of(name, 10, preset="hard") + \
        _problems_of(name, 10, integer_answers=False, decimals=1.0, number_words=1.0)
    for p in problems:
        assert p.pattern == name and p.expert == spec.expert
        out = grade(p.trace, p.answer, expert=p.expert, question=p.question)
        assert out.reward == 1.0, (p.question, p.trace, out)
        parts = p.trace_data if isinstance(p.trace_data, list) else [p.trace_data]
        assert len(parts) == spec.n_experts
        assert (p.expert == "composition") == (spec.n_experts > 1)
        for part in parts:
            assert part["expert"] in SINGLE_EXPERTS
            assert part["trace"][-1]["op"] == "query"


def test_long_chains_have_at_least_eight_steps():
    long_names = [s.name for s in PATTERNS.values() if s.family == "arithmetic_long"]
    for p in generate(200, seed=5, patterns=long_names, difficulty={"chain_length": (3, 3)}):
        assert p.difficulty["steps"] >= 8, (p.pattern, p.difficulty)


def test_interleaved_patterns_init_after_a_compute():
    names = [s.name for s in PATTERNS.values() if s.family == "arithmetic_interleaved"]
    for p in generate(100, seed=6, patterns=names):
        ops = [s["op"] for s in p.trace_data["trace"]]
        first_compute = ops.index("compute")
        assert "init" in ops[first_compute:], (p.pattern, ops)


def test_compositions_wire_results_forward():
    comp = [s.name for s in PATTERNS.values() if s.n_experts > 1]
    seen_subk = False
    for p in generate(200, seed=7, patterns=comp):
        for i, part in enumerate(p.trace_data):
            sources = [s["source"] for s in part["trace"] if s["op"] == "init" and "source" in s]
            if i == 0:
                assert not sources
            else:
                assert sources, (p.pattern, i)
            seen_subk |= any(s.startswith("sub") for s in sources)
    assert seen_subk, "no composition reads an earlier result with subN.result"


@pytest.mark.slow
def test_all_patterns_at_every_level_and_knob_extreme():
    for level in (1, 2, 3, 4, 5):
        for p in generate(600, seed=level, level=level, distractors=1.0, max_distractors=2,
                          number_words=1.0, decimals=1.0, thousands_separators=1.0):
            assert grade(p.trace, p.answer, expert=p.expert, question=p.question).reward == 1.0
