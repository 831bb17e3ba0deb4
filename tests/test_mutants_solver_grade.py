"""solver.grade and solver.explain pinned down field by field (issue 23: tests that kill the
mutants mutmut found surviving). Every expected Outcome is worked out by hand from the trace and
the question; none is copied from a run of the grader."""

import importlib
import logging
from fractions import Fraction as F

import pytest
from handwritten import BAKERY, BAKERY_GOLD, BAKERY_LUCKY  # tests/handwritten.py

from solver import RUNS, Outcome, check, explain, grade, grade_and_check
from solver.execute import Source, StepRun
from solver.grade import GRADER_ERROR, VALID_CATEGORIES

grade_module = importlib.import_module("solver.grade")  # the attribute solver.grade is the function


def single(expert, *steps):
    return "\n".join([f"expert: {expert}", "trace:", *[f"- {s}" for s in steps]])


# (48 - 30) * 5 = 90
GOOD = BAKERY_GOLD
PADDING = "Let me think about this problem step by step. " * 100  # over the 4,096 remembered characters


# -- VALID_CATEGORIES / Outcome.valid: every report counts "valid" by this one set -------------------------

@pytest.mark.parametrize("category, valid", [
    ("correct", True), ("wrong_answer", True), (RUNS, True),
    ("invalid", False), ("wrong_expert", False), ("unparseable", False), (GRADER_ERROR, False),
])
def test_valid_means_the_trace_ran_to_an_answer(category, valid):
    assert Outcome(None, category).valid is valid
    assert Outcome(None, category).to_dict()["valid"] is valid
    assert (category in VALID_CATEGORIES) is valid


def test_valid_categories_are_exactly_the_three_that_run():
    assert {"correct", "wrong_answer", "runs"} == VALID_CATEGORIES


@pytest.mark.parametrize("category, parsed", [
    ("correct", True), ("wrong_answer", True), (RUNS, True), ("invalid", True), ("wrong_expert", True),
    ("unparseable", False), (GRADER_ERROR, False),
])
def test_parsed(category, parsed):
    assert Outcome(None, category).parsed is parsed


# -- one Outcome per rung, every field ----------------------------------------------------------------------

def test_correct_outcome_every_field():
    assert grade(GOOD, 90, "arithmetic", BAKERY) == Outcome(1.0, "correct", F(90), expert="arithmetic")
    assert grade(GOOD, 90, "arithmetic", BAKERY, BAKERY_GOLD) == Outcome(
        1.0, "correct", F(90), expert="arithmetic", variants=4)


def test_wrong_answer_outcome_every_field():
    assert grade(GOOD, 91, "arithmetic", BAKERY) == Outcome(0.7, "wrong_answer", F(90), expert="arithmetic")
    assert grade(GOOD, 91, "arithmetic", BAKERY, BAKERY_GOLD) == Outcome(
        0.7, "wrong_answer", F(90), expert="arithmetic", variants=4)


def test_unusable_gold_answer_outcome_every_field():
    out = grade(GOOD, "ninety-ish", "arithmetic", BAKERY)
    assert (out.reward, out.category, out.answer, out.expert, out.variants) == (
        0.7, "wrong_answer", F(90), "arithmetic", 0)
    assert out.error.startswith("gold answer unusable: ") and "ninety-ish" in out.error


def test_a_list_as_the_gold_answer_is_unusable_not_a_grader_fault():
    # a list cannot be remembered (unhashable): it is graded afresh, and a list is not a number
    out = grade(GOOD, [90], "arithmetic", BAKERY)
    assert (out.category, out.answer, out.expert) == ("wrong_answer", F(90), "arithmetic")
    assert out.error.startswith("gold answer unusable: ")


def test_wrong_program_outcome_names_the_first_variant_it_misses():
    out = grade(BAKERY_LUCKY, 90, "arithmetic", BAKERY, BAKERY_GOLD)
    checks = grade_module.variants.gold_variants(BAKERY_GOLD, BAKERY)
    # the lucky program is 3 * sold; the gold one (made - sold) * days, quantities #1, #2, #3
    first = next(k for k, c in enumerate(checks, 1) if 3 * c.draw["#2"] != c.answer)
    assert (out.reward, out.category, out.answer, out.expert, out.variants) == (
        0.7, "wrong_answer", F(90), "arithmetic", len(checks))
    assert out.error == (f"right number, wrong program: with the question's numbers changed (variant {first} of "
                         f"{len(checks)}) the trace no longer matches the problem's program")
    assert out.answer_correct and not out.correct


def test_wrong_expert_outcome_every_field():
    out = grade(GOOD, 90, "comparison", BAKERY, BAKERY_GOLD)
    assert out == Outcome(0.3, "wrong_expert", expert="arithmetic",
                          error="expert 'arithmetic' does not match the problem's expert")


def test_invalid_outcome_every_field():
    text = GOOD.replace("args: [left, days]", "args: [left, weeks]")
    # step 5 in words, 4 counted from 0
    error = "step 5 (compute): arg 'weeks' is not defined"
    assert grade(text, 90, "arithmetic", BAKERY) == Outcome(0.5, "invalid", error=error, step=4, expert="arithmetic")
    assert check(text, BAKERY) == Outcome(0.5, "invalid", error=error, step=4, expert="arithmetic")


def test_invalid_step_and_subtrace_of_a_composed_trace():
    composed = "\n".join([
        "- expert: percentage", "  trace:", "  - {op: init, var: price, value: 40}",
        "  - {op: percent_off, base: price, rate: 25, var: r}", "  - {op: query, var: r}",
        "- expert: arithmetic", "  trace:", "  - {op: init, var: p, source: prev.result}",
        "  - {op: compute, compute_op: mul, args: [p, n], var: t}", "  - {op: query, var: t}",
    ])
    out = grade(composed, 90, question="A $40 shirt is 25% off. What do 3 shirts cost?")
    assert (out.category, out.step, out.subtrace, out.expert, out.error) == (
        "invalid", 1, 1, "composition", "sub-trace 2, step 2 (compute): arg 'n' is not defined")


def test_unparseable_outcome_every_field():
    assert grade("The answer is 90.", 90, "arithmetic", BAKERY) == Outcome(
        0.0, "unparseable", error="no YAML trace found")
    # not text at all: unparseable, not a grader fault
    assert grade(123, 90, "arithmetic", BAKERY) == Outcome(0.0, "unparseable", error="no YAML trace found")  # type: ignore[arg-type]


def test_check_without_gold_runs_every_field():
    assert check(GOOD, BAKERY) == Outcome(None, RUNS, F(90), expert="arithmetic")
    graded, checked = grade_and_check(GOOD, 91, "arithmetic", BAKERY, BAKERY_GOLD)
    assert checked == Outcome(None, RUNS, F(90), expert="arithmetic")
    assert graded == Outcome(0.7, "wrong_answer", F(90), expert="arithmetic", variants=4)


def test_check_ignores_label_and_reward():
    # a check has no label: a trace of any expert runs
    text = single("comparison", "{op: init, var: a, value: 48}", "{op: init, var: b, value: 30}",
                  "{op: compute, compute_op: sub, args: [a, b], var: d}",
                  "{op: compute, compute_op: mul, args: [b, 5], var: e}",
                  "{op: compute, compute_op: max, args: [d, e], var: m}", "{op: query, var: m}")
    out = check(text, BAKERY)
    assert (out.reward, out.category, out.answer, out.expert) == (None, RUNS, F(150), "comparison")


def test_a_question_independent_answer_names_its_expert():
    # ceil(min(a, b) / max(a, b)) is 1 whatever the numbers (both positive): it does not depend on them
    text = single("arithmetic", "{op: init, var: a, value: 48}", "{op: init, var: b, value: 30}",
                  "{op: compute, compute_op: min, args: [a, b], var: m}",
                  "{op: compute, compute_op: max, args: [a, b], var: big}",
                  "{op: compute, compute_op: div, args: [m, big], var: r}",
                  "{op: compute, compute_op: ceil, args: [r], var: c}", "{op: query, var: c}")
    out = grade(text, 1, question=BAKERY)
    assert (out.reward, out.category, out.expert, out.answer) == (0.5, "invalid", "arithmetic", None)
    assert out.error == ("the answer does not depend on the question: it stays 1 when the question's numbers "
                         "change; compute it from them")
    assert check(text, BAKERY) == out
    # ... unless the gold program stays put as well: then it is graded, on the variants
    assert grade(text, 1, question=BAKERY, gold=text) == Outcome(1.0, "correct", F(1), expert="arithmetic", variants=4)
    assert grade(text, 2, question=BAKERY, gold=text).category == "wrong_answer"
    assert grade(text, 1, question=BAKERY, gold=GOOD) == out  # the bakery's gold moves


def test_selecting_ops_without_a_question_are_graded_on_the_answer():
    text = single("comparison", "{op: init, var: a, value: 48}", "{op: init, var: b, value: 30}",
                  "{op: compute, compute_op: sub, args: [a, b], var: d}",
                  "{op: compute, compute_op: min, args: [d, b], var: m}", "{op: query, var: m}")
    assert grade(text, 18) == Outcome(1.0, "correct", F(18), expert="comparison")


# -- gold only counts with a question, and the long path grades as the short one ---------------------------

def test_gold_without_a_question_grades_on_the_answer_alone():
    assert grade(GOOD, 90, "arithmetic", None, BAKERY_GOLD).variants == 0
    assert grade(BAKERY_LUCKY, 90, "arithmetic", None, BAKERY_GOLD).category == "correct"


def test_a_long_output_is_graded_as_its_trace():
    long = PADDING + "\n\n" + GOOD
    assert len(long) > 4096
    for args in [(90, "arithmetic", BAKERY, BAKERY_GOLD), (91, "arithmetic", BAKERY, None), (90, None, None, None)]:
        assert grade(long, *args) == grade(GOOD, *args), args
    lucky = PADDING + "\n\n" + BAKERY_LUCKY
    assert grade(lucky, 90, "arithmetic", BAKERY, BAKERY_GOLD).category == "wrong_answer"
    assert grade(lucky, 90, "arithmetic", BAKERY).category == "correct"  # no gold: the answer alone
    assert grade(PADDING + GOOD.replace("value: 5}", "value: 6}"), 90, None, BAKERY).category == "invalid"


# -- tolerance: exact for integer gold, 1e-6 relative otherwise -----------------------------------------------

def _value_trace(value):  # value + 1, computed
    return single("arithmetic", f"{{op: init, var: x, value: {value}}}",
                  "{op: compute, compute_op: add, args: [x, 1], var: y}", "{op: query, var: y}")


@pytest.mark.parametrize("value, gold, category", [
    ("1.5000025", F(5, 2), "correct"),  # exactly 1e-6 of 2.5 away
    ("1.5000026", F(5, 2), "wrong_answer"),
    ("1.4999975", F(5, 2), "correct"),
    ("1.5000001", F(5, 2), "correct"),
    ("249.2497", F(1001, 4), "wrong_answer"),  # gold 250.25, 1e-6 of it is 0.00025025
    ("249.2502", F(1001, 4), "correct"),
    ("-0.6666664", F(1, 3), "correct"),  # 1/3 - 0.3333336: 2.7e-7 < 3.3e-7
    ("-0.6666662", F(1, 3), "wrong_answer"),
    ("999.5011", F(2001, 2), "wrong_answer"),  # gold 1000.5, 1e-6 of it is 0.0010005
    ("999.501", F(2001, 2), "correct"),
    ("999.5001", F(2001, 2), "correct"),
    ("89.0000001", 90, "wrong_answer"),  # integer gold: exact
])
def test_relative_tolerance(value, gold, category):
    assert grade(_value_trace(value), gold).category == category


# -- feedback and to_dict ----------------------------------------------------------------------------------------

def test_feedback_of_every_rung():
    correct = grade(GOOD, 90, "arithmetic", BAKERY)
    assert correct.feedback() == "Your trace is correct: it computes 90."
    runs = check(GOOD, BAKERY)
    assert runs.feedback() == "Your trace runs: it computes 90."
    wrong = grade(GOOD, 91, "arithmetic", BAKERY)
    assert wrong.feedback().startswith("Your trace runs and computes 90, but that is not the right answer. Check ")
    assert wrong.feedback().endswith("then write the whole trace again.")
    expert = grade(GOOD, 90, "comparison", BAKERY)
    assert expert.feedback() == ("The expert 'arithmetic' does not fit this problem. Choose the expert whose "
                                 "operations the problem needs and write the whole trace again.")
    invalid = grade(GOOD.replace("value: 5}", "value: 6}"), 90, question=BAKERY)
    assert invalid.feedback().startswith("Your trace is invalid: ")
    assert invalid.feedback().endswith(". Fix this and write the whole trace again.")
    none = grade("The answer is 90.", 90)
    assert none.feedback().startswith("No trace was found in your answer. Write a YAML trace: a line `expert: NAME`, "
                                      "then `trace:` with one step")
    assert none.feedback().endswith("ending with `- {op: query, var: NAME}`.")


def test_unparseable_feedback_carries_the_reason_in_brackets():
    # the reason after " (" of the error is repeated; a bracket inside the reason stays whole
    out = Outcome(0.0, "unparseable", error="no YAML trace found (bad indent (line 3) here)")
    assert out.feedback().startswith("No trace was found in your answer (bad indent (line 3) here). Write")
    plain = Outcome(0.0, "unparseable", error="no YAML trace found")
    assert plain.feedback().startswith("No trace was found in your answer. Write")


def test_to_dict_every_key():
    out = grade(BAKERY_LUCKY, 90, "arithmetic", BAKERY, BAKERY_GOLD)
    d = out.to_dict()
    assert d == {
        "reward": 0.7, "category": "wrong_answer", "answer": "90", "error": out.error, "step": None,
        "subtrace": None, "expert": "arithmetic", "variants": 4, "parsed": True, "valid": True, "correct": False,
        "answer_correct": True,
    }
    invalid = grade(GOOD.replace("args: [left, days]", "args: [left, weeks]"), 90, question=BAKERY).to_dict()
    assert (invalid["answer"], invalid["step"], invalid["error"], invalid["valid"]) == (
        None, 4, "step 5 (compute): arg 'weeks' is not defined", False)
    assert Outcome(1.0, "correct", F(5, 2)).to_dict()["answer"] == "2.5"


# -- a fault of the grader is logged with the output's length ----------------------------------------------------

def test_grader_fault_is_logged_with_the_output_length(monkeypatch, caplog):
    def boom(*args):
        raise RuntimeError("boom")

    monkeypatch.setattr(grade_module, "_assess", boom)
    monkeypatch.setattr(grade_module, "_remembered", boom)
    with caplog.at_level(logging.ERROR, logger="solver.grade"):
        out = grade("x" * 37, 90)
        odd = grade(123, 90)  # type: ignore[arg-type]
    assert out == odd == Outcome(None, GRADER_ERROR, error="grader fault (not the policy's): RuntimeError: boom")
    assert [r.getMessage() for r in caplog.records] == [
        "grader fault on a 37-character output", "grader fault on a -1-character output"]


# -- explain: each step as it ran -----------------------------------------------------------------------------

def test_explain_entity_steps():
    question = "Tom has 12 apples and gives 5 to Ann, who had 3. Ann eats 2 and finds 4 more."
    text = single("entity_track", "{op: init, var: tom, value: 12}", "{op: init, var: ann, value: 3}",
                  "{op: transfer, from: tom, to: ann, amount: 5}", "{op: consume, var: ann, amount: 2}",
                  "{op: add_entity, var: ann, amount: 4}", "{op: query, var: ann}")
    assert grade(text, 10, "entity_track", question).category == "correct"  # 3 + 5 - 2 + 4
    assert explain(text, question) == [
        StepRun(None, 0, "init", "tom = 12", (Source("12", F(12), "quantity", 1),), (("tom", F(12)),)),
        StepRun(None, 1, "init", "ann = 3", (Source("3", F(3), "quantity", 3),), (("ann", F(3)),)),
        StepRun(None, 2, "transfer", "transfer 5 from tom to ann", (Source("5", F(5), "quantity", 2),),
                (("tom", F(7)), ("ann", F(8)))),
        # 2 is a counting number: stated by the question (quantity 4), not a quantity that moves
        StepRun(None, 3, "consume", "consume 2 from ann", (Source("2", F(2), "question", 4),), (("ann", F(6)),)),
        StepRun(None, 4, "add_entity", "add 4 to ann", (Source("4", F(4), "quantity", 5),), (("ann", F(10)),)),
        StepRun(None, 5, "query", "query ann", (), (("ann", F(10)),)),
    ]


def test_explain_without_a_question_reads_literals():
    text = single("percentage", "{op: init, var: p, value: 40}", "{op: percent_off, base: p, rate: 25, var: r}",
                  "{op: percent_of, base: r, rate: 50, var: s}", "{op: percent_increase, base: s, rate: 1/2, var: t}",
                  "{op: query, var: t}")
    runs = explain(text)
    assert [r.text for r in runs] == ["p = 40", "r = percent_off(p, 25)", "s = percent_of(r, 50)",
                                      "t = percent_increase(s, 0.5)", "query t"]
    assert runs[1].sources == (Source("p", F(40), "variable"), Source("25", F(25), "literal"))
    # 40 * 3/4 = 30; half of 30 = 15; 15 * (1 + 1/200) = 15.075
    assert [r.values for r in runs] == [(("p", F(40)),), (("r", F(30)),), (("s", F(15)),),
                                        (("t", F(603, 40)),), (("t", F(603, 40)),)]
    assert all(r.ran and r.error is None and r.subtrace is None for r in runs)


def test_explain_a_failing_step_and_the_steps_after_it():
    text = single("arithmetic", "{op: init, var: x, value: 7}", "{op: query, var: y}")
    assert explain(text, "I have 7 cats") == [
        StepRun(None, 0, "init", "x = 7", (Source("7", F(7), "quantity", 1),), (("x", F(7)),)),
        StepRun(None, 1, "query", "query y", (), (), "'y' is not defined"),
    ]
    stop = single("arithmetic", "{op: init, var: x, value: 9}", "{op: compute, compute_op: add, args: [x, 1], var: y}",
                  "{op: query, var: y}")
    runs = explain(stop, "I have 7 cats")
    assert runs[0].error and "9" in runs[0].error and runs[0].values == ()
    assert runs[0].sources == (Source("9", F(9), "literal"),)
    assert runs[1:] == [StepRun(None, 1, "compute", "y = add(x, 1)", ran=False),
                        StepRun(None, 2, "query", "query y", ran=False)]


def test_explain_refs_sources_and_data():
    question = "Sam reads 20 pages a day for 3 days."
    data = {"expert": "arithmetic", "trace": [
        {"op": "init", "var": "pages", "ref": 1}, {"op": "init", "var": "days", "value": 3},
        {"op": "compute", "compute_op": "mul", "args": ["pages", "days"], "var": "total"},
        {"op": "query", "var": "total"}]}
    runs = explain(data, question)
    assert [r.text for r in runs] == ["pages = ref 1", "days = 3", "total = mul(pages, days)", "query total"]
    assert runs[0].sources == (Source("ref 1", F(20), "quantity", 1),)
    assert runs[2].sources == (Source("pages", F(20), "variable"), Source("days", F(3), "variable"))
    assert runs[3].values == (("total", F(60)),)
    broken = {"expert": "arithmetic", "trace": [{"op": "init", "var": "x", "value": 3},
                                                {"op": "bogus", "var": "x"}]}
    # a trace that does not build runs nothing: the steps read before the bad one are shown, not run
    assert explain(broken, question) == [StepRun(None, 0, "init", "x = 3", ran=False)]
    assert explain("nothing to see", question) == []
