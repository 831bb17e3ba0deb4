"""trace_env.rewards.trace_reward under the TRL 1.x reward-function contract."""

import importlib
import logging
import types
import warnings
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

import trace_env.rewards as rewards_module
from trace_env.completions import read_trace
from trace_env.rewards import trace_reward

solver_grade_module = importlib.import_module("solver.grade")  # the attribute solver.grade is the function

QUESTION = "A shop sells 6 boxes with 7 cups in each box. How many cups does it sell?"
GOOD = "\n".join([
    "expert: arithmetic", "trace:", "- {op: init, var: boxes, value: 6}", "- {op: init, var: cups, value: 7}",
    "- {op: compute, compute_op: mul, args: [boxes, cups], var: total}", "- {op: query, var: total}",
])
UNGROUNDED = GOOD.replace("value: 7}", "value: 8}")


def test_string_completions_all_tiers():
    completions = [GOOD, GOOD, UNGROUNDED, GOOD, "no idea"]
    rewards = trace_reward(
        prompts=["p"] * 5,
        completions=completions,
        answer=["42", "41", "48", "42", "42"],
        expert=["arithmetic", "arithmetic", "arithmetic", "comparison", "arithmetic"],
        question=[QUESTION] * 5,
    )
    assert rewards == [1.0, 0.7, 0.5, 0.3, 0.0]


def test_chat_message_completions():
    chat = [[{"role": "assistant", "content": f"```yaml\n{GOOD}\n```"}],
            [{"role": "assistant", "content": [{"type": "text", "text": GOOD}]}],
            [{"role": "assistant", "content": None}]]
    assert trace_reward(prompts=[[{"role": "user", "content": QUESTION}]] * 3, completions=chat,
                        answer=[42, 42, 42]) == [1.0, 1.0, 0.0]
    assert read_trace({"role": "assistant", "content": "x"}).text == "x"
    assert read_trace(None).text is None


def call(trace: str, name: str = "submit_trace", wire: bool = False) -> dict:
    arguments = {"trace": trace}
    if wire:  # OpenAI's wire format: the arguments as a JSON string
        import json

        arguments = json.dumps(arguments)
    return {"type": "function", "function": {"name": name, "arguments": arguments}}


def test_a_trace_in_a_submit_trace_call_is_graded():
    # what TRL hands the reward when a response parser (transformers < 5.13 with a legacy schema)
    # reads a bare trace as a tool call: empty content, the trace in the call's argument
    parsed = [{"role": "assistant", "content": "", "tool_calls": [call(GOOD)]}]
    flat = [{"role": "assistant", "content": None, "tool_calls": [
        {"id": "c1", "type": "function", "name": "submit_trace", "arguments": '{"trace": "' + GOOD.replace("\n", "\\n") + '"}'}]}]
    assert trace_reward(["p"] * 3, [parsed, flat, [{"role": "assistant", "tool_calls": [call(GOOD, wire=True)]}]],
                        answer=[42] * 3, question=[QUESTION] * 3) == [1.0, 1.0, 1.0]


def test_the_last_assistant_turn_counts_not_a_join_of_all():
    give_up = [{"role": "assistant", "content": GOOD}, {"role": "tool", "content": "fine"},
               {"role": "assistant", "content": "I give up."}]
    fixed = [{"role": "assistant", "content": "I give up."}, {"role": "user", "content": "try again"},
             {"role": "assistant", "content": GOOD}]
    assert trace_reward(["p", "p"], [give_up, fixed], answer=[42, 42], question=[QUESTION] * 2) == [0.0, 1.0]
    # a call wins over the text beside it; of several calls, the last submit_trace call counts
    both = [{"role": "assistant", "content": "here it is", "tool_calls": [call(UNGROUNDED), call(GOOD)]}]
    assert trace_reward(["p"], [both], answer=[42], question=[QUESTION]) == [1.0]


def test_a_completion_without_a_trace_is_graded_as_what_it_is():
    outcomes = rewards_module.grade_completions(
        [[{"role": "assistant", "content": ""}], [{"role": "user", "content": GOOD}], 42,
         [{"role": "assistant", "content": "", "tool_calls": [call(GOOD, name="calculator")]}]],
        answer=[42] * 4, question=[QUESTION] * 4)
    assert [o.reward for o in outcomes] == [0.0] * 4
    assert [o.category for o in outcomes] == ["unparseable"] * 4
    errors = [o.error for o in outcomes]
    assert "neither text nor a submit_trace call" in errors[0]
    assert "no assistant message" in errors[1]      # the user's text is never the policy's trace
    assert "int" in errors[2]
    assert "none is submit_trace" in errors[3]


def test_question_column_enables_grounding():
    assert trace_reward(["p"], [UNGROUNDED], answer=["48"]) == [1.0]
    assert trace_reward(["p"], [UNGROUNDED], answer=["48"], question=[QUESTION]) == [0.5]


def test_expert_column_optional_and_blank_labels_ignored():
    assert trace_reward(["p", "p"], [GOOD, GOOD], answer=["42", "42"], expert=[None, ""]) == [1.0, 1.0]


def test_log_metric_reports_rates():
    logged = {}
    extra = {}
    trace_reward(["p"] * 4, [GOOD, GOOD, UNGROUNDED, "junk"], answer=["42", "1", "48", "42"],
                 question=[QUESTION] * 4, log_metric=lambda k, v: logged.__setitem__(k, v),
                 log_extra=lambda k, v: extra.__setitem__(k, v), trainer_state=object(), completion_ids=[[1]] * 4)
    assert logged == {"trace/parse_rate": 0.75, "trace/valid_rate": 0.5, "trace/correct_rate": 0.25,
                      "trace/grader_error_rate": 0.0, "trace/program_checked_rate": 0.0,
                      "trace/wrong_program_rate": 0.0}
    assert extra == {"trace_category": ["correct", "wrong_answer", "invalid", "unparseable"]}


def test_model_text_fails_quietly_and_logging_faults_only_warn():
    def boom(*_args):
        raise RuntimeError("logger down")

    with pytest.warns(RuntimeWarning):
        assert trace_reward(["p"], [GOOD], answer=["42"], log_metric=boom, log_extra=boom) == [1.0]
    assert trace_reward(["p"] * 3, [None, 42, {"weird": 1}], answer=["1"] * 3, question=[QUESTION] * 3) == [0.0] * 3
    assert trace_reward([], [], answer=[], question=[]) == []


def test_missing_columns_warn_once_each(monkeypatch):
    monkeypatch.setattr(rewards_module, "_warned", set())
    with pytest.warns(RuntimeWarning, match="no 'answer' column"):
        assert trace_reward(["p"], [GOOD], question=[QUESTION]) == [0.7]
    with pytest.warns(RuntimeWarning, match="grounding is off"):
        assert trace_reward(["p"], [UNGROUNDED], answer=["48"]) == [1.0]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the second time: silent
        assert trace_reward(["p"], [UNGROUNDED], answer=["48"]) == [1.0]


@pytest.mark.parametrize("column", [
    np.array([QUESTION, QUESTION], dtype=object), np.array([QUESTION, QUESTION]), (QUESTION, QUESTION),
    pd.Series([QUESTION, QUESTION]), QUESTION,
])
def test_question_column_types_keep_grounding_on(column):
    # The ungrounded trace must be caught whatever container the question column arrives in.
    assert trace_reward(["p", "p"], [UNGROUNDED, GOOD], answer=["48", "42"], question=column) == [0.5, 1.0]


@pytest.mark.parametrize("answers", [
    [np.int64(42)] * 2, np.array([42, 42]), np.array([42.0, 42.0]), [np.float64(42.0)] * 2, 42, np.int64(42),
    pd.Series([42, 42]), ("42", "42"), [Fraction(42), 42.0],
])
def test_answer_column_types_reach_full_credit(answers):
    assert trace_reward(["p", "p"], [GOOD, GOOD], answer=answers, question=[QUESTION] * 2) == [1.0, 1.0]


def test_expert_column_types():
    experts = pd.Series(["arithmetic", None], dtype=object)
    assert trace_reward(["p", "p"], [GOOD, GOOD], answer=[42, 42], question=[QUESTION] * 2,
                        expert=experts) == [1.0, 1.0]
    assert trace_reward(["p", "p"], [GOOD, GOOD], answer=[42, 42], question=[QUESTION] * 2,
                        expert=np.array(["comparison", "arithmetic"])) == [0.3, 1.0]
    assert trace_reward(["p"], [GOOD], answer=[42], question=[QUESTION], expert=[float("nan")]) == [1.0]


@pytest.mark.parametrize(("kwargs", "error"), [
    ({"answer": ["42"], "question": [QUESTION] * 3}, "'answer' has 1 entries for 3"),
    ({"answer": ["42"] * 3, "question": [QUESTION]}, "'question' has 1 entries for 3"),
    ({"answer": ["42"] * 3, "question": [QUESTION, None, QUESTION]}, "question 1 is NoneType"),
    ({"answer": ["42"] * 3, "question": 7}, "question 0 is int"),
    ({"answer": ["42", "n/a", "42"], "question": [QUESTION] * 3}, "gold answer 1 is unusable"),
    ({"answer": [None] * 3, "question": [QUESTION] * 3}, "gold answer 0 is unusable"),
    ({"answer": ["42"] * 3, "question": [QUESTION] * 3, "expert": [1, 2, 3]}, "expert 0 is int"),
    ({"answer": {"a": 1}, "question": [QUESTION] * 3}, "mapping"),
])
def test_unusable_columns_raise(kwargs, error):
    with pytest.raises((ValueError, TypeError), match=error):
        trace_reward(["p"] * 3, [GOOD] * 3, **kwargs)


def test_grader_fault_is_none_and_logged_not_the_policys(monkeypatch, caplog):
    real = solver_grade_module._assess

    def faulty(text, *args):
        if "boxes" in text:
            raise KeyError("a grader bug")
        return real(text, *args)

    monkeypatch.setattr(solver_grade_module, "_assess", faulty)
    with caplog.at_level(logging.ERROR):
        rewards = trace_reward(["p", "p"], [GOOD, "expert: arithmetic\ntrace:\n- {op: query, var: x}"],
                               answer=[42, 42], question=[QUESTION] * 2)
    assert rewards == [None, 0.5]
    assert "grader fault" in caplog.text and "KeyError" in caplog.text


def test_resolves_like_trl_cli_dotted_path():
    # trl grpo --reward_funcs trace_env.rewards.trace_reward: rsplit on the last dot, import, getattr
    dotted = "trace_env.rewards.trace_reward"
    module_path, name = dotted.rsplit(".", 1)
    func = getattr(importlib.import_module(module_path), name)
    assert func is trace_reward and func.__name__ == "trace_reward"


@pytest.mark.slow
def test_called_by_grpo_trainer_reward_loop():
    """Run TRL's own GRPOTrainer._calculate_rewards with our function (no model needed)."""
    from accelerate import Accelerator
    from trl import GRPOTrainer

    logged = {}
    fake = types.SimpleNamespace(
        accelerator=Accelerator(cpu=True), reward_funcs=[trace_reward], reward_processing_classes=[None],
        reward_func_names=["trace_reward"], environments=None, state=types.SimpleNamespace(global_step=0),
        args=types.SimpleNamespace(report_to=[]), _log_completion_extra=lambda column, values: None,
        _log_metric=lambda name, value: logged.__setitem__(name, value),
    )
    inputs = [{"prompt": "p", "answer": "42", "expert": "arithmetic", "question": QUESTION},
              {"prompt": "p", "answer": "42", "expert": "arithmetic", "question": QUESTION}]
    rewards = GRPOTrainer._calculate_rewards(fake, inputs, ["p", "p"], [GOOD, UNGROUNDED], [[1], [2]])
    assert rewards[:, 0].tolist() == [1.0, 0.5]
    assert logged["trace/correct_rate"] == 0.5


def test_correct_reward_pays_the_answer_alone():
    from trace_env.rewards import REWARD_FUNCTIONS, correct_reward

    assert {"ladder": trace_reward, "correct": correct_reward} == REWARD_FUNCTIONS
    completions = [GOOD, GOOD, UNGROUNDED, GOOD, "no idea"]  # 6 * 7 = 42: only the first is right
    rewards = correct_reward(completions=completions, answer=["42", "41", "48", "42", "42"],
                             expert=["arithmetic", "arithmetic", "arithmetic", "comparison", "arithmetic"],
                             question=[QUESTION] * 5)
    assert rewards == [1.0, 0.0, 0.0, 0.0, 0.0]


def test_correct_reward_keeps_grader_faults_unscored(monkeypatch):
    from trace_env.rewards import correct_reward

    monkeypatch.setattr(solver_grade_module, "_assess", lambda *a: (_ for _ in ()).throw(KeyError("a grader bug")))
    assert correct_reward(completions=[GOOD], answer=[42], question=[QUESTION]) == [None]


def test_trace_column_turns_on_the_program_check_and_the_logs_count_it():
    from handwritten import BAKERY as question  # tests/handwritten.py
    from handwritten import BAKERY_GOLD as gold
    from handwritten import BAKERY_LUCKY as lucky  # 90 = 30 + 30 + 30: ignores 48 and 5

    logged = {}
    rewards = trace_reward(["p"] * 3, [gold, lucky, lucky], answer=["90"] * 3, question=[question] * 3,
                           trace=[gold, gold, ""], log_metric=lambda k, v: logged.__setitem__(k, v))
    assert rewards == [1.0, 0.7, 1.0]  # the third row has no gold trace: graded on its answer alone
    assert logged["trace/program_checked_rate"] == pytest.approx(2 / 3)
    assert logged["trace/wrong_program_rate"] == pytest.approx(1 / 3)


def test_a_gold_trace_that_does_not_run_warns_once_and_grades_on_the_answer():
    from trace_env import rewards

    rewards._warned.discard("gold")
    question = "Tom has 4 apples and buys 5 more. How many apples does he have?"
    good = ("expert: arithmetic\ntrace:\n- {op: init, var: a, value: 4}\n- {op: init, var: b, value: 5}\n"
            "- {op: compute, compute_op: add, args: [a, b], var: r}\n- {op: query, var: r}")
    broken_gold = good.replace("value: 5}", "value: 55}")  # 55 is not in the question: it does not run
    with pytest.warns(RuntimeWarning, match="does not run on its question"):
        assert trace_reward(["p"], [good], answer=["9"], question=[question], trace=[broken_gold]) == [1.0]
