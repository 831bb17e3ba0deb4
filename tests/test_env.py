"""GSMTrace-v0 / GSMTraceRefine-v1 (and -v0): registration, check_env, seeding, grading, refinement, sources."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import warnings
from fractions import Fraction

import gymnasium as gym
import pytest
from gymnasium.error import ResetNeeded
from gymnasium.utils.env_checker import check_env
from handwritten import BAKERY, BAKERY_GOLD, BAKERY_LUCKY, COOKIES, PRINTER, PROBLEMS  # tests/handwritten.py

import trace_env
from trace_env.envs import BASE_CHARSET, GSMTraceRefineEnv
from trace_env.sources import SourceError, load_source

# Gold traces of two of the hand-written problems.
SUB, RATE = COOKIES["trace"], PRINTER["trace"]
# Executes fine but computes 24 + 9 = 33: a wrong answer, not invalid.
WRONG_SUB = SUB.replace("compute_op: sub", "compute_op: add")
# 99 is not in the cookies question: the trace does not run (grounding), whatever the gold answer.
UNGROUNDED_SUB = SUB.replace("value: 9}", "value: 99}")
# Words that would judge an answer; "corrected" (in "Write a corrected trace.") is not one of them.
VERDICT = re.compile(r"\b(right|wrong|correct|incorrect|correctly|incorrectly)\b", re.IGNORECASE)


def make(env_id: str = "GSMTrace-v0", **kwargs):
    return gym.make(env_id, source=PROBLEMS, **kwargs)


def test_registered_on_import_and_by_module_prefix():
    assert set(trace_env.ENV_IDS) <= set(gym.registry)
    env = gym.make("trace_env:GSMTrace-v0", source=PROBLEMS)
    assert isinstance(env.unwrapped, trace_env.envs.GSMTraceEnv)
    # A fresh interpreter that never imported trace_env finds it through the prefix.
    code = "import gymnasium as gym; e = gym.make('trace_env:GSMTraceRefine-v1', source=[{'question': 'Add 2 and 3.', 'answer': 5}]); print(type(e.unwrapped).__name__)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "GSMTraceRefineEnv"


@pytest.mark.parametrize("env_id", ["GSMTrace-v0", "GSMTraceRefine-v1", "GSMTraceRefine-v0"])
def test_check_env_passes_without_warnings(env_id):
    env = make(env_id)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_env(env.unwrapped)
    env.close()


def test_reset_is_deterministic_and_serves_named_problem():
    env = make()
    first = [env.reset(seed=7)[1]["problem_id"]] + [env.reset()[1]["problem_id"] for _ in range(5)]
    again = [env.reset(seed=7)[1]["problem_id"]] + [env.reset()[1]["problem_id"] for _ in range(5)]
    assert first == again
    obs, info = env.reset(seed=1, options={"problem_id": "printer"})
    assert obs == PROBLEMS[1]["question"] and info["problem_id"] == "printer"
    assert env.reset(options={"index": 2})[1]["problem_id"] == "jacket"
    with pytest.raises(ValueError, match="no problem with id"):
        env.reset(options={"problem_id": "nope"})
    with pytest.raises(ValueError, match="unknown reset option"):
        env.reset(options={"problem": "printer"})


def test_reset_info_never_reveals_answer_or_trace():
    env = make()
    for problem in PROBLEMS:
        obs, info = env.reset(options={"problem_id": problem["id"]})
        assert info["expert"] == problem["expert"] and info["pattern"] == problem["pattern"]
        assert "answer" not in info and "trace" not in info
        assert str(problem["answer"]) not in json.dumps(info)


def test_step_grades_with_the_full_ladder():
    env = make()
    env.reset(options={"problem_id": "cookies"})
    obs, reward, terminated, truncated, info = env.step(SUB)
    assert (reward, terminated, truncated) == (1.0, True, False)
    assert info["correct"] and info["outcome"]["category"] == "correct"
    assert obs == PROBLEMS[0]["question"]
    with pytest.raises(ResetNeeded):
        env.step(SUB)
    env.reset(options={"problem_id": "cookies"})
    assert env.step(WRONG_SUB)[1] == 0.7
    env.reset(options={"problem_id": "cookies"})
    # A readable trace under another expert's label: the expert is checked before validity.
    _, reward, _, _, info = env.step(SUB.replace("arithmetic", "percentage"))
    assert (reward, info["outcome"]["category"]) == (0.3, "wrong_expert")
    env.reset(options={"problem_id": "cookies"})
    # 99 is not in the question: grounding makes the trace invalid.
    assert env.step(SUB.replace("value: 9", "value: 99"))[4]["category"] == "invalid"
    env.reset(options={"problem_id": "cookies"})
    assert env.step("I think the answer is 15.")[1] == 0.0


@pytest.mark.parametrize("env_id", ["GSMTrace-v0", "GSMTraceRefine-v1", "GSMTraceRefine-v0"])
def test_a_chat_message_action_is_read_by_the_one_rule(env_id):
    env = make(env_id)
    call = {"type": "function", "function": {"name": "submit_trace", "arguments": {"trace": SUB}}}
    for action, expected in [
        ({"role": "assistant", "content": "", "tool_calls": [call]}, 1.0),        # the trace in a tool call
        ([{"role": "assistant", "content": SUB}], 1.0),
        ([{"role": "assistant", "content": SUB}, {"role": "assistant", "content": "I give up."}], 0.0),  # last wins
        ([{"role": "user", "content": SUB}], 0.0),                                 # never the user's text
    ]:
        env.reset(options={"problem_id": "cookies"})
        assert env.step(action)[4]["trace_reward"] == expected, action


@pytest.mark.parametrize(
    "action", ["", "🙂" * 50, "x" * 200_000, None, b"\xff\xfe", 42, "expert: [unclosed", "\x00\x01 ∑∫ 中文"]
)
def test_step_survives_any_action(action):
    env = make()
    env.reset(seed=0)
    obs, reward, terminated, _, info = env.step(action)
    assert reward == 0.0 and terminated and info["category"] == "unparseable"
    assert obs in env.observation_space


def test_action_space_accepts_any_llm_string_and_samples_cheaply():
    env = make()
    assert "🙂 ∑ 中文 ```yaml" in env.action_space and "" in env.action_space
    assert 5 not in env.action_space
    assert all(len(env.action_space.sample()) <= 512 for _ in range(20))


def test_observation_charset_covers_unusual_problem_text():
    odd = [{"question": "Zoë pays ¥300 for 4 mangoes 🥭 (≈ ¾ kg each). How much is 1 mango?", "answer": 75}]
    env = gym.make("GSMTrace-v0", source=odd)
    obs, _ = env.reset(seed=0)
    assert obs == odd[0]["question"] and obs in env.observation_space
    for char in "’“”–—€£¢½¼¾×÷−√\u00a0\u200b\u2028":
        assert char in BASE_CHARSET


def test_refine_default_is_gold_free_a_valid_wrong_trace_ends_the_episode():
    env = make("GSMTraceRefine-v1")                     # every argument at its default
    assert env.unwrapped.config.reveal is False
    obs, _ = env.reset(options={"problem_id": "cookies"})
    question = PROBLEMS[0]["question"]
    obs, reward, term, trunc, info = env.step(WRONG_SUB)  # runs, computes 33; the gold answer is 15
    assert (term, trunc) == (True, False) and info["category"] == "wrong_answer" and info["turn"] == 1
    assert reward == 0.7                                 # graded as always, for the trainer
    assert obs == question                               # no feedback at all: nothing says "wrong"
    # A trace that does not run gets feedback that names what is broken, never the gold or a verdict.
    for mode in ("full", "feedback"):
        env = make("GSMTraceRefine-v1", observation=mode)
        env.reset(options={"problem_id": "cookies"})
        obs, _, term, trunc, info = env.step(UNGROUNDED_SUB)
        assert not term and not trunc and info["checked"]["category"] == "invalid"
        feedback = obs.split("Solver feedback:", 1)[1]
        assert "99" in feedback, feedback
        assert not re.search(r"(?<![\d.])15(?![\d.])", obs), obs
        assert not VERDICT.search(feedback), feedback
        obs, _, term, _, info = env.step(WRONG_SUB)      # the next trace runs: the episode is over
        assert term and info["turn"] == 2 and obs == question


def test_refine_v0_keeps_its_original_default_feedback_that_says_right_or_wrong():
    env = make("GSMTraceRefine-v0")
    assert env.unwrapped.config.reveal is True
    env.reset(options={"problem_id": "cookies"})
    obs, _, term, _, info = env.step(WRONG_SUB)
    assert not term and "not the right answer" in obs and info["checked"]["category"] == "runs"


def test_refine_feedback_then_success_with_delta_rewards():
    env = make("GSMTraceRefine-v1", max_turns=3, reveal=True)
    env.reset(options={"problem_id": "cookies"})
    obs, r1, term, trunc, info = env.step(WRONG_SUB)
    assert (r1, term, trunc) == (0.7, False, False) and info["turn"] == 1
    assert obs.startswith(PROBLEMS[0]["question"]) and "Solver feedback:" in obs
    assert "33" in obs.split("Solver feedback:")[1]  # the value the trace computed
    obs, r2, term, trunc, info = env.step(SUB)
    assert term and not trunc and info["turn"] == 2 and info["trace_reward"] == 1.0
    assert r1 + r2 == pytest.approx(1.0)
    with pytest.raises(ResetNeeded):
        env.step(SUB)


def test_refine_truncates_after_max_turns_and_reward_modes():
    for mode, expected in [("delta", [0.0, 0.7, -0.2]), ("final", [0.0, 0.0, 0.5]), ("each", [0.0, 0.7, 0.5])]:
        env = make("GSMTraceRefine-v1", max_turns=3, reward_mode=mode, reveal=True)  # goes on after 0.7
        env.reset(options={"problem_id": "cookies"})
        rewards, flags = [], []
        for action in ["nonsense", WRONG_SUB, SUB.replace("value: 9", "value: 99")]:
            _, reward, term, trunc, _ = env.step(action)
            rewards.append(reward)
            flags.append((term, trunc))
        assert rewards == pytest.approx(expected), mode
        assert flags == [(False, False), (False, False), (False, True)]


def test_refine_feedback_only_mode_and_bad_arguments():
    env = make("GSMTraceRefine-v1", observation="feedback")
    env.reset(options={"problem_id": "jacket"})
    obs = env.step("not a trace")[0]
    assert PROBLEMS[2]["question"] not in obs and obs in env.observation_space
    assert obs.startswith("Solver feedback: ") and obs.endswith("Write a corrected trace.")
    with pytest.raises(ValueError):
        GSMTraceRefineEnv(PROBLEMS, max_turns=0)
    with pytest.raises(ValueError):
        GSMTraceRefineEnv(PROBLEMS, reward_mode="sum")


def test_render_modes():
    env = make(render_mode="ansi")
    env.reset(options={"problem_id": "printer"})
    env.step(RATE)
    text = env.render()
    assert "printer" in text and "reward 1.0" in text


def test_gsm8k_jsonl_source(tmp_path):
    rows = [
        {"question": "Mo buys 3 boxes of 12 eggs. How many eggs does he buy?",
         "answer": "Each box has 12 eggs.\nHe buys 3*12=<<3*12=36>>36 eggs.\n#### 36"},
        {"question": "A ticket is $1,250 and Ava pays for 2. How much does she pay?",
         "answer": "She pays 2*1250=<<2*1250=2500>>2500 dollars.\n#### 2,500"},
    ]
    path = tmp_path / "mini_test.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n")
    problems = load_source(str(path))
    assert [p.answer for p in problems] == ["36", "2500"]
    assert [p.chain_length for p in problems] == [2, 1] and problems[0].expert is None
    assert problems[0].source == "gsm8k" and [p.id for p in problems] == ["gsm8k-0", "gsm8k-1"]
    env = gym.make("GSMTrace-v0", source=str(path))
    obs, info = env.reset(options={"problem_id": problems[1].id})
    assert obs == rows[1]["question"] and info["expert"] is None
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"question": "q", "answer": "#### 1"}\n{oops\n')
    with pytest.raises(SourceError, match=":2:"):
        load_source(str(bad))


def test_source_errors_are_clear(monkeypatch):
    import datasets

    def offline(*args, **kwargs):
        raise ConnectionError("no network")

    monkeypatch.setattr(datasets, "load_dataset", offline)
    with pytest.raises(SourceError, match="hub"):
        load_source("hf:openai/gsm8k")
    with pytest.raises(SourceError, match="unknown source"):
        load_source("no/such/file.jsonl")
    with pytest.raises(SourceError, match="answer"):
        load_source([{"question": "What is 2 and 2?"}])
    with pytest.raises(SourceError, match="not a number"):
        load_source([{"question": "What is 2 and 2?", "answer": "four-ish"}])
    assert load_source([{"question": "Split 1 pie in 10.", "answer": 0.1}])[0].answer == "0.1"
    with pytest.raises(SourceError, match="gold answer"):
        load_source([{"question": "What is 2 and 2?", "answer": "2+2\n#### four"}])


def test_gold_answers_and_numeric_answers_become_canonical_number_text():
    records = [
        {"question": "How far below zero?", "answer": "It is 1200 below.\n#### \u22121,200."},  # U+2212, trailing "."
        {"question": "How much is it?", "answer": "It costs $7.50.\n#### $7.50"},
        {"question": "What share is left?", "answer": 0.125},
        {"question": "What is a tiny step?", "answer": 0.00001},  # a float that prints as 1e-05
        {"question": "What is a third?", "answer": Fraction(1, 3)},
    ]
    problems = load_source(records)
    assert [p.answer for p in problems] == ["-1200", "7.5", "0.125", "0.00001", "1/3"]
    with pytest.raises(SourceError, match="duplicate"):
        load_source([{"id": "a", "question": "q1", "answer": 1}, {"id": "a", "question": "q2", "answer": 2}])
    assert len(load_source(iter(PROBLEMS), n=2, seed=3)) == 2


def test_synthetic_default_source_serves_generator_problems():
    env = gym.make("GSMTrace-v0", n=20, source_seed=5)
    obs, info = env.reset(seed=0)
    problem = env.unwrapped.problem
    assert obs == problem.question and info["problem_id"] == problem.id and problem.trace
    assert env.step(problem.trace)[1] == 1.0


def test_a_problem_with_a_gold_trace_is_graded_as_a_program():
    """Through gym.make: the lucky program (three times 30 is 90) is paid in full on a problem
    that brings only its answer, and is a wrong answer on one that brings its gold trace."""
    rewards = {}
    for name, row in {"answer only": {"question": BAKERY, "answer": 90},
                      "with gold": {"question": BAKERY, "answer": 90, "trace": BAKERY_GOLD}}.items():
        env = gym.make("GSMTrace-v0", source=[row])
        env.reset(seed=0)
        _, reward, terminated, _, info = env.step(BAKERY_LUCKY)
        assert terminated
        rewards[name] = (reward, info["outcome"]["variants"])
        env.close()
    assert rewards == {"answer only": (1.0, 0), "with gold": (0.7, 4)}
