"""GSM8K solution -> trace conversion, on GSM8K-style examples written for these tests."""

from __future__ import annotations

from fractions import Fraction

import pytest

import solver
from generators.gsm8k import convert_example

APPLES_Q = (
    "Mia picked 24 apples. She gave 5 apples to her brother and 7 apples to her aunt. "
    "She sold the rest for $2 each. How much money did she make?"
)
APPLES_S = (
    "Mia gave away 5 + 7 = <<5+7=12>>12 apples.\n"
    "She had 24 - 12 = <<24-12=12>>12 apples left.\n"
    "She made 12 * 2 = $<<12*2=24>>24.\n#### 24"
)


def steps(conv):
    return conv.trace_data["trace"]


def inits(conv) -> dict[str, Fraction]:
    return {s["var"]: Fraction(str(s["value"])) for s in steps(conv) if s["op"] == "init"}


def assert_gold(conv, question: str, answer: str) -> None:
    """The converted trace is canonical text and the solver grades it 1.0 with grounding."""
    assert conv.status == "ok", conv.status
    assert conv.answer == answer
    assert conv.trace == solver.format_trace(conv.trace_data)
    outcome = solver.grade(conv.trace, answer, expert=conv.expert, question=question)
    assert outcome.reward == 1.0, outcome.error


def test_annotations_become_grounded_steps_with_references():
    conv = convert_example(APPLES_Q, APPLES_S)
    assert_gold(conv, APPLES_Q, "24")
    assert conv.expert == "arithmetic"
    # every init is a number of the question; intermediates are never re-typed
    assert sorted(inits(conv).values()) == [2, 5, 7, 24]
    ops = [(s["op"], s.get("compute_op")) for s in steps(conv)]
    assert ops.count(("compute", "add")) == 1 and ops.count(("compute", "sub")) == 1
    sub = next(s for s in steps(conv) if s.get("compute_op") == "sub")
    add = next(s for s in steps(conv) if s.get("compute_op") == "add")
    assert add["var"] in sub["args"]  # 24 - 12 reads the earlier result, not a literal 12
    assert steps(conv)[-1] == {"op": "query", "var": "result"}
    assert {s["var"] for s in steps(conv) if s["op"] == "compute"} == {"step1", "step2", "result"}
    assert set(inits(conv)) == {"apples", "apples_2", "apples_3", "dollars"}  # named from the question


def test_conversion_is_deterministic():
    assert convert_example(APPLES_Q, APPLES_S) == convert_example(APPLES_Q, APPLES_S)


def test_text_arithmetic_without_annotations():
    q = "Leo has 3 bags with 8 marbles in each bag. He finds 5 more marbles. How many marbles does he have now?"
    s = "Leo has 3 x 8 = 24 marbles in the bags.\nAfter finding more he has 24 + 5 = 29 marbles.\n#### 29"
    conv = convert_example(q, s)
    assert_gold(conv, q, "29")
    assert sorted(inits(conv).values()) == [3, 5, 8]


def test_text_arithmetic_with_units_and_implicit_product():
    q = "Ivy buys 3 pounds of grapes at $4 per pound and 2 melons. Each melon costs $5. What does she pay?"
    s = (
        "The grapes cost 3 pounds * $4/pound = $12.\n"
        "The melons cost 2(5) = $10.\n"
        "She pays 12 + 10 = <<12+10=22>>22 dollars.\n#### 22"
    )
    conv = convert_example(q, s)
    assert_gold(conv, q, "22")
    assert len([x for x in steps(conv) if x["op"] == "compute"]) == 3


def test_algebra_let_x_be():
    q = "When a number is doubled and then increased by 6, the result is 20. What is the number?"
    s = "Let x be the number.\n2x + 6 = 20\n2x = 14\nx = <<7=7>>7\n#### 7"
    conv = convert_example(q, s)
    assert_gold(conv, q, "7")
    assert sorted(inits(conv).values()) == [2, 6, 20]  # x = (20 - 6) / 2


def test_algebra_with_a_bare_unknown_uses_the_constant_one():
    q = "Ana has three times as many stickers as Ben. Together they have 48 stickers. How many does Ben have?"
    s = "Let x be the number of stickers Ben has.\nx + 3x = 48\n4x = 48\nx = <<12=12>>12\n#### 12"
    conv = convert_example(q, s)
    assert_gold(conv, q, "12")  # x = 48 / (1 + 3): the bare x brings the constant 1
    assert inits(conv)["one"] == 1 and sorted(inits(conv).values()) == [1, 3, 48]


def test_implicit_constant_becomes_a_named_init():
    q = "A movie marathon lasts 4 hours. How many minutes long is it?"
    conv = convert_example(q, "4 hours is 4 * 60 = <<4*60=240>>240 minutes.\n#### 240")
    assert_gold(conv, q, "240")
    assert inits(conv)["minutes_per_hour"] == 60
    q = "Tom has 4 nickels. How many cents does he have?"
    conv = convert_example(q, "A nickel is worth 5 cents, so he has 4 * 5 = <<4*5=20>>20 cents.\n#### 20")
    assert_gold(conv, q, "20")
    assert inits(conv)["cents_per_nickel"] == 5  # a unit constant: the question names nickels
    q = "Zoe practices piano 5 times a week, 30 minutes each time. How many minutes does she practice in 3 weeks?"
    s = "Each week: 5 * 30 = <<5*30=150>>150 minutes.\nIn 3 weeks: 150 * 3 = <<150*3=450>>450 minutes.\n#### 450"
    assert_gold(convert_example(q, s), q, "450")


def test_commas_in_question_solution_and_gold():
    q = "A used car costs $12,500. Dana pays $3,250 now. How much does she still owe?"
    conv = convert_example(q, "She owes 12,500 - 3,250 = $<<12500-3250=9250>>9,250.\n#### 9,250")
    assert_gold(conv, q, "9250")
    assert sorted(inits(conv).values()) == [3250, 12500]


@pytest.mark.parametrize(
    ("question", "solution", "op", "answer"),
    [
        (
            "A baker has 25 eggs. Each cake needs 4 eggs. How many whole cakes can she bake?",
            "She can bake 25 / 4 = <<25/4=6>>6 whole cakes.\n#### 6",
            "floor",
            "6",
        ),
        (
            "A class of 50 students goes on a trip. Each van holds 12 students. How many vans are needed?",
            "They need 50 / 12 = <<50/12=5>>5 vans.\n#### 5",
            "ceil",
            "5",
        ),
    ],
)
def test_rounding_written_in_the_annotation(question, solution, op, answer):
    conv = convert_example(question, solution)
    assert_gold(conv, question, answer)
    assert steps(conv)[-2]["compute_op"] == op
    assert any(n.startswith(op) for n in conv.notes)


def test_rounding_written_in_words():
    q = "A pot holds 77 ounces of soup. Each bowl takes 10 ounces. How many full bowls can be served?"
    s = "She can serve 77 / 10 = <<77/10=7.7>>7.7 bowls, which rounds down to 7 full bowls.\n#### 7"
    conv = convert_example(q, s)
    assert_gold(conv, q, "7")
    assert steps(conv)[-2]["compute_op"] == "floor"


def test_negative_terms_in_a_sum_become_subtraction():
    q = "Ira had 52 stamps and lost 4 of them. How many stamps does she have?"
    conv = convert_example(q, "She has 52 + -4 = <<52+-4=48>>48 stamps.\n#### 48")
    assert_gold(conv, q, "48")
    assert [s.get("compute_op") for s in steps(conv) if s["op"] == "compute"] == ["sub"]


def test_rounding_only_the_gold_answer_implies_is_flagged_for_review():
    q = "Two friends share 25 dollars equally. How many whole dollars does each get?"
    conv = convert_example(q, "Each friend gets 25 / 2 = <<25/2=12.5>>12.5 dollars.\n#### 12")
    assert conv.status.startswith("review:")
    assert not conv.ok and conv.trace is None


def test_percent_arithmetic_uses_percent_steps():
    q = "A jacket costs $80. It is on sale for 25% off. How much is the discount?"
    conv = convert_example(q, "The discount is 80 * 25 / 100 = $<<80*25/100=20>>20.\n#### 20")
    assert_gold(conv, q, "20")
    assert conv.expert == "percentage"
    assert [s["op"] for s in steps(conv)].count("percent_of") == 1
    q = "A plant was 40 cm tall. It grew 15% taller. How tall is it now?"
    conv = convert_example(q, "It is now 40 * 1.15 = <<40*1.15=46>>46 cm tall.\n#### 46")
    assert_gold(conv, q, "46")
    assert steps(conv)[-2]["op"] == "percent_increase"
    q = "A lamp costs $60 and is sold at 30% off. What is the sale price?"
    conv = convert_example(q, "The price is (100 - 30) / 100 * 60 = $<<(100-30)/100*60=42>>42.\n#### 42")
    assert_gold(conv, q, "42")
    assert steps(conv)[-2]["op"] == "percent_off"
    plain = convert_example(q, "The price is (100 - 30) / 100 * 60 = $<<(100-30)/100*60=42>>42.\n#### 42", percent_ops=False)
    assert plain.expert == "arithmetic" and plain.ok


def test_unwritten_unit_conversion_is_derived_and_noted():
    q = "Nina walks for 3 hours and then 30 minutes more. For how many minutes does she walk?"
    s = "Three hours are 180 minutes.\nShe walks 180 + 30 = <<180+30=210>>210 minutes.\n#### 210"
    conv = convert_example(q, s)
    assert_gold(conv, q, "210")
    assert conv.notes == ("derived 180 = 3 mul 60",)
    assert convert_example(q, s, derive=False).status == "ungrounded_number: 180"


@pytest.mark.parametrize(
    ("question", "solution", "reason"),
    [
        ("Sam has 3 cats.", "He has 3 cats.", "no_gold_answer"),
        ("Sam has 3 cats and 2 dogs. How many pets?", "He has five pets.\n#### 5", "no_equations"),
        ("Sam has 3 cats and 2 dogs. How many pets?", "He has 3 + 2 = <<3+2=5>>5 pets.\n#### 6", "answer_not_reached"),
        ("Sam has 3 cats and 2 dogs. How many cats?", "He has 3 cats.\n#### 3", "answer_not_computed"),
        ("Tom has 3 spiders. How many legs?", "A spider has 8 legs: 3 * 8 = <<3*8=24>>24.\n#### 24", "ungrounded_number"),
        (None, "#### 3", "bad_input"),
    ],
)
def test_failures_carry_a_reason(question, solution, reason):
    conv = convert_example(question, solution)
    assert conv.reason == reason
    assert not conv.ok and conv.trace is None


def test_gold_that_disagrees_with_the_arithmetic_is_not_forced():
    q = "Ravi has 6 pens and buys 4 more. How many pens does he have?"
    conv = convert_example(q, "He has 6 + 4 = <<6+4=10>>10 pens.\n#### 11")
    assert conv.status == "answer_not_reached"


@pytest.mark.parametrize(
    "solution",
    ["", "####", "#### x", "<<>> #### 4", "<<1/0=3>>3 #### 3", "<<" * 50 + "#### 2", "(" * 300 + "1=1 #### 1"],
)
def test_junk_never_raises(solution):
    conv = convert_example("Kim has 2 hats and 2 scarves.", solution)
    assert not conv.ok and conv.status
