"""trace_env.rewards columns, warnings and logged rates (issue 23: tests that kill the mutants
mutmut found surviving). Expected rates are counted by hand from the batch."""

import warnings

import numpy as np
import pytest
from handwritten import BAKERY, BAKERY_GOLD, BAKERY_LUCKY  # tests/handwritten.py

import trace_env.rewards as rewards_module
from trace_env.rewards import correct_reward, grade_completions, score_completions, trace_reward

BROKEN = BAKERY_GOLD.replace("value: 5}", "value: 6}")  # 6 is not in the question: invalid (0.5)
BATCH = [BAKERY_GOLD, BAKERY_LUCKY, BROKEN, "no trace at all"]


def test_scalar_columns_broadcast_numpy_scalars_included():
    # a numpy 0-d array and a numpy scalar are one value for the whole batch, as a plain scalar is
    for answer in (90, np.int64(90), np.array(90), "90"):
        assert trace_reward(completions=[BAKERY_GOLD, BAKERY_GOLD], answer=answer, question=BAKERY) == [1.0, 1.0]
    assert trace_reward(completions=[BAKERY_GOLD], answer=np.array([90]), question=np.array([BAKERY])) == [1.0]


def test_column_length_must_match_the_batch():
    with pytest.raises(ValueError, match="column 'answer' has 1 entries for 2 completions"):
        trace_reward(completions=[BAKERY_GOLD, BAKERY_GOLD], answer=np.array([90]), question=BAKERY)


def test_log_metric_rates_counted_by_hand():
    logged = {}
    extra = {}
    outcomes, rewards = score_completions(
        BATCH, answer=90, question=BAKERY, expert="arithmetic", trace=BAKERY_GOLD,
        log_metric=lambda k, v: logged.__setitem__(k, v), log_extra=lambda k, v: extra.__setitem__(k, v))
    # gold: correct; lucky: right number, wrong program; broken: invalid; prose: unparseable
    assert rewards == [1.0, 0.7, 0.5, 0.0]
    assert logged == {
        "trace/parse_rate": 3 / 4, "trace/valid_rate": 2 / 4, "trace/correct_rate": 1 / 4,
        "trace/grader_error_rate": 0.0, "trace/program_checked_rate": 2 / 4, "trace/wrong_program_rate": 1 / 4,
    }
    assert extra == {"trace_category": ["correct", "wrong_answer", "invalid", "unparseable"]}
    assert correct_reward(completions=BATCH, answer=90, question=BAKERY, trace=BAKERY_GOLD) == [1.0, 0.0, 0.0, 0.0]


def test_nan_expert_is_no_label_and_other_types_raise():
    assert trace_reward(completions=[BAKERY_GOLD], answer=90, question=BAKERY, expert=[float("nan")]) == [1.0]
    with pytest.raises(TypeError, match="expert 0 is float 1.5"):
        trace_reward(completions=[BAKERY_GOLD], answer=90, question=BAKERY, expert=[1.5])


def test_blank_gold_traces_grade_on_the_answer():
    for gold in ("", "   ", None):
        assert trace_reward(completions=[BAKERY_LUCKY], answer=90, question=BAKERY, trace=[gold]) == [1.0]


def test_missing_columns_warn_once(monkeypatch):
    monkeypatch.setattr(rewards_module, "_warned", set())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        grade_completions([BAKERY_GOLD], answer=90)
        grade_completions([BAKERY_GOLD], answer=90)
        grade_completions([BAKERY_GOLD], question=BAKERY)
        trace_reward(completions=[BAKERY_GOLD], question=BAKERY)
    assert [str(w.message) for w in caught] == [
        "trace_reward: the dataset has no 'question' column, so grounding is off: traces may use any number",
        "trace_reward: the dataset has no 'answer' column; no completion can score above 0.7",
    ]
    assert all(w.category is RuntimeWarning for w in caught)


def test_a_question_that_is_not_text_raises_with_the_reason():
    with pytest.raises(TypeError) as err:
        trace_reward(completions=[BAKERY_GOLD], answer=90, question=[7])
    assert str(err.value) == ("trace_reward: question 0 is int 7, not text; grading without it would turn "
                              "grounding off")


def test_unknown_reward_variant():
    with pytest.raises(ValueError, match=r"unknown reward 'bogus'; choose from \['correct', 'ladder'\]"):
        score_completions([BAKERY_GOLD], "bogus", answer=90)
