"""generators: every configuration knob has a visible effect."""

from __future__ import annotations

import re
from collections import Counter
from fractions import Fraction

from generators import LEVELS, PATTERNS, Curriculum, CurriculumSampler, generate, make_config
from generators.core import wording_of
from generators.numbers import to_words
from solver import extract_quantities

N = 400
WORDS = re.compile(r"\b(" + "|".join(to_words(i) for i in range(2, 21)) + r")\b", re.IGNORECASE)


def test_expert_weights():
    only = generate(150, seed=1, expert_weights={"percentage": 1.0})
    assert {p.expert for p in only} == {"percentage"}
    mix = Counter(p.expert for p in generate(N, seed=1, expert_weights={"arithmetic": 3.0, "comparison": 1.0}))
    assert set(mix) == {"arithmetic", "comparison"} and mix["arithmetic"] > 2 * mix["comparison"]


def test_pattern_and_family_weights_and_pattern_list():
    ps = generate(N, seed=2, expert_weights={"comparison": 1.0}, pattern_weights={"cmp_range": 0.0})
    assert "cmp_range" not in {p.pattern for p in ps}
    heavy = Counter(p.pattern for p in generate(N, seed=2, expert_weights={"comparison": 1.0},
                                                 pattern_weights={"cmp_range": 20.0}))
    assert heavy.most_common(1)[0][0] == "cmp_range"
    fam = generate(N, seed=2, family_weights={"arithmetic_long": 0.0})
    assert all(PATTERNS[p.pattern].family != "arithmetic_long" for p in fam)
    assert {p.pattern for p in generate(30, seed=2, patterns=["pct_of", "rate_total"])} == {"pct_of", "rate_total"}


def test_phrasings_one_reproduces_one_template_per_pattern():
    one = generate(N, seed=3, phrasings=1)
    assert {p.difficulty["phrasing"] for p in one} == {0}
    many = generate(N, seed=3)
    assert len({p.difficulty["phrasing"] for p in many}) >= 4
    two = generate(N, seed=3, phrasings=2)
    assert {p.difficulty["phrasing"] for p in two} == {0, 1}


def test_wording_holds_out_the_last_phrasing_and_whole_patterns():
    from generators.select import HELDOUT_COMPOSITIONS, HELDOUT_PATTERNS, HELDOUT_STRUCTURES

    assert set(PATTERNS) >= HELDOUT_PATTERNS
    # one held-out structure per expert, and every expert keeps patterns to train on
    assert len({PATTERNS[n].expert for n in HELDOUT_STRUCTURES}) == len(HELDOUT_STRUCTURES)
    assert all(PATTERNS[n].expert == "composition" for n in HELDOUT_COMPOSITIONS)
    for expert in {s.expert for s in PATTERNS.values()}:
        assert any(s.expert == expert and n not in HELDOUT_PATTERNS for n, s in PATTERNS.items())
    train = generate(N, seed=4, wording="train")
    held = generate(N, seed=4, wording="heldout")
    assert not {p.pattern for p in train} & HELDOUT_PATTERNS
    for p in train:
        assert p.difficulty["phrasing"] < len(PATTERNS[p.pattern].phrasings) - 1
    whole = [p for p in held if p.pattern in HELDOUT_PATTERNS]
    assert whole and len({p.difficulty["phrasing"] for p in whole}) > 1  # every phrasing of those
    for p in held:  # the other patterns: a held-out template, or a held-out alternative in another
        if p.pattern not in HELDOUT_PATTERNS:
            assert p.difficulty["held_parts"] > 0
    assert any(p.difficulty["phrasing"] == len(PATTERNS[p.pattern].phrasings) - 1 for p in held
               if p.pattern not in HELDOUT_PATTERNS)
    assert all(p.difficulty["held_parts"] == 0 for p in train)


def test_number_words():
    on = generate(N, seed=5, number_words=1.0)
    off = generate(N, seed=5, number_words=0.0)
    assert sum(bool(WORDS.search(p.question)) for p in on) > N // 2
    config = make_config(number_words=0.0)
    for i, p in enumerate(off):  # only words the wording itself spells ("Two printers ...") remain
        template = wording_of(5, i, config).text.lower()
        assert all(w.lower() in template for w in WORDS.findall(p.question)), p.question
    # Same numbers, different spelling: rendering knobs never change the trace.
    assert [p.answer for p in on] == [p.answer for p in off]


def test_thousands_separators():
    big = dict(difficulty={"magnitude": 4})
    on = generate(N, seed=6, thousands_separators=1.0, **big)
    off = generate(N, seed=6, thousands_separators=0.0, **big)
    assert sum(bool(re.search(r"\d,\d{3}", p.question)) for p in on) > N // 3
    assert not any(re.search(r"\d,\d{3}", p.question) for p in off)


def test_decimals():
    names = [s.name for s in PATTERNS.values() if s.decimals]
    on = generate(N, seed=7, decimals=1.0, patterns=names)
    off = generate(N, seed=7, decimals=0.0, patterns=names)
    dec = re.compile(r"\d\.\d")
    assert sum(bool(dec.search(p.question)) for p in on) > N // 2
    assert not any(dec.search(p.question) for p in off)


def test_distractors():
    on = generate(N, seed=8, distractors=1.0, max_distractors=2)
    off = generate(N, seed=8, distractors=0.0)
    assert all(p.difficulty["distractors"] == 2 for p in on)
    assert all(p.difficulty["distractors"] == 0 for p in off)
    extra = [len(extract_quantities(a.question)) - len(extract_quantities(b.question)) for a, b in zip(on, off, strict=True)]
    assert min(extra) >= 2


def test_integer_answers_knob():
    assert all(Fraction(p.answer).denominator == 1 for p in generate(N, seed=9))
    free = generate(N, seed=9, integer_answers=False, decimals=0.5)
    assert sum(Fraction(p.answer).denominator != 1 for p in free) > 10
    for p in free:
        assert re.fullmatch(r"\d+(\.\d{1,2})?", p.answer), p.answer


def _largest_number(p) -> Fraction:
    return max(q.value for q in extract_quantities(p.question))


def test_magnitude():
    means = []
    for m in (1, 2, 3, 4):
        ps = generate(300, seed=10, difficulty={"magnitude": m})
        ordered = sorted(_largest_number(p) for p in ps)
        means.append(ordered[len(ordered) // 2])
    assert means == sorted(means) and means[-1] > 10 * means[0]


def test_chain_length():
    names = [s.name for s in PATTERNS.values() if s.variable_length]
    short = generate(200, seed=11, patterns=names, difficulty={"chain_length": (3, 3)})
    long = generate(200, seed=11, patterns=names, difficulty={"chain_length": (8, 8)})
    mean = lambda ps: sum(p.difficulty["steps"] for p in ps) / len(ps)  # noqa: E731
    assert mean(long) > mean(short) + 5


def test_max_experts_and_levels():
    assert all(p.difficulty["experts"] == 1 for p in generate(N, seed=12, difficulty={"max_experts": 1}))
    assert max(p.difficulty["experts"] for p in generate(N, seed=12, difficulty={"max_experts": 2})) == 2
    assert {p.difficulty["level"] for p in generate(50, seed=12, level=3)} == {3}
    assert set(LEVELS) == {1, 2, 3, 4, 5}


def test_curriculum_schedule_raises_difficulty_with_the_index():
    cur = Curriculum.linear(1, 5, 1000)
    ps = generate(1000, seed=13, curriculum=cur)
    levels = [p.difficulty["level"] for p in ps]
    assert levels == sorted(levels) and levels[0] == 1 and levels[-1] == 5
    first, last = ps[:200], ps[-200:]
    mean = lambda xs: sum(p.difficulty["steps"] for p in xs) / len(xs)  # noqa: E731
    assert mean(last) > mean(first)
    assert max(_largest_number(p) for p in last) > max(_largest_number(p) for p in first)


def test_curriculum_on_demand():
    sampler = CurriculumSampler(seed=14, level=1)
    a = sampler.next_batch(100)
    assert {p.difficulty["level"] for p in a} == {1}
    assert sampler.advance() and sampler.level == 2
    b = sampler.next_batch(100)
    assert {p.difficulty["level"] for p in b} == {2}
    assert not {p.id for p in a} & {p.id for p in b}
    sampler.set_level(5)
    assert not sampler.advance()


def test_refs_knob_points_inits_at_question_quantities():
    ps = generate(200, seed=15, refs=True, distractors=0.5)
    n_refs = 0
    for p in ps:
        qs = extract_quantities(p.question)
        parts = p.trace_data if isinstance(p.trace_data, list) else [p.trace_data]
        for part in parts:
            for s in part["trace"]:
                if "ref" in s:
                    n_refs += 1
                    assert 1 <= s["ref"] <= len(qs)
        assert "ref:" in p.trace or "value:" in p.trace
    assert n_refs > 300
