"""Canonical formatting round-trips exactly through the parser; the seed examples run."""

from fractions import Fraction as F

import pytest

from solver import execute, format_trace, grade, parse_trace

DATA = {
    "expert": "percentage",
    "trace": [
        {"op": "init", "var": "price", "value": "$1,200"},
        {"op": "init", "var": "rate", "value": F(25, 2)},
        {"op": "percent_off", "base": "price", "rate": "rate", "var": "sale"},
        {"op": "percent_of", "base": "sale", "rate": 10, "var": "tax"},
        {"op": "percent_increase", "base": "tax", "rate": "50%", "var": "r"},
        {"op": "query", "var": "r"},
    ],
}

CANONICAL = "\n".join([
    "expert: percentage",
    "trace:",
    "- {op: init, var: price, value: 1200}",
    "- {op: init, var: rate, value: 12.5}",
    "- {op: percent_off, base: price, rate: rate, var: sale}",
    "- {op: percent_of, base: sale, rate: 10, var: tax}",
    "- {op: percent_increase, base: tax, rate: 50, var: r}",
    "- {op: query, var: r}",
])


def test_format_plain_data():
    assert format_trace(DATA) == CANONICAL


def test_round_trip_single():
    trace = parse_trace(CANONICAL)
    assert trace.ok
    assert format_trace(trace) == CANONICAL
    assert parse_trace(format_trace(trace)) == trace
    assert execute(trace).value == F(315, 2)


ALL_OPS = [
    {"expert": "arithmetic", "trace": [
        {"op": "init", "var": "a", "value": F(1, 3)},
        {"op": "init", "var": "b", "value": -7},
        {"op": "init", "var": "c", "ref": 2},
        {"op": "compute", "compute_op": "add", "args": ["a", "b", F(5, 4)], "var": "s"},
        {"op": "compute", "compute_op": "round", "args": ["s"], "var": "t"},
        {"op": "query", "var": "t"},
    ]},
    {"expert": "entity_track", "trace": [
        {"op": "init", "var": "tom", "source": "prev.result"},
        {"op": "init", "var": "ann", "from": "sub1.result"},
        {"op": "transfer", "from": "tom", "to": "ann", "amount": 2},
        {"op": "consume", "var": "ann", "amount": "a.b"},
        {"op": "add_entity", "var": "tom", "amount": "0.75"},
        {"op": "query", "var": "tom"},
    ]},
]


def test_round_trip_composed_all_step_kinds():
    text = format_trace(ALL_OPS)
    assert text.startswith("- expert: arithmetic\n  trace:\n  - {op: init, var: a, value: 1/3}\n")
    assert "{op: init, var: ann, source: sub1.result}" in text  # from: is written as source:
    assert "{op: transfer, from: tom, to: ann, amount: 2}" in text
    assert "{op: compute, compute_op: add, args: [a, b, 1.25], var: s}" in text
    trace = parse_trace(text)
    assert trace.ok and trace.composed and trace.expert == "composition"
    assert format_trace(trace) == text
    assert parse_trace(format_trace(trace)) == trace


def test_format_rejects_malformed_data():
    with pytest.raises(ValueError, match="unknown op"):
        format_trace({"expert": "arithmetic", "trace": [{"op": "jump"}]})
    with pytest.raises(ValueError, match="unknown expert"):
        format_trace({"expert": "magic", "trace": [{"op": "query", "var": "x"}]})
    with pytest.raises(ValueError):
        format_trace("expert: arithmetic")  # type: ignore[arg-type]


# ---- complete example traces from the seed experiment's write-ups ---------------------------------

SEED_HOUSE = """\
- expert: percentage
  trace:
    - {op: init, var: price, value: 80000}
    - {op: init, var: rate, value: 150}
    - {op: percent_increase, base: price, rate: rate, var: result}
    - {op: query, var: result}
- expert: arithmetic
  trace:
    - {op: init, var: increased, from: prev.result}
    - {op: init, var: original, value: 80000}
    - {op: compute, compute_op: add, args: [original, increased], var: new_value}
    - {op: init, var: cost, value: 130000}
    - {op: compute, compute_op: sub, args: [new_value, cost], var: result}
    - {op: query, var: result}
"""


def test_seed_house_flipping_runs_to_its_own_wrong_number():
    # 80000 * 250% = 200000; 80000 + 200000 - 130000 = 150000 (the seed's wiring, not the true answer)
    result = execute(parse_trace(SEED_HOUSE))
    assert result.error is None and result.results == (F(200000), F(150000))
    assert grade(SEED_HOUSE, 70000, "composition").category == "wrong_answer"


def test_seed_rate_equation_shape():
    text = """\
- {op: init, var: rate, value: 49}
- {op: init, var: time, value: 5}
- {op: compute, compute_op: mul, args: [rate, time], var: quantity}
- {op: query, var: quantity}"""
    doc = "expert: rate_equation\ntrace:\n" + text
    question = "A machine produces 49 items per day. How many in 5 days?"
    assert grade(doc, 245, "rate_equation", question).reward == 1.0
    short = doc.replace("{op: query, var: quantity}", "{op: query, var: rate}")
    assert grade(short, 245, "rate_equation", question).reward == 0.5  # the seed's short-circuit


def test_seed_comparison_hybrid_names():
    doc = """\
expert: comparison
trace:
- {op: init, var: bob.cards, value: 28}
- {op: init, var: factor, value: 2}
- {op: compute, compute_op: mul, args: [bob.cards, factor], var: step1}
- {op: compute, compute_op: sub, args: [step1, bob.cards], var: result}
- {op: query, var: result}"""
    question = "Ann has 2 times as many cards as Bob. Bob has 28. How many more does Ann have?"
    assert grade(doc, 28, "comparison", question).reward == 1.0
