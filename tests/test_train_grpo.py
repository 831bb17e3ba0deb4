"""train_grpo.py: tiny GRPO/RLOO runs, the SFT warm-up, resume, group integrity, argument parsing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import train_grpo
from training.grpo import GroupMismatchError, grouped_reward


def rl_args(model_flags: list[str], out: Path, *extra: str, guard: bool = False) -> list[str]:
    """Tiny RL flags. The untrained tiny model writes no trace, so the no-signal guard is off
    unless a test asks for it. The prompts are a plain dataset (`--rl_filter none`): the live
    pass-rate stream that `auto` picks has its own end-to-end test (test_prompt_pool.py)."""
    return [
        *model_flags, "--output_dir", str(out), "--n_rl", "8", "--n_eval", "2", "--heldout_n_during", "2",
        "--eval_splits", "synthetic,hard", "--max_steps", "2", "--per_device_train_batch_size", "4",
        "--num_generations", "2", "--logging_steps", "1", "--save_steps", "1", "--rl_filter", "none",
        "--rl_mix", "easy", *([] if guard else ["--rl_guard_batches", "0", "--rl_guard_groups", "0"]), *extra,
    ]


@pytest.mark.parametrize("trainer", ["grpo", "rloo"])
def test_rl_from_a_model_that_writes_traces_gets_a_signal(trace_model: str, tmp_path: Path, trainer: str) -> None:
    """The RL signal reaches the reward: completions parse (on main f421985 with transformers < 5.13
    every completion became an empty tool call and the parse rate was 0), and the stage reports it."""
    from transformers import AutoTokenizer

    from agents.default_model import RESPONSE_SCHEMA, RESPONSE_TEMPLATE

    saved = AutoTokenizer.from_pretrained(trace_model)
    assert getattr(saved, "response_template", None) == RESPONSE_TEMPLATE or \
        getattr(saved, "response_schema", None) == RESPONSE_SCHEMA  # the trap is set
    out = tmp_path / trainer
    report = train_grpo.main([
        "--sft_checkpoint", trace_model, "--trainer", trainer, "--output_dir", str(out), "--n_rl", "16",
        "--n_eval", "2", "--eval_splits", "synthetic", "--max_steps", "3", "--per_device_train_batch_size", "8",
        "--num_generations", "4", "--logging_steps", "1", "--save_steps", "10", "--rl_mix", "easy",
        "--heldout_samples", "0", "--gsm8k_path", "none",
    ])  # the guard is on: a run without signal would stop here
    signal = report["reward_signal"]
    assert signal["completions"] == 24 and signal["groups"] == 6
    assert signal["parse_rate"] > 0.1
    assert 0.0 <= signal["zero_variance_groups"] <= 1.0 and signal["reward_std"] >= 0.0
    # the reward saw the text as message content, not an empty message with a tool call
    assert any("'content': 'expert:" in s["completion"] and "tool_calls" not in s["completion"]
               for s in signal["samples"])
    seen = [json.loads(line) for line in (out / "rl_samples.jsonl").read_text().splitlines()]
    assert len(seen) == 3 * 4 and {r["batch"] for r in seen} == {1, 2, 3}  # each batch's first group
    assert all(r["category"] in ("correct", "wrong_answer", "invalid", "wrong_expert", "unparseable") for r in seen)
    state = json.loads((out / "checkpoint-3" / "trainer_state.json").read_text())
    parse_rates = [e["trace/parse_rate"] for e in state["log_history"] if "trace/parse_rate" in e]
    assert len(parse_rates) == 3 and sum(parse_rates) > 0
    logged = [e["rewards/trace_reward/mean"] for e in state["log_history"] if "rewards/trace_reward/mean" in e]
    assert sum(logged) > 0


def test_a_run_whose_completions_never_parse_stops_with_one_line(tiny_model: str, tmp_path: Path) -> None:
    out = tmp_path / "dead"
    # one batch: the tiny tokenizer's merges hold whole trace lines ("  - {op: init, var: prev, source:
    # prev.result}"), so a random model's later samples can parse by chance
    with pytest.raises(SystemExit) as stopped:
        train_grpo.main(rl_args(["--sft_checkpoint", tiny_model], out, "--max_steps", "20", "--heldout_samples", "0",
                                "--rl_guard_batches", "1", guard=True))
    line = str(stopped.value.code)
    assert line.startswith("[grpo] stopped: no reward signal: none of the first 4 completions parses")
    assert "\n" not in line and "response parser" in line and "chat template" in line
    assert not (out / "final").exists()  # nothing that looks like a finished run


def test_the_guard_fires_on_zero_variance_and_leaves_mixed_groups_alone() -> None:
    from solver import Outcome
    from training.signal import NoRewardSignal, RewardSignal

    right, wrong = Outcome(1.0, "correct"), Outcome(0.7, "wrong_answer")
    signal = RewardSignal(group_size=2, first_batches=2, window_groups=4)
    signal.record([right, right, wrong, wrong], [1.0, 1.0, 0.7, 0.7])  # 2 flat groups
    signal.record([right, wrong, wrong, wrong], [1.0, 0.7, 0.7, 0.7])  # a mixed one resets the count
    signal.record([right, right, right, right], [1.0, 1.0, 1.0, 1.0])
    assert signal.streak == 3
    with pytest.raises(NoRewardSignal, match="last 4 groups all had zero reward variance"):
        signal.record([wrong, wrong], [0.7, 0.7])
    figures = signal.summary()
    assert figures["groups"] == 7 and figures["zero_variance_groups"] == round(6 / 7, 4)
    rewards = [1.0, 1.0, 0.7, 0.7, 1.0, 0.7, 0.7, 0.7, 1.0, 1.0, 1.0, 1.0, 0.7, 0.7]
    mean = sum(rewards) / len(rewards)
    assert figures["reward_mean"] == pytest.approx(mean, abs=1e-4)
    assert figures["reward_std"] == pytest.approx((sum((r - mean) ** 2 for r in rewards) / len(rewards)) ** 0.5, abs=1e-4)
    assert figures["parse_rate"] == 1.0 and figures["correct_rate"] == pytest.approx(7 / 14, abs=1e-4)
    off = RewardSignal(group_size=2, first_batches=0, window_groups=0)  # 0 turns both rules off
    for _ in range(50):
        off.record([Outcome(0.0, "unparseable")] * 2, [0.0, 0.0])


def test_grpo_from_a_checkpoint_end_to_end(tiny_model: str, tmp_path: Path) -> None:
    from transformers import AutoModelForCausalLM

    out = tmp_path / "grpo"
    report = train_grpo.main(rl_args(["--sft_checkpoint", tiny_model], out, "--heldout_every", "1",
                                     "--heldout_samples", "2"))
    summary = json.loads((out / "summary.json").read_text())
    for key in ("heldout_before_rl", "heldout_after_rl"):  # the headroom before and after RL
        for split in summary[key].values():
            sampling = split["sampling"]
            assert sampling["k"] == 2 and set(sampling["pass_at"]) == {"1", "2"}
            assert 0 <= sampling["mean_at_k"] <= sampling["pass_at"]["2"] <= 1
    assert summary["stage"] == "grpo" and summary["splits"] == ["synthetic", "hard"] and summary["n_eval"] == 2
    assert set(summary["accuracy_before_rl"]) == set(summary["accuracy_after_rl"]) == {"synthetic", "hard"}
    assert set(summary["rl_change"]) == set(summary["rl_flips"]) == {"synthetic", "hard"}
    for name, flip in summary["rl_flips"].items():  # paired counts agree with the two accuracies
        change = (flip["fixed"] - flip["broken"]) / summary["n_eval"]
        assert change == pytest.approx(summary["rl_change"][name], abs=1e-4)
        assert len(summary["heldout_after_rl"][name]["correct"]) == summary["n_eval"]
    assert report["global_step"] == 2 and report["completions"] == 8
    assert (out / "learning_curve.png").stat().st_size > 1000
    state = json.loads((out / "checkpoint-2" / "trainer_state.json").read_text())
    logged = {k for e in state["log_history"] for k in e}
    assert "rewards/trace_reward/mean" in logged  # the project's reward, by name
    assert "heldout/synthetic/accuracy" in logged  # held-out accuracy, logged apart from it
    AutoModelForCausalLM.from_pretrained(out / "final", use_safetensors=True)


def test_rloo_trainer_and_resume(tiny_model: str, tmp_path: Path) -> None:
    out = tmp_path / "rloo"
    flags = ["--sft_checkpoint", tiny_model, "--trainer", "rloo"]
    train_grpo.main(rl_args(flags, out, "--max_steps", "1"))
    assert (out / "checkpoint-1").is_dir()
    report = train_grpo.main(rl_args(flags, out, "--max_steps", "2"))
    state = json.loads((out / "checkpoint-2" / "trainer_state.json").read_text())
    assert report["stage"] == "rloo" and state["global_step"] == 2
    assert [e["step"] for e in state["log_history"] if "loss" in e] == [1, 2]


def test_sft_warmup_runs_first_without_a_checkpoint_and_is_reused(tiny_model: str, tmp_path: Path) -> None:
    out = tmp_path / "full"
    flags = ["--model", tiny_model, "--n_train", "8", "--sft_epochs", "1", "--sft_batch_size", "8"]
    report = train_grpo.main(rl_args(flags, out, "--max_steps", "1"))
    warm = json.loads((out / "sft" / "summary.json").read_text())
    assert report["start_model"] == warm["final_model"] == str(out / "sft" / "final")
    assert report["accuracy_before_rl"] == warm["accuracy_after_sft"]  # same splits, measured once
    stamp = (out / "sft" / "final" / "model.safetensors").stat().st_mtime_ns
    train_grpo.main(rl_args(flags, out, "--max_steps", "2"))
    assert (out / "sft" / "final" / "model.safetensors").stat().st_mtime_ns == stamp  # warm-up not redone


def test_grouped_reward_checks_that_a_group_shares_one_problem() -> None:
    reward = grouped_reward(2)
    trace = "expert: arithmetic\ntrace:\n- {op: init, var: a, value: 3}\n- {op: init, var: b, value: 4}\n" \
            "- {op: compute, compute_op: add, args: [a, b], var: c}\n- {op: query, var: c}"
    question = "Ann has 3 pens and 4 pencils. How many things does she have?"
    got = reward(prompts=["p", "p"], completions=[trace, "garbage"], answer=["7", "7"],
                 expert=["arithmetic", "arithmetic"], question=[question, question])
    assert got == [1.0, 0.0]
    assert reward.__name__ == "trace_reward"
    # named after the reward it computes, so TRL logs --rl_reward correct as rewards/correct_reward/mean
    answer_only = grouped_reward(2, reward="correct")
    assert answer_only.__name__ == "correct_reward"
    assert answer_only(prompts=["p", "p"], completions=[trace, "garbage"], answer=["8", "8"],
                       question=[question, question]) == [0.0, 0.0]
    with pytest.raises(GroupMismatchError):
        reward(prompts=["p", "q"], completions=[trace, trace], answer=["7", "8"], question=[question, "other"])


def test_help_lists_rl_flags(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        train_grpo.main(["--help"])
    text = capsys.readouterr().out
    for flag in ("--trainer", "--sft_checkpoint", "--use_vllm", "--vllm_mode", "--num_generations", "--use_peft",
                 "--beta", "--rl_mix", "--smoke", "--max_completion_length"):
        assert flag in text


def test_bad_trainer_name_is_rejected() -> None:
    with pytest.raises(ValueError, match="--trainer"):
        train_grpo.main(["--trainer", "ppo"])


def test_flips_count_problems_fixed_and_broken_pair_by_pair() -> None:
    from training.heldout import flips

    def verdicts(bits: str) -> list[bool]:
        return [b == "1" for b in bits]

    before = {"a": {"correct": verdicts("1100")}, "b": {"correct": verdicts("10")}, "c": {"correct": verdicts("01")},
              "d": {"correct": verdicts("1")}}
    after = {"a": {"correct": verdicts("1010")}, "b": {"correct": verdicts("01")},
             "c": {"correct": verdicts("1000")}, "e": {"correct": verdicts("1")}}
    # a: one fixed (index 2), one broken (index 1); c was measured on 2 problems before, 4 after:
    # compared on those 2 (one fixed, one broken), and says so; d and e are in one measurement only
    expected = {"a": {"fixed": 1, "broken": 1}, "b": {"fixed": 1, "broken": 1}, "c": {"fixed": 1, "broken": 1, "n": 2}}
    assert flips(before, after) == expected
    # a measurement cached before the list form (a resumed run's OUTPUT_DIR) holds the string "0101"
    legacy = {name: {"correct": "".join("1" if c else "0" for c in m["correct"])} for name, m in before.items()}
    assert flips(legacy, after) == expected


def test_rl_prompts_from_gsm8k_include_questions_without_a_converted_trace(tiny_model: str, tmp_path: Path) -> None:
    from generators.gsm8k.dev import is_dev

    rows = []
    for k in range(2, 300):
        q = f"Tom has {k} apples and buys {k + 3} more. How many apples does Tom have?"
        if not is_dev(q) and len(rows) < 8:
            # a solution the converter cannot read: no gold trace, graded by the answer alone
            rows.append({"question": q, "answer": f"He counts them all up.\n#### {2 * k + 3}"})
    path = tmp_path / "gsm8k.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "grpo"
    train_grpo.main(rl_args(["--sft_checkpoint", tiny_model], out, "--gsm8k_path", str(path),
                            "--rl_gsm8k_fraction", "0.5", "--rl_gsm8k_answer_only"))
    summary = json.loads((out / "summary.json").read_text())
    assert summary["n_rl"] == 8 and summary["n_rl_gsm8k"] == 4
    # by default only converted questions (a gold trace: the reward checks the program) are drawn
    out = tmp_path / "grpo_checked"
    train_grpo.main(rl_args(["--sft_checkpoint", tiny_model], out, "--gsm8k_path", str(path),
                            "--rl_gsm8k_fraction", "0.5", "--max_steps", "1"))
    summary = json.loads((out / "summary.json").read_text())
    assert summary["n_rl"] == 8 and summary["n_rl_gsm8k"] == 0


def test_unsolved_prompts_keep_the_failures_and_a_share_of_the_solved(tiny_model: str, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from training import data, heldout

    real_measure, real_to_dataset = heldout.measure, data.to_dataset
    verdicts: dict[str, str] = {}
    trained_on: list[list[str]] = []

    def measure(model, tokenizer, splits, **kw):  # a stand-in policy that solves every third problem
        if list(splits) != ["pool"]:
            return real_measure(model, tokenizer, splits, **kw)
        questions = [e.question for e in splits["pool"]]
        verdicts.update({q: "1" if i % 3 == 0 else "0" for i, q in enumerate(questions)})
        return {"pool": {"correct": [verdicts[q] == "1" for q in questions]}}

    def to_dataset(rows):
        trained_on.append([r["question"] for r in rows])
        return real_to_dataset(rows)

    monkeypatch.setattr(heldout, "measure", measure)
    monkeypatch.setattr(data, "to_dataset", to_dataset)
    out = tmp_path / "grpo"
    train_grpo.main(rl_args(["--sft_checkpoint", tiny_model], out, "--rl_prompts", "unsolved",
                            "--rl_mine_pool", "40", "--rl_solved_fraction", "0.25"))
    mined = json.loads((out / "summary.json").read_text())["rl_prompts_mined"]
    n_unsolved = sum(v == "0" for v in verdicts.values())
    assert mined["pool"] == len(verdicts) >= 30 and mined["unsolved"] == n_unsolved
    # n_rl 8 with a 25% solved share: 6 problems the policy failed, then 2 it solved
    assert (mined["kept_unsolved"], mined["kept_solved"]) == (6, 2)
    (questions,) = trained_on
    assert sorted(verdicts[q] for q in questions) == ["0"] * 6 + ["1"] * 2


def test_bad_rl_reward_and_prompt_mode_are_rejected() -> None:
    with pytest.raises(ValueError, match="rl_reward"):
        train_grpo.main(["--rl_reward", "vibes"])
    with pytest.raises(ValueError, match="rl_prompts"):
        train_grpo.main(["--rl_prompts", "some"])


def test_headroom_is_sampled_on_the_first_problems_next_to_their_own_greedy_accuracy(tiny_model: str,
                                                                                    tmp_path: Path) -> None:
    out = tmp_path / "grpo"
    train_grpo.main(rl_args(["--sft_checkpoint", tiny_model], out, "--n_eval", "3", "--heldout_samples", "2",
                            "--heldout_samples_n", "2", "--max_steps", "1"))
    summary = json.loads((out / "summary.json").read_text())
    for key in ("heldout_before_rl", "heldout_after_rl"):
        for split in summary[key].values():
            sampling = split["sampling"]
            assert sampling["problems"] == 2 and sampling["k"] == 2
            # greedy decoding is deterministic: the subset's greedy accuracy is the first two problems' verdicts
            assert sampling["greedy"] == split["correct"][:2].count(True) / 2


def test_gsm8k_rl_questions_too_long_for_the_model_are_left_out(tiny_model: str, tmp_path: Path) -> None:
    from transformers import AutoConfig, AutoTokenizer

    from generators.gsm8k.dev import is_dev

    short = [f"Tom has {k} apples and buys {k + 3} more. How many apples does Tom have?" for k in range(2, 300)]
    rows = [{"question": q, "answer": f"He counts.\n#### {2 * k + 3}"}
            for k, q in zip(range(2, 300), short, strict=True) if not is_dev(q)][:3]
    long_question = next(q for n in range(300, 400)
                         if not is_dev(q := "Tom has 5 apples. " * n + "How many apples does Tom have?"))
    positions = AutoConfig.from_pretrained(tiny_model).max_position_embeddings
    assert len(AutoTokenizer.from_pretrained(tiny_model)(long_question)["input_ids"]) > positions  # by itself
    rows.append({"question": long_question, "answer": "#### 5"})
    path = tmp_path / "gsm8k.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "grpo"
    train_grpo.main(rl_args(["--sft_checkpoint", tiny_model], out, "--gsm8k_path", str(path),
                            "--rl_gsm8k_fraction", "0.5", "--rl_gsm8k_answer_only", "--max_steps", "1"))
    summary = json.loads((out / "summary.json").read_text())
    assert summary["gsm8k_too_long"] == 1 and summary["n_rl_gsm8k"] == 3 and summary["n_rl"] == 7


def test_the_pass_rate_filter_is_on_by_default_for_single_traces_in_one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    from training.args import RLArguments

    monkeypatch.delenv("WORLD_SIZE", raising=False)
    assert RLArguments().rl_filter == "auto" and RLArguments().pass_rate_filter()
    assert not RLArguments(env="refine").pass_rate_filter()      # refine episodes are scored by the env
    assert not RLArguments(rl_filter="none").pass_rate_filter()
    monkeypatch.setenv("WORLD_SIZE", "2")
    assert not RLArguments().pass_rate_filter()                  # each process would see part of a group
    assert RLArguments(rl_filter="pass_rate").pass_rate_filter()
