"""RL against GSMTrace with TRL's GRPOTrainer (or RLOOTrainer), after an SFT warm-up.

    python train_grpo.py                     # the main job: embedded default model, SFT then GRPO
    python train_grpo.py --smoke             # the same pipeline with tiny sizes
    python train_grpo.py --trainer rloo      # RLOOTrainer instead of GRPOTrainer
    python train_grpo.py --env refine --max_turns 2   # rollouts are GSMTraceRefine-v1 episodes (solver feedback)
    python train_grpo.py --sft_checkpoint runs/sft/final --use_peft
    accelerate launch --config_file configs/accelerate/multi_gpu.yaml train_grpo.py --model ID --use_vllm
    python train_grpo.py --help              # every flag

Prints held-out accuracy before and after RL; writes OUTPUT_DIR/final (HF layout),
OUTPUT_DIR/summary.json and OUTPUT_DIR/learning_curve.png. See docs/training.md.
"""

from __future__ import annotations

import os
import sys

# Idle OpenMP threads sleep instead of spinning: on a shared or oversubscribed CPU spinning
# threads made small matrix products (generation) 5-20x slower. Must precede `import torch`.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def main(argv: list[str] | None = None) -> dict:
    from trl import TrlParser

    from training.args import (
        DataArguments,
        EvalArguments,
        GSMTraceGRPOConfig,
        ModelArguments,
        RLArguments,
        RunArguments,
    )
    from training.grpo import run_grpo
    from training.presets import parse_with_preset
    from training.signal import NoRewardSignal
    from training.summary import quiet_progress

    parser = TrlParser((ModelArguments, DataArguments, EvalArguments, RunArguments, RLArguments, GSMTraceGRPOConfig))
    model_args, data_args, eval_args, run_args, rl_args, config = parse_with_preset(parser, argv, "grpo")
    quiet_progress()
    try:
        return run_grpo(model_args, data_args, eval_args, run_args, rl_args, config)
    except NoRewardSignal as err:  # one line, non-zero exit: a run with no signal must not look finished
        raise SystemExit(f"[grpo] stopped: {err}") from None


if __name__ == "__main__":
    main(sys.argv[1:])
