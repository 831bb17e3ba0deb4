"""GRPO throughput: completions per second of TRL's GRPOTrainer (or RLOOTrainer) on GSMTrace.

    python bench/grpo_throughput.py --model runs/grpo/sft/final        # an SFT checkpoint
    python bench/grpo_throughput.py --model default --steps 6          # the untrained default model
    python bench/grpo_throughput.py --trainer rloo

Times optimizer steps after a warm-up step with a TrainerCallback. One step generates
`--batch-size` completions (`--num-generations` per problem), scores them with
`trace_env.rewards.trace_reward` and takes a policy-gradient step, so completions/second covers
generation, reward and update together; the generated tokens/second and the mean reward come
from the trainer's own metrics. An untrained model never stops generating, so its numbers are
a lower bound; benchmark an SFT checkpoint for the realistic case. Record `uptime` next to
any number you quote.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # as the training scripts do
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--model", default="default", help="HF id, local path or 'default'")
    p.add_argument("--trainer", default="grpo", choices=("grpo", "rloo"))
    p.add_argument("--steps", type=int, default=8, help="timed optimizer steps")
    p.add_argument("--batch-size", type=int, default=32, help="completions per step")
    p.add_argument("--num-generations", type=int, default=8)
    p.add_argument("--mix", default="default=0.5,hard=0.5", help="RL problems, as preset=weight,...")
    p.add_argument("--trace-form", default="ref", choices=("ref", "value"))
    p.add_argument("--out", default=None, help="write the result JSON here")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> dict:
    from transformers import TrainerCallback

    from bench.record import machine_state, report
    from training import checks, data
    from training.args import GSMTraceGRPOConfig, ModelArguments, parse_mix
    from training.grpo import grouped_reward, rl_config
    from training.model import load, resolve_numbered

    args = parse_args(argv)
    model, tok, path = load(ModelArguments(model_name_or_path=args.model))
    numbered = resolve_numbered(path, None, args.trace_form)
    problems = data.synthetic(max(64, args.batch_size), parse_mix(args.mix), "rl", args.trace_form)
    limit = checks.check_completion_lengths(tok, problems, numbered, None, flag="--max_completion_length")
    stamps: list[float] = []

    class Clock(TrainerCallback):
        def on_step_end(self, a, state, control, **kw):
            stamps.append(time.perf_counter())

    with tempfile.TemporaryDirectory() as out:
        config = rl_config(GSMTraceGRPOConfig(
            output_dir=out, max_steps=args.steps + 1, per_device_train_batch_size=args.batch_size,
            num_generations=args.num_generations, max_completion_length=limit, save_strategy="no",
            logging_steps=1, warmup_steps=0,
        ), args.trainer)
        from trl import GRPOTrainer, RLOOTrainer

        cls = GRPOTrainer if args.trainer == "grpo" else RLOOTrainer
        trainer = cls(model=model, reward_funcs=[grouped_reward(args.num_generations)], args=config,
                      train_dataset=data.to_dataset([data.rl_row(p, numbered) for p in problems]),
                      processing_class=tok, callbacks=[Clock()])
        trainer.train()
        logs = [e for e in trainer.state.log_history if "step" in e and e["step"] > 1]
    durations = [b - a for a, b in zip(stamps, stamps[1:], strict=False)]  # steps 2..N: warm-up excluded
    seconds = sum(durations)
    lengths = [e.get("completions/mean_length", 0.0) for e in logs]
    rewards = [e.get("reward", 0.0) for e in logs]
    completions = args.batch_size * len(durations)
    result = {
        "model": args.model, "trainer": args.trainer, "timed_steps": len(durations),
        "completions": completions, "seconds": round(seconds, 2),
        "completions_per_s": round(completions / seconds, 3),
        "generated_tokens_per_s": round(statistics.mean(lengths) * completions / seconds, 1) if lengths else None,
        "mean_completion_tokens": round(statistics.mean(lengths), 1) if lengths else None,
        "mean_reward": round(statistics.mean(rewards), 3) if rewards else None,
        "max_completion_length": limit, "batch_size": args.batch_size, "num_generations": args.num_generations,
        **machine_state(),
    }
    return report(result, args.out)


if __name__ == "__main__":
    main()
