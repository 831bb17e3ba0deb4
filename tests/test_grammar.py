"""trace_env.grammar: every canonical gold trace matches the regex, and things that are not do not."""

from __future__ import annotations

import random
import re

import pytest

from generators import generate
from solver import format_trace, grade
from trace_env.grammar import TRACE_REGEX, matches


@pytest.mark.parametrize("preset", ["default", "hard", "easy"])
def test_every_gold_trace_matches(preset):
    problems = generate(300, seed=5, preset=preset)
    assert all(matches(p.trace) for p in problems), [p.trace for p in problems if not matches(p.trace)][:1]
    pointers = generate(100, seed=5, preset=preset, refs=True)
    assert all(matches(p.trace) for p in pointers)


def test_every_step_form_is_covered():
    text = format_trace([
        {"expert": "entity_track", "trace": [
            {"op": "init", "var": "a", "value": "2.5"}, {"op": "init", "var": "b", "ref": 2},
            {"op": "transfer", "from": "a", "to": "c", "amount": 1},
            {"op": "consume", "var": "c", "amount": "1/2"}, {"op": "add_entity", "var": "c", "amount": "b"},
            {"op": "query", "var": "c"}]},
        {"expert": "percentage", "trace": [
            {"op": "init", "var": "p", "source": "prev.result"}, {"op": "init", "var": "q", "source": "sub1.result"},
            {"op": "percent_of", "base": "p", "rate": 20, "var": "r"},
            {"op": "compute", "compute_op": "add", "args": ["r", "q", -3], "var": "s"},
            {"op": "query", "var": "s"}]},
    ])
    assert matches(text)


@pytest.mark.parametrize("text", [
    "",
    "expert: arithmetic\ntrace:\n- {op: init, var: x, value: 5}",  # no query
    "expert: arithmetic\ntrace:\n- {op: query, var: x}\n- {op: init, var: x, value: 5}",  # query not last
    "expert: wizard\ntrace:\n- {op: query, var: x}",  # unknown expert
    "expert: arithmetic\ntrace:\n- {op: compute, compute_op: add, args: [], var: r}\n- {op: query, var: r}",
    "expert: arithmetic\ntrace:\n- {op: init, var: x, value: five}\n- {op: query, var: x}",
    "expert: arithmetic\ntrace:\n- {var: x, op: init, value: 5}\n- {op: query, var: x}",  # field order
    "The answer is 42.",
    "```yaml\nexpert: arithmetic\ntrace:\n- {op: query, var: x}\n```",  # fences are not the layout
])
def test_non_canonical_text_does_not_match(text):
    assert not matches(text)


def test_random_garbage_does_not_match():
    rng = random.Random(0)
    alphabet = "expert: trace{}[],-\nabc0123456789 "
    for _ in range(2_000):
        assert not matches("".join(rng.choice(alphabet) for _ in range(rng.randint(0, 80))))


def test_regex_is_plain_enough_for_guided_decoding():
    assert "(?" not in TRACE_REGEX and not re.search(r"\\[1-9]", TRACE_REGEX)  # no lookarounds, no backrefs
    text = generate(1, seed=9)[0].trace
    assert matches(text) and grade(text, generate(1, seed=9)[0].answer).reward >= 0.7
