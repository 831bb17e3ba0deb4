"""The RL stage: TRL GRPOTrainer (or RLOOTrainer) on the project's reward.

Rows carry `prompt` (chat messages from `trace_env.prompts`), `answer`, `expert` and
`question`; TRL hands those columns to `trace_env.rewards.trace_reward`. TRL's RepeatSampler
gives all `num_generations` completions of a group the same problem; the reward wrapper checks
that on every batch. Without `--sft_checkpoint` the SFT warm-up runs first (OUTPUT_DIR/sft) and
a finished warm-up is reused when the run is restarted.
"""

from __future__ import annotations

import random
import time
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

from . import checks, data, heldout, summary
from .args import (
    DataArguments,
    EvalArguments,
    GSMTraceSFTConfig,
    ModelArguments,
    RLArguments,
    RunArguments,
    config_with,
    parse_mix,
)
from .presets import preset_values
from .prompt_pool import PassRatePool, stream_dataset
from .sft import run_sft
from .signal import RewardSignal, format_signal
from .stage import Rows, Stage, Trained, measure_cached


class GroupMismatchError(RuntimeError):
    """Completions of one GRPO group were scored against different problems."""


def grouped_reward(group_size: int, check: bool = True, reward: str = "ladder", pool: PassRatePool | None = None,
                   signal: RewardSignal | None = None) -> Any:
    """The named reward (`trace_env.rewards.SCORES`) as a TRL reward function, after checking that
    each run of `group_size` completions shares one problem. With `pool`, each group's pass rate goes
    to it; with `signal`, every scored batch does (the figures and the no-signal guard)."""
    from trace_env.rewards import REWARD_FUNCTIONS, score_completions

    def scored(prompts: Any = None, completions: Any = None, **kwargs: Any) -> list[float | None]:
        questions = kwargs.get("question")
        if (check or pool is not None) and questions is not None:
            for start in range(0, len(questions), group_size):
                group = set(questions[start : start + group_size])
                if len(group) != 1:
                    raise GroupMismatchError(f"group at {start} mixes {len(group)} problems; expected 1")
        outcomes, rewards = score_completions(completions, reward, **kwargs)
        if pool is not None:
            if questions is None:
                raise GroupMismatchError("--rl_filter pass_rate needs the 'question' column in every batch")
            for start in range(0, len(outcomes), group_size):
                pool.record(questions[start], [o.correct for o in outcomes[start : start + group_size]])
        if signal is not None:
            signal.record(outcomes, rewards, list(completions or []))
        return rewards

    # TRL logs rewards/<name>/mean: the name of the reward function this computes (trace_reward, correct_reward)
    scored.__name__ = REWARD_FUNCTIONS[reward].__name__
    return scored


def warmup_sft(
    model_args: ModelArguments, data_args: DataArguments, eval_args: EvalArguments, run_args: RunArguments,
    rl_args: RLArguments, config: Any,
) -> dict[str, Any]:
    """Run (or reuse) the SFT warm-up into OUTPUT_DIR/sft; returns its summary. Its config takes
    the --sft_* sizes, and the `warmup` section of the run's preset (training/presets.py)."""
    out = Path(config.output_dir) / "sft"
    done = summary.read_json(out / "summary.json") if run_args.resume else None
    if done and Path(done.get("final_model", "")).is_dir():
        heldout.show(f"[grpo] reusing finished SFT warm-up in {out}")
        return done
    sft_config = GSMTraceSFTConfig(
        output_dir=str(out), num_train_epochs=rl_args.sft_epochs, learning_rate=rl_args.sft_learning_rate,
        per_device_train_batch_size=rl_args.sft_batch_size, seed=config.seed, bf16=config.bf16,
        report_to=config.report_to, trust_remote_code=config.trust_remote_code, use_cpu=config.use_cpu,
        disable_tqdm=config.disable_tqdm,
    )
    if run_args.preset:
        sft_config = config_with(sft_config, **preset_values(run_args.preset, "warmup"))
    return run_sft(model_args, data_args, eval_args, run_args, sft_config)


def rl_config(config: Any, trainer: str) -> Any:
    """The trainer's config: GRPOConfig as parsed, or an RLOOConfig with every shared field."""
    if trainer == "grpo":
        return config
    from trl import RLOOConfig

    shared = {f.name for f in fields(RLOOConfig) if f.init}
    values = {f.name: getattr(config, f.name) for f in fields(config) if f.init and f.name in shared}
    values["generation_batch_size"] = None  # derived again from steps_per_generation
    return RLOOConfig(**values)


class RLStage(Stage):
    """RL from an SFT model: the warm-up's, or `--sft_checkpoint`."""

    label = "RL"

    def __init__(
        self, model_args: ModelArguments, data_args: DataArguments, eval_args: EvalArguments,
        run_args: RunArguments, rl_args: RLArguments, config: Any,
    ) -> None:
        super().__init__(model_args, data_args, eval_args, run_args, config)
        self.rl_args = rl_args
        self.warm: dict[str, Any] | None = None
        self.mined: dict[str, Any] | None = None  # what --rl_prompts unsolved kept
        self.pool: PassRatePool | None = None      # the live prompt stream of --rl_filter pass_rate
        self.too_long = 0                          # GSM8K RL questions left out: longer than the positions allow
        self.signal: RewardSignal | None = None    # what the reward said over the stage (training/signal.py)

    def title(self) -> str:
        return self.rl_args.trainer.upper()

    def start_model(self) -> str:
        if self.rl_args.sft_checkpoint is not None:
            return self.rl_args.sft_checkpoint
        self.warm = warmup_sft(self.model_args, self.data_args, self.eval_args, self.run_args, self.rl_args,
                               self.config)
        return self.warm["final_model"]

    def training_rows(self, model: Any, tokenizer: Any) -> Rows:
        n_gsm8k = round(self.rl_args.n_rl * self.rl_args.rl_gsm8k_fraction) if self.gsm8k_file else 0
        gsm8k: list[data.Problem] = []
        if n_gsm8k:  # converted questions: their gold trace lets the reward check the program
            pool = data.gsm8k(self.gsm8k_file, self.data_args.trace_form, self.data_args.var_names,  # type: ignore[arg-type]
                                       part="train")
            if not self.rl_args.rl_gsm8k_answer_only:
                pool = [e for e in pool if e.target is not None]
            gsm8k = random.Random(2 + self.data_args.data_seed_offset).sample(pool, min(n_gsm8k, len(pool)))
        mining = self.rl_args.rl_prompts == "unsolved"
        n_synthetic = (max(self.rl_args.rl_mine_pool, self.rl_args.n_rl) if mining else self.rl_args.n_rl) - len(gsm8k)
        problems = data.synthetic(n_synthetic, parse_mix(self.rl_args.rl_mix), "rl",
                                  self.data_args.trace_form, self.data_args.data_seed_offset, self.data_args.var_names)
        problems = data.interleave([problems, gsm8k], seed=self.data_args.data_seed_offset)
        problems, self.overlap = data.remove_overlap(problems, self.splits)
        if mining:
            problems = self.unsolved_first(model, tokenizer, problems)
        self.completion_limit = checks.check_completion_lengths(
            tokenizer, problems, self.numbered, self.config.max_completion_length, flag="--max_completion_length"
        )
        problems, self.too_long = self.fitting_gsm8k(model, tokenizer, problems)
        if not problems:
            raise ValueError("no RL problem fits the model's positions: lower --max_completion_length or add synthetic ones")
        self.n_rl_gsm8k = sum(p.source == "gsm8k" for p in problems)
        self.n_rl = len(problems)
        rl_prompt = max(len(checks.prompt_ids(tokenizer, p, self.numbered)) for p in problems)
        self.rl_prompt_tokens = rl_prompt
        checks.check_positions(model, rl_prompt + self.completion_limit, "the longest RL prompt + completion")
        return Rows([data.rl_row(p, self.numbered) for p in problems],
                    f"[grpo] {self.rl_args.trainer}: {len(problems)} problems ({self.n_rl_gsm8k} from GSM8K, "
                    f"{sum(e.target is None for e in gsm8k)} of them without a converted trace; {self.overlap} dropped: question "
                    f"also held out; {self.too_long} GSM8K questions left out: prompt + completion over the model's "
                    f"positions), max_completion_length {self.completion_limit}")

    def fitting_gsm8k(self, model: Any, tokenizer: Any, problems: list[data.Problem]) -> tuple[list[data.Problem], int]:
        """The problems less the GSM8K questions whose prompt and a full completion would not fit the
        model's positions (a few long real questions are not worth failing the run for: they are
        simply not RL prompts; nothing is truncated). Synthetic prompts are left to the position check."""
        positions = getattr(getattr(model, "config", None), "max_position_embeddings", None)
        if positions is None:
            return problems, 0
        room = positions - self.completion_limit
        kept = [p for p in problems
                if p.source != "gsm8k" or len(checks.prompt_ids(tokenizer, p, self.numbered)) <= room]
        return kept, len(problems) - len(kept)

    def unsolved_first(self, model: Any, tokenizer: Any, pool: list[data.Problem]) -> list[data.Problem]:
        """The RL pool for --rl_prompts unsolved: the problems of `pool` the start model's greedy
        trace gets wrong, plus a share of those it solves (--rl_solved_fraction), n_rl in all.

        GRPO learns only from groups whose rewards differ; a problem the greedy trace already
        solves mostly yields all-correct groups, so drawing RL prompts among the failures spends
        the rollouts where greedy accuracy can still move."""
        started = time.perf_counter()
        limit = checks.check_completion_lengths(tokenizer, pool, self.numbered, self.config.max_completion_length,
                                                flag="--max_completion_length")
        result = heldout.measure(model, tokenizer, {"pool": pool}, numbered=self.numbered, max_new_tokens=limit,
                                 batch_size=self.eval_args.eval_batch_size)["pool"]
        solved = [p for p, c in zip(pool, result["correct"], strict=True) if c]
        unsolved = [p for p, c in zip(pool, result["correct"], strict=True) if not c]
        n_rl = self.rl_args.n_rl
        n_unsolved = min(len(unsolved), round(n_rl * (1 - self.rl_args.rl_solved_fraction)))
        chosen = unsolved[:n_unsolved] + solved[: n_rl - n_unsolved]
        self.mined = {"pool": len(pool), "unsolved": len(unsolved), "kept_unsolved": n_unsolved,
                      "kept_solved": len(chosen) - n_unsolved, "seconds": round(time.perf_counter() - started, 1)}
        heldout.show(f"[grpo] --rl_prompts unsolved: the start model solves {len(solved)} of {len(pool)} drawn "
                     f"problems greedily; RL pool = {n_unsolved} unsolved + {len(chosen) - n_unsolved} solved "
                     f"({self.mined['seconds']} s)")
        return random.Random(3 + self.data_args.data_seed_offset).sample(chosen, len(chosen))

    def dataset(self, rows: list[dict[str, Any]]) -> Any:
        if not self.rl_args.pass_rate_filter():
            return super().dataset(rows)
        self.pool = PassRatePool(rows, replay_fraction=self.rl_args.rl_replay_fraction,
                                 max_serves=self.rl_args.rl_max_serves, seed=self.config.seed)
        return stream_dataset(self.pool)

    def measure_before(self, model: Any, tokenizer: Any) -> dict[str, Any]:
        warm = self.warm
        if warm is not None and warm.get("splits") == list(self.splits) and warm.get("n_eval") == self.eval_args.n_eval:
            return warm["heldout_after"]  # the warm-up measured this very model on these problems
        return measure_cached(self.out / "heldout_before.json", self.run_args.resume,
                              lambda: self.measure(model, tokenizer, sampled=True))

    def trainer(self, model: Any, tokenizer: Any, dataset: Any, peft: Any) -> Any:
        from trl import GRPOTrainer, RLOOTrainer

        live = self.pool is not None
        # a live stream must not be read ahead into a shuffle buffer: the filter acts on the next batch
        args = rl_config(config_with(self.config, max_completion_length=self.completion_limit,
                                     **({"shuffle_dataset": False} if live else {})), self.rl_args.trainer)
        if live and args.world_size > 1:
            raise ValueError("--rl_filter pass_rate runs in one process: with several, each sees part of every group")
        self.trainer_args = args
        self.signal = RewardSignal(args.num_generations, first_batches=self.rl_args.rl_guard_batches,
                                   window_groups=self.rl_args.rl_guard_groups, samples_path=self.out / "rl_samples.jsonl")
        if self.rl_args.env == "refine":  # rollouts are GSMTraceRefine-v1 episodes (training/refine.py)
            from .refine import refine_trainer

            return refine_trainer(model, tokenizer, dataset, peft, args, rows=dataset, episode=self.rl_args.episode(),
                                  trace_tokens=self.completion_limit,
                                  prompt_tokens=self.rl_prompt_tokens, signal=self.signal)
        trainer_cls = GRPOTrainer if self.rl_args.trainer == "grpo" else RLOOTrainer
        reward = grouped_reward(args.num_generations, check=args.world_size == 1, reward=self.rl_args.rl_reward,
                                pool=self.pool, signal=self.signal)
        return trainer_cls(model=model, reward_funcs=[reward], args=args, train_dataset=dataset,
                           processing_class=tokenizer, peft_config=peft)

    def report(self, trained: Trained, *, total_seconds: float) -> dict[str, Any]:
        before, after, warm, args = trained.before, trained.after, self.warm, self.trainer_args
        flipped = heldout.flips(before, after)
        sft_flipped = heldout.flips(warm["heldout_before"], warm["heldout_after"]) if warm else None
        if sft_flipped:
            heldout.show("[held-out] SFT change, problem by problem: " + ", ".join(
                f"{k} {v['fixed']} fixed / {v['broken']} broken" for k, v in sorted(sft_flipped.items())))
        heldout.show("[held-out] RL change, problem by problem: " + ", ".join(
            f"{k} {v['fixed']} fixed / {v['broken']} broken" for k, v in sorted(flipped.items())))
        if self.pool is not None:
            f = self.pool.summary()
            heldout.show(f"[grpo] --rl_filter pass_rate: {f['groups']} groups scored, {f['mixed']} mixed, "
                         f"{f['all_right']} all right, {f['all_wrong']} all wrong; {f['served_replay']} prompts "
                         f"replayed, {f['served_fresh']} fresh ({f['distinct_served']} problems)")
        signal = self.signal.summary() if self.signal is not None else None
        if signal is not None:
            heldout.show(format_signal(signal))
        step, seconds = trained.global_step, trained.train_seconds
        completions = step * args.per_device_train_batch_size * args.gradient_accumulation_steps * args.world_size
        acc_before, acc_after = heldout.accuracies(before), heldout.accuracies(after)
        return {
            "stage": self.rl_args.trainer,
            "model": self.model_args.model_name_or_path,
            "start_model": trained.start_model,
            "final_model": str(trained.final_model),
            "trace_form": self.data_args.trace_form,
            "numbered": self.numbered,
            "splits": list(self.splits),
            "n_eval": self.eval_args.n_eval,
            "n_rl": self.n_rl,
            "n_rl_gsm8k": self.n_rl_gsm8k,
            "overlap_removed": self.overlap,
            "gsm8k_too_long": self.too_long,
            "rl_prompts_mined": self.mined,
            "rl_prompt_filter": self.pool.summary() if self.pool is not None else None,
            "reward_signal": signal,
            "accuracy_before_sft": warm["accuracy_before_sft"] if warm else None,
            "accuracy_before_rl": acc_before,
            "accuracy_after_rl": acc_after,
            "rl_change": {k: round(acc_after[k] - acc_before[k], 4) for k in acc_after if k in acc_before},
            "sft_flips": sft_flipped,
            "rl_flips": flipped,
            "heldout_before_rl": before,
            "heldout_after_rl": after,
            "max_completion_length": self.completion_limit,
            "global_step": step,
            "completions": completions,
            "rl_seconds": round(seconds, 1),
            "completions_per_second": round(completions / seconds, 3) if seconds else None,
            "sft_seconds": warm.get("train_seconds") if warm else None,
            "total_seconds": round(total_seconds, 1),
            "parameters": trained.parameters,
            "learning_curve": str(trained.learning_curve) if trained.learning_curve else None,
            "smoke": self.run_args.smoke,
            "args": {"data": asdict(self.data_args), "eval": asdict(self.eval_args), "rl": asdict(self.rl_args)},
            "machine": summary.machine(),
        }


def run_grpo(
    model_args: ModelArguments, data_args: DataArguments, eval_args: EvalArguments, run_args: RunArguments,
    rl_args: RLArguments, config: Any,
) -> dict[str, Any]:
    """SFT warm-up if needed, then RL; saves OUTPUT_DIR/final and returns the summary."""
    return RLStage(model_args, data_args, eval_args, run_args, rl_args, config).run()
