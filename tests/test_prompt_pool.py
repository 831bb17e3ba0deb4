"""--rl_filter pass_rate: the live prompt stream that drops all-right and all-wrong groups."""

from __future__ import annotations

import itertools
import json
from collections import Counter
from pathlib import Path

import pytest

import train_grpo
from training.grpo import grouped_reward
from training.prompt_pool import PassRatePool, stream_dataset


def rows(n: int) -> list[dict[str, str]]:
    return [{"question": f"q{i}", "answer": str(i)} for i in range(n)]


def take(pool: PassRatePool, n: int) -> list[str]:
    return [row["question"] for row in itertools.islice(pool.stream(), n)]


def test_without_feedback_the_stream_is_every_problem_once_in_order() -> None:
    pool = PassRatePool(rows(5), replay_fraction=0.5)
    assert take(pool, 5) == ["q0", "q1", "q2", "q3", "q4"]


def test_a_mixed_group_is_served_again_and_uniform_groups_are_not() -> None:
    pool = PassRatePool(rows(20), replay_fraction=0.5, max_serves=3)
    first = take(pool, 4)
    assert first == ["q0", "q1", "q2", "q3"]
    pool.record("q0", [True, False, False, False])   # mixed: worth another group
    pool.record("q1", [True, True, True, True])      # all right: no gradient
    pool.record("q2", [False, False, False, False])  # all wrong: no gradient
    pool.record("q3", [False, True])                 # mixed
    later = take(pool, 8)
    # half the prompts are replays of the mixed ones, least recently served first, then fresh ones
    assert sorted(q for q in later if q in first) == ["q0", "q3"]
    assert later.index("q0") < later.index("q3")
    assert "q1" not in later and "q2" not in later
    assert [q for q in later if q not in first] == ["q4", "q5", "q6", "q7", "q8", "q9"]


def test_a_problem_is_served_at_most_max_serves_times() -> None:
    pool = PassRatePool(rows(50), replay_fraction=0.9, max_serves=3)
    served: Counter[str] = Counter()
    stream = pool.stream()
    for _ in range(40):
        question = next(stream)["question"]
        served[question] += 1
        pool.record(question, [True, False])  # always mixed: the pool would replay it forever
    assert max(served.values()) == 3
    assert pool.summary()["served_replay"] == sum(served.values()) - len(served)


def test_problems_that_left_come_back_in_a_new_pass() -> None:
    pool = PassRatePool(rows(3), replay_fraction=0.0, seed=1)
    for question in take(pool, 3):
        pool.record(question, [True, True])
    again = take(pool, 3)
    assert sorted(again) == ["q0", "q1", "q2"] and pool.summary()["passes"] == 2


def test_bad_arguments_and_unknown_questions_are_refused() -> None:
    with pytest.raises(ValueError):
        PassRatePool([])
    with pytest.raises(ValueError):
        PassRatePool(rows(2), replay_fraction=1.0)
    with pytest.raises(ValueError):
        PassRatePool(rows(2), max_serves=0)
    with pytest.raises(KeyError):
        PassRatePool(rows(2)).record("never served", [True])


def test_the_reward_wrapper_reports_each_groups_pass_rate() -> None:
    trace = "expert: arithmetic\ntrace:\n- {op: init, var: a, value: 3}\n- {op: init, var: b, value: 4}\n" \
            "- {op: compute, compute_op: add, args: [a, b], var: c}\n- {op: query, var: c}"
    question = "Ann has 3 pens and 4 pencils. How many things does she have?"
    pool = PassRatePool([{"question": question, "answer": "7"}])
    take(pool, 1)
    reward = grouped_reward(2, pool=pool)
    # one correct trace and one that does not parse: a mixed group (3 + 4 = 7, counted by hand)
    reward(prompts=["p", "p"], completions=[trace, "no trace"], answer=["7", "7"], expert=["arithmetic"] * 2,
           question=[question, question])
    assert pool.summary()["mixed"] == 1 and take(pool, 1) == [question]
    reward(prompts=["p", "p"], completions=[trace, trace], answer=["7", "7"], expert=["arithmetic"] * 2,
           question=[question, question])
    assert pool.summary()["all_right"] == 1 and not pool.live


def test_the_stream_is_a_datasets_iterable_that_reads_the_pool_lazily() -> None:
    pool = PassRatePool(rows(10), replay_fraction=0.5)
    it = iter(stream_dataset(pool))
    assert next(it)["question"] == "q0"
    pool.record("q0", [True, False])
    assert [next(it)["question"] for _ in range(2)] == ["q0", "q1"]  # the replay shows up at once


def test_train_grpo_serves_the_filtered_stream_to_trl(tiny_model: str, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from solver import Outcome
    from trace_env import rewards

    trained_on: list[list[str]] = []

    def half_right(completions, reward="ladder", **kwargs):  # every group mixed: right, wrong, right, ...
        trained_on.append(list(kwargs["question"]))
        outcomes = [Outcome(1.0, "correct") if i % 2 == 0 else Outcome(0.7, "wrong_answer")
                    for i in range(len(completions))]
        return outcomes, [o.reward for o in outcomes]

    monkeypatch.setattr(rewards, "score_completions", half_right)
    out = tmp_path / "filtered"
    train_grpo.main([
        "--sft_checkpoint", tiny_model, "--output_dir", str(out), "--n_rl", "16", "--n_eval", "2",
        "--eval_splits", "synthetic", "--max_steps", "4", "--per_device_train_batch_size", "4",
        "--num_generations", "2", "--logging_steps", "1", "--save_steps", "10", "--rl_mix", "easy",
        "--heldout_samples", "0", "--rl_filter", "pass_rate", "--rl_replay_fraction", "0.5", "--rl_max_serves", "2",
    ])
    groups = [batch[i] for batch in trained_on for i in range(0, len(batch), 2)]
    assert len(groups) == 8  # 4 steps x 2 problems
    counts = Counter(groups)
    assert max(counts.values()) == 2 and sum(c == 2 for c in counts.values()) >= 2  # mixed ones came back
    summary = json.loads((out / "summary.json").read_text())["rl_prompt_filter"]
    assert summary["groups"] == 8 and summary["mixed"] == 8 and summary["distinct_served"] >= len(counts)


def test_the_filter_refuses_the_refine_environment() -> None:
    with pytest.raises(ValueError, match="rl_filter"):
        train_grpo.main(["--rl_filter", "pass_rate", "--env", "refine"])
    with pytest.raises(ValueError, match="rl_filter"):
        train_grpo.main(["--rl_filter", "sometimes"])
