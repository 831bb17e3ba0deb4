"""Refinement trained through the environment: GSMTraceRefine-v1 behind TRL's `environment_factory`.

`python train_grpo.py --env refine` runs GRPO where every rollout is an episode of
`gym.make("GSMTraceRefine-v1")`. TRL (`GRPOTrainer(environment_factory=...)`) builds one
`trace_env.tool_env.RefineToolEnv` per rollout, calls its `reset(**row)` before generation, exposes its public
method `submit_trace` as a tool, and takes the reward from its `get_reward()`:

1. The policy answers the usual prompt (system + numbered question). With the default model's
   chat template (`agents.default_model.CHAT_TEMPLATE`) a reply that is a bare trace *is* a
   `submit_trace` call, so an SFT model calls the tool without having been taught a syntax.
2. `submit_trace(trace)` steps the environment and returns the solver's feedback, which TRL
   appends to the conversation as a tool result (masked out of the loss); the policy then writes
   a corrected trace, up to `max_turns` traces.
3. `get_reward()` is the episode's return: with the environment's `"delta"` rewards, the grade
   of the last trace (1.0 / 0.7 / 0.5 / 0.3 / 0.0).

TRL executes at most `max_tool_calling_iterations = max_turns - 1` calls, so the last trace of an
episode that used every turn has no tool result after it (nothing would read one): the reward
function `submit_final_traces`, run by TRL just before `get_reward`, steps the environment with it.
That keeps the episode at `max_turns` traces and every rollout graded on its last trace.

Feedback is gold-free by default (`reveal=False`): it never says whether an answer is right, and
the episode ends at the first trace that runs, as at test time, where no gold exists; what the
loop teaches is fixing invalid traces. `--reveal` lets the feedback say it (and continue after a
wrong answer). The episode's settings are `trace_env.episode.EpisodeConfig` (`RLArguments.episode()`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from solver import Outcome
from trace_env.completions import read_trace
from trace_env.episode import DEFAULT_MAX_TURNS, EpisodeConfig
from trace_env.prompts import DEFAULT_NUMBERED, prompt_numbered
from trace_env.tool_env import RefineToolEnv, ToolEnv

FEEDBACK_TOKENS = 96  # room for one tool result (feedback) in the completion budget


def submit_last_trace(env: ToolEnv, messages: Sequence[Any]) -> None:
    """Grade the episode's last trace if the tool loop stopped before submitting it."""
    replies = [m for m in messages if isinstance(m, dict) and m.get("role") == "assistant"]
    if not env.done and len(replies) > len(env.turns):
        env.submit_trace(read_trace(replies[-1]).text or "")


def submit_final_traces(completions: Any = None, environments: Any = None, signal: Any = None, **_: Any) -> list[None]:
    """TRL reward function that scores nothing: it steps each environment with the last trace the
    tool loop did not submit, so `get_reward` (run after it) grades the episode's last trace. With
    `signal` (a `training.signal.RewardSignal`), the episodes' final grades go to it."""
    if environments is None:
        raise ValueError("submit_final_traces needs TRL's `environments` (GRPOTrainer with environment_factory)")
    for messages, env in zip(completions, environments, strict=True):
        submit_last_trace(env, messages if isinstance(messages, list) else [{"role": "assistant", "content": messages}])
    if signal is not None:
        outcomes = [last_outcome(env) for env in environments]
        signal.record(outcomes, [o.reward for o in outcomes], list(completions))
    return [None] * len(environments)


def last_outcome(env: ToolEnv) -> Outcome:
    """The grade of the episode's last trace as a `solver.Outcome` (unparseable before any)."""
    last = env.turns[-1] if env.turns else {"category": "unparseable", "reward": 0.0}
    return Outcome(last["reward"], last["category"])


def use_tool_template(tokenizer: Any) -> Any:
    """Give a default-model tokenizer the tool-calling chat template (builder 5 and older saved the
    plain one; both render plain conversations identically) and the response parser that reads a
    bare trace as a `submit_trace` call, in the language the installed transformers reads."""
    from agents.default_model import CHAT_TEMPLATE, PLAIN_CHAT_TEMPLATE, add_trace_parser

    if tokenizer.chat_template == PLAIN_CHAT_TEMPLATE:
        tokenizer.chat_template = CHAT_TEMPLATE
    if tokenizer.chat_template == CHAT_TEMPLATE:
        add_trace_parser(tokenizer)
    return tokenizer


def environment_factory(rows: Sequence[dict[str, Any]], episode: EpisodeConfig) -> Any:
    """A zero-argument factory over the RL rows, as `GRPOTrainer(environment_factory=...)` wants."""
    problems = [{"id": r["id"], "question": r["question"], "answer": r["answer"], "expert": r.get("expert") or None,
                 "trace": r.get("trace") or None} for r in rows]  # the gold trace: every turn is program-checked

    def make() -> RefineToolEnv:
        return RefineToolEnv(problems, episode)

    return make


def completion_budget(trace_tokens: int, max_turns: int) -> int:
    """Tokens for a whole episode: `max_turns` traces and the tool results between them."""
    return max_turns * trace_tokens + (max_turns - 1) * FEEDBACK_TOKENS


def refine_trainer(model: Any, tokenizer: Any, dataset: Any, peft: Any, args: Any, *, rows: Sequence[dict[str, Any]],
                   episode: EpisodeConfig, trace_tokens: int, prompt_tokens: int, signal: Any = None) -> Any:
    """A GRPOTrainer whose rollouts are GSMTraceRefine-v1 episodes (see the module docstring)."""
    import os

    from trl import GRPOTrainer

    from .args import config_with

    os.environ.setdefault("TRL_EXPERIMENTAL_SILENCE", "1")  # environment_factory is experimental in TRL 1.16
    use_tool_template(tokenizer)
    max_turns = episode.max_turns
    budget = completion_budget(trace_tokens, max_turns)
    positions = getattr(getattr(model, "config", None), "max_position_embeddings", None) or 1_000_000
    room = positions - prompt_tokens
    if room < trace_tokens:
        raise ValueError(f"the model has {positions} positions: the longest RL prompt ({prompt_tokens} tokens) leaves "
                         f"{room} for an episode, less than one trace ({trace_tokens})")
    # Longer episodes are cut by TRL itself: a tool result that would not fit is dropped and the
    # rollout ends there (its last trace is still graded).
    budget = min(budget, room)
    args = config_with(args, max_completion_length=budget, max_tool_calling_iterations=max_turns - 1)
    import functools

    finish = functools.update_wrapper(functools.partial(submit_final_traces, signal=signal), submit_final_traces)
    return GRPOTrainer(model=model, reward_funcs=[finish], args=args, train_dataset=dataset,
                       processing_class=tokenizer, peft_config=peft,
                       environment_factory=environment_factory(rows, episode))


def measure_refine(model: Any, tokenizer: Any, problems: Sequence[dict[str, Any]], *,
                   episode: EpisodeConfig | None = None, numbered: bool = DEFAULT_NUMBERED, max_new_tokens: int = 160,
                   batch_size: int = 32) -> dict[str, Any]:
    """Greedy episodes in the training format (the conversation TRL builds: prompt, trace, tool
    result, trace, ...), through `RefineToolEnv`; turn-1 against final-turn accuracy. `episode`
    defaults to `EpisodeConfig(observation="feedback")`, training's (`RLArguments.episode()`).

    Returns `accuracy_by_turn` (the share whose last trace within k+1 turns is correct),
    `valid_by_turn`, `turn1_accuracy`, `final_accuracy`, `fixed` / `broken` (problems the later
    turns made right / wrong), `reached_turn` (episodes that got k+1 turns) and per-problem
    `episodes` (category per turn).
    """
    from agents.hf import HFAgent
    from trace_env.completions import TRACE_TOOL
    from trace_env.prompts import build_messages

    episode = episode or EpisodeConfig(observation="feedback")
    use_tool_template(tokenizer)
    agent = HFAgent(model, tokenizer, numbered=numbered, max_new_tokens=max_new_tokens, batch_size=batch_size)
    positions = getattr(model.config, "max_position_embeddings", None) or 1_000_000
    records = [{"id": str(p["id"]), "question": p["question"], "answer": str(p["answer"]),
                "expert": p.get("expert") or None, "trace": p.get("trace") or None} for p in problems]
    envs = [RefineToolEnv(records, episode) for _ in range(min(batch_size, len(records)))]
    episodes: list[list[dict[str, Any]]] = []
    for start in range(0, len(records), batch_size):
        batch = records[start : start + batch_size]
        slots = envs[: len(batch)]
        chats = []
        for env, record in zip(slots, batch, strict=True):
            env.reset(id=record["id"])
            chats.append(build_messages(record["question"], numbered=numbered))
        active = list(range(len(batch)))
        while active:
            texts = [tokenizer.apply_chat_template(chats[i], tokenize=False, add_generation_prompt=True) for i in active]
            longest = max(len(ids) for ids in tokenizer(texts, add_special_tokens=False)["input_ids"])
            room = min(max_new_tokens, positions - longest)
            if room <= 0:
                break
            replies = agent.complete(texts, max_new_tokens=room)
            running = []
            for i, reply in zip(active, replies, strict=True):
                result = slots[i].submit_trace(reply)
                chats[i] += [
                    {"role": "assistant", "content": "", "tool_calls": [
                        {"type": "function", "function": {"name": TRACE_TOOL, "arguments": {"trace": reply}}}]},
                    {"role": "tool", "name": TRACE_TOOL, "content": result},
                ]
                if not slots[i].done:
                    running.append(i)
            active = running
        episodes += [list(env.turns) for env in slots]
    return summarize_episodes(episodes, episode.max_turns)


def summarize_episodes(episodes: Sequence[Sequence[dict[str, Any]]], max_turns: int) -> dict[str, Any]:
    """Turn-by-turn figures of graded episodes (each a list of {"category", "valid", "correct", ...}
    per trace, as `ToolEnv.turns` records them)."""
    n = len(episodes)
    if not n:
        raise ValueError("no episodes to summarise")

    def upto(history: Sequence[dict[str, Any]], k: int) -> dict[str, Any]:
        return history[min(k, len(history)) - 1] if history else {"valid": False, "correct": False}

    # each turn carries its outcome's own verdicts (solver.Outcome.valid / .correct)
    by_turn = [sum(upto(h, k)["correct"] for h in episodes) / n for k in range(1, max_turns + 1)]
    valid_by_turn = [sum(upto(h, k)["valid"] for h in episodes) / n for k in range(1, max_turns + 1)]
    first = [upto(h, 1)["correct"] for h in episodes]
    last = [upto(h, max_turns)["correct"] for h in episodes]
    return {
        "n": n,
        "max_turns": max_turns,
        "turn1_accuracy": by_turn[0],
        "final_accuracy": by_turn[-1],
        "accuracy_by_turn": by_turn,
        "valid_by_turn": valid_by_turn,
        "fixed": sum(not a and b for a, b in zip(first, last, strict=True)),
        "broken": sum(a and not b for a, b in zip(first, last, strict=True)),
        "reached_turn": [sum(len(h) >= k for h in episodes) for k in range(1, max_turns + 1)],
        "episodes": [[step["category"] for step in h] for h in episodes],
    }


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    """`python -m training.refine MODEL PROBLEMS.jsonl`: greedy refine episodes in the training format."""
    import argparse
    import json

    from agents.loading import load_model_and_tokenizer

    parser = argparse.ArgumentParser(prog="python -m training.refine", description=main.__doc__)
    parser.add_argument("model", help="a model directory (e.g. OUTPUT_DIR/final)")
    parser.add_argument("problems", help="JSONL of problems with id, question, answer, expert")
    parser.add_argument("--max_turns", "--max-turns", type=int, default=DEFAULT_MAX_TURNS)
    parser.add_argument("--reveal", action="store_true", help="feedback may say whether an answer is right")
    parser.add_argument("--n", type=int, default=None, help="first N problems only")
    parser.add_argument("--batch_size", type=int, default=32)
    parser.add_argument("--max_new_tokens", type=int, default=160)
    parser.add_argument("--out", default=None, help="write the result as JSON here")
    args = parser.parse_args(argv)
    with open(args.problems, encoding="utf-8") as handle:
        problems = [json.loads(line) for line in handle if line.strip()][: args.n]
    model, tokenizer = load_model_and_tokenizer(args.model)
    numbered = prompt_numbered(model=args.model)
    episode = EpisodeConfig(max_turns=args.max_turns, reveal=args.reveal, observation="feedback")
    result = measure_refine(model, tokenizer, problems, episode=episode, numbered=numbered, max_new_tokens=args.max_new_tokens, batch_size=args.batch_size)
    brief = {k: v for k, v in result.items() if k != "episodes"}
    print(json.dumps(brief))
    if args.out:
        with open(args.out, "w", encoding="utf-8") as handle:
            json.dump(result | {"model": args.model, "problems": args.problems, "reveal": args.reveal}, handle, indent=1)
    return result


if __name__ == "__main__":
    main()
