"""What a malformed step is told (solver.schema; issue 23: tests that kill the mutants mutmut found
surviving). The message is meant for the model to read, so it is pinned whole: which step, which
field, the value as written (a long one cut to 37 characters and "..."), and what is allowed."""

import pytest

from solver.schema import build_trace

NAME_RULE = "is not a valid name (letters, digits, _ and ., not starting with a digit)"
OPS = "add_entity, compute, consume, init, percent_increase, percent_of, percent_off, query, transfer"


def error(*steps, expert="arithmetic"):
    return build_trace({"expert": expert, "trace": list(steps)}).error


@pytest.mark.parametrize("step, expected", [
    ({"op": "query", "var": "3x"}, f"step 1: query var '3x' {NAME_RULE}"),
    ({"op": "query", "var": 5}, "step 1: query var must be a variable name, got 5"),
    ({"op": "query", "var": ["a"]}, "step 1: query var must be a variable name, got a list"),
    ({"op": "query", "var": {"a": 1}}, "step 1: query var must be a variable name, got a mapping"),
    ({"op": "query", "var": None}, "step 1: query var must be a variable name, got nothing"),
    ({"op": "init", "var": "x", "value": "abc"}, "step 1: init value must be a number: 'abc' is not a number"),
    ({"op": "init", "var": "x", "value": True}, "step 1: init value must be a number, got True"),
    ({"op": "init", "var": "x", "value": [1]}, "step 1: init value must be a number, got a list"),
    ({"op": "init", "var": "x", "value": {"a": 1}}, "step 1: init value must be a number, got a mapping"),
    ({"op": "init", "var": "2x", "value": 1}, f"step 1: init var '2x' {NAME_RULE}"),
    ({"op": "compute", "compute_op": "add", "args": ["3x", 1], "var": "y"},
     "step 1: arg '3x' is neither a variable name nor a number"),
    ({"op": "compute", "compute_op": "add", "args": [["a"], 1], "var": "y"},
     "step 1: arg must be a number, got a list"),
    ({"op": "compute", "compute_op": "add", "args": ["a", 1], "var": "1y"}, f"step 1: compute var '1y' {NAME_RULE}"),
    ({"op": "fly", "var": "x"}, f"step 1: unknown op 'fly'; ops are {OPS}"),
    ("init x", "step 1: a step must be a mapping like {op: init, var: x, value: 5}, got 'init x'"),
    ({"op": "init", "var": "x", "value": 1, "foo": 2},
     "step 1: init step has unknown field 'foo'; fields are var, value, source, from, ref "
     "(init takes exactly one of value, source, ref)"),
    ({"op": "query", "var": "x", "foo": 2}, "step 1: query step has unknown field 'foo'; fields are var"),
    ({"op": "init", "var": "x"}, "step 1: init 'x' needs exactly one of value, source, ref (got none)"),
    ({"op": "percent_of", "base": "b", "rate": "r", "var": "v"},
     "step 1: op 'percent_of' is not in the arithmetic expert's vocabulary (compute, init, query)"),
])
def test_arithmetic_step_errors(step, expected):
    assert error(step) == expected


@pytest.mark.parametrize("step, expected", [
    ({"op": "transfer", "from": "a", "amount": 1}, "step 1: transfer step is missing to"),
    ({"op": "transfer", "amount": 1}, "step 1: transfer step is missing from, to"),
    ({"op": "transfer", "from": "a", "to": "9", "amount": 1}, f"step 1: transfer to '9' {NAME_RULE}"),
    ({"op": "transfer", "from": "9", "to": "a", "amount": 1}, f"step 1: transfer from '9' {NAME_RULE}"),
    ({"op": "consume", "var": "a", "amount": "9z"}, "step 1: amount '9z' is neither a variable name nor a number"),
    ({"op": "add_entity", "var": "7", "amount": 1}, f"step 1: var '7' {NAME_RULE}"),
    ({"op": "consume", "var": "7", "amount": 1}, f"step 1: var '7' {NAME_RULE}"),
])
def test_entity_step_errors(step, expected):
    assert error(step, expert="entity_track") == expected


@pytest.mark.parametrize("step, expected", [
    ({"op": "percent_of", "base": "9b", "rate": 5, "var": "v"},
     "step 1: base '9b' is neither a variable name nor a number"),
    ({"op": "percent_off", "base": "b", "rate": "5%x", "var": "v"},
     "step 1: rate '5%x' is neither a variable name nor a number"),
    ({"op": "percent_increase", "base": "b", "rate": 5, "var": "9v"}, f"step 1: var '9v' {NAME_RULE}"),
])
def test_percent_step_errors(step, expected):
    assert error(step, expert="percentage") == expected


def test_names_up_to_64_characters():
    ok = "a" * 64
    assert error({"op": "init", "var": ok, "value": 1}, {"op": "compute", "compute_op": "add", "args": [ok, 1],
                                                         "var": "y"}, {"op": "query", "var": "y"}) is None
    long = "a" * 65
    # a shown value over 40 characters is cut to its first 37 and "..."
    assert error({"op": "query", "var": long}) == f"step 1: query var {repr(long)[:37]}... {NAME_RULE}"
    assert error({"op": "compute", "compute_op": "add", "args": [long, 1], "var": "y"}) == (
        f"step 1: arg {repr(long)[:37]}... is neither a variable name nor a number")


def test_shown_values_of_40_characters_are_whole():
    forty = "9" + "a" * 37  # 38 characters, 40 with its quotes
    assert error({"op": "query", "var": forty}) == f"step 1: query var '{forty}' {NAME_RULE}"
    longer = forty + "a"
    assert error({"op": "query", "var": longer}) == f"step 1: query var {repr(longer)[:37]}... {NAME_RULE}"


def test_numbers_accepted_where_a_number_may_stand():
    trace = build_trace({"expert": "arithmetic", "trace": [
        {"op": "init", "var": "x", "value": 7}, {"op": "init", "var": "y", "value": "2.5"},
        {"op": "compute", "compute_op": "add", "args": ["x", "y", 3, "1/2"], "var": "z"},
        {"op": "query", "var": "z"}]})
    assert trace.error is None
    steps = trace.subtraces[0].steps
    assert steps[0].value == 7 and type(steps[0].value) is int
    assert steps[1].value * 2 == 5
    assert steps[2].args[:3] == ("x", "y", 3) and steps[2].args[3] * 2 == 1
