"""Every op, executed exactly; every execution error reported with its step."""

from fractions import Fraction as F

import pytest

from solver import execute, parse_trace


def run(expert, *steps, question=None):
    text = "\n".join([f"expert: {expert}", "trace:", *[f"- {s}" for s in steps]])
    trace = parse_trace(text)
    assert trace is not None
    return execute(trace, question)


def value(expert, *steps):
    result = run(expert, *steps)
    assert result.error is None, result.error
    return result.value


A, B = "{op: init, var: a, value: 17}", "{op: init, var: b, value: 5}"


@pytest.mark.parametrize(
    ("cop", "args", "expected"),
    [
        ("add", "[a, b]", F(22)),
        ("add", "[a, b, 3]", F(25)),
        ("sub", "[a, b]", F(12)),
        ("sub", "[b, a]", F(-12)),
        ("mul", "[a, b]", F(85)),
        ("mul", "[a, b, 2]", F(170)),
        ("div", "[a, b]", F(17, 5)),
        ("floordiv", "[a, b]", F(3)),
        ("mod", "[a, b]", F(2)),
        ("pow", "[b, 3]", F(125)),
        ("pow", "[b, -2]", F(1, 25)),
        ("min", "[c, a, 20]", F(12)),  # c = a - b = 12 (min/max of given numbers alone is not computation)
        ("max", "[c, b, 9]", F(12)),
    ],
)
def test_compute_ops(cop, args, expected):
    assert value("arithmetic", A, B, "{op: compute, compute_op: sub, args: [a, b], var: c}",
                 f"{{op: compute, compute_op: {cop}, args: {args}, var: r}}", "{op: query, var: r}") == expected


@pytest.mark.parametrize(
    ("cop", "x", "expected"),
    [("floor", "7/2", F(3)), ("ceil", "7/2", F(4)), ("round", "7/2", F(4)), ("round", "5/2", F(3)),
     ("round", "-5/2", F(-3)), ("round", "2.4", F(2)), ("floor", "-7/2", F(-4)), ("ceil", "-7/2", F(-3))],
)
def test_rounding_ops(cop, x, expected):
    # round goes half away from zero (school rounding), unlike Python's round-half-even
    assert value("arithmetic", f"{{op: init, var: x, value: {x}}}",
                 f"{{op: compute, compute_op: {cop}, args: [x], var: r}}", "{op: query, var: r}") == expected


def test_exact_fractions_never_floats():
    result = value("arithmetic", "{op: init, var: x, value: 0.1}", "{op: init, var: y, value: 0.2}",
                   "{op: compute, compute_op: add, args: [x, y], var: r}", "{op: query, var: r}")
    assert result == F(3, 10)
    third = value("arithmetic", "{op: init, var: x, value: 1}", "{op: init, var: y, value: 3}",
                  "{op: init, var: z, value: 6}", "{op: compute, compute_op: div, args: [x, y], var: t}",
                  "{op: compute, compute_op: mul, args: [t, z], var: r}", "{op: query, var: r}")
    assert third == 2


@pytest.mark.parametrize(
    ("op", "expected"),
    [("percent_of", F(20)), ("percent_off", F(60)), ("percent_increase", F(100))],
)
def test_percent_ops(op, expected):
    assert value("percentage", "{op: init, var: price, value: 80}", "{op: init, var: rate, value: 25}",
                 f"{{op: {op}, base: price, rate: rate, var: r}}", "{op: query, var: r}") == expected


def test_percent_literals():
    assert value("percentage", "{op: init, var: price, value: $80}",
                 "{op: percent_off, base: price, rate: 12.5%, var: r}", "{op: query, var: r}") == F(70)


def test_entity_ops():
    steps = [
        "{op: init, var: tom, value: 10}",
        "{op: init, var: ann, value: 4}",
        "{op: transfer, from: tom, to: ann, amount: 3}",
        "{op: consume, var: ann, amount: 2}",
        "{op: add_entity, var: tom, amount: 6}",
    ]
    assert value("entity_track", *steps, "{op: query, var: tom}") == 13
    assert value("entity_track", *steps, "{op: query, var: ann}") == 5


def test_transfer_to_new_entity_starts_at_zero():
    assert value("entity_track", "{op: init, var: tom, value: 10}", "{op: init, var: bag, value: 3}",
                 "{op: transfer, from: tom, to: ann, amount: bag}", "{op: add_entity, var: ann, amount: 4}",
                 "{op: query, var: ann}") == 7


def test_composed_sources():
    text = "\n".join([
        "- expert: percentage", "  trace:", "  - {op: init, var: p, value: 200}",
        "  - {op: percent_off, base: p, rate: 10, var: r}", "  - {op: query, var: r}",
        "- expert: arithmetic", "  trace:", "  - {op: init, var: x, source: prev.result}",
        "  - {op: init, var: n, value: 3}", "  - {op: compute, compute_op: mul, args: [x, n], var: r}",
        "  - {op: query, var: r}",
        "- expert: arithmetic", "  trace:", "  - {op: init, var: first, from: sub1.result}",
        "  - {op: init, var: second, source: sub2.result}",
        "  - {op: compute, compute_op: add, args: [first, second], var: r}", "  - {op: query, var: r}",
    ])
    result = execute(parse_trace(text))
    assert result.error is None
    assert result.results == (F(180), F(540), F(720))
    assert result.value == F(720)


@pytest.mark.parametrize(
    ("steps", "step", "needle"),
    [
        ((A, "{op: init, var: z, value: 0}", "{op: compute, compute_op: div, args: [a, z], var: r}"), 2, "division by zero"),
        ((A, "{op: init, var: z, value: 0}", "{op: compute, compute_op: mod, args: [a, z], var: r}"), 2, "by zero"),
        ((A, "{op: init, var: z, value: 0}", "{op: compute, compute_op: floordiv, args: [a, z], var: r}"), 2, "by zero"),
        ((A, "{op: compute, compute_op: pow, args: [a, 100]}"), 1, "missing var"),
        ((A, "{op: compute, compute_op: pow, args: [a, 100], var: r}"), 1, "exponent"),
        ((A, "{op: compute, compute_op: pow, args: [a, 1/2], var: r}"), 1, "whole number"),
        (("{op: init, var: a, value: 1000000000}", "{op: compute, compute_op: pow, args: [a, 3], var: r}"), 1, "magnitude"),
        (("{op: init, var: a, value: 1000000000000000000000}",), 0, "magnitude"),
        ((A, "{op: compute, compute_op: add, args: [a, nope], var: r}"), 1, "'nope' is not defined"),
        ((A, "{op: compute, compute_op: add, args: [a, b], var: r}"), 1, "'b' is not defined"),
        ((A, B, "{op: compute, compute_op: add, args: [a, b], var: a}"), 2, "single-assignment"),
        ((A, "{op: init, var: a, value: 3}"), 1, "single-assignment"),
        ((A, "{op: compute, compute_op: sub, args: [a], var: r}"), 1, "exactly 2 args"),
        ((A, "{op: compute, compute_op: add, args: [a], var: r}"), 1, "args"),
        ((A, "{op: compute, compute_op: sqrt, args: [a], var: r}"), 1, "unknown compute_op"),
        ((A, "{op: frobnicate, var: r}"), 1, "unknown op"),
        ((A, "{op: init, var: x, source: prev.result}"), 1, "composed"),
        ((A, "{op: init, var: x}"), 1, "exactly one of"),
        ((A, "{op: init, var: x, value: 1, ref: 1}"), 1, "exactly one of"),
        ((A, "{op: init, var: x, ref: 1}"), 1, "needs the question"),
        ((A, "{op: init, var: 9x, value: 1}"), 1, "not a valid name"),
        ((A, "{op: init, var: x, value: 3, unit: kg}"), 1, "unknown field 'unit'"),
        ((A, "{op: init, var: x, value: lots}"), 1, "must be a number"),
    ],
)
def test_execution_errors(steps, step, needle):
    result = run("arithmetic", *steps, "{op: query, var: r}")
    assert result.value is None
    assert needle in result.error
    assert result.step == step
    assert result.error.startswith(f"step {step + 1}")


def test_query_must_be_last_and_present():
    r = run("arithmetic", A, B, "{op: query, var: a}", "{op: compute, compute_op: add, args: [a, b], var: r}")
    assert "last step" in r.error and r.step == 2
    r = run("arithmetic", A, B, "{op: compute, compute_op: add, args: [a, b], var: r}")
    assert "no query" in r.error


@pytest.mark.parametrize(
    ("steps", "needle"),
    [
        (("{op: init, var: a, value: 2}", "{op: consume, var: a, amount: 3}"), "cannot consume"),
        (("{op: init, var: a, value: 2}", "{op: transfer, from: a, to: b, amount: 3}"), "cannot give"),
        (("{op: init, var: a, value: 2}", "{op: transfer, from: c, to: a, amount: 1}"), "not defined"),
        (("{op: init, var: a, value: 2}", "{op: transfer, from: a, to: a, amount: 1}"), "itself"),
        (("{op: init, var: a, value: 2}", "{op: consume, var: a, amount: -1}"), "negative"),
        (("{op: init, var: a, value: 2}", "{op: consume, var: b, amount: 1}"), "not defined"),
    ],
)
def test_entity_errors(steps, needle):
    result = run("entity_track", *steps, "{op: query, var: a}")
    assert needle in result.error and result.step == 1


def test_composed_source_errors():
    def composed(first_init, second_init):
        return "\n".join([
            "- expert: arithmetic", "  trace:", f"  - {first_init}", "  - {op: init, var: b, value: 2}",
            "  - {op: compute, compute_op: mul, args: [a, b], var: r}", "  - {op: query, var: r}",
            "- expert: arithmetic", "  trace:", f"  - {second_init}", "  - {op: init, var: b, value: 2}",
            "  - {op: compute, compute_op: mul, args: [a, b], var: r}", "  - {op: query, var: r}",
        ])
    ok = "{op: init, var: a, value: 3}"
    r = execute(parse_trace(composed("{op: init, var: a, source: prev.result}", ok)))
    assert "first sub-trace" in r.error and (r.subtrace, r.step) == (0, 0)
    r = execute(parse_trace(composed(ok, "{op: init, var: a, source: sub2.result}")))
    assert "not an earlier sub-trace" in r.error and (r.subtrace, r.step) == (1, 0)
    r = execute(parse_trace(composed(ok, "{op: init, var: a, source: sub7.result}")))
    assert "not an earlier" in r.error
    r = execute(parse_trace(composed(ok, "{op: init, var: a, source: result}")))
    assert "prev.result or subN.result" in r.error and r.subtrace == 1
    assert execute(parse_trace(composed(ok, "{op: init, var: a, source: sub1.result}"))).value == 12


def test_variables_are_scoped_per_subtrace():
    text = "\n".join([
        "- expert: arithmetic", "  trace:", "  - {op: init, var: a, value: 3}", "  - {op: init, var: b, value: 2}",
        "  - {op: compute, compute_op: mul, args: [a, b], var: r}", "  - {op: query, var: r}",
        "- expert: arithmetic", "  trace:", "  - {op: init, var: x, source: prev.result}",
        "  - {op: compute, compute_op: add, args: [x, a], var: r}", "  - {op: query, var: r}",
    ])
    result = execute(parse_trace(text))
    assert "'a' is not defined" in result.error and (result.subtrace, result.step) == (1, 1)


def test_execute_accepts_plain_data_and_text():
    data = {"expert": "arithmetic", "trace": [
        {"op": "init", "var": "a", "value": 4}, {"op": "init", "var": "b", "value": "1,000"},
        {"op": "compute", "compute_op": "add", "args": ["a", "b"], "var": "r"}, {"op": "query", "var": "r"}]}
    assert execute(data).value == 1004
    assert execute("no trace here").error == "no trace found in the text"
