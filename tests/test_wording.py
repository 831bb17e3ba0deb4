"""The wording grammar (generators.wording): parsing, counting, held-out parts, families, and the
training stages' leak check."""

from __future__ import annotations

import random

import pytest

import generators
from generators.patterns._phrasings import GRAMMAR
from generators.select import HELDOUT_PATTERNS
from generators.wording import BUCKETS, COMBINATION_BUCKET, FRONTIER_BUCKET, Grammar, WordingError

SMALL = Grammar({"toy": ("[Ann|Bo|Cy|Di] has {n} <red|blue> [cups|mugs|jars|pots] [today|now].", "{n} cups [are|sit] {@where}.",
                         "Cups: {n}.")},
                {"where": ["here", "there", "[up|down] there"]})


def _texts(grammar: Grammar, mode: str, draws: int = 4000) -> set[str]:
    rng = random.Random(0)
    return {grammar.draw("toy", mode, rng, held_pattern=False).text for _ in range(draws)}


def test_counts_match_the_forms_drawn():
    # by hand: template 0 = 4 names x 2 orders x 4 nouns x 2 = 64; template 1 = 2 verbs x (1 + 1 + 2)
    # = 8; template 2 = 1. Seen only: template 2 (the last of three), "Di", "pots" and "[up|down] there" go.
    assert SMALL.count("toy") == 73
    assert SMALL.count("toy", seen_only=True) == 3 * 2 * 3 * 2 + 2 * 2
    assert len(_texts(SMALL, "all", draws=20000)) == 73


def test_seen_modes_never_draw_a_held_out_part():
    seen = _texts(SMALL, "train") | _texts(SMALL, "frontier") | _texts(SMALL, "combinations")
    held = ("Di", "pots", "down there", "up there")
    assert not any(any(h in t for h in held) or t == "Cups: {n}." for t in seen)
    parts = _texts(SMALL, "parts")
    assert all(any(h in t for h in held) or t == "Cups: {n}." for t in parts)
    assert "Cups: {n}." in parts and any("Di" in t for t in parts)


def test_buckets_split_the_seen_combinations():
    rng = random.Random(1)
    for mode, bucket in (("combinations", COMBINATION_BUCKET), ("frontier", FRONTIER_BUCKET)):
        w = SMALL.draw("toy", mode, rng, held_pattern=False)
        assert w.bucket == bucket and w.held_parts == 0
    train = [SMALL.draw("toy", "train", rng, held_pattern=False) for _ in range(200)]
    assert {w.bucket for w in train}.isdisjoint({COMBINATION_BUCKET, FRONTIER_BUCKET})
    assert all(0 <= w.bucket < BUCKETS for w in train)


@pytest.mark.parametrize("template, message", [
    ("[a|b", "missing"), ("a|b]", "unbalanced"), ("[a]", "two or more"), ("x {@nowhere}", "no phrasing file"),
])
def test_bad_templates_fail_at_load(template, message):
    with pytest.raises(WordingError, match=message):
        Grammar({"toy": (template,)}, {})


def test_a_pool_that_refers_to_itself_fails():
    with pytest.raises(WordingError, match="itself"):
        Grammar({"toy": ("{@a}",)}, {"a": ["x", "{@b}"], "b": ["{@a}", "y"]})


def test_held_out_patterns_only_in_their_family():
    with pytest.raises(WordingError):
        GRAMMAR.draw(next(iter(HELDOUT_PATTERNS)), "train", random.Random(0), held_pattern=True)
    problems = generators.generate(30, seed=4, wording="patterns")
    assert {p.pattern for p in problems} <= HELDOUT_PATTERNS
    assert not {p.pattern for p in generators.generate(60, seed=4, wording="train")} & HELDOUT_PATTERNS


@pytest.mark.parametrize("mode", ["train", "frontier", "combinations", "parts"])
def test_families_are_recorded_on_the_problem(mode):
    for p in generators.generate(20, seed=2, wording=mode):
        bucket = int(p.difficulty["wording"], 16) % BUCKETS
        if mode == "parts":
            assert p.difficulty["held_parts"] > 0
        else:
            assert p.difficulty["held_parts"] == 0
            assert (bucket == COMBINATION_BUCKET) == (mode == "combinations")
            assert (bucket == FRONTIER_BUCKET) == (mode == "frontier")


def test_every_pattern_spans_a_thousand_training_wordings():
    # a lower bound by drawing: distinct template texts among 4,000 training-mode draws
    from generators.wording_report import distinct_wordings

    low = {name: n for name in generators.PATTERNS if (n := distinct_wordings(name, 4000)) < 1000}
    assert not low, f"patterns with under 1,000 distinct training wordings: {low}"


def test_training_data_with_held_out_wording_fails_loudly():
    from training.data import WordingLeak, check_wording

    train = [p.with_target("value") for p in generators.generate(10, seed=3, wording="train")]
    check_wording(train, {})
    leaked = [p.with_target("value") for p in generators.generate(3, seed=3, wording="parts")]
    with pytest.raises(WordingLeak, match="held-out part"):
        check_wording(train + leaked, {})
    combos = [p.with_target("value") for p in generators.generate(3, seed=3, wording="combinations")]
    with pytest.raises(WordingLeak, match="bucket"):
        check_wording(train + combos, {})
