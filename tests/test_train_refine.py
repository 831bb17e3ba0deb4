"""Refinement through the environment: the TRL adapter over GSMTraceRefine-v1, the env's gold-free
mode and turn limit, the default model's tool-calling chat template, and `train_grpo.py --env refine`."""

from __future__ import annotations

import json
import re
from pathlib import Path

import gymnasium as gym
import pytest
from handwritten import COOKIES, PROBLEMS  # tests/handwritten.py

import trace_env  # noqa: F401  (registers the environments)
from agents.default_model import (
    CHAT_TEMPLATE,
    PLAIN_CHAT_TEMPLATE,
    RESPONSE_SCHEMA,
    RESPONSE_TEMPLATE,
    TRACE_TOOL,
    reads_response_template,
    remove_trace_parser,
)
from trace_env.envs.refine import GSMTraceRefineEnv
from trace_env.episode import DEFAULT_MAX_TURNS, EpisodeConfig
from trace_env.tool_env import CLOSING_MESSAGE, DONE_MESSAGE, RefineToolEnv
from training.refine import (
    submit_final_traces,
    submit_last_trace,
    use_tool_template,
)


def RefineEnvironment(problems, max_turns=DEFAULT_MAX_TURNS, reveal=False):  # noqa: N802  (training's episode)
    return RefineToolEnv(problems, EpisodeConfig(max_turns=max_turns, reveal=reveal, observation="feedback"))

GOLD = COOKIES["trace"]  # 24 - 9 = 15
WRONG = GOLD.replace("compute_op: sub", "compute_op: add")  # runs, computes 33: valid but wrong
UNGROUNDED = GOLD.replace("value: 9", "value: 99")  # 99 is not in the question: invalid


def _reveals_correctness(text: str) -> bool:
    return bool(re.search(r"\bcorrect\b|right answer|\bwrong\b", text, re.IGNORECASE))


def _mentions(text: str, number: str) -> bool:
    return re.search(rf"(?<![\d.]){re.escape(number)}(?![\d.])", text) is not None


# ---------------------------------------------------------------- the environment itself


def test_refine_env_turn_limit_is_gymnasiums_time_limit() -> None:
    assert gym.spec("GSMTraceRefine-v0").max_episode_steps == DEFAULT_MAX_TURNS
    spec = gym.spec("GSMTraceRefine-v1")
    assert spec.max_episode_steps == DEFAULT_MAX_TURNS == 3
    env = gym.make("GSMTraceRefine-v1", source=PROBLEMS)
    assert env.spec.max_episode_steps == 3 and env.unwrapped.max_turns == 3
    assert any(isinstance(w, gym.wrappers.TimeLimit) for w in _wrappers(env))
    env.reset(options={"problem_id": "cookies"})
    flags = [env.step("not a trace")[2:4] for _ in range(3)]
    assert flags == [(False, False), (False, False), (False, True)]
    # Made with a larger env count but the registered limit, TimeLimit still cuts at 3 steps;
    # passing both moves the limit.
    env = gym.make("GSMTraceRefine-v1", source=PROBLEMS, max_turns=4, max_episode_steps=4)
    env.reset(options={"problem_id": "cookies"})
    assert [env.step("nope")[3] for _ in range(4)] == [False, False, False, True]


def _wrappers(env: gym.Env) -> list[gym.Env]:
    out = []
    while isinstance(env, gym.Wrapper):
        out.append(env)
        env = env.env
    return out


def test_gold_free_mode_ends_at_the_first_valid_trace_and_never_says_right_or_wrong() -> None:
    env = GSMTraceRefineEnv(PROBLEMS, max_turns=3, reveal=False)
    env.reset(options={"problem_id": "cookies"})
    obs, reward, terminated, truncated, info = env.step(UNGROUNDED)
    assert (reward, terminated, truncated) == (0.5, False, False)
    assert "Solver feedback:" in obs and "99" in obs  # what is wrong with the trace
    assert not _reveals_correctness(obs.split("Solver feedback:")[1]) and not _mentions(obs, "15")
    obs, reward, terminated, truncated, info = env.step(WRONG)  # runs: the episode ends, wrong or not
    assert terminated and not truncated and info["category"] == "wrong_answer"
    assert reward == pytest.approx(0.7 - 0.5)  # delta rewards: the return is the last grade
    # The default is this mode; reveal=True (opt-in) keeps going after a wrong answer and says so.
    assert GSMTraceRefineEnv(PROBLEMS).config.reveal is False
    assert gym.make("GSMTraceRefine-v1", source=PROBLEMS).unwrapped.config.reveal is False
    assert gym.make("GSMTraceRefine-v0", source=PROBLEMS).unwrapped.config.reveal is True  # v0's original default
    env = GSMTraceRefineEnv(PROBLEMS, max_turns=3, reveal=True)
    env.reset(options={"problem_id": "cookies"})
    obs, _, terminated, _, _ = env.step(WRONG)
    assert not terminated and "not the right answer" in obs


def test_gold_free_mode_gives_no_expert_label_away() -> None:
    env = GSMTraceRefineEnv(PROBLEMS, max_turns=2, reveal=False)
    env.reset(options={"problem_id": "cookies"})
    relabelled = GOLD.replace("expert: arithmetic", "expert: comparison")  # runs under comparison too
    _, reward, terminated, _, info = env.step(relabelled)
    assert terminated and info["category"] == "wrong_expert" and reward == 0.3  # graded, not told


# ---------------------------------------------------------------- the TRL adapter


def test_adapter_tool_call_returns_feedback_and_the_reward_comes_from_the_env() -> None:
    env = RefineEnvironment(PROBLEMS, max_turns=3)
    assert env.reset(id="cookies", prompt=[], question=COOKIES["question"]) is None  # the row's prompt is kept
    assert env.get_reward() == 0.0
    reply = env.submit_trace(UNGROUNDED)
    assert reply.startswith("Solver feedback: ") and reply.endswith("Write a corrected trace.")
    assert "99" in reply and not _reveals_correctness(reply) and not _mentions(reply, "15")
    assert env.get_reward() == 0.5
    assert env.submit_trace(GOLD) == CLOSING_MESSAGE
    assert env.get_reward() == 1.0
    assert env.submit_trace(GOLD) == DONE_MESSAGE and env.get_reward() == 1.0  # nothing more is graded
    assert [(t["category"], t["valid"], t["correct"]) for t in env.turns] == [
        ("invalid", False, False), ("correct", True, True)]
    env.reset(id="cookies")
    assert env.submit_trace(WRONG) == CLOSING_MESSAGE and env.get_reward() == 0.7  # same words as a right one


def test_adapter_with_reveal_continues_after_a_wrong_answer() -> None:
    env = RefineEnvironment(PROBLEMS, max_turns=2, reveal=True)
    env.reset(id="cookies")
    reply = env.submit_trace(WRONG)
    assert "not the right answer" in reply and "33" in reply and not _mentions(reply, "15")
    assert env.get_reward() == 0.7
    submit_last_trace(env, [{"role": "assistant", "content": WRONG}, {"role": "tool", "content": reply},
                            {"role": "assistant", "content": GOLD}])
    assert env.get_reward() == 1.0


def test_adapter_exposes_one_tool_and_rejects_rows_without_a_problem() -> None:
    import inspect

    public = {n for n, _ in inspect.getmembers(RefineToolEnv, inspect.isfunction) if not n.startswith("_")}
    assert public == {"reset", "get_reward", TRACE_TOOL}  # TRL turns every other public method into a tool
    env = RefineEnvironment(PROBLEMS)
    with pytest.raises(ValueError, match="'id'"):
        env.reset(question="x")
    with pytest.raises(ValueError, match="no problem with id"):
        env.reset(id="nope")
    with pytest.raises(ValueError, match="max_turns"):
        RefineEnvironment(PROBLEMS, max_turns=0)


def test_last_trace_is_graded_once_when_the_tool_loop_stops_before_submitting_it() -> None:
    call = {"type": "function", "function": {"name": TRACE_TOOL, "arguments": {"trace": GOLD}}}
    pending, submitted, done = (RefineEnvironment(PROBLEMS, max_turns=2) for _ in range(3))
    for env in (pending, submitted, done):
        env.reset(id="cookies")
    first = pending.submit_trace("no trace at all")
    submitted.submit_trace("no trace at all")
    done.submit_trace(GOLD)
    conversations = [
        # second trace generated after the feedback, never submitted by the tool loop
        [{"role": "assistant", "content": ""}, {"role": "tool", "content": first},
         {"role": "assistant", "content": "", "tool_calls": [call]}],
        # the tool result was dropped (too long), but the trace went to the env already
        [{"role": "assistant", "content": "no trace at all"}],
        # the episode ended at the first trace: what follows is not graded
        [{"role": "assistant", "content": GOLD}, {"role": "tool", "content": CLOSING_MESSAGE},
         {"role": "assistant", "content": "no trace at all"}],
    ]
    assert submit_final_traces(completions=conversations, environments=[pending, submitted, done]) == [None] * 3
    assert [pending.get_reward(), submitted.get_reward(), done.get_reward()] == [1.0, 0.0, 1.0]
    with pytest.raises(ValueError, match="environments"):
        submit_final_traces(completions=[[]])


# ---------------------------------------------------------------- the chat template


PLAIN_CONVERSATIONS = [
    [{"role": "system", "content": "Write a trace."}, {"role": "user", "content": "Q: 2 + 3?"}],
    [{"role": "user", "content": "Q"}, {"role": "assistant", "content": GOLD}],
    [{"role": "system", "content": "S"}, {"role": "user", "content": "Q\n\nQuantities:\n[1] 24"},
     {"role": "assistant", "content": "A"}, {"role": "user", "content": "again"}],
    [{"role": "assistant", "content": ""}],
]


@pytest.fixture(scope="module")
def tokenizer(tiny_model: str):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(tiny_model)


def test_plain_conversations_render_exactly_as_before(tokenizer) -> None:
    assert tokenizer.chat_template == CHAT_TEMPLATE
    for messages in PLAIN_CONVERSATIONS:
        for gen in (False, True):
            new = tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=gen)
            old = tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=gen,
                                                chat_template=PLAIN_CHAT_TEMPLATE)
            assert new == old
            ids = tokenizer.apply_chat_template(messages, tokenize=True, add_generation_prompt=gen, return_dict=False)
            assert ids == tokenizer.apply_chat_template(messages, tokenize=True, add_generation_prompt=gen,
                                                        return_dict=False, chat_template=PLAIN_CHAT_TEMPLATE)


def test_tool_call_conversation_renders_and_parses_back(tokenizer) -> None:
    from trl.chat_template_utils import (
        is_chat_template_prefix_preserving,
        parse_response,
        supports_tool_calling,
    )

    messages = [
        {"role": "user", "content": "Q"},
        {"role": "assistant", "content": "", "tool_calls": [
            {"type": "function", "function": {"name": TRACE_TOOL, "arguments": {"trace": GOLD}}}]},
        {"role": "tool", "name": TRACE_TOOL, "content": "Solver feedback: fine"},
        {"role": "assistant", "content": "", "tool_calls": [
            {"type": "function", "function": {"name": "add", "arguments": {"a": 2}}}]},
    ]
    text = tokenizer.apply_chat_template(messages, tokenize=False)
    assert text == ("<|user|>Q<|end|><|assistant|>" + GOLD + "<|end|><|user|>Solver feedback: fine<|end|>"
                    '<|assistant|><tool_call>{"name": "add", "arguments": {"a": 2}}</tool_call><|end|>')
    assert supports_tool_calling(tokenizer) and is_chat_template_prefix_preserving(tokenizer)
    # What TRL does with generated ids, after use_tool_template gave the tokenizer the parser the
    # installed transformers reads: a bare trace is a submit_trace call.
    use_tool_template(tokenizer)
    prompt = tokenizer.apply_chat_template(messages[:1], tokenize=True, add_generation_prompt=True, return_dict=False)
    cases = [(GOLD + "<|end|>", {"name": TRACE_TOOL, "arguments": {"trace": GOLD.strip()}})]
    if not reads_response_template(tokenizer):  # the legacy schema also reads other tools' tagged calls
        cases.append(('<tool_call>{"name": "add", "arguments": {"a": 2}}</tool_call><|end|>',
                      {"name": "add", "arguments": {"a": 2}}))
    for generated, expected in cases:
        parsed = parse_response(tokenizer, tokenizer(generated, add_special_tokens=False)["input_ids"], prefix=prompt)
        assert parsed["tool_calls"] == [{"type": "function", "function": expected}]
    empty = parse_response(tokenizer, tokenizer("<|end|>", add_special_tokens=False)["input_ids"], prefix=prompt)
    assert empty == {"role": "assistant", "content": ""}  # an empty reply is no call
    with pytest.raises(Exception, match="unsupported role"):
        tokenizer.apply_chat_template([{"role": "tool", "content": "x"}], tokenize=False)


def test_old_tokenizers_get_the_tool_template_and_no_parser_is_saved(tokenizer, tiny_model: str) -> None:
    saved = json.loads((Path(tiny_model) / "tokenizer_config.json").read_text())
    assert saved.get("response_schema") is None and saved.get("response_template") is None  # builder 8

    class Old:  # a tokenizer of transformers < 5.13 (parse_response takes no prefix)
        chat_template = PLAIN_CHAT_TEMPLATE
        response_schema = None

        def parse_response(self, ids): ...

    old = use_tool_template(Old())
    assert old.chat_template == CHAT_TEMPLATE and old.response_schema == RESPONSE_SCHEMA

    class New:  # transformers >= 5.13
        chat_template = CHAT_TEMPLATE
        response_template = None

        def parse_response(self, ids, schema=None, *, prefix=None, tools=None): ...

    new = use_tool_template(New())
    assert new.response_template == RESPONSE_TEMPLATE and not hasattr(new, "response_schema")
    # and the plain GRPO path takes our parser off again, whichever it was (other models keep theirs)
    assert remove_trace_parser(old).response_schema is None and remove_trace_parser(new).response_template is None
    theirs = Old()
    theirs.response_schema = {"type": "object"}
    assert remove_trace_parser(theirs).response_schema == {"type": "object"}

    class Other:
        chat_template = "{{ messages }}"
        response_schema = None

    assert use_tool_template(Other()).chat_template == "{{ messages }}"  # someone else's template: untouched


# ---------------------------------------------------------------- train_grpo.py --env refine


def test_train_grpo_env_refine_end_to_end(tiny_model: str, tmp_path: Path) -> None:
    import train_grpo

    out = tmp_path / "refine"
    report = train_grpo.main([
        "--sft_checkpoint", tiny_model, "--env", "refine", "--max_turns", "2", "--output_dir", str(out),
        "--n_rl", "8", "--n_eval", "2", "--heldout_n_during", "2", "--eval_splits", "synthetic",
        "--max_steps", "2", "--per_device_train_batch_size", "4", "--num_generations", "2",
        "--logging_steps", "1", "--save_steps", "1", "--rl_mix", "easy", "--heldout_samples", "0",
        "--max_completion_length", "48", "--gsm8k_path", "none",
        "--rl_guard_batches", "0", "--rl_guard_groups", "0",  # the untrained tiny model writes no trace
    ])
    assert report["global_step"] == 2
    signal = report["reward_signal"]  # the episodes' final grades, as the trainer saw them
    assert signal["completions"] == 8 and signal["groups"] == 4 and 0.0 <= signal["parse_rate"] <= 1.0
    state = json.loads((out / "checkpoint-2" / "trainer_state.json").read_text())
    logs = [e for e in state["log_history"] if "rewards/RefineToolEnv/mean" in e]
    assert len(logs) == 2  # the environment's reward, by the adapter's class name
    assert all(0.0 <= e["rewards/RefineToolEnv/mean"] <= 1.0 for e in logs)
    assert all("tools/call_frequency" in e for e in logs)
    # the final tokenizer keeps the parser the run used, in the installed transformers' language
    saved = json.loads((out / "final" / "tokenizer_config.json").read_text())
    assert (saved.get("response_template") == RESPONSE_TEMPLATE) or (saved.get("response_schema") == RESPONSE_SCHEMA)


def test_a_refine_run_without_signal_stops_too(tiny_model: str, tmp_path: Path) -> None:
    import train_grpo

    with pytest.raises(SystemExit, match="groups all had zero reward variance"):
        train_grpo.main([
            "--sft_checkpoint", tiny_model, "--env", "refine", "--max_turns", "2", "--output_dir", str(tmp_path / "r"),
            "--n_rl", "8", "--n_eval", "2", "--eval_splits", "synthetic", "--max_steps", "10",
            "--per_device_train_batch_size", "4", "--num_generations", "2", "--rl_mix", "easy",
            "--heldout_samples", "0", "--max_completion_length", "48", "--gsm8k_path", "none",
            "--rl_guard_batches", "0", "--rl_guard_groups", "1",  # the episodes' grades feed the guard
        ])


def test_env_flag_is_checked() -> None:
    from training.args import RLArguments

    with pytest.raises(ValueError, match="--env"):
        RLArguments(env="multi")
    with pytest.raises(ValueError, match="--max_turns"):
        RLArguments(env="refine", max_turns=0)
    with pytest.raises(ValueError, match="grpo"):
        RLArguments(env="refine", trainer="rloo")


def test_episode_summary_counts_turns_fixes_and_breaks() -> None:
    from solver import grade
    from training.refine import summarize_episodes

    def turn(text: str) -> dict:  # a turn as ToolEnv records it: the outcome's own verdicts
        out = grade(text, COOKIES["answer"], COOKIES["expert"], COOKIES["question"], GOLD)
        return {"category": out.category, "valid": out.valid, "correct": out.correct}

    right, broken, wrong = turn(GOLD), turn(UNGROUNDED), turn(WRONG)
    episodes = [
        [right],           # right at once
        [broken, right],   # fixed by the second trace
        [broken, broken],  # never
        [wrong],           # valid, wrong: the episode ends
    ]
    out = summarize_episodes(episodes, 2)
    assert out["accuracy_by_turn"] == [0.25, 0.5] and out["valid_by_turn"] == [0.5, 0.75]
    # a wrong-expert trace is not valid (checked before it runs), as everywhere else (solver.Outcome.valid)
    relabelled = turn(GOLD.replace(f"expert: {COOKIES['expert']}", "expert: comparison"))
    assert relabelled["category"] == "wrong_expert"
    assert summarize_episodes([[relabelled]], 1)["valid_by_turn"] == [0.0]
    assert (out["fixed"], out["broken"], out["reached_turn"]) == (1, 0, [4, 2])
    assert out["episodes"][1] == ["invalid", "correct"]
    with pytest.raises(ValueError):
        summarize_episodes([], 2)


def test_measure_refine_plays_episodes_in_the_training_format(tiny_model: str) -> None:
    from agents.loading import load_model_and_tokenizer
    from training.refine import measure_refine

    model, tokenizer = load_model_and_tokenizer(tiny_model)
    out = measure_refine(model, tokenizer, PROBLEMS, episode=EpisodeConfig(max_turns=2, observation="feedback"),
                         max_new_tokens=8, batch_size=2)
    # An untrained model writes no valid trace: every episode gets feedback and a second turn.
    assert out["n"] == 3 and out["reached_turn"] == [3, 3]
    assert out["accuracy_by_turn"] == [0.0, 0.0] and all(len(e) == 2 for e in out["episodes"])
