"""trace_env.rewards.trace_reward under the TRL 1.x reward-function contract."""

import importlib
import types

import pytest

from trace_env.rewards import completion_text, trace_reward

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
    assert completion_text({"role": "assistant", "content": "x"}) == "x"
    assert completion_text(None) == ""


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
    assert logged == {"trace/parse_rate": 0.75, "trace/valid_rate": 0.5, "trace/correct_rate": 0.25}
    assert extra == {"trace_category": ["correct", "wrong_answer", "invalid", "unparseable"]}


def test_never_raises():
    def boom(*_args):
        raise RuntimeError("logger down")

    with pytest.warns(RuntimeWarning):
        assert trace_reward(["p"], [GOOD]) == [0.7]  # no answer column: a warning, not a crash
    with pytest.warns(RuntimeWarning):
        assert trace_reward(["p"], [GOOD], answer=["42"], log_metric=boom, log_extra=boom) == [1.0]
    assert trace_reward(["p"] * 3, [None, 42, {"weird": 1}], answer=["1"]) == [0.0, 0.0, 0.0]
    assert trace_reward([], [], answer=[]) == []
    assert trace_reward(["p"], [GOOD], answer="42", question=7) == [1.0]


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
