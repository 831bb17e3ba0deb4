"""Checked derivations of the GSM8K converter, on GSM8K-style items written for these tests.

Each derivation must be a real step from grounded numbers, read from the question's wording or
from arithmetic the solution writes, and must not fire on a number that merely coincides.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

import solver
from generators.gsm8k import convert_example
from generators.gsm8k.derive import Operand, find_count, find_expansion, find_share, like_terms


def steps(conv) -> list[dict]:
    return conv.trace_data["trace"]


def computes(conv) -> list[tuple[str, list]]:
    """(op, argument values) of every compute step, with inits resolved to their values."""
    values: dict[str, Fraction] = {}
    out = []
    for s in steps(conv):
        if s["op"] == "init":
            values[s["var"]] = Fraction(str(s["value"]))
        elif s["op"] == "compute":
            args = [values[a] for a in s["args"]]
            out.append((s["compute_op"], args))
            values[s["var"]] = {"add": sum(args, Fraction(0)), "sub": args[0] - args[1],
                                "div": args[0] / args[1]}.get(s["compute_op"], Fraction(0))
            if s["compute_op"] == "mul":
                product = Fraction(1)
                for a in args:
                    product *= a
                values[s["var"]] = product
    return out


def hand_trace(expr: tuple | int) -> str:
    """A trace written by hand for a formula: nested (op, *args) tuples over the question's numbers."""
    lines: list[str] = []

    def walk(node: tuple | int) -> str:
        var = f"v{len(lines)}"
        if not isinstance(node, tuple):
            lines.append(f"- {{op: init, var: {var}, value: {node}}}")
            return var
        args = [walk(a) for a in node[1:]]
        var = f"v{len(lines)}"
        lines.append(f"- {{op: compute, compute_op: {node[0]}, args: [{', '.join(args)}], var: {var}}}")
        return var

    last = walk(expr)
    return "\n".join(["expert: arithmetic", "trace:", *lines, f"- {{op: query, var: {last}}}"])


def assert_computes(conv, question: str, formula: tuple) -> None:
    """The converted trace is the hand formula's program: right on the question and on its numeric
    variants (the solver's program check, with the hand trace as gold)."""
    outcome = solver.grade(conv.trace, conv.answer, expert=conv.expert, question=question, gold=hand_trace(formula))
    assert outcome.correct and outcome.program_checked, outcome.error


def graded(question: str, solution: str, answer: str):
    """The conversion, after checking it is a trace the solver grades 1.0 with the question."""
    conv = convert_example(question, solution)
    assert conv.status == "ok", conv.status
    assert conv.answer == answer
    outcome = solver.grade(conv.trace, answer, expert=conv.expert, question=question)
    assert outcome.reward == 1.0, outcome.error
    return conv


# ---- folding constants: "x + x = 2x" ---------------------------------------------------------

def test_like_unknowns_fold_to_the_counting_constant_two():
    q = "Nora and Owen have 86 stamps together. Nora has 12 more stamps than Owen. How many stamps does Owen have?"
    s = ("Let x be the number of stamps Owen has. Nora has x + 12.\n"
         "x + x + 12 = 86\n2x = 74\nx = <<37=37>>37\n#### 37")
    conv = graded(q, s, "37")
    assert_computes(conv, q, ("div", ("sub", 86, 12), 2))  # the answer by hand
    # the trace divides by the constant 2 instead of adding 1 to 1 (a step on constants alone)
    assert ("div", [Fraction(74), Fraction(2)]) in computes(conv)
    assert not any(op == "add" and args == [1, 1] for op, args in computes(conv))


def test_a_product_of_constants_written_as_an_equation_is_the_constant():
    q = "Ada is 9 and Ben is 13. In how many years will their ages add up to 40?"
    s = ("Now their ages add up to 9 + 13 = <<9+13=22>>22.\n"
         "Each year adds 1 * 2 = <<1*2=2>>2 years to the sum.\n"
         "They need 40 - 22 = <<40-22=18>>18 more years of sum.\n"
         "That takes 18 / 2 = <<18/2=9>>9 years.\n#### 9")
    conv = graded(q, s, "9")
    assert ("div", [Fraction(18), Fraction(2)]) in computes(conv)
    assert not any(op == "mul" and sorted(args) == [1, 2] for op, args in computes(conv))


# ---- `a - a`, `a / a`, `a + a`: the second operand is another quantity --------------------------

@pytest.mark.parametrize("q, s, answer, expected", [
    ("Gil buys 4 mugs at $15 each and 12 plates. He spends $72 in all. How much does one plate cost?",
     "The mugs cost 4 * 15 = $<<4*15=60>>60.\nThe plates cost 72 - 60 = $<<72-60=12>>12.\n"
     "One plate costs 12 / 12 = $<<12/12=1>>1.\n#### 1", "1", {"compute_op": "div"}),  # not step / step
    ("A shop sells 30 kites in the morning, twice as many in the afternoon, and 60 in the evening. "
     "How many kites does it sell?",
     "In the afternoon it sells 30 * 2 = <<30*2=60>>60 kites.\n"
     "In all it sells 30 + 60 + 60 = <<30+60+60=150>>150 kites.\n#### 150", "150",
     {"compute_op": "add"}),  # three different sources
    # sixty over sixty reads minutes per hour when the line says hour
    ("A runner has 3 laps of 20 minutes each and rests 2 hours. How many hours does it all take?",
     "The laps take 3 * 20 = <<3*20=60>>60 minutes.\nThat is 60 / 60 = <<60/60=1>>1 hour.\n"
     "In all it takes 1 + 2 = <<1+2=3>>3 hours.\n#### 3", "3", {"op": "init", "var": "minutes_per_hour", "value": 60}),
    # halving a given price divides by two, not by itself: 2 / 2 is the price over the constant 2
    ("A shop cuts its $2 muffins and $5 pies by half. How much do 9 muffins and 4 pies cost now?",
     "A muffin now costs 2/2 = $<<2/2=1>>1.\nA pie now costs 5/2 = $<<5/2=2.5>>2.5.\n"
     "9 muffins cost 9 * 1 = $<<9*1=9>>9 and 4 pies cost 4 * 2.5 = $<<4*2.5=10>>10.\n"
     "In all 9 + 10 = $<<9+10=19>>19.\n#### 19", "19", {"compute_op": "div"}),
])
def test_a_number_equal_to_another_is_read_as_another_quantity(q, s, answer, expected):
    trace = steps(graded(q, s, answer))
    assert all(len(set(st["args"])) == len(st["args"]) for st in trace if st["op"] == "compute")  # never x op x
    assert any(expected.items() <= st.items() for st in trace)


# ---- parts of a total ------------------------------------------------------------------------

def test_twice_as_many_in_total_is_three_parts_from_the_question_multiplier():
    q = "A farm has twice as many ducks as geese. There are 96 birds in total. How many geese are there?"
    s = ("Let g be the number of geese. Then there are 2g ducks.\n"
         "g + 2g = 3g = 96\ng = 96 / 3 = <<96/3=32>>32\n#### 32")
    conv = graded(q, s, "32")
    assert ("add", [Fraction(2), Fraction(1)]) in computes(conv)  # 3 = twice + 1, computed
    assert any("parts of a total" in n or "like terms" in n for n in conv.notes)
    assert_computes(conv, q, ("div", 96, ("add", 2, 1)))


def test_three_times_as_many_altogether_is_four_parts():
    q = "Kim read three times as many pages as Lou. Altogether they read 240 pages. How many pages did Lou read?"
    s = "Together they read 4 times what Lou read, 4L = 240.\nLou read 240 / 4 = <<240/4=60>>60 pages.\n#### 60"
    conv = graded(q, s, "60")
    assert ("add", [Fraction(3), Fraction(1)]) in computes(conv)
    assert any(n.startswith("derived 4 = 3 add 1") for n in conv.notes)


def test_a_bare_division_by_three_is_not_read_as_parts():
    # "twice" and "total" are in the question, but the 3 is three remaining days, not 2 + 1 parts
    q = ("A stall sells 450 pies in a week. It sells 50 on Monday and twice that on Tuesday. "
         "It sells the same number on each of the other days but Thursday and Friday, when it sells 50 each. "
         "How many pies does it sell in total on each of the remaining days?")
    s = ("On Tuesday it sells 50 * 2 = <<50*2=100>>100.\n"
         "With Thursday and Friday that is 50 + 100 + 50 + 50 = <<50+100+50+50=250>>250.\n"
         "The rest is 450 - 250 = <<450-250=200>>200, on 3 days... 200 / 3 = <<200/3=66.67>>66.67\n#### 66.67")
    conv = convert_example(q, s)
    assert not conv.ok
    assert conv.status == "ungrounded_number: 3"


# ---- counting oneself ------------------------------------------------------------------------

@pytest.mark.parametrize("q, s, answer, others", [
    ("Rosa shares 84 cherries equally between herself and her 3 friends. How many cherries does each get?",
     "There are 4 people, so each gets 84 / 4 = <<84/4=21>>21 cherries.\n#### 21", "21", 3),
    ("Theo and 5 of his friends split a $96 bill evenly. How much does each person pay?",
     "Each person pays 96 / 6 = $<<96/6=16>>16.\n#### 16", "16", 5),
    ("For her party, Mia invited 7 friends. She bakes 48 cookies and the children share them equally. "
     "How many does each child get?",
     "Let us share the cookies among the 8 children: 48 / 8 = <<48/8=6>>6 cookies.\n#### 6", "6", 7),
])
def test_counting_oneself_adds_one_to_the_others(q, s, answer, others):
    conv = graded(q, s, answer)
    assert ("add", [Fraction(others), Fraction(1)]) in computes(conv)  # oneself, computed
    assert any("counting oneself" in n for n in conv.notes)


def test_friends_without_oneself_are_not_counted_up():
    # no "and his/her": the 5 in the solution is not 4 + 1
    q = "Four friends each bring 6 apples. They eat 4 and share the rest into bags of 5. How many bags are there?"
    s = "They bring 4 * 6 = <<4*6=24>>24 apples.\nThey have 24 - 4 = <<24-4=20>>20 left.\nThat is 20 / 5 = <<20/5=4>>4 bags.\n#### 4"
    conv = convert_example(q, s)
    assert not any("counting oneself" in n for n in conv.notes)


# ---- the parts a percent makes ----------------------------------------------------------------

def test_a_quarter_written_as_25_percent_divides_by_four():
    q = "A baker makes 360 rolls. 25% of them are sold in the morning. How many rolls are left?"
    s = "In the morning she sells 360 / 4 = <<360/4=90>>90 rolls.\nShe has 360 - 90 = <<360-90=270>>270 left.\n#### 270"
    conv = graded(q, s, "270")
    assert ("div", [Fraction(100), Fraction(25)]) in computes(conv)
    assert_computes(conv, q, ("sub", 360, ("div", ("mul", 360, 25), 100)))


def test_what_a_discount_leaves_is_one_minus_the_rate():
    q = "Ivy paid $84 for a lamp after a 30% discount. What was the price before the discount?"
    s = "Let p be the price. She paid 0.7p = 84.\nSo p = 84 / 0.7 = <<84/0.7=120>>120\n#### 120"
    conv = graded(q, s, "120")
    assert ("sub", [Fraction(1), Fraction(3, 10)]) in computes(conv)
    assert_computes(conv, q, ("div", 84, ("sub", 1, ("div", 30, 100))))


def test_find_share_reads_only_fractions_a_percent_leaves_or_adds():
    q = "A shop sells 40% of its 250 plants in spring."
    quantities = _quantities(q)
    assert find_share(Fraction(3, 5), quantities, q)[:1] == ("sub",)  # 1 - 0.4
    assert find_share(Fraction(7, 5), quantities, q)[:1] == ("add",)  # 1 + 0.4
    assert find_share(Fraction(60), quantities, q) is None  # a whole 60 may be anything
    assert find_share(Fraction(1, 2), quantities, q) is None


# ---- expansions and like terms the solution writes -------------------------------------------

@pytest.mark.parametrize("q, s, answer, note, formula", [
    # an expansion the solution writes multiplies the question numbers
    ("A shelf holds 90 books. There are twice as many novels as comics, and 5 more comics than atlases. "
     "How many atlases are there?",
     "Let a be the number of atlases.\nComics: a + 5\nNovels: 2(a + 5) = 2a + 10\n"
     "Total: a + a + 5 + 2a + 10 = 90\n4a + 15 = 90\n4a = 75\na = <<18.75=18.75>>18.75\n#### 18.75", "18.75",
     "derived 10 = 2 mul 5", ("div", ("sub", ("sub", 90, 5), ("mul", 2, 5)), ("add", 1, 1, 2))),
    # like terms add their coefficients
    ("Ann has twice as many shells as Bo, and Cy has twice as many as Ann. "
     "They have 490 shells. How many shells does Bo have?",
     "Let b be Bo's shells. Ann has 2b and Cy has 2 * 2b = <<2*2=4>>4b.\n"
     "b + 2b + 4b = 7b = 490\nb = 490 / 7 = <<490/7=70>>70\n#### 70", "70",
     "derived 7 = 1 + 2 + 4", ("div", 490, ("add", 1, 2, ("mul", 2, 2)))),
])
def test_expansions_and_like_terms_the_solution_writes(q, s, answer, note, formula):
    conv = graded(q, s, answer)
    assert any(n.startswith(note) for n in conv.notes)
    assert_computes(conv, q, formula)


# ---- the derivation functions on their own ----------------------------------------------------

def _quantities(question: str) -> list[Operand]:
    return [Operand(q.value, "quantity", i, span=(q.start, q.end), quantity_kind=q.kind)
            for i, q in enumerate(solver.extract_quantities(question))]


def test_find_count_needs_the_wording_not_just_the_numbers():
    with_self = "Ivo and his 2 brothers share 30 grapes equally."
    without_self = "Ivo's 2 brothers share 30 grapes equally."
    line = "Each of the 3 boys gets 30 / 3 = 10 grapes."
    assert find_count(Fraction(3), _quantities(with_self), with_self, line)[0] == "add"
    assert find_count(Fraction(3), _quantities(without_self), without_self, line) is None


def test_find_expansion_needs_a_factor_from_the_question():
    constants = [Operand(Fraction(2), "constant", None), Operand(Fraction(4), "constant", None)]
    assert find_expansion(Fraction(8), constants, "2(4 + x) = 8 + 2x") is None
    mixed = [Operand(Fraction(2), "quantity", 0), Operand(Fraction(4), "constant", None)]
    assert find_expansion(Fraction(8), mixed, "2(4 + x) = 8 + 2x")[0] == "mul"
    assert find_expansion(Fraction(8), mixed, "2 + 4 + x = 6 + x") is None  # no expansion written
    assert find_expansion(Fraction(8), mixed, "Cy has 2 * 4x = 8x shells")[0] == "mul"
    assert find_expansion(Fraction(6), mixed, "Muscovies: 2 + (4 + 3x) = 6 + 3x")[0] == "add"
    assert find_expansion(Fraction(8), mixed, "She pays 2 x 4 = 8 dollars") is None  # a plain product


def test_like_terms_reads_only_a_combination_that_adds_up():
    assert like_terms(Fraction(9), "x + 3x + 5x = 9x") == [1, 3, 5]
    assert like_terms(Fraction(3), "T + 2T + 75 = 3T + 75") == [1, 2]
    assert like_terms(Fraction(8), "x + 3x + 5x = 8x") is None  # the solution's own slip
    assert like_terms(Fraction(1), "3x - 2x = 1x") is None  # subtraction is not a sum of parts
    assert like_terms(Fraction(4), "4x = 20") is None  # one term: nothing combined


# ---- the unit the question asks for -------------------------------------------------------------

def test_an_answer_asked_in_cents_converts_the_last_dollar_result():
    q = "A pack of 8 pencils costs $2.40. How many cents does one pencil cost?"
    s = "One pencil costs 2.40 / 8 = $<<2.40/8=0.30>>0.30.\n#### 30"
    conv = graded(q, s, "30")
    assert ("mul", [Fraction(3, 10), Fraction(100)]) in computes(conv)
    assert "unit: the question asks in cents" in conv.notes


def test_a_share_is_not_turned_into_cents_when_the_question_asks_for_dollars():
    q = "A pack of 8 pencils costs $2.40. How many dollars does one pencil cost?"
    s = "One pencil costs 2.40 / 8 = $<<2.40/8=0.30>>0.30.\n#### 30"
    conv = convert_example(q, s)
    assert not conv.ok  # the gold (30) is the solution's slip: no asked unit explains it
