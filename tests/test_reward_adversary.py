"""The reward as an adversarial policy sees it: every known shortcut, and random searches for more.

Each class of the reward issue has a test with the issue's own example (the bakery question,
answer 90) plus variants; a hypothesis adversary then tries constants-only encoders, copied
question numbers dressed up by identities, and fixed question-independent programs on random
generated problems; a seeded fuzzer over the step vocabulary looks for grader faults; crafted
worst-case outputs check that grading stays fast.
"""

from __future__ import annotations

import importlib
import importlib.util
import random
import time
from fractions import Fraction
from pathlib import Path

import handwritten  # tests/handwritten.py
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generators import generate
from solver import GRADER_ERROR, GraderError, extract_quantities, format_number, grade
from solver.experts import EXPERTS
from solver.schema import FIELDS

BAKERY = "A baker makes 48 muffins a day and sells 30 of them. How many muffins are left after 5 days?"
HALF = "A baker makes 30 muffins and sells half of them. How many muffins does he sell?"


def trace(*steps: str, expert: str = "arithmetic") -> str:
    return f"expert: {expert}\ntrace:\n" + "\n".join(f"- {s}" for s in steps)


def reward(text: str, answer: object = 90, expert: str | None = "arithmetic", question: str | None = BAKERY) -> float:
    return grade(text, answer, expert, question).reward


HONEST = trace("{op: init, var: made, ref: 1}", "{op: init, var: sold, ref: 2}",
               "{op: compute, compute_op: sub, args: [made, sold], var: left}", "{op: init, var: days, ref: 3}",
               "{op: compute, compute_op: mul, args: [left, days], var: total}", "{op: query, var: total}")


def test_honest_trace_is_paid():
    assert reward(HONEST) == 1.0


# ---------------------------------------------------------------- 1. head arithmetic via constants

def test_constant_without_its_cue_is_ungrounded():
    out = grade(trace("{op: compute, compute_op: add, args: [30, 60], var: r}", "{op: query, var: r}"),
                90, "arithmetic", BAKERY)
    assert out.reward == 0.5 and "60" in out.error and "unit" in out.error


@pytest.mark.parametrize("steps", [
    ["{op: compute, compute_op: add, args: [30, 60], var: r}"],  # 60: minutes in an hour, but no hours
    ["{op: init, var: s, ref: 2}", "{op: compute, compute_op: mul, args: [s, 3], var: r}"],  # 3 is nowhere
    ["{op: init, var: s, ref: 2}", "{op: compute, compute_op: add, args: [s, -60], var: r}"],
    ["{op: init, var: s, ref: 2}", "{op: compute, compute_op: mul, args: [s, 2, 1.5], var: r}"],
])
def test_head_arithmetic_variants_are_invalid(steps):
    assert reward(trace(*steps, "{op: query, var: r}")) == 0.5


@pytest.mark.parametrize(("question", "value"), [
    ("On the second day Ann sold 5 cakes and on the first day 7. How many cakes did she sell?", 60),  # an ordinal
    ("Tom pounds 5 nails and then 3 more. How many nails did he pound?", 16),  # a verb
    ("The band will march 5 miles today and 3 tomorrow. How many miles in all?", 31),  # a verb
    ("They met 5 friends in the town square and 3 at home. How many friends?", 4),  # a place
    ("The room is 200 square feet and the hall 50 square feet. How much floor?", 4),  # an area unit
])
def test_a_cue_word_in_another_sense_unlocks_no_constant(question, value):
    text = trace("{op: init, var: a, ref: 1}", "{op: init, var: b, ref: 2}",
                 "{op: compute, compute_op: add, args: [a, b], var: s}",
                 f"{{op: compute, compute_op: add, args: [s, {value}], var: r}}", "{op: query, var: r}")
    out = grade(text, 0, "arithmetic", question)
    assert out.category == "invalid" and str(value) in out.error


@pytest.mark.parametrize(("question", "value"), [
    ("A clip lasts 1 second per frame and has 5 frames and 3 titles. How long?", 60),
    ("A bag holds 5 pounds of rice and 3 more. How many ounces?", 16),
    ("In March Ann saved 5 dollars and 3 more. How many per day?", 31),
    ("A square has 5 cm sides and 3 corners drawn. What is its perimeter?", 4),
])
def test_the_unit_sense_still_unlocks_it(question, value):
    from fractions import Fraction

    from solver.constants import question_constants

    assert Fraction(value) in question_constants(question)


def test_cued_constant_still_works_for_a_real_conversion():
    question = "A tap drips 3 cups an hour. How many cups does it drip in 2 days?"
    text = trace("{op: init, var: rate, ref: 1}", "{op: compute, compute_op: mul, args: [rate, 24], var: per_day}",
                 "{op: init, var: days, ref: 2}", "{op: compute, compute_op: mul, args: [per_day, days], var: r}",
                 "{op: query, var: r}")
    assert reward(text, 144, "arithmetic", question) == 1.0


def test_negative_constants_and_constant_sums_are_refused():
    question = "Sam works 3 hours a day. How many minutes is that?"
    assert reward(trace("{op: init, var: h, ref: 1}", "{op: compute, compute_op: mul, args: [h, -60], var: r}",
                        "{op: query, var: r}"), -180, "arithmetic", question) == 0.5
    assert reward(trace("{op: init, var: h, ref: 1}", "{op: compute, compute_op: add, args: [60, 24], var: k}",
                        "{op: compute, compute_op: mul, args: [h, k], var: r}", "{op: query, var: r}"),
                  252, "arithmetic", question) == 0.5


def test_a_constant_spends_its_budget():
    question = "Sam has 3 apples."
    doubled = [f"{{op: compute, compute_op: mul, args: [v{i}, 2], var: v{i + 1}}}" for i in range(5)]
    text = trace("{op: init, var: v0, ref: 1}", *doubled, "{op: query, var: v5}")
    out = grade(text, 96, None, question)
    assert out.reward == 0.5 and "more than 4 times" in out.error


# ---------------------------------------------------------------- 2. traces that ignore the question

@pytest.mark.parametrize("label", ["arithmetic", None, ""])
def test_question_free_program_is_invalid_with_or_without_label(label):
    text = trace("{op: compute, compute_op: add, args: [1, 1], var: r}", "{op: query, var: r}")
    assert reward(text, 90, label) == 0.5


@pytest.mark.parametrize("steps", [
    ["{op: init, var: a, ref: 1}", "{op: compute, compute_op: sub, args: [a, a], var: z}",
     "{op: compute, compute_op: add, args: [z, 1], var: r}"],  # the question's number cancels out
    ["{op: init, var: a, ref: 1}", "{op: compute, compute_op: div, args: [a, a], var: one}",
     "{op: compute, compute_op: mul, args: [one, 2], var: r}"],
    ["{op: init, var: one, value: 1}", "{op: init, var: two, value: 2}",
     "{op: compute, compute_op: mul, args: [one, two], var: r}"],
])
def test_answer_independent_of_the_question_is_invalid(steps):
    out = grade(trace(*steps, "{op: query, var: r}"), 2, "arithmetic", BAKERY)
    assert out.reward == 0.5, out


# ---------------------------------------------------------------- 3. identity laundering

@pytest.mark.parametrize(("steps", "question"), [
    (["{op: compute, compute_op: add, args: [x, 1, -1], var: r}"], BAKERY),
    (["{op: compute, compute_op: mul, args: [x, -1, -1], var: r}"], BAKERY),
    (["{op: compute, compute_op: mul, args: [x, 2, 1/2], var: r}"], HALF),
    (["{op: compute, compute_op: add, args: [x, 7], var: t}", "{op: compute, compute_op: sub, args: [t, 7], var: r}"],
     BAKERY),
    (["{op: compute, compute_op: mul, args: [x, 5], var: t}", "{op: compute, compute_op: div, args: [t, 5], var: r}"],
     BAKERY),
    (["{op: init, var: d, ref: 3}", "{op: compute, compute_op: add, args: [x, d], var: t}",
      "{op: compute, compute_op: sub, args: [t, d], var: r}"], BAKERY),
    (["{op: compute, compute_op: mul, args: [x, 5], var: t}", "{op: compute, compute_op: floordiv, args: [t, 5], var: r}"],
     BAKERY),
    (["{op: compute, compute_op: add, args: [x, 48], var: t}", "{op: compute, compute_op: mod, args: [t, 48], var: r}"],
     BAKERY),
    (["{op: compute, compute_op: max, args: [x, 5], var: r}"], BAKERY),
    (["{op: compute, compute_op: floor, args: [x], var: r}"], BAKERY),
])
def test_identity_laundering_of_a_given_number(steps, question):
    ref = 1 if question is HALF else 2
    text = trace(f"{{op: init, var: x, ref: {ref}}}", *steps, "{op: query, var: r}")
    assert reward(text, 30, "arithmetic", question) == 0.5
    # The identity rule alone catches it too (without the question, where -1 is no constant issue):
    by_value = text.replace(f"x, ref: {ref}", "x, value: 30").replace("ref: 3", "value: 5")
    out = grade(by_value, 30, "arithmetic", None)
    assert out.reward == 0.5 and "not computed" in out.error, out


def test_entity_computed_as_zero_does_not_launder():
    text = trace("{op: init, var: x, ref: 2}", "{op: compute, compute_op: sub, args: [x, x], var: box}",
                 "{op: add_entity, var: box, amount: x}", "{op: query, var: box}", expert="entity_track")
    out = grade(text, 30, "entity_track", BAKERY)
    assert out.reward == 0.5 and "not computed" in out.error


def test_percent_identities_launder_nothing():
    question = "A shirt costs $30 and is 100% cotton. It is 20% off. What is the price?"
    for step in ("{op: percent_of, base: x, rate: 100, var: r}", "{op: percent_off, base: x, rate: 0, var: r}"):
        text = trace("{op: init, var: x, ref: 1}", step, "{op: query, var: r}", expert="percentage")
        assert reward(text, 30, "percentage", question + " 0") == 0.5


# ---------------------------------------------------------------- 4. one consistent ladder

def test_ladder_for_unreadable_and_aliased_outputs():
    assert reward("expert: arithmetic\ntrace: *a") == 0.5  # refused (alias): invalid, right expert
    assert reward("trace: *a") == 0.3  # refused and no expert: the expert check applies
    assert reward("trace: *a", expert=None) == 0.5
    wrong = HONEST.replace("arithmetic", "comparison")
    assert reward(wrong) == 0.3
    assert reward(wrong.replace("- {op: init, var: made, ref: 1}", "- &m {op: init, var: made, ref: 1}")) == 0.3
    assert reward("expert: arithmetic\ntrace: [unclosed") == 0.0  # no parseable trace
    assert reward("expert: arithmetic\ntrace:\n" + "- " * 5_000 + "x") == 0.5


def test_ladder_for_over_long_outputs():
    padding = "x" * 60_000
    assert reward("I think the expert would say " + padding) == 0.0  # no trace start: nothing to grade
    assert reward(HONEST + "\n" + padding) == 0.5
    assert reward(HONEST.replace("arithmetic", "comparison") + "\n" + padding) == 0.3


def test_empty_label_means_no_label():
    wrong_expert_but_correct = HONEST.replace("arithmetic", "rate_equation").replace(
        "compute_op: sub", "compute_op: sub")
    assert reward(wrong_expert_but_correct, expert="") == 1.0
    assert reward(wrong_expert_but_correct, expert="arithmetic") == 0.3


def test_grader_fault_is_its_own_category(monkeypatch):
    module = importlib.import_module("solver.grade")
    monkeypatch.setattr(module, "execute", lambda *a, **k: 1 / 0)
    out = grade(HONEST, 90, "arithmetic", BAKERY)
    assert out.category == GRADER_ERROR and out.reward is None and not out.parsed
    with pytest.raises(GraderError, match="ZeroDivisionError"):
        out.checked()


# ---------------------------------------------------------------- 7. honest prose around a trace

@pytest.mark.parametrize("text", [
    HONEST + "\nAnswer: 90",
    HONEST + "\n---\nSo 90 muffins are left.",
    HONEST + "\n...\nDone.",
    "```yaml\n" + HONEST.replace("args: [left, days]", "args: [made, days]") + "\n```\nWait, that is wrong:\n" + HONEST,
    "First try:\n" + HONEST.replace("args: [left, days]", "args: [made, days]") + "\nCorrected:\n" + HONEST,
])
def test_honest_prose_is_forgiven(text):
    assert reward(text) == 1.0


def test_comma_without_space_separates_arguments():
    question = "A jar holds 3 dollars. How many cents is that?"
    text = trace("{op: init, var: d, ref: 1}", "{op: compute, compute_op: mul, args: [d,100], var: r}",
                 "{op: query, var: r}")
    assert reward(text, 300, "arithmetic", question) == 1.0


# ---------------------------------------------------------------- 8. grader faults found by fuzzing

@pytest.mark.parametrize("step", ["{op: transfer, to: y, amount: 2}", "{op: transfer, from: x, amount: 2}"])
def test_transfer_without_a_side_is_invalid(step):
    text = trace("{op: init, var: x, ref: 1}", step, "{op: query, var: y}", expert="entity_track")
    out = grade(text, 2, "entity_track", BAKERY)
    assert out.category == "invalid" and "missing" in out.error
    composed = f"- expert: entity_track\n  trace:\n  - {{op: init, var: x, ref: 1}}\n  - {step}\n  - {{op: query, var: y}}"
    assert grade(composed, 2, "composition", BAKERY).category == "invalid"


def _random_scalar(rng: random.Random) -> object:
    return rng.choice([rng.randint(-5, 60), rng.choice(["x", "y", "z", "t0", "t1"]), "1/2", "50%", "", None,
                       [rng.randint(0, 9)], {"a": 1}, "prev.result", True, 2.5])


def _random_step(rng: random.Random, expert: str) -> dict:
    ops = sorted(EXPERTS[expert].step_ops) if rng.random() < 0.9 else sorted(FIELDS)
    op = rng.choice(ops)
    step: dict = {"op": op}
    for field in FIELDS[op]:
        if rng.random() < 0.85:
            step[field] = _random_scalar(rng)
    if op == "compute":
        step["compute_op"] = rng.choice(sorted(EXPERTS[expert].compute_ops) + ["nope"])
        step["args"] = [_random_scalar(rng) for _ in range(rng.randint(0, 4))]
    if rng.random() < 0.05:
        step[rng.choice(["from", "to", "ref", "rate", "extra"])] = _random_scalar(rng)
    return step


def test_fuzzed_traces_never_fault_the_grader():
    """A seeded search over the step vocabulary (bounded in count and time): no grader faults."""
    rng = random.Random(20261202)
    problems = generate(40, seed=7)
    deadline = time.monotonic() + 20
    graded = 0
    while graded < 4_000 and time.monotonic() < deadline:
        problem = rng.choice(problems)
        expert = rng.choice(sorted(EXPERTS))
        subs = [{"expert": expert, "trace": [_random_step(rng, expert) for _ in range(rng.randint(1, 6))]}
                for _ in range(rng.randint(1, 2))]
        data = subs[0] if len(subs) == 1 else subs
        out = grade(repr(data).replace("'", ""), problem.answer, problem.expert, problem.question)
        assert out.category != GRADER_ERROR, (data, out.error)
        out = grade_data(data, problem)
        assert out.category != GRADER_ERROR, (data, out.error)
        graded += 1
    assert graded >= 500


def grade_data(data: object, problem) -> object:
    import yaml

    return grade(yaml.safe_dump(data, default_flow_style=None), problem.answer, problem.expert, problem.question)


# ---------------------------------------------------------------- the hypothesis adversary

PROBLEMS = st.builds(lambda i, preset: generate(1, seed=11, start=i, preset=preset)[0],
                     st.integers(0, 5_000), st.sampled_from(["default", "hard"]))


def _constants_only(value: Fraction) -> list[str]:
    """Steps spelling `value` out of the counting constants 1 and 2 (Horner's scheme in binary on
    the numerator and the denominator): the generic encoder of the reward issue."""
    steps: list[str] = []

    def spell(n: int, name: str) -> str:
        if n == 0:
            steps.append(f"{{op: compute, compute_op: sub, args: [1, 1], var: {name}}}")
            return name
        bits = bin(n)[3:]  # after the leading 1
        current = "1"
        for i, bit in enumerate(bits):
            steps.append(f"{{op: compute, compute_op: mul, args: [{current}, 2], var: {name}{i}d}}")
            current = f"{name}{i}d"
            if bit == "1":
                steps.append(f"{{op: compute, compute_op: add, args: [{current}, 1], var: {name}{i}a}}")
                current = f"{name}{i}a"
        if current == "1":
            steps.append(f"{{op: compute, compute_op: mul, args: [1, 1], var: {name}}}")
            return name
        return current

    top, bottom = spell(abs(value.numerator), "n"), spell(value.denominator, "d")
    steps.append(f"{{op: compute, compute_op: div, args: [{top}, {bottom}], var: q}}")
    if value < 0:
        steps.append("{op: compute, compute_op: sub, args: [0, q], var: r}")
    else:
        steps.append("{op: compute, compute_op: mul, args: [q, 1], var: r}")
    return steps


def test_constants_only_encoder_spells_the_answer_without_the_question():
    # The encoder is a real threat: graded without a question (no grounding), it reaches 1.0.
    for value in (Fraction(90), Fraction(7, 4), Fraction(6), Fraction(1023), Fraction(-5, 3)):
        text = trace(*_constants_only(value), "{op: query, var: r}")
        assert grade(text, value, None, None).answer == value


@settings(max_examples=60, deadline=2_000, suppress_health_check=[HealthCheck.too_slow])
@given(problem=PROBLEMS)
def test_adversary_constants_only_encoder(problem):
    gold = Fraction(problem.answer)
    text = trace(*_constants_only(gold), "{op: query, var: r}")
    assert grade(text, problem.answer, problem.expert if problem.expert != "composition" else None,
                 problem.question).reward <= 0.5


DRESSINGS = [
    ["{op: compute, compute_op: add, args: [x, 0], var: r}"],
    ["{op: compute, compute_op: mul, args: [x, 1], var: r}"],
    ["{op: compute, compute_op: add, args: [x, 2, -2], var: r}"],
    ["{op: compute, compute_op: mul, args: [x, 2], var: t}", "{op: compute, compute_op: div, args: [t, 2], var: r}"],
    ["{op: compute, compute_op: add, args: [x, 1], var: t}", "{op: compute, compute_op: sub, args: [t, 1], var: r}"],
    ["{op: compute, compute_op: add, args: [x, x], var: t}", "{op: compute, compute_op: sub, args: [t, x], var: r}"],
    ["{op: compute, compute_op: div, args: [x, x], var: t}", "{op: compute, compute_op: mul, args: [t, x], var: r}"],
    ["{op: compute, compute_op: max, args: [x, 1], var: r}"],
    ["{op: compute, compute_op: min, args: [x, x], var: r}"],
    ["{op: compute, compute_op: mul, args: [x, x], var: t}", "{op: compute, compute_op: div, args: [t, x], var: r}"],
]


@settings(max_examples=80, deadline=2_000, suppress_health_check=[HealthCheck.too_slow])
@given(problem=PROBLEMS, pick=st.data())
def test_adversary_one_copied_number_plus_identities(problem, pick):
    quantities = extract_quantities(problem.question)
    index = pick.draw(st.integers(1, len(quantities)))
    dressing = pick.draw(st.sampled_from(DRESSINGS))
    for init in (f"{{op: init, var: x, ref: {index}}}",
                 f"{{op: init, var: x, value: {format_number(quantities[index - 1].value)}}}"):
        text = trace(init, *dressing, "{op: query, var: r}")
        # Even when the given number IS the answer, dressing it up earns nothing.
        for answer in (problem.answer, format_number(quantities[index - 1].value)):
            assert grade(text, answer, None, problem.question).reward <= 0.5, (text, problem.question)


FIXED_PROGRAMS = [
    ["{op: compute, compute_op: add, args: [1, 1], var: r}"],
    ["{op: init, var: a, ref: 1}", "{op: compute, compute_op: sub, args: [a, a], var: z}",
     "{op: compute, compute_op: add, args: [z, 2], var: r}"],
    ["{op: init, var: a, ref: 1}", "{op: init, var: b, ref: 2}", "{op: compute, compute_op: div, args: [a, a], var: o}",
     "{op: compute, compute_op: div, args: [b, b], var: p}", "{op: compute, compute_op: add, args: [o, p], var: r}"],
    ["{op: init, var: a, value: 2}", "{op: compute, compute_op: mul, args: [a, 2], var: r}"],
]


@settings(max_examples=60, deadline=2_000, suppress_health_check=[HealthCheck.too_slow])
@given(problem=PROBLEMS, program=st.sampled_from(FIXED_PROGRAMS))
def test_adversary_fixed_question_independent_programs(problem, program):
    text = trace(*program, "{op: query, var: r}")
    for answer in (problem.answer, "2", "4"):
        assert grade(text, answer, None, problem.question).reward <= 0.5


# ---------------------------------------------------------------- 5. linear time

def _worst_case_outputs() -> dict[str, str]:
    path = Path(__file__).resolve().parent.parent / "bench" / "worst_case_outputs.py"
    spec = importlib.util.spec_from_file_location("worst_case_outputs", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module.worst_case_outputs()


def test_worst_case_outputs_grade_fast():
    """Generous bound (the benchmark has the real figure): a super-linear path takes seconds here."""
    for name, text in _worst_case_outputs().items():
        start = time.process_time()
        out = grade(text, 90, "arithmetic", BAKERY)
        took = time.process_time() - start
        assert took < 0.5, (name, took)
        assert out.category != GRADER_ERROR, name


# ---------------------------------------------------------------- honest traces the rules must keep

def test_equal_numbers_are_separate_quantities():
    question = "Tom has 3 oranges and 6 lemons. He eats 3 of the oranges. How many fruits are left?"
    text = trace("{op: init, var: oranges, value: 3}", "{op: init, var: lemons, value: 6}",
                 "{op: compute, compute_op: add, args: [oranges, lemons], var: all}",
                 "{op: init, var: eaten, value: 3}", "{op: compute, compute_op: sub, args: [all, eaten], var: r}",
                 "{op: query, var: r}")
    assert reward(text, 6, "arithmetic", question) == 1.0
    # A number stated once still cancels with itself, however it is written (value or ref):
    once = "Tom has 3 oranges and 6 lemons. How many lemons are there?"
    launder = trace("{op: init, var: l, ref: 2}", "{op: compute, compute_op: add, args: [l, 3], var: t}",
                    "{op: compute, compute_op: sub, args: [t, 3], var: r}", "{op: query, var: r}")
    assert reward(launder, 6, "arithmetic", once) == 0.5


def test_a_question_of_ones_and_twos_counts_them_in_full_but_within_a_budget():
    question = "John eats a bag of chips for dinner and then eats twice as many after dinner. How many bags?"
    honest = trace("{op: init, var: first, value: 1}", "{op: init, var: twice, value: 2}",
                   "{op: compute, compute_op: mul, args: [first, twice], var: after}",
                   "{op: compute, compute_op: add, args: [first, after], var: r}", "{op: query, var: r}")
    assert reward(honest, 3, "arithmetic", question) == 1.0
    spelled = trace(*_constants_only(Fraction(90)), "{op: query, var: r}")
    assert reward(spelled, 90, "arithmetic", question) == 0.5


@pytest.mark.parametrize(("question", "steps", "answer"), [
    ("Ann works 8 hours a day from Monday to Friday. How many hours does she work?",
     ["{op: init, var: h, ref: 1}", "{op: compute, compute_op: mul, args: [h, 5], var: r}"], 40),
    ("Ben saves $2 a day in June. How much does he save?",
     ["{op: init, var: d, ref: 1}", "{op: compute, compute_op: mul, args: [d, 30], var: r}"], 60),
    ("A movie lasts 1 and half hours. How many minutes is that?",
     ["{op: init, var: h, ref: 1}", "{op: compute, compute_op: mul, args: [h, 60], var: r}"], 90),
])
def test_unit_words_that_name_a_count(question, steps, answer):
    assert reward(trace(*steps, "{op: query, var: r}"), answer, "arithmetic", question) == 1.0


def test_counting_numbers_stated_in_the_question_cannot_count_in_unary():
    question = "A baker makes 48 muffins and one cake. How many muffins and cakes are there?"
    ones = ", ".join(["1"] * 7)
    text = trace("{op: init, var: m, ref: 1}", f"{{op: compute, compute_op: add, args: [m, {ones}], var: r}}",
                 "{op: query, var: r}")
    out = grade(text, 55, "arithmetic", question)
    assert out.reward == 0.5 and "more than 4 times" in out.error
    honest = trace("{op: init, var: m, ref: 1}", "{op: init, var: c, ref: 2}",
                   "{op: compute, compute_op: add, args: [m, c], var: r}", "{op: query, var: r}")
    assert reward(honest, 49, "arithmetic", question) == 1.0


# ---------------------------------------------------------------- 7. the program check on variants
# A trace is a program over the question's quantities: with the problem's gold trace, the grader
# runs the trace on variants of the question (quantities redrawn, solver.variants) and pays 1.0
# only when it matches the gold program on every one. Each class of the program-check issue:

BAKERY_GOLD = HONEST  # the bakery's own program: (48 - 30) * 5
BAKERY_VALUES = handwritten.BAKERY_GOLD  # the same program with values instead of pointers


def checked(text: str, answer: object = 90, question: str = BAKERY, gold: str = BAKERY_GOLD,
            expert: str | None = "arithmetic"):
    return grade(text, answer, expert, question, gold=gold)


def _doublings(k: int, unit: str) -> list[str]:
    """Steps building k (>= 1) from `unit` by doublings and one sum; the result is named `k`."""
    steps, names, value, name, i = [], [], 1, unit, 0
    while value <= k:
        if k & value:
            names.append(name)
        steps.append(f"{{op: compute, compute_op: add, args: [{name}, {name}], var: d{i}}}")
        value, name, i = value * 2, f"d{i}", i + 1
    steps.append(f"{{op: compute, compute_op: add, args: [{', '.join(names)}, 0], var: k}}" if len(names) == 1
                 else f"{{op: compute, compute_op: add, args: [{', '.join(names)}], var: k}}")
    return steps


def test_gold_and_honest_forms_pass_the_program_check():
    for text in (BAKERY_GOLD, BAKERY_VALUES):
        out = checked(text)
        assert out.reward == 1.0 and out.variants == 4
    # another valid decomposition: 48*5 - 30*5
    other = trace("{op: init, var: made, value: 48}", "{op: init, var: days, value: 5}",
                  "{op: compute, compute_op: mul, args: [made, days], var: a}", "{op: init, var: sold, value: 30}",
                  "{op: compute, compute_op: mul, args: [days, sold], var: b}",
                  "{op: compute, compute_op: sub, args: [a, b], var: total}", "{op: query, var: total}")
    assert checked(other).reward == 1.0


def test_unit_from_a_question_number_is_a_constant():
    # one = 48 / 48; 90 = 48 + 42, with 42 spelled from one by doublings: `one` never moves with
    # the question, so it is a constant, and adding constants alone is refused, gold or not
    text = trace("{op: init, var: q, value: 48}", "{op: compute, compute_op: div, args: [q, q], var: one}",
                 *_doublings(42, "one"), "{op: compute, compute_op: add, args: [q, k], var: r}",
                 "{op: query, var: r}")
    for out in (grade(text, 90, "arithmetic", BAKERY), checked(text)):
        assert out.reward == 0.5 and "constants alone" in out.error


def test_question_dependent_unit_is_a_constant():
    # ceil(30 / 48) is 1 whatever the question's numbers are (the dependence draws keep their
    # order): a constant in disguise, and doublings of it are adds of constants alone
    text = trace("{op: init, var: a, value: 30}", "{op: init, var: b, value: 48}",
                 "{op: compute, compute_op: div, args: [a, b], var: ratio}",
                 "{op: compute, compute_op: ceil, args: [ratio], var: one}", "{op: init, var: q, value: 48}",
                 *_doublings(42, "one"), "{op: compute, compute_op: add, args: [q, k], var: r}",
                 "{op: query, var: r}")
    for out in (grade(text, 90, "arithmetic", BAKERY), checked(text)):
        assert out.reward == 0.5 and "constants alone" in out.error


def test_two_number_combination_is_a_wrong_program():
    # x·qi + y·qj with y = 0: 90 = 2·30 + 30, copies of one question number by doubling
    text = trace("{op: init, var: b, value: 30}", "{op: compute, compute_op: add, args: [b, b], var: two_b}",
                 "{op: compute, compute_op: add, args: [two_b, b], var: r}", "{op: query, var: r}")
    assert reward(text) == 1.0  # three copies of a question number: valid on the answer alone
    out = checked(text)
    assert out.category == "wrong_answer" and out.error.startswith("right number, wrong program")
    assert out.answer_correct and not out.correct


def test_question_independent_answer_is_invalid_with_or_without_gold():
    question = "Ann has 9 red beads and 14 blue beads. She buys 3 more packs. How many packs does she have?"
    text = trace("{op: init, var: a, value: 9}", "{op: init, var: b, value: 14}",
                 "{op: compute, compute_op: div, args: [a, b], var: ratio}",
                 "{op: compute, compute_op: ceil, args: [ratio], var: one}",
                 "{op: compute, compute_op: add, args: [one, one, one, one], var: r}", "{op: query, var: r}")
    gold = trace("{op: init, var: packs, value: 3}", "{op: compute, compute_op: add, args: [packs, 1], var: r}",
                 "{op: query, var: r}")
    for out in (grade(text, 4, "arithmetic", question), grade(text, 4, "arithmetic", question, gold=gold)):
        assert out.reward == 0.5 and "constants alone" in out.error  # ceil(9 / 14) is a constant
    # built by multiplication instead (no add of constants): the answer does not move
    product = trace("{op: init, var: a, value: 9}", "{op: init, var: b, value: 14}",
                    "{op: compute, compute_op: div, args: [a, b], var: ratio}",
                    "{op: compute, compute_op: ceil, args: [ratio], var: one}",
                    "{op: compute, compute_op: mul, args: [one, 2, 2], var: r}", "{op: query, var: r}")
    for out in (grade(product, 4, "arithmetic", question), grade(product, 4, "arithmetic", question, gold=gold)):
        assert out.reward == 0.5 and "does not depend on the question" in out.error


PAID_ON_THE_ANSWER_ALONE = {
    # a given number read two ways: 25% of 40, then divided by 0.25 (the gold is 40 - 25% + 10)
    "read_two_ways": (
        "A shop had 40 pens and sold 25% of them. Then it bought 10 more pens. How many pens does it have?",
        40, "percentage",
        trace("{op: init, var: pens, value: 40}", "{op: init, var: sold, value: 25}",
              "{op: percent_off, base: pens, rate: sold, var: left}", "{op: init, var: more, value: 10}",
              "{op: compute, compute_op: add, args: [left, more], var: r}", "{op: query, var: r}",
              expert="percentage"),
        trace("{op: init, var: q, value: 40}", "{op: percent_of, base: q, rate: 25, var: t}",
              "{op: compute, compute_op: div, args: [t, 0.25], var: r}", "{op: query, var: r}",
              expert="percentage")),
    # head arithmetic in small steps: 52 + 1 + 1 for an average of 54
    "nudge": (
        "Mia scored 52, 56 and 54 on three tests. What is her average score?", 54, "arithmetic",
        trace("{op: init, var: a, value: 52}", "{op: init, var: b, value: 56}", "{op: init, var: c, value: 54}",
              "{op: compute, compute_op: add, args: [a, b, c], var: s}", "{op: init, var: n, value: 3}",
              "{op: compute, compute_op: div, args: [s, n], var: r}", "{op: query, var: r}"),
        trace("{op: init, var: a, value: 52}", "{op: compute, compute_op: add, args: [a, 1, 1], var: r}",
              "{op: query, var: r}")),
    # a shallow program right by luck: 3 * 4 = 12 (the program is 3 + 4 + 5)
    "shallow": (
        "Tom has 3 cards, Ann has 4 and Bo has 5. How many cards do they have?", 12, "arithmetic",
        trace("{op: init, var: a, value: 3}", "{op: init, var: b, value: 4}", "{op: init, var: c, value: 5}",
              "{op: compute, compute_op: add, args: [a, b, c], var: r}", "{op: query, var: r}"),
        trace("{op: init, var: a, value: 3}", "{op: init, var: b, value: 4}",
              "{op: compute, compute_op: mul, args: [a, b], var: r}", "{op: query, var: r}")),
}


@pytest.mark.parametrize("case", sorted(PAID_ON_THE_ANSWER_ALONE))
def test_a_shortcut_paid_on_the_answer_alone_is_a_wrong_program(case):
    question, answer, expert, gold, shortcut = PAID_ON_THE_ANSWER_ALONE[case]
    assert grade(shortcut, answer, expert, question).reward == 1.0
    assert grade(gold, answer, expert, question, gold=gold).reward == 1.0
    out = grade(shortcut, answer, expert, question, gold=gold)
    assert out.category == "wrong_answer" and out.error.startswith("right number, wrong program")


def test_tied_quantities_bind_either_way_but_not_away():
    question = ("A farm stand picked 77 melons on the first day, 34 on the second and 86 on the third. "
                "It sold 86. How many melons are left?")
    gold = trace("{op: init, var: a, value: 77}", "{op: init, var: b, value: 34}", "{op: init, var: c, value: 86}",
                 "{op: init, var: d, value: 86}", "{op: compute, compute_op: add, args: [a, b, c], var: s}",
                 "{op: compute, compute_op: sub, args: [s, d], var: r}", "{op: query, var: r}")
    sold_first = trace("{op: init, var: d, value: 86}", "{op: init, var: a, value: 77}",
                       "{op: init, var: b, value: 34}", "{op: init, var: c, value: 86}",
                       "{op: compute, compute_op: add, args: [a, b, c], var: s}",
                       "{op: compute, compute_op: sub, args: [s, d], var: r}", "{op: query, var: r}")
    cancelled = trace("{op: init, var: a, value: 77}", "{op: init, var: b, value: 34}",
                      "{op: compute, compute_op: add, args: [a, b], var: r}", "{op: query, var: r}")
    assert grade(sold_first, 111, "arithmetic", question, gold=gold).reward == 1.0
    assert grade(cancelled, 111, "arithmetic", question, gold=gold).category == "wrong_answer"


def _reward_attacks():
    path = Path(__file__).resolve().parents[1] / "bench" / "reward_attacks.py"
    spec = importlib.util.spec_from_file_location("reward_attacks", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def test_every_attack_class_is_paid_only_as_the_problems_own_program():
    """On generated problems (held-out split), each attack of bench/reward_attacks.py is paid 1.0
    where sympy finds it computes the same function of the quantities as the gold trace, but for
    at most 1% of problems: those with no variant inside the gold's domain, and those whose
    shortcut differs from the gold only in quantities no variant moves ("a third" beside "3
    years": a literal 3 could mean either, so neither moves)."""
    attacks = _reward_attacks()
    rows = attacks.synthetic_rows(200, seed=3)
    for name, build in {**attacks.ATTACKS, **attacks.SHALLOW}.items():
        shortcuts = 0
        for row in rows:
            text = build(row["question"], Fraction(row["answer"]), row["expert"])
            if text is None:
                continue
            out = grade(text, row["answer"], row["expert"], row["question"], gold=row["trace"])
            if out.reward == 1.0 and not attacks.same_program(text, row["trace"], row["question"]):
                shortcuts += 1
        assert shortcuts <= len(rows) // 100, name


# Honest rewrites of a gold program keep 1.0 under the program check. Each rewrite is done on the
# trace data, by rules of algebra that hold for every value of the quantities.

def _subtraces(data):
    return data if isinstance(data, list) else [data]


def _reorder_args(data, rng):
    """Commutative ops with their arguments shuffled."""
    for sub in _subtraces(data):
        for step in sub["trace"]:
            if step.get("op") == "compute" and step["compute_op"] in ("add", "mul", "min", "max"):
                rng.shuffle(step["args"])
    return data


def _distribute(data, rng):
    """(a + b) * y rewritten as a*y + b*y, where a sum feeds a product of two."""
    for sub in _subtraces(data):
        steps = sub["trace"]
        sums = {s["var"]: s["args"] for s in steps if s.get("op") == "compute" and s["compute_op"] == "add"}
        for i, step in enumerate(steps):
            if step.get("op") == "compute" and step["compute_op"] == "mul" and len(step["args"]) == 2:
                x, y = step["args"]
                if x not in sums and y in sums:
                    x, y = y, x
                if x in sums:
                    parts = [{"op": "compute", "compute_op": "mul", "args": [a, y], "var": f"{step['var']}_part{k}"}
                             for k, a in enumerate(sums[x])]
                    step["compute_op"], step["args"] = "add", [p["var"] for p in parts]
                    steps[i:i] = parts
                    return data
    return data


def _inits_first(data, rng):
    """Every init that reads a number moved to the front (the computation order is unchanged)."""
    for sub in _subtraces(data):
        steps = sub["trace"]
        inits = [s for s in steps if s.get("op") == "init" and "source" not in s]
        sub["trace"] = inits + [s for s in steps if s not in inits]
    return data


REWRITES = {"reorder_args": _reorder_args, "distribute": _distribute, "inits_first": _inits_first}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problem=PROBLEMS, rewrite=st.sampled_from(sorted(REWRITES)), salt=st.integers(0, 1_000))
def test_honest_rewrites_keep_full_reward_under_the_program_check(problem, rewrite, salt):
    import copy

    from generators.refs import rewrite_trace
    from solver import format_trace

    gold = problem.trace
    assert grade(gold, problem.answer, problem.expert, problem.question, gold=gold).reward == 1.0
    data = REWRITES[rewrite](copy.deepcopy(problem.trace_data), random.Random(salt))
    text = format_trace(data)
    out = grade(text, problem.answer, problem.expert, problem.question, gold=gold)
    assert out.reward == 1.0, (rewrite, problem.question, text, out.error)
    pointer = rewrite_trace(data, problem.question, problem.answer, pointer=True, generic_names=True)
    if pointer is not None:  # the same program with `ref: N` pointers and generic names
        assert grade(pointer, problem.answer, problem.expert, problem.question, gold=gold).reward == 1.0
