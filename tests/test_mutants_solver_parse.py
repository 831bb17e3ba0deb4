"""Trace shape, limits and exact arithmetic (solver.schema, solver.ops; issue 23: tests written
against the mutants mutmut found surviving). Expected values are worked out by hand: the traces are
small, the limits come from solver.limits, and messages are checked for the facts they must state
(pinned whole only where the model reads them as feedback)."""

from fractions import Fraction

import pytest

from solver.experts import COMPOSITION
from solver.limits import MAX_ARGS, MAX_STEPS, MAX_SUBTRACES
from solver.schema import build_trace, is_attempt


def query(var="x"):
    return {"op": "query", "var": var}


def init(var="x", value=1):
    return {"op": "init", "var": var, "value": value}


def chain(n, expert="arithmetic"):
    """A valid sub-trace of exactly n steps (n >= 2): init, n - 2 additions, query."""
    steps = [init()] + [{"op": "compute", "compute_op": "add", "args": ["x", 1], "var": "x"}] * (n - 2) + [query()]
    return {"expert": expert, "trace": steps}


def single(*steps, expert="arithmetic"):
    return build_trace({"expert": expert, "trace": list(steps)})


# ---- numbers and operands -------------------------------------------------------------------


def test_float_and_int_subclass_values():
    assert single(init(value=2.5), query()).subtraces[0].steps[0].value == Fraction(5, 2)
    assert single(init(value=3.0), query()).subtraces[0].steps[0].value == 3

    class Count(int):
        pass

    value = single(init(value=Count(7)), query()).subtraces[0].steps[0].value
    assert value == 7 and type(value) is int


def test_non_finite_float_value_names_the_field():
    trace = single(init(value=float("inf")), query())
    assert trace.error is not None and trace.error.startswith("step 1: init value: ")


@pytest.mark.parametrize("op", ["transfer", "consume", "add_entity"])
def test_bad_amount_is_named(op):
    step = ({"op": op, "from": "a", "to": "b", "amount": "3x"} if op == "transfer"
            else {"op": op, "var": "a", "amount": "3x"})
    trace = single(init("a"), init("b"), step, query("a"), expert="entity_track")
    assert trace.error == "step 3: amount '3x' is neither a variable name nor a number"
    assert trace.step == 2


# ---- init ---------------------------------------------------------------------------------------


def test_init_with_two_sources_lists_them():
    trace = single({"op": "init", "var": "x", "value": 1, "ref": 2}, query())
    assert trace.error == "step 1: init 'x' needs exactly one of value, source, ref (got value, ref)"


@pytest.mark.parametrize("ref, ok", [(1, True), ("3", True), (0, False), (-2, False), ("1.5", False), ("q", False)])
def test_init_ref_must_be_a_positive_whole_number(ref, ok):
    trace = single({"op": "init", "var": "x", "ref": ref}, query())
    if ok:
        assert trace.ok and trace.subtraces[0].steps[0].ref == int(ref)
    else:
        assert trace.error == f"step 1: init 'x' ref must be a quantity number 1, 2, 3, ..., got {ref!r}"


def test_init_source_error_shows_the_value():
    trace = single({"op": "init", "var": "x", "source": "prev"}, query())
    assert trace.error == "step 1: init 'x' source must be prev.result or subN.result, got 'prev'"


# ---- compute ------------------------------------------------------------------------------------


def compute(cop, args, var="y"):
    return {"op": "compute", "compute_op": cop, "args": args, "var": var}


def test_unknown_compute_op_lists_the_ops():
    trace = single(init(), compute("plus", ["x", 1]), query("y"))
    assert trace.error == ("step 2: unknown compute_op 'plus'; compute ops are "
                           "add, ceil, div, floor, floordiv, max, min, mod, mul, pow, round, sub")


def test_compute_op_outside_the_expert_names_expert_and_vocabulary():
    trace = single(init(), compute("pow", ["x", 2]), query("y"), expert="comparison")
    assert trace.error == ("step 2: compute_op 'pow' is not in the comparison expert's vocabulary "
                           "(add, div, max, min, mul, sub)")


@pytest.mark.parametrize("args, operand", [("x", "x"), (7, 7), (Fraction(1, 2), Fraction(1, 2))])
def test_a_single_scalar_arg_is_read_as_a_list(args, operand):
    trace = single(init(), compute("floor", args), query("y"))
    assert trace.ok and trace.subtraces[0].steps[1].args == (operand,)


@pytest.mark.parametrize("args, shown", [(True, "True"), (2.5, "2.5"), ({"a": 1}, "a mapping"), (None, "nothing")])
def test_args_that_are_not_a_list(args, shown):
    trace = single(init(), compute("floor", args), query("y"))
    assert trace.error == f"step 2: compute 'y' args must be a list like [a, b], got {shown}"


@pytest.mark.parametrize("cop, n, want", [("add", 1, "2 to 32"), ("add", MAX_ARGS + 1, "2 to 32"),
                                          ("sub", 3, "exactly 2"), ("floor", 2, "exactly 1")])
def test_arity_errors(cop, n, want):
    trace = single(init(), compute(cop, ["x"] * n), query("y"))
    assert trace.error == f"step 2: compute {cop} takes {want} args, got {n}"


def test_arity_at_the_limit():
    assert single(init(), compute("add", ["x"] * MAX_ARGS), query("y")).ok
    assert single(init(), compute("mul", ["x"] * 2), query("y")).ok


# ---- sub-trace shape ----------------------------------------------------------------------------


@pytest.mark.parametrize("data, message", [
    ({"expert": "arithmetic", "trace": [query()], "notes": 1},
     "unknown top-level key 'notes'; a trace has expert and trace"),
    ({"trace": [query()]}, "missing expert"),
    ({"expert": "arithmetic"}, "missing trace (the list of steps)"),
    ({"expert": "arithmetic", "trace": "abc"}, "trace must be a list of steps, got 'abc'"),
    ({"expert": "arithmetic", "trace": []}, "trace is empty"),
    ({"expert": "algebra", "trace": [query()]},
     "unknown expert 'algebra'; experts are arithmetic, comparison, rate_equation, entity_track, percentage"),
    ({"expert": COMPOSITION, "trace": [query()]},
     "unknown expert 'composition'; experts are arithmetic, comparison, rate_equation, entity_track, percentage"
     " (composition is the label of a composed trace: a list of sub-traces)"),
])
def test_whole_trace_errors_have_no_location(data, message):
    trace = build_trace(data)
    assert trace.error == message
    assert trace.step is None and trace.subtrace is None
    assert trace.subtraces == ()
    assert trace.composed is False


def test_expert_kept_only_when_a_string():
    assert build_trace({"expert": 5, "trace": [query()]}).expert is None
    assert build_trace({"expert": "arithmetic", "trace": []}).expert == "arithmetic"


def test_query_not_last_keeps_the_steps_read():
    trace = single(init(), query(), init("y"))
    assert trace.error == "step 2: query must be the last step"
    assert trace.step == 1
    assert len(trace.subtraces) == 1
    assert trace.subtraces[0].expert == "arithmetic" and len(trace.subtraces[0].steps) == 1


def test_bad_step_keeps_the_steps_read():
    trace = single(init(), init("y"), {"op": "fly"}, query())
    assert trace.step == 2 and trace.error.startswith("step 3: unknown op 'fly'")
    assert [s.var for s in trace.subtraces[0].steps] == ["x", "y"]
    assert trace.subtraces[0].expert == "arithmetic"


def test_missing_query_keeps_the_steps():
    trace = single(init(), init("y"))
    assert trace.error == "trace has no query step (end with {op: query, var: NAME})"
    assert trace.step is None
    assert trace.subtraces[0].expert == "arithmetic" and len(trace.subtraces[0].steps) == 2


def test_valid_single_trace_fields():
    trace = build_trace(chain(3))
    assert trace.ok and trace.expert == "arithmetic" and trace.composed is False and trace.step is None
    assert len(trace.subtraces) == 1 and len(trace.subtraces[0].steps) == 3


def test_steps_limit_in_one_sub_trace():
    assert build_trace(chain(MAX_STEPS)).ok
    over = build_trace(chain(MAX_STEPS + 1))
    assert over.error == f"too many steps ({MAX_STEPS + 1}, limit {MAX_STEPS})"
    assert over.subtraces == () and over.expert == "arithmetic"


# ---- composed traces ----------------------------------------------------------------------------


def test_sub_trace_limit():
    ok = build_trace([chain(2)] * MAX_SUBTRACES)
    assert ok.ok and ok.composed is True and len(ok.subtraces) == MAX_SUBTRACES
    over = build_trace([chain(2)] * (MAX_SUBTRACES + 1))
    assert over.error == f"too many sub-traces ({MAX_SUBTRACES + 1}, limit {MAX_SUBTRACES})"
    assert over.expert == COMPOSITION and over.composed is True and over.subtraces == ()


def test_steps_limit_across_sub_traces():
    assert build_trace([chain(100), chain(100)]).ok
    over = build_trace([chain(100), chain(101)])
    assert over.error == f"too many steps (201, limit {MAX_STEPS})"
    assert over.expert == COMPOSITION and over.composed is True and over.subtraces == ()
    assert over.step is None and over.subtrace is None


def test_non_mapping_sub_trace():
    trace = build_trace([chain(2), "text"])
    assert trace.error == "sub-trace 2: must be a mapping with expert and trace"
    assert trace.expert == COMPOSITION and trace.composed is True
    assert trace.step is None and trace.subtrace == 1
    assert len(trace.subtraces) == 1 and trace.subtraces[0].expert == "arithmetic"


def test_error_inside_a_sub_trace_is_located():
    trace = build_trace([chain(2), chain(2), {"expert": "arithmetic", "trace": [init(), {"op": "fly"}, query()]}])
    assert trace.error.startswith("sub-trace 3, step 2: unknown op 'fly'")
    assert trace.expert == COMPOSITION and trace.composed is True
    assert trace.step == 1 and trace.subtrace == 2 and len(trace.subtraces) == 2


def test_empty_composed_trace():
    trace = build_trace([])
    assert trace.error == "composed trace is empty"
    assert trace.expert == COMPOSITION and trace.composed is True and trace.subtraces == ()


def test_not_a_trace_at_all():
    trace = build_trace(5)
    assert trace.error == "a trace must be a mapping with expert and trace, got 5"
    assert trace.expert is None and trace.composed is False and trace.subtraces == ()


@pytest.mark.parametrize("data, attempt", [
    ([{"expert": "arithmetic"}], True), ([{"trace": []}], True), ([5, {"trace": []}], True),
    (["expert", "trace"], False), ([{"foo": 1}], False), ([], False),
    ({"trace": 1}, True), ({"foo": 1}, False), ("expert", False),
])
def test_is_attempt(data, attempt):
    assert is_attempt(data) is attempt


# ---- solver.ops: exact arithmetic -----------------------------------------------------------------

from solver import ops  # noqa: E402
from solver.limits import MAX_ABS, MAX_DENOMINATOR, MAX_EXPONENT  # noqa: E402
from solver.schema import TraceError  # noqa: E402


@pytest.mark.parametrize("value", [MAX_ABS, -MAX_ABS, Fraction(2 * MAX_ABS - 1, 2), Fraction(1, MAX_DENOMINATOR),
                                   Fraction(-MAX_ABS * 3, 3)])
def test_check_accepts_values_at_the_limits(value):
    result = ops.check(value)
    assert result == value
    assert type(result) is (int if Fraction(value).denominator == 1 else Fraction)


def test_check_refuses_values_past_the_limits():
    for value in (MAX_ABS + 1, -MAX_ABS - 1, Fraction(MAX_ABS * 2 + 1, 2)):
        with pytest.raises(TraceError) as err:
            ops.check(value)
        assert str(err.value) == "value exceeds the magnitude limit (1e+18; limit 1e18)".replace(
            "1e+18;", ("-1e+18;" if value < 0 else "1e+18;"))
    with pytest.raises(TraceError) as err:
        ops.check(10**400)
    assert str(err.value) == "value exceeds the magnitude limit (a number with over 300 digits; limit 1e18)"
    with pytest.raises(TraceError) as err:
        ops.check(Fraction(1, MAX_DENOMINATOR + 1))
    assert str(err.value) == "value 1e-12 needs a denominator over 1e12"


@pytest.mark.parametrize("values, product, passed", [
    ([2, 0, Fraction(1, 2)], 0, 1),  # 2 * 1/2 = 1: the 0 passes along
    ([0, 1], 0, 0), ([1, 0], 0, 1), ([0, 5], 0, None), ([5, 0], 0, None), ([0, 0], 0, None),
    ([3, 0, 1], 0, None), ([0, 1, 1, 1], 0, 0), ([7, 1], 7, 0), ([7, 3], 21, None), ([2, 6, Fraction(1, 2)], 6, 1),
])
def test_mul_passthrough(values, product, passed):
    assert ops.compute("mul", values) == (product, passed)


def test_div_keeps_whole_results_integers():
    result, passed = ops.compute("div", [6, 3])
    assert result == 2 and type(result) is int and passed is None
    result, passed = ops.compute("div", [7, 2])
    assert result == Fraction(7, 2) and passed is None
    result, passed = ops.compute("div", [Fraction(3, 2), 1])
    assert result == Fraction(3, 2) and passed == 0
    with pytest.raises(TraceError) as err:
        ops.compute("div", [1, 0])
    assert str(err.value) == "division by zero"


@pytest.mark.parametrize("value, rounded", [
    (Fraction(7, 10), 1), (Fraction(3, 10), 0), (Fraction(1, 2), 1), (Fraction(-1, 2), -1), (Fraction(5, 2), 3),
    (Fraction(-5, 2), -3), (Fraction(13, 10), 1), (Fraction(-13, 10), -1), (Fraction(-17, 10), -2), (4, 4),
])
def test_round_goes_half_away_from_zero(value, rounded):
    result, passed = ops.compute("round", [value])
    assert result == rounded and type(result) is int
    assert passed == (0 if type(value) is int else None)


def test_pow_limits():
    assert ops.compute("pow", [1, MAX_EXPONENT]) == (1, 0)
    assert ops.compute("pow", [1, -MAX_EXPONENT]) == (1, 0)
    assert ops.compute("pow", [2, -2]) == (Fraction(1, 4), None)
    assert ops.compute("pow", [0, 0]) == (1, None)
    assert ops.compute("pow", [1, 0]) == (1, 0)
    with pytest.raises(TraceError) as err:
        ops.compute("pow", [1, MAX_EXPONENT + 1])
    assert str(err.value) == f"pow exponent {MAX_EXPONENT + 1} is over the limit {MAX_EXPONENT}"
    with pytest.raises(TraceError) as err:
        ops.compute("pow", [0, -1])
    assert str(err.value) == "division by zero (0 to a negative power)"
    assert ops.compute("pow", [0, 1]) == (0, 0)
    with pytest.raises(TraceError) as err:
        ops.compute("pow", [2, Fraction(1, 2)])
    assert str(err.value) == "pow exponent must be a whole number, got 0.5"


@pytest.mark.parametrize("cop, values, expected", [
    ("floor", [7], (7, 0)), ("ceil", [7], (7, 0)), ("floor", [Fraction(7, 2)], (3, None)),
    ("ceil", [Fraction(7, 2)], (4, None)), ("floor", [Fraction(-7, 2)], (-4, None)),
    ("sub", [5, 0], (5, 0)), ("sub", [5, 2], (3, None)), ("sub", [0, 5], (-5, None)),
    ("floordiv", [7, 1], (7, 0)), ("floordiv", [7, 2], (3, None)), ("floordiv", [-7, 2], (-4, None)),
    ("mod", [3, 5], (3, 0)), ("mod", [7, 5], (2, None)),
    ("add", [4, 1, -1], (4, 0)), ("add", [0, 4], (4, 1)), ("add", [2, 3], (5, None)),
    ("min", [5, 2, 9], (2, 1)), ("max", [5, 2, 9], (9, 2)), ("pow", [3, 2], (9, None)), ("pow", [3, 1], (3, 0)),
])
def test_compute_results_and_passthrough(cop, values, expected):
    assert ops.compute(cop, values) == expected


@pytest.mark.parametrize("cop, message", [("floordiv", "division by zero"), ("mod", "modulo by zero")])
def test_compute_by_zero(cop, message):
    with pytest.raises(TraceError) as err:
        ops.compute(cop, [5, 0])
    assert str(err.value) == message


@pytest.mark.parametrize("op, base, rate, expected", [
    ("percent_of", 200, 15, (30, None)), ("percent_of", 40, 100, (40, 0)), ("percent_of", 100, 30, (30, 1)),
    ("percent_of", 3, 50, (Fraction(3, 2), None)),
    ("percent_off", 80, 25, (60, None)), ("percent_off", 80, 0, (80, 0)), ("percent_off", 80, 100, (0, None)),
    ("percent_increase", 80, 25, (100, None)), ("percent_increase", 80, 0, (80, 0)),
])
def test_percent(op, base, rate, expected):
    assert ops.percent(op, base, rate) == expected


def test_unknown_ops_are_refused():
    with pytest.raises(TraceError) as err:
        ops.compute("avg", [1, 2])
    assert str(err.value) == "unknown compute_op 'avg'"
    with pytest.raises(TraceError) as err:
        ops.percent("percent_per", 1, 2)
    assert str(err.value) == "unknown percent op 'percent_per'"


# ---- solver.extract._load: one candidate block ---------------------------------------------------

from solver.extract import _load  # noqa: E402
from solver.formatting import format_trace  # noqa: E402
from solver.limits import MAX_DOC_CHARS, MAX_YAML_NODES  # noqa: E402


def test_load_empty_and_oversized_blocks():
    assert _load("", 100) == (None, "empty", 0)
    over = "#" * (MAX_DOC_CHARS + 1)
    assert _load(over, 100) == (None, f"trace document is {MAX_DOC_CHARS + 1} characters, over the limit of "
                                      f"{MAX_DOC_CHARS}", 0)
    head = "expert: arithmetic\n#"  # one key, one newline: 2 nodes
    at_limit = head + "x" * (MAX_DOC_CHARS - len(head))
    assert _load(at_limit, 100) == ({"expert": "arithmetic"}, None, 2)


def test_load_charges_only_the_general_loader():
    canonical = format_trace(build_trace(chain(3)))
    data, reason, nodes = _load(canonical, 0)
    assert reason is None and nodes == 0 and build_trace(data) == build_trace(chain(3))


def test_load_node_budget_boundary():
    assert _load("a: 1", 1) == ({"a": "1"}, None, 1)
    data, reason, nodes = _load("a: 1", 0)
    assert data is None and nodes == 0
    assert reason == f"the output holds too much YAML to read: about 1 keys and items here, 0 left of {MAX_YAML_NODES:,}"


def test_load_syntax_error_is_located():
    data, reason, nodes = _load("a: b: c", 100)
    assert data is None and nodes == 2
    # the second ":" is the fifth character of the first line
    assert reason.startswith("the YAML does not parse: mapping values are not allowed")
    assert reason.endswith(" at line 1, column 5")
    data, reason, nodes = _load("a: 1\nb: [1, 2\nc: 3", 100)
    assert data is None and " at line " in reason
