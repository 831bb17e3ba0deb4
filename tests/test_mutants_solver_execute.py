"""solver.execute, against the mutants that survived (issue 23): hand-computed values, hand-built
programs, error messages checked for the facts they state, and program runs cross-checked."""

from fractions import Fraction as F

import pytest

from solver.constants import CONSTANTS
from solver.execute import _COMPUTE, _FIXED, _GAIN, _GIVEN, _PERCENT, _TAKE, Program, execute, explain
from solver.limits import MAX_CONSTANT_USES

Q = "Ann has 12 apples and 5 pears and 10 plums. She gives 3 to Bob."  # #1=12 #2=5 #3=10 #4=3


def T(*steps):
    ops = {s["op"] for s in steps}
    expert = ("percentage" if ops & {"percent_of", "percent_off", "percent_increase"} else
              "entity_track" if ops & {"transfer", "consume", "add_entity"} else "arithmetic")
    return {"expert": expert, "trace": list(steps)}


def init(var, **kw):
    return {"op": "init", "var": var, **kw}


def comp(var, cop, *args):
    return {"op": "compute", "compute_op": cop, "args": list(args), "var": var}


def query(var):
    return {"op": "query", "var": var}


def err(trace, question=Q, **kw):
    run = execute(trace, question, **kw)
    assert run.error is not None
    return run.error


def ok(trace, question=Q, **kw):
    run = execute(trace, question, **kw)
    assert run.error is None, run.error
    return run


# --- Program, built by hand ---------------------------------------------------------------------

def test_values_reads_the_draw_and_negates_negative_givens():
    p = Program(((_GIVEN, "#1", False, 4), (_GIVEN, "#2", True, -3), (_COMPUTE, "add", [0, 1], 1)), 2)
    assert p.values({}) == [4, -3, 1]
    assert p.values({"#1": 10, "#2": 5}) == [10, -5, 5]
    assert p.run({"#2": 1}) == 3


def test_domain_is_off_by_default():
    p = Program(((_GIVEN, "#1", False, 4), (_GIVEN, "#2", False, 2), (_COMPUTE, "div", [0, 1], 2)), 2)
    assert p.values({"#1": 3}) == [3, 2, F(3, 2)]
    assert p.run({"#1": 3}) == F(3, 2)
    assert p.values({"#1": 3}, domain=True) is None
    assert p.run({"#1": 3}, domain=True) is None


def test_domain_negative_and_zero():
    # a value that was 0 going negative leaves the domain; one reaching 0 does not
    p = Program(((_GIVEN, "#1", False, 5), (_GIVEN, "#2", False, 5), (_COMPUTE, "sub", [0, 1], 0),
                 (_FIXED, None, None, 2), (_COMPUTE, "add", [2, 3], 2)), 4)
    assert p.values({"#1": 4}, domain=True) is None  # 4 - 5 = -1 < 0 where it was 0
    assert p.values({"#1": 7, "#2": 7}, domain=True) == [7, 7, 0, 2, 2]
    q = Program(((_GIVEN, "#1", False, 5), (_GIVEN, "#2", False, 3), (_COMPUTE, "sub", [0, 1], 2)), 2)
    assert q.run({"#1": 3}, domain=True) is None  # the answer 0 is not positive like 2
    assert q.run({"#1": 3}) == 0
    z = Program(((_GIVEN, "#1", False, 5), (_GIVEN, "#2", False, 5), (_COMPUTE, "sub", [0, 1], 0)), 2)
    assert z.run({"#1": 8, "#2": 8}, domain=True) == 0  # 0 stays 0: same sign


def test_values_percent_uses_base_and_rate():
    p = Program(((_GIVEN, "#1", False, 200), (_GIVEN, "#2", False, 10), (_PERCENT, "percent_of", (0, 1), 20)), 2)
    assert p.run({}) == 20
    assert p.run({"#1": 50, "#2": 20}) == 10


def test_values_take_and_gain():
    tape = ((_GIVEN, "#1", False, 12), (_GIVEN, "#2", False, 5), (_TAKE, 0, 1, 7), (_GAIN, 2, 1, 12))
    p = Program(tape, 3)
    assert p.values({}) == [12, 5, 7, 12]
    assert p.values({"#1": 20, "#2": 3}) == [20, 3, 17, 20]
    assert Program(tape, 2).run({"#1": 5}) == 0  # taking all is fine
    assert Program(tape, 2).run({"#1": 4}) is None  # taking more than held is not
    assert Program(tape, 3).run({"#2": 0}) == 12  # an amount of 0 is fine
    assert Program(tape, 3).run({"#2": -1}) is None  # a negative amount is not
    assert Program(((_GIVEN, "#1", False, 1), (_GIVEN, "#2", False, 5), (_GAIN, 0, 1, 6)), 2).run({"#1": 0}) == 5


def test_still_only_selecting_slots_whose_operands_move():
    tape = ((_GIVEN, "#1", False, 3), (_GIVEN, "#2", False, 3), (_COMPUTE, "sub", [0, 1], 0),
            (_FIXED, None, None, 2), (_FIXED, None, None, 5), (_COMPUTE, "min", [3, 4], 2),
            (_COMPUTE, "div", [0, 1], 1), (_COMPUTE, "ceil", [6], 1))
    p = Program(tape, 7)
    draws = [{"#1": 4, "#2": 4}, {"#1": 9, "#2": 9}]
    # sub moves its operands and stays 0 but does not select; min's operands never move; ceil of 1 does
    assert p.still(draws) == frozenset()  # div [a, a] is 1 always, ceil passes it along unchanged
    tape2 = tape[:7] + ((_COMPUTE, "floor", [0], 3),)
    assert Program(tape2, 7).still([{"#1": F(7, 2)}, {"#1": F(10, 3)}]) == frozenset({7})
    assert Program(tape2, 7).still([{}]) == frozenset()


# --- literals, constants, messages --------------------------------------------------------------

def test_literal_messages_name_the_operand_role():
    assert "value 777 does not appear in the question" in err(T(init("x", value=777), query("x")))
    assert "arg 777 does not appear" in err(T(init("x", ref=1), comp("y", "add", "x", 777), query("y")))
    assert "base 777 does not appear" in err(T(
        init("x", ref=1), {"op": "percent_of", "base": 777, "rate": "x", "var": "y"}, query("y")))
    assert "rate 777 does not appear" in err(T(
        init("x", ref=1), {"op": "percent_of", "base": "x", "rate": 777, "var": "y"}, query("y")))
    assert "amount 777 does not appear" in err(T(
        init("x", ref=1), {"op": "consume", "var": "x", "amount": 777}, query("x")))
    msg = err(T(init("x", value=777), query("x")))
    assert msg.endswith("known constant; use only numbers from the question (or ref: N)")


def test_negative_constant_message():
    q = "Tom works 3 hours a day."  # cues 60 and 24
    msg = err(T(init("x", ref=1), comp("y", "mul", "x", -60), query("y")), q)
    assert "arg -60: constants are never negative (subtract instead)" in msg
    msg = err(T(init("x", ref=1), comp("y", "mul", "x", -777), query("y")), q)
    assert "never negative" not in msg and "does not appear" in msg


def test_uncued_constant_message_names_its_meaning():
    msg = err(T(init("x", ref=1), comp("y", "mul", "x", 60), query("y")), "Tom has 3 apples.")
    assert f"arg 60 is not in the question; as a constant ({CONSTANTS[F(60)]})" in msg
    assert msg.endswith("it needs the question to name its unit")


def test_constant_budget_message():
    q = "Tom works 3 hours a day."
    steps = [init("x0", ref=1)] + [comp(f"x{i + 1}", "mul", f"x{i}", 60) for i in range(MAX_CONSTANT_USES + 1)]
    msg = err(T(*steps, query(f"x{MAX_CONSTANT_USES + 1}")), q)
    assert f"step {MAX_CONSTANT_USES + 2}" in msg
    assert msg.endswith(f"the constant 60 is used more than {MAX_CONSTANT_USES} times; "
                        "constants convert units, they do not build numbers")


def _adds(q, one, n, op="add", ref=1):
    steps = [init("x0", ref=ref)]
    for i in range(n):
        if op == "add":
            steps.append(comp(f"x{i + 1}", "add", f"x{i}", one))
        else:
            steps.append({"op": "add_entity", "var": "x0", "amount": one})
    return T(*steps, query(f"x{n}" if op == "add" else "x0"))


def test_stated_ones_count_in_a_question_of_only_ones_and_twos():
    q = "Tom has two bags and one box."
    assert ok(_adds(q, 1, MAX_CONSTANT_USES), q).value == 2 + MAX_CONSTANT_USES
    assert "used more than" in err(_adds(q, 1, MAX_CONSTANT_USES + 1), q)


def test_entity_amounts_count_against_the_budget():
    q = "Tom buys one box and 6 apples."  # "one" is a counting constant among other numbers
    assert "used more than" in err(_adds(q, 1, MAX_CONSTANT_USES + 1, op="entity", ref=2), q)
    assert ok(_adds(q, 1, MAX_CONSTANT_USES, op="entity", ref=2), q).value == 6 + MAX_CONSTANT_USES


def test_percent_operands_are_not_counting_uses():
    q = "Tom buys one box and 6 apples."  # a stated 1 as a rate is not counting up
    steps = [init("x0", ref=2)] + [{"op": "percent_increase", "base": f"x{i}", "rate": 1, "var": f"x{i + 1}"}
                                   for i in range(MAX_CONSTANT_USES + 1)]
    run = ok(T(*steps, query(f"x{MAX_CONSTANT_USES + 1}")), q)
    assert run.value == 6 * F(101, 100) ** (MAX_CONSTANT_USES + 1)


def test_stated_counting_numbers_cannot_be_the_answer():
    q = "Tom buys two bags of 6 apples."
    assert "'x' is not computed" in err(T(init("x", value=2), query("x")), q)
    msg = err(T(init("x", value=-2), query("x")), q)
    assert "'x' does not depend on any quantity of the question" in msg
    assert msg.endswith("(or the question's numbers cancel out); the answer must be computed from the question")


def test_stated_counting_number_runs_in_the_program():
    q = "Tom buys two bags of 6 apples."
    run = ok(T(init("x", value=-2), comp("y", "mul", "x", 6), query("y")), q, record=True)
    assert run.value == -12
    assert run.program.run({}) == -12
    assert run.program.arithmetic() == [("mul", (-2, 6), -12)]


def test_given_number_passed_along_message():
    msg = err(T(init("x", ref=1), query("x")))
    assert "'x' is not computed: it holds a number given in the problem" in msg
    assert "through steps that cancel out, like add x 0, mul x 1, or add 7 then sub 7); the answer " in msg
    assert msg.endswith("must come from computation")


# --- givens: refs, negatives, zero, fractions -----------------------------------------------------

def test_ref_reads_that_quantity_not_the_first_equal_one():
    q = "Tom has 3 oranges and 6 lemons. He eats 3 of them."
    run = ok(T(init("a", ref=3), init("b", ref=2), comp("c", "mul", "a", "b"), query("c")), q, record=True)
    assert run.value == 18
    assert run.program.run({"#3": 5}) == 30
    assert run.program.run({"#1": 5}) == 18
    notes = explain(T(init("a", ref=3), init("b", ref=2), comp("c", "mul", "a", "b"), query("c")), q)
    assert notes[0].sources[0].kind == "quantity" and notes[0].sources[0].ref == 3


def test_negative_given_is_negated_in_the_program_and_its_signature():
    run = ok(T(init("a", value=-5), comp("c", "mul", "a", 2), query("c")), record=True)
    assert run.value == -10
    assert run.program.run({"#2": 7}) == -14
    # -5 / 5 is -1 whatever the question says: a constant in disguise, not an answer
    assert "does not depend" in err(T(init("a", value=-5), init("b", ref=2), comp("c", "div", "a", "b"), query("c")))


def test_zero_and_fraction_givens():
    q0 = "Tom has 0 apples and 7 pears."
    assert "'x' is not computed" in err(T(init("x", value=0), query("x")), q0)
    run = ok(T(init("x", value=0), init("y", ref=2), comp("z", "add", "x", "y", 2), query("z")), q0, record=True)
    assert run.value == 9
    assert run.program.run({"#1": 3}) == 12
    qh = "He drank 0.5 liters of 4 liters."
    assert "'x' is not computed" in err(T(init("x", value=0.5), query("x")), qh)
    run = ok(T(init("x", value=0.5), comp("z", "mul", "x", 4), query("z")), qh, record=True)
    assert run.value == 2
    assert run.program.run({"#1": F(1, 4)}) == 1


# --- sources ---------------------------------------------------------------------------------------

def _sub(*steps):
    return T(*steps)


def test_prev_result_and_numbered_results():
    subs = [_sub(init("a", ref=1), comp("b", "mul", "a", 2), query("b")),      # 24
            _sub(init("a", ref=2), comp("b", "mul", "a", 3), query("b")),      # 15
            _sub(init("p", source="prev.result"), init("s", source="sub1.result"), comp("c", "sub", "p", "s"),
                 query("c"))]  # 15 - 24
    run = ok(subs)
    assert run.results == (24, 15, -9)


def test_source_errors():
    first = [_sub(init("p", source="prev.result"), comp("b", "mul", "p", 2), query("b"))]
    assert err(first).endswith("source prev.result in the first sub-trace: there is no previous result")
    later = [_sub(init("a", ref=1), comp("b", "mul", "a", 2), query("b")),
             _sub(init("p", source="sub3.result"), comp("b", "mul", "p", 2), query("b"))]
    msg = err(later)
    assert "source sub3.result is not an earlier sub-trace (this is sub-trace 2)" in msg
    assert "ref needs the question (grade or execute with question=...)" in err(T(init("a", ref=1), query("a")), None)


def test_failure_keeps_the_completed_results():
    subs = [_sub(init("a", ref=1), comp("b", "mul", "a", 2), query("b")),
            _sub(init("a", value=777), query("a"))]
    run = execute(subs, Q)
    assert run.error is not None and run.subtrace == 1 and run.step == 0
    assert run.results == (24,)


def test_recording_needs_both_the_flag_and_a_question():
    trace = T(init("a", value=12), comp("b", "mul", "a", 2), query("b"))
    assert execute(trace, Q).program is None
    assert execute(trace, None, record=True).program is None
    assert execute(trace, Q, record=True).program.run({"#1": 1}) == 2


# --- compute provenance ----------------------------------------------------------------------------

@pytest.mark.parametrize("cop", ["min", "max"])
def test_min_max_select_an_operand(cop):
    assert "'c' is not computed" in err(T(init("a", ref=1), init("b", ref=2), comp("c", cop, "a", "b"), query("c")))


@pytest.mark.parametrize("cop", ["floor", "ceil", "round"])
def test_rounding_a_whole_given_passes_it_along(cop):
    assert "'c' is not computed" in err(T(init("a", ref=1), comp("c", cop, "a"), query("c")))


def test_pow_signatures():
    # pow [a, 2] / a is a again
    assert "'d' is not computed" in err(T(init("a", ref=1), comp("c", "pow", "a", 2), comp("d", "div", "c", "a"),
                                          query("d")))
    q = "Tom has 3 apples and 3 pears and 5 plums."
    # an exponent that depends on the question is opaque, even where it is 1 (pears / apples)
    run = ok(T(init("a", ref=1), init("b", ref=2), init("p", ref=3), comp("e", "div", "b", "a"),
               comp("c", "pow", "p", "e"), comp("d", "mul", "c", 2), query("d")), q)
    assert run.value == 10


def test_disguised_constant_obeys_the_budget():
    steps = [init("a", ref=2), comp("one", "div", "a", "a"), init("x0", ref=1)]
    steps += [comp(f"x{i + 1}", "add", f"x{i}", "one") for i in range(MAX_CONSTANT_USES + 1)]
    assert "the constant 1 is used more than" in err(T(*steps, query(f"x{MAX_CONSTANT_USES + 1}")))


def test_constants_alone_cannot_be_added():
    q = "Tom works 3 hours a day for a dozen days."
    msg = err(T(init("a", ref=1), comp("m", "mul", 60, 24), comp("c", "add", "m", 24), comp("d", "mul", "c", "a"),
                query("d")), q)
    assert "step 3 (compute)" in msg and "add of constants alone" in msg


# --- percent provenance ----------------------------------------------------------------------------

def pct(var, op, base, rate):
    return {"op": op, "base": base, "rate": rate, "var": var}


def test_percent_off_plus_percent_of_is_the_base():
    msg = err(T(init("b", ref=1), init("r", ref=2), pct("o", "percent_off", "b", "r"), pct("f", "percent_of", "b", "r"),
                comp("s", "add", "o", "f"), query("s")))
    assert "'s' is not computed" in msg
    msg = err(T(init("b", ref=1), init("r", ref=2), pct("i", "percent_increase", "b", "r"),
                pct("f", "percent_of", "b", "r"), comp("s", "sub", "i", "f"), query("s")))
    assert "'s' is not computed" in msg


def test_percent_of_is_symmetric():
    msg = err(T(init("b", ref=1), init("r", ref=2), pct("x", "percent_of", "b", "r"), pct("y", "percent_of", "r", "b"),
                comp("s", "sub", "x", "y"), comp("t", "add", "s", "b"), query("t")))
    assert "'t' is not computed" in msg


def test_percent_runs_in_the_program():
    run = ok(T(init("b", ref=1), init("r", ref=2), pct("x", "percent_of", "b", "r"), init("c", ref=3),
               comp("s", "add", "x", "c"), query("s")), record=True)
    assert run.value == F(60, 100) + 10
    assert run.program.run({"#1": 100, "#3": 1}) == 6


def test_percent_of_constants_alone_is_constant():
    q = "Tom works 3 hours a day, 100 percent."
    msg = err(T(init("a", ref=1), pct("p", "percent_of", 60, 24), comp("c", "add", "p", 24), comp("d", "mul", "c", "a"),
                query("d")), "Tom works 3 hours a day for a dozen days, with percent.")
    assert "add of constants alone" in msg
    run = ok(T(init("a", ref=1), pct("p", "percent_of", "a", 60), comp("c", "add", "p", 24), query("c")), q)
    assert run.value == F(180, 100) + 24


# --- entities --------------------------------------------------------------------------------------

def test_entity_errors_name_the_entity():
    msg = err(T(init("ann", ref=1), {"op": "transfer", "from": "ann", "to": "bob", "amount": 777}, query("bob")),
              "Ann has 12 apples. She gives 777 to Bob.")
    assert "'ann' has 12, cannot give 777" in msg
    msg = err(T(init("ann", ref=1), {"op": "consume", "var": "ann", "amount": 777}, query("ann")),
              "Ann has 12 apples. She eats 777.")
    assert "'ann' has 12, cannot consume 777" in msg


def test_entity_can_reach_zero_and_fractions():
    run = ok(T(init("ann", ref=1), {"op": "transfer", "from": "ann", "to": "bob", "amount": 12},
               init("p", ref=2), comp("c", "add", "ann", "bob", "p"), query("c")), "Ann has 12 apples and 5 pears.")
    assert run.value == 17
    run = ok(T(init("ann", ref=1), init("p", ref=2), init("q", ref=3), comp("h", "div", "p", "q"),
               comp("x", "sub", "ann", "h"), {"op": "consume", "var": "ann", "amount": "x"}, comp("c", "add", "ann", "p"),
               query("c")))
    assert run.value == F(1, 2) + 5
    run = ok(T(init("ann", ref=1), init("p", ref=2), comp("z", "sub", "p", "p"), {"op": "consume", "var": "ann",
               "amount": "z"}, comp("c", "mul", "ann", 2), query("c")))
    assert run.value == 24
    run = ok(T(init("ann", ref=1), init("p", ref=2), init("q", ref=3), comp("h", "div", "p", "q"),
               {"op": "add_entity", "var": "ann", "amount": "h"}, query("ann")))
    assert run.value == F(25, 2)


def test_taking_changes_provenance():
    run = ok(T(init("ann", ref=1), {"op": "consume", "var": "ann", "amount": 3}, query("ann")))
    assert run.value == 9
    # taking a table constant from a question number is not constants alone
    run = ok(T(init("ann", ref=1), {"op": "consume", "var": "ann", "amount": 1}, comp("c", "add", "ann", 2),
               query("c")), "Ann has 12 apples.")
    assert run.value == 13


def test_receiving_provenance():
    q = "Ann has 12 apples and 12 pears and 5 plums."
    # 0 held (12 - 12) passes the amount along; an amount of 0 passes the holding along
    assert "'z' is not computed" in err(T(init("a", ref=1), init("b", ref=2), comp("z", "sub", "a", "b"),
                                          {"op": "add_entity", "var": "z", "amount": 5}, query("z")), q)
    assert "'p' is not computed" in err(T(init("a", ref=1), init("b", ref=2), comp("z", "sub", "a", "b"),
                                          init("p", ref=3), {"op": "add_entity", "var": "p", "amount": "z"},
                                          query("p")), q)
    run = ok(T(init("a", ref=1), init("b", ref=2), {"op": "add_entity", "var": "a", "amount": "b"}, query("a")), q)
    assert run.value == 24
    run = ok(T(init("ann", ref=1), {"op": "add_entity", "var": "ann", "amount": 1}, comp("c", "add", "ann", 1),
               query("c")), "Ann has 12 apples.")
    assert run.value == 14


@pytest.mark.parametrize("op", ["consume", "add_entity"])
def test_an_entity_step_on_a_constant_leaves_a_constant(op):
    # 60 (minutes in an hour) taken from or given 1 is still a constant: adding 2 is constants alone
    msg = err(T(init("a", ref=1), init("x", value=60), {"op": op, "var": "x", "amount": 1},
                comp("c", "add", "x", 2), comp("d", "mul", "c", "a"), query("d")), "Tom works 3 hours.")
    assert "add of constants alone" in msg


def test_entity_steps_run_in_the_program():
    trace = T(init("ann", ref=1), init("bob", ref=2), {"op": "transfer", "from": "ann", "to": "bob", "amount": 3},
              {"op": "consume", "var": "ann", "amount": 4},
              init("p", ref=5), {"op": "add_entity", "var": "ann", "amount": "p"},
              comp("c", "mul", "ann", "bob"), query("c"))
    run = ok(trace, "Ann has 12 apples and Bob has 5. Ann gives 3 to Bob, eats 4 and finds 10.", record=True)
    assert run.value == (12 - 3 - 4 + 10) * (5 + 3)
    assert run.program.run({"#1": 20, "#2": 1, "#5": 2}) == (20 - 3 - 4 + 2) * (1 + 3)
    assert [a[0] for a in run.program.arithmetic()] == ["take", "gain", "take", "gain", "mul"]


def test_redefinition_by_percent():
    msg = err(T(init("x", ref=1), init("r", ref=2), pct("x", "percent_of", "x", "r"), query("x")))
    assert "step 3" in msg and "variable 'x' is already defined" in msg


# --- explain ---------------------------------------------------------------------------------------

def test_explain_first_step_reading_literals():
    notes = explain(T(comp("c", "add", 12, 5), comp("d", "mul", "c", 2), query("d")), Q)
    assert [s.value for s in notes[0].sources] == [12, 5]
    assert notes[0].values == (("c", 17),)


def test_explain_failed_init_steps():
    notes = explain(T(init("x", ref=1), init("x", value=5), query("x")), Q)
    assert notes[1].error is not None and notes[1].values == ()
    assert notes[1].sources == (notes[1].sources[0]._replace(kind="literal"),)
    assert notes[1].sources[0].value == 5
    notes = explain(T(init("x", ref=99), query("x")), Q)
    assert notes[0].sources[0].value is None and "ref 99" in notes[0].error


def test_explain_sources_of_constants_and_grounds():
    notes = explain(T(init("d", ref=1), comp("x", "mul", "d", 30), comp("y", "mul", "x", 0.25), query("y")),
                    "He works 3 months and keeps 25% of it.")
    const = notes[1].sources[1]
    assert const.kind == "constant" and const.value == 30 and "days per month" in const.meaning
    ground = notes[2].sources[1]
    assert ground.kind == "question" and ground.value == F(1, 4) and ground.ref == 2


def test_explain_source_init_text():
    subs = [_sub(init("a", ref=1), comp("b", "mul", "a", 2), query("b")),
            _sub(init("p", source="prev.result"), init("c", ref=2), comp("d", "add", "p", "c"), query("d"))]
    notes = explain(subs, Q)
    assert notes[3].text == "p = prev.result"


def test_explain_checks_the_last_answer_and_marks_unran_steps():
    notes = explain(T(init("a", value=60), comp("b", "mul", "a", 2), query("b")), "Tom works 3 hours.")
    assert "does not depend on any quantity" in notes[-1].error
    subs = [_sub(init("a", value=777), query("a")),
            _sub(init("p", source="prev.result"), comp("b", "mul", "p", 2), query("b"))]
    notes = explain(subs, Q)
    assert [(n.subtrace, n.step, n.ran) for n in notes] == [(0, 0, True), (0, 1, False), (1, 0, False),
                                                             (1, 1, False), (1, 2, False)]
