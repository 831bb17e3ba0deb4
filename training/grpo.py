"""The RL stage: TRL GRPOTrainer (or RLOOTrainer) on the project's reward.

Rows carry `prompt` (chat messages from `trace_env.prompts`), `answer`, `expert` and
`question`; TRL hands those columns to `trace_env.rewards.trace_reward`. TRL's RepeatSampler
gives all `num_generations` completions of a group the same problem; the reward wrapper checks
that on every batch. Without `--sft_checkpoint` the SFT warm-up runs first (OUTPUT_DIR/sft) and
a finished warm-up is reused when the run is restarted.
"""

from __future__ import annotations

import time
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

from . import checks, data, heldout, sft, summary
from . import model as model_lib
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

SMOKE_RL = {"n_rl": 16}
SMOKE_GRPO = {"max_steps": 4, "save_steps": 2, "logging_steps": 1, "per_device_train_batch_size": 8,
              "num_generations": 4}


class GroupMismatchError(RuntimeError):
    """Completions of one GRPO group were scored against different problems."""


def grouped_reward(group_size: int, check: bool = True) -> Any:
    """`trace_reward`, after checking that each run of `group_size` completions shares one problem."""
    from trace_env.rewards import trace_reward as base

    def trace_reward(prompts: Any = None, completions: Any = None, **kwargs: Any) -> list[float]:
        questions = kwargs.get("question")
        if check and questions is not None:
            for start in range(0, len(questions), group_size):
                group = set(questions[start : start + group_size])
                if len(group) != 1:
                    raise GroupMismatchError(f"group at {start} mixes {len(group)} problems; expected 1")
        return base(prompts, completions, **kwargs)

    return trace_reward


def warmup_sft(
    model_args: ModelArguments, data_args: DataArguments, eval_args: EvalArguments, run_args: RunArguments,
    rl_args: RLArguments, config: Any,
) -> dict[str, Any]:
    """Run (or reuse) the SFT warm-up into OUTPUT_DIR/sft; returns its summary."""
    out = Path(config.output_dir) / "sft"
    done = summary.read_json(out / "summary.json") if run_args.resume else None
    if done and Path(done.get("final_model", "")).is_dir():
        print(f"[grpo] reusing finished SFT warm-up in {out}", flush=True)
        return done
    sft_config = GSMTraceSFTConfig(
        output_dir=str(out), num_train_epochs=rl_args.sft_epochs, learning_rate=rl_args.sft_learning_rate,
        per_device_train_batch_size=rl_args.sft_batch_size, seed=config.seed, bf16=config.bf16,
        report_to=config.report_to, trust_remote_code=config.trust_remote_code, use_cpu=config.use_cpu,
    )
    return sft.run_sft(model_args, data_args, eval_args, run_args, sft_config)


def rl_config(config: Any, trainer: str) -> Any:
    """The trainer's config: GRPOConfig as parsed, or an RLOOConfig with every shared field."""
    if trainer == "grpo":
        return config
    from trl import RLOOConfig

    shared = {f.name for f in fields(RLOOConfig) if f.init}
    values = {f.name: getattr(config, f.name) for f in fields(config) if f.init and f.name in shared}
    values["generation_batch_size"] = None  # derived again from steps_per_generation
    return RLOOConfig(**values)


def run_grpo(
    model_args: ModelArguments, data_args: DataArguments, eval_args: EvalArguments, run_args: RunArguments,
    rl_args: RLArguments, config: Any,
) -> dict[str, Any]:
    """SFT warm-up if needed, then RL; saves OUTPUT_DIR/final and returns the summary."""
    from transformers import set_seed
    from trl import GRPOTrainer, RLOOTrainer

    smoke = run_args.smoke
    if smoke:  # the warm-up applies the SFT smoke sizes itself (the overrides are idempotent)
        sft.apply_smoke(data_args, sft.SMOKE_DATA)
        sft.apply_smoke(eval_args, sft.SMOKE_EVAL)
        sft.apply_smoke(rl_args, SMOKE_RL)
        config = sft.apply_smoke(config, SMOKE_GRPO)
    out = Path(config.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()

    warm = None
    if rl_args.sft_checkpoint is None:
        warm = warmup_sft(model_args, data_args, eval_args, run_args, rl_args, config)
        start_model = warm["final_model"]
    else:
        start_model = rl_args.sft_checkpoint
    set_seed(config.seed)
    rl_model_args = config_with(model_args, model_name_or_path=start_model)
    model, tokenizer, path = model_lib.load(rl_model_args, trust_remote_code=config.trust_remote_code)
    numbered = model_lib.resolve_numbered(path, model_args.numbered, data_args.trace_form)
    splits = sft.heldout_splits(eval_args, data_args)
    problems, overlap = data.remove_overlap(
        data.synthetic(rl_args.n_rl, parse_mix(rl_args.rl_mix), "rl", data_args.trace_form,
                       data_args.data_seed_offset, data_args.var_names),
        splits,
    )
    completion_limit = checks.check_completion_lengths(
        tokenizer, problems, numbered, config.max_completion_length, flag="--max_completion_length"
    )
    eval_tokens = sft.eval_token_limit(tokenizer, splits, numbered, eval_args.eval_max_new_tokens)
    rl_prompt = max(len(checks.prompt_ids(tokenizer, p, numbered)) for p in problems)
    checks.check_positions(model, rl_prompt + completion_limit, "the longest RL prompt + completion")
    checks.check_positions(model, sft.longest_prompt(tokenizer, splits, numbered) + eval_tokens, "held-out generation")
    print(f"[grpo] {rl_args.trainer}: {len(problems)} problems ({overlap} dropped: question also held out), "
          f"max_completion_length {completion_limit}", flush=True)

    def _measure(m: Any, tok: Any = None) -> dict[str, Any]:
        return heldout.measure(m, tok, splits, numbered=numbered, max_new_tokens=eval_tokens,
                               batch_size=eval_args.eval_batch_size)

    same_eval = warm is not None and warm.get("splits") == list(splits) and warm.get("n_eval") == eval_args.n_eval
    before = warm["heldout_after"] if same_eval else sft.measure_cached(
        out / "heldout_before.json", run_args.resume, lambda: _measure(model, tokenizer))
    print(heldout.format_line("before RL", before), flush=True)

    peft = model_lib.peft_config(model_args)
    if peft is None and model_args.train_last_n_layers is not None:
        model_lib.train_last_layers(model, model_args.train_last_n_layers)
    dataset = data.to_dataset([p.rl_row(numbered) for p in problems])
    args = rl_config(config_with(config, max_completion_length=completion_limit), rl_args.trainer)
    group = args.num_generations
    callback = heldout.HeldoutAccuracyCallback(
        splits, numbered=numbered, every=eval_args.heldout_every, limit=eval_args.heldout_n_during,
        max_new_tokens=eval_tokens, batch_size=eval_args.eval_batch_size, log_path=out / "heldout.jsonl",
    )
    trainer_cls = GRPOTrainer if rl_args.trainer == "grpo" else RLOOTrainer
    trainer = trainer_cls(
        model=model, reward_funcs=[grouped_reward(group, check=args.world_size == 1)], args=args,
        train_dataset=dataset, processing_class=tokenizer, peft_config=peft, callbacks=[callback],
    )
    params = model_lib.parameter_counts(trainer.model)
    train_started = time.perf_counter()
    trainer.train(resume_from_checkpoint=sft.last_checkpoint(out, run_args.resume))
    train_seconds = time.perf_counter() - train_started
    final = model_lib.save_final(trainer, tokenizer, out / "final", numbered=numbered)
    history = list(trainer.state.log_history)
    step = trainer.state.global_step
    completions = step * args.per_device_train_batch_size * args.gradient_accumulation_steps * args.world_size
    trainer = model = None  # free the training copy before loading the saved one
    sft.wait_for_everyone()
    if not sft.is_main_process():  # evaluation and the summary belong to the main process
        return {"final_model": str(final), "global_step": step}

    after = _measure(str(final))
    print(heldout.format_line("after RL", after), flush=True)
    flipped = heldout.flips(before, after)
    print("[held-out] RL change, problem by problem: " + ", ".join(
        f"{k} {v['fixed']} fixed / {v['broken']} broken" for k, v in sorted(flipped.items())), flush=True)
    history += [summary.heldout_entry(0, before), summary.heldout_entry(step, after)]
    curve = summary.learning_curve(history, out / "learning_curve.png",
                                   f"{rl_args.trainer.upper()}: {model_args.model_name_or_path}")
    acc_before, acc_after = heldout.accuracies(before), heldout.accuracies(after)
    report = {
        "stage": rl_args.trainer,
        "model": model_args.model_name_or_path,
        "start_model": start_model,
        "final_model": str(final),
        "trace_form": data_args.trace_form,
        "numbered": numbered,
        "splits": list(splits),
        "n_eval": eval_args.n_eval,
        "n_rl": len(problems),
        "overlap_removed": overlap,
        "accuracy_before_sft": warm["accuracy_before_sft"] if warm else None,
        "accuracy_before_rl": acc_before,
        "accuracy_after_rl": acc_after,
        "rl_change": {k: round(acc_after[k] - acc_before[k], 4) for k in acc_after if k in acc_before},
        "rl_flips": flipped,
        "heldout_before_rl": before,
        "heldout_after_rl": after,
        "max_completion_length": completion_limit,
        "global_step": step,
        "completions": completions,
        "rl_seconds": round(train_seconds, 1),
        "completions_per_second": round(completions / train_seconds, 3) if train_seconds else None,
        "sft_seconds": warm.get("train_seconds") if warm else None,
        "total_seconds": round(time.perf_counter() - started, 1),
        "parameters": params,
        "learning_curve": str(curve) if curve else None,
        "smoke": smoke,
        "args": {"data": asdict(data_args), "eval": asdict(eval_args), "rl": asdict(rl_args)},
        "machine": summary.machine(),
    }
    summary.write_json(out / "summary.json", report)
    return report
