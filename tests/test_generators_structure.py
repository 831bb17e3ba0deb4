"""generators: question text hygiene, label conflicts, structural consistency, naming."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest

from generators import PATTERNS, generate, lexicon
from generators.refs import match_inits
from solver import CONSTANTS, extract_quantities


@pytest.fixture(scope="module")
def problems():
    # A broad mix: defaults, the hard preset, and every noise knob turned up.
    return (
        generate(1500, seed=21)
        + generate(800, seed=22, preset="hard")
        + generate(500, seed=23, number_words=1.0, distractors=1.0, max_distractors=2, decimals=1.0,
                   thousands_separators=1.0, difficulty={"magnitude": 4})
    )


def test_no_placeholders_or_template_debris(problems):
    for p in problems:
        q = p.question
        assert not re.search(r"[{}]|\bNone\b|\s{2,}|\.\.|\s[.,?]", q), q
        assert (q[0].isupper() or q[0] in "$0123456789") and q.endswith("?"), q
        for sentence in re.split(r"(?<=[.?!])\s+", q):
            assert sentence[0].isupper() or sentence[0] in "$0123456789", (sentence, q)


def test_every_phrasing_of_every_pattern_is_used():
    seen = defaultdict(set)
    for name in PATTERNS:
        for p in generate(30, seed=3, patterns=[name]):
            seen[name].add(p.difficulty["phrasing"])
    for name, spec in PATTERNS.items():
        assert seen[name] == set(range(len(spec.phrasings))), name


_VOCAB: set[str] = set()
for _value in vars(lexicon).values():
    if isinstance(_value, tuple):
        for _entry in _value:
            items = _entry if isinstance(_entry, tuple) else (_entry,)
            for x in items:
                for attr in ("name", "singular", "plural"):
                    if hasattr(x, attr):
                        _VOCAB.update(getattr(x, attr).lower().split())
                if isinstance(x, str):
                    _VOCAB.update(x.lower().split())
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")


def question_form(question: str) -> str:
    """The question with quantities and lexicon words (names, things) masked."""
    spans = extract_quantities(question)
    out, last = [], 0
    for q in spans:
        out.append(question[last:q.start] + "#")
        last = q.end
    text = "".join(out) + question[last:]
    text = re.sub(r"\$#", "#", text)

    def mask(m: re.Match[str]) -> str:
        w = m.group().lower().removesuffix("'s")
        return "W" if w in _VOCAB else m.group()

    return _WORD.sub(mask, text)


def trace_form(data) -> tuple:
    """The trace with question values masked and variables renamed by first appearance."""
    names: dict[str, str] = {}

    def var(x):
        if isinstance(x, str) and (x[:1].isalpha() or x[:1] == "_"):
            return names.setdefault(x, f"v{len(names)}")
        from fractions import Fraction

        v = Fraction(str(x))
        return str(v) if v in CONSTANTS else "#"

    parts = data if isinstance(data, list) else [data]
    out = []
    for part in parts:
        names.clear()
        steps = []
        for s in part["trace"]:
            items = []
            for k, v in s.items():
                if k in ("op", "compute_op", "source"):
                    items.append((k, v))
                elif k == "args":
                    items.append((k, tuple(var(a) for a in v)))
                elif k == "value":
                    items.append((k, "#" if not isinstance(v, str) or not v[:1].isalpha() else v))
                else:
                    items.append((k, var(v)))
            steps.append(tuple(items))
        out.append((part["expert"], tuple(steps)))
    return tuple(out)


def test_no_label_conflicts(problems):
    """Two questions of the same form never get different gold structures (or experts)."""
    forms: dict[str, set] = defaultdict(set)
    example: dict[str, str] = {}
    for p in problems:
        f = question_form(p.question)
        forms[f].add(trace_form(p.trace_data))
        example.setdefault(f, p.pattern)
    conflicts = {f: len(s) for f, s in forms.items() if len(s) > 1}
    assert not conflicts, list(conflicts.items())[:3]
    assert len(forms) > 300  # the masking is not so coarse that the check is vacuous


def test_one_trace_structure_per_fixed_length_pattern(problems):
    """The seed's lesson: every phrasing of a pattern maps to one structure."""
    shapes = defaultdict(set)
    for p in problems:
        if not PATTERNS[p.pattern].variable_length:
            shapes[p.pattern].add(trace_form(p.trace_data))
    for name, s in shapes.items():
        assert len(s) == 1, name


def test_inits_follow_the_question_reading_order(problems):
    for p in problems:
        match_inits(p.trace_data, p.question)  # raises on a violation


def test_hybrid_variable_naming(problems):
    """Grounded names for inits; step1, step2, ... and result for computed values."""
    for p in problems:
        for part in p.trace_data if isinstance(p.trace_data, list) else [p.trace_data]:
            computed = [s["var"] for s in part["trace"] if s["op"] not in ("init", "query", "transfer",
                                                                           "consume", "add_entity")]
            for i, v in enumerate(computed):
                expected = "result" if i == len(computed) - 1 and v == "result" else f"step{i + 1}"
                assert v in (expected, "result"), (p.pattern, computed)
            assert computed.count("result") <= 1
            for s in part["trace"]:
                if s["op"] == "init":
                    assert not re.fullmatch(r"step\d+|result|x|y|z", s["var"]), (p.pattern, s)


def test_distractors_leave_the_trace_unchanged():
    base = generate(200, seed=31, distractors=0.0)
    noisy = generate(200, seed=31, distractors=1.0, max_distractors=2)
    changed = 0
    for a, b in zip(base, noisy, strict=True):
        assert a.trace_data == b.trace_data and a.answer == b.answer
        changed += a.question != b.question
        assert len(extract_quantities(b.question)) > len(extract_quantities(a.question))
    assert changed == len(base)
