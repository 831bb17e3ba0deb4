"""The reward ladder, and one test per reward hack."""

import json
from fractions import Fraction as F

import pytest

from solver import REWARDS, Outcome, grade

QUESTION = "A baker makes 48 muffins a day and sells 30 of them. How many are left after 5 days?"


def single(expert, *steps):
    return "\n".join([f"expert: {expert}", "trace:", *[f"- {s}" for s in steps]])


GOOD = single(
    "arithmetic",
    "{op: init, var: made, value: 48}",
    "{op: init, var: sold, value: 30}",
    "{op: compute, compute_op: sub, args: [made, sold], var: left}",
    "{op: init, var: days, value: 5}",
    "{op: compute, compute_op: mul, args: [left, days], var: total}",
    "{op: query, var: total}",
)


def test_rewards_table():
    assert REWARDS == {"correct": 1.0, "wrong_answer": 0.7, "invalid": 0.5, "wrong_expert": 0.3, "unparseable": 0.0}


def test_tier_correct():
    out = grade(GOOD, 90, expert="arithmetic", question=QUESTION)
    assert (out.reward, out.category, out.answer, out.expert) == (1.0, "correct", F(90), "arithmetic")
    assert out.parsed and out.valid and out.correct and out.error is None


def test_tier_wrong_answer():
    out = grade(GOOD, 91, expert="arithmetic", question=QUESTION)
    assert (out.reward, out.category, out.answer) == (0.7, "wrong_answer", F(90))
    assert out.parsed and out.valid and not out.correct


def test_tier_invalid():
    out = grade(GOOD.replace("args: [left, days]", "args: [left, weeks]"), 90, "arithmetic", QUESTION)
    assert (out.reward, out.category, out.answer, out.step) == (0.5, "invalid", None, 4)
    assert "'weeks' is not defined" in out.error
    assert out.parsed and not out.valid


def test_tier_wrong_expert_checked_before_validity():
    out = grade(GOOD, 90, expert="rate_equation", question=QUESTION)
    assert (out.reward, out.category, out.expert) == (0.3, "wrong_expert", "arithmetic")
    broken = GOOD.replace("{op: query, var: total}", "{op: query}")
    assert grade(broken, 90, expert="comparison").reward == 0.3
    assert grade(broken, 90, expert="arithmetic").reward == 0.5


def test_missing_expert_is_wrong_expert_when_labelled():
    text = GOOD.replace("expert: arithmetic\n", "")
    assert grade(text, 90, expert="arithmetic").category == "wrong_expert"
    unlabelled = grade(text, 90)
    assert unlabelled.category == "invalid" and "missing expert" in unlabelled.error


def test_tier_unparseable():
    for text in ["", "The answer is 90.", "```python\nprint(90)\n```", "- just\n- a list", "{a: 1}", "expert"]:
        out = grade(text, 90, expert="arithmetic", question=QUESTION)
        assert (out.reward, out.category) == (0.0, "unparseable"), text
        assert not out.parsed


def test_no_label_no_expert_check():
    assert grade(GOOD, 90).reward == 1.0


def test_composed_tiers():
    composed = "\n".join([
        "- expert: percentage", "  trace:", "  - {op: init, var: price, value: 40}",
        "  - {op: percent_off, base: price, rate: 25, var: r}", "  - {op: query, var: r}",
        "- expert: arithmetic", "  trace:", "  - {op: init, var: sale, source: prev.result}",
        "  - {op: init, var: n, value: 3}", "  - {op: compute, compute_op: mul, args: [sale, n], var: r}",
        "  - {op: query, var: r}",
    ])
    question = "A $40 shirt is 25% off. What do 3 shirts cost?"
    assert grade(composed, 90, "composition", question).reward == 1.0
    assert grade(composed, 91, "composition", question).reward == 0.7
    assert grade(composed, 90, "percentage", question).reward == 0.3
    assert grade(composed.replace("value: 3}", "value: 4}"), 90, "composition", question).reward == 0.5
    assert grade(GOOD, 90, "composition").reward == 0.3


@pytest.mark.parametrize(("answer", "reward"), [
    ("90", 1.0), ("90.0", 1.0), ("$90", 1.0), (90, 1.0), (F(90), 1.0), (90.0, 1.0), ("89.9", 0.7), ("89.99999999", 1.0), ("1,090", 0.7)])
def test_gold_answer_forms(answer, reward):
    assert grade(GOOD, answer).reward == reward


def test_non_integer_gold_uses_small_relative_tolerance():
    text = single("arithmetic", "{op: init, var: a, value: 10}", "{op: init, var: b, value: 3}",
                  "{op: compute, compute_op: div, args: [a, b], var: r}", "{op: query, var: r}")
    assert grade(text, "10/3").reward == 1.0
    assert grade(text, "3.333333333").reward == 1.0
    assert grade(text, "3.33").reward == 0.7
    assert grade(text, 3).reward == 0.7  # integer gold: exact


def test_unusable_gold_is_reported_not_raised():
    out = grade(GOOD, "ninety")
    assert out.category == "wrong_answer" and "gold answer" in out.error


def test_outcome_dict_and_feedback():
    out = grade(GOOD, 91, "arithmetic", QUESTION)
    data = out.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["answer"] == "90" and data["valid"] and not data["correct"]
    assert "90" in out.feedback() and "91" not in out.feedback()
    for category in REWARDS:
        assert Outcome(REWARDS[category], category, F(5), "some error").feedback()
    invalid = grade(GOOD.replace("value: 5}", "value: 6}"), 90, question=QUESTION)
    assert "6" in invalid.feedback() and "step 4" in invalid.feedback()


# ---- reward hacks: each must land at 0.5 (invalid), never 0.7 or 1.0 ------------------------------

def _hack(*steps, expert="arithmetic", answer=48, question=QUESTION):
    out = grade(single(expert, *steps), answer, expert, question)
    assert (out.reward, out.category) == (0.5, "invalid"), out
    return out


def test_hack_query_an_init():
    out = _hack("{op: init, var: made, value: 48}", "{op: query, var: made}")
    assert "not computed" in out.error


def test_hack_add_zero_literal():
    _hack("{op: init, var: made, value: 48}", "{op: compute, compute_op: add, args: [made, 0], var: r}",
          "{op: query, var: r}", question=None)


def test_hack_mul_one_literal():
    _hack("{op: init, var: made, value: 48}", "{op: compute, compute_op: mul, args: [made, 1], var: r}",
          "{op: query, var: r}", question=None)


def test_hack_mul_one_from_init():
    _hack("{op: init, var: made, value: 48}", "{op: init, var: one, value: 1}",
          "{op: compute, compute_op: mul, args: [one, made], var: r}", "{op: query, var: r}", question=None)


def test_hack_identity_through_computed_neutral():
    _hack("{op: init, var: made, value: 48}", "{op: init, var: sold, value: 30}",
          "{op: compute, compute_op: sub, args: [sold, sold], var: zero}",
          "{op: compute, compute_op: add, args: [made, zero], var: r}", "{op: query, var: r}")
    _hack("{op: init, var: made, value: 48}", "{op: init, var: sold, value: 30}",
          "{op: compute, compute_op: div, args: [sold, sold], var: one}",
          "{op: compute, compute_op: mul, args: [made, one], var: r}", "{op: query, var: r}")


def test_hack_chained_identities():
    _hack("{op: init, var: made, value: 48}", "{op: init, var: one, value: 1}", "{op: init, var: zero, value: 0}",
          "{op: compute, compute_op: mul, args: [made, one], var: a}",
          "{op: compute, compute_op: sub, args: [a, zero], var: b}",
          "{op: compute, compute_op: div, args: [b, one], var: c}",
          "{op: compute, compute_op: pow, args: [c, one], var: d}", "{op: query, var: d}", question=None)


def test_hack_one_argument_ops():
    _hack("{op: init, var: made, value: 48}", "{op: compute, compute_op: add, args: [made], var: r}",
          "{op: query, var: r}")
    _hack("{op: init, var: made, value: 48}", "{op: compute, compute_op: mul, args: [made], var: r}",
          "{op: query, var: r}")
    for cop in ("floor", "ceil", "round"):
        _hack("{op: init, var: made, value: 48}", f"{{op: compute, compute_op: {cop}, args: [made], var: r}}",
              "{op: query, var: r}")
    _hack("{op: init, var: made, value: 48}", "{op: compute, compute_op: max, args: [made, made], var: r}",
          "{op: query, var: r}")


def test_hack_min_max_selecting_a_given_number():
    for step in ("{op: compute, compute_op: max, args: [made, 2], var: r}",
                 "{op: compute, compute_op: min, args: [made, 100, 365], var: r}"):
        _hack("{op: init, var: made, value: 48}", step, "{op: query, var: r}")
    # selecting a computed value is real computation
    text = single("arithmetic", "{op: init, var: made, value: 48}", "{op: init, var: sold, value: 30}",
                  "{op: compute, compute_op: sub, args: [made, sold], var: left}",
                  "{op: compute, compute_op: max, args: [left, 5], var: r}", "{op: query, var: r}")
    assert grade(text, 18, question=QUESTION).reward == 1.0


def test_hack_reinitialise_computed_variable():
    out = _hack("{op: init, var: made, value: 48}", "{op: init, var: sold, value: 30}",
                "{op: compute, compute_op: sub, args: [made, sold], var: left}",
                "{op: init, var: left, value: 48}", "{op: query, var: left}")
    assert "single-assignment" in out.error and out.step == 3


def test_hack_zero_amount_entity_ops():
    q = "Tom has 48 cards and gives 0 to Ann."
    for op in ("{op: transfer, from: tom, to: ann, amount: 0}", "{op: consume, var: tom, amount: 0}",
               "{op: add_entity, var: tom, amount: 0}"):
        _hack("{op: init, var: tom, value: 48}", op, "{op: query, var: tom}", expert="entity_track", question=q)


def test_hack_new_entity_holding_a_given_number():
    _hack("{op: add_entity, var: tom, amount: 48}", "{op: query, var: tom}", expert="entity_track")


def test_hack_percent_identities():
    for step in ("{op: percent_of, base: made, rate: 100, var: r}", "{op: percent_off, base: made, rate: 0, var: r}",
                 "{op: percent_increase, base: made, rate: 0, var: r}",
                 "{op: percent_of, base: 100, rate: made, var: r}"):
        _hack("{op: init, var: made, value: 48}", step, "{op: query, var: r}", expert="percentage", question=None)


def test_hack_query_a_source_init():
    text = "\n".join([
        "- expert: arithmetic", "  trace:", "  - {op: init, var: a, value: 48}", "  - {op: init, var: b, value: 30}",
        "  - {op: compute, compute_op: sub, args: [a, b], var: r}", "  - {op: query, var: r}",
        "- expert: arithmetic", "  trace:", "  - {op: init, var: x, source: prev.result}", "  - {op: query, var: x}",
    ])
    out = grade(text, 18, "composition", QUESTION)
    assert (out.reward, out.subtrace, out.step) == (0.5, 1, 1)


def test_hack_ungrounded_init_value():
    out = _hack("{op: init, var: made, value: 240}", "{op: init, var: days, value: 5}",
                "{op: compute, compute_op: div, args: [made, days], var: r}", "{op: query, var: r}")
    assert "240" in out.error and out.step == 0


def test_hack_ungrounded_literal_operand():
    out = _hack("{op: init, var: made, value: 48}", "{op: compute, compute_op: sub, args: [made, 18], var: r}",
                "{op: query, var: r}", answer=30)
    assert "18" in out.error and out.step == 1
    out = _hack("{op: init, var: made, value: 48}", "{op: percent_of, base: made, rate: 37, var: r}",
                "{op: query, var: r}", expert="percentage")
    assert "37" in out.error


def test_grounding_accepts_question_numbers_constants_and_refs():
    text = single("arithmetic", "{op: init, var: made, ref: 1}", "{op: init, var: sold, ref: 2}",
                  "{op: compute, compute_op: sub, args: [made, sold], var: left}",
                  "{op: compute, compute_op: mul, args: [left, 7], var: week}", "{op: query, var: week}")
    assert grade(text, 126, question=QUESTION).reward == 1.0
    out = grade(text.replace("ref: 2", "ref: 9"), 126, question=QUESTION)
    assert out.reward == 0.5 and "only 3 quantities" in out.error


def test_grounding_of_words_percents_and_fractions():
    question = "Lena had a dozen pens and gave away a third of them. Pens cost 20% more now."
    text = single("arithmetic", "{op: init, var: pens, value: 12}", "{op: init, var: part, value: 1/3}",
                  "{op: compute, compute_op: mul, args: [pens, part], var: given}",
                  "{op: init, var: rate, value: 0.2}", "{op: compute, compute_op: mul, args: [given, rate], var: r}",
                  "{op: query, var: r}")
    assert grade(text, F(4, 5), question=question).reward == 1.0
    assert grade(text.replace("value: 1/3", "value: 3"), F(36, 5), question=question).reward == 1.0


def test_negative_literal_grounded_by_its_magnitude():
    text = single("arithmetic", "{op: init, var: t, value: -48}", "{op: init, var: d, value: 30}",
                  "{op: compute, compute_op: add, args: [t, d], var: r}", "{op: query, var: r}")
    assert grade(text, -18, question=QUESTION).reward == 1.0


def test_empty_trace_and_missing_query_are_invalid():
    assert grade("expert: arithmetic\ntrace: []", 0).reward == 0.5
    assert grade("expert: arithmetic\ntrace:", 0).reward == 0.5
    assert grade("expert: arithmetic", 0).reward == 0.5
    out = grade(single("arithmetic", "{op: init, var: a, value: 48}", "{op: init, var: b, value: 30}",
                       "{op: compute, compute_op: sub, args: [a, b], var: r}"), 18)
    assert out.reward == 0.5 and "no query" in out.error


def test_unresolvable_source_is_invalid():
    text = "\n".join([
        "- expert: arithmetic", "  trace:", "  - {op: init, var: a, value: 48}", "  - {op: init, var: b, value: 30}",
        "  - {op: compute, compute_op: sub, args: [a, b], var: r}", "  - {op: query, var: r}",
        "- expert: arithmetic", "  trace:", "  - {op: init, var: x, source: sub3.result}", "  - {op: init, var: y, value: 5}",
        "  - {op: compute, compute_op: mul, args: [x, y], var: r}", "  - {op: query, var: r}",
    ])
    out = grade(text, 90)
    assert out.reward == 0.5 and "sub3.result" in out.error


def test_vocabulary_violation_is_invalid():
    out = grade(single("entity_track", "{op: init, var: price, value: 48}",
                       "{op: percent_increase, base: price, rate: 30, var: r}", "{op: query, var: r}"), 0, "entity_track")
    assert out.reward == 0.5 and "vocabulary" in out.error
    out = grade(single("rate_equation", "{op: init, var: a, value: 48}", "{op: init, var: b, value: 30}",
                       "{op: compute, compute_op: max, args: [a, b], var: r}", "{op: query, var: r}"), 48)
    assert out.reward == 0.5 and "max" in out.error


def test_unknown_expert():
    out = grade(GOOD.replace("expert: arithmetic", "expert: algebra"), 90)
    assert out.reward == 0.5 and "unknown expert" in out.error
    assert grade(GOOD.replace("expert: arithmetic", "expert: algebra"), 90, "arithmetic").reward == 0.3


def test_grade_never_raises_on_odd_arguments():
    assert grade(None, 5).category == "unparseable"  # type: ignore[arg-type]
    assert grade(GOOD, None).category == "wrong_answer"
    assert grade(GOOD, 90, question=123).reward == 1.0  # type: ignore[arg-type]
