"""Supervised fine-tuning on gold traces (TRL SFTTrainer), loss on the assistant trace only.

    python train_sft.py                      # embedded default model, synthetic data
    python train_sft.py --smoke              # the same run with tiny sizes
    python train_sft.py --model PATH_OR_ID --use_peft --gsm8k_path converted.jsonl
    python train_sft.py --help               # every flag

Writes OUTPUT_DIR/final (HF layout), OUTPUT_DIR/summary.json and OUTPUT_DIR/learning_curve.png.
See docs/training.md.
"""

from __future__ import annotations

import os
import sys

# Idle OpenMP threads sleep instead of spinning: on a shared or oversubscribed CPU spinning
# threads made small matrix products (generation) 5-20x slower. Must precede `import torch`.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def main(argv: list[str] | None = None) -> dict:
    from trl import TrlParser

    from training.args import DataArguments, EvalArguments, GSMTraceSFTConfig, ModelArguments, RunArguments
    from training.presets import parse_with_preset
    from training.sft import run_sft
    from training.summary import quiet_progress

    parser = TrlParser((ModelArguments, DataArguments, EvalArguments, RunArguments, GSMTraceSFTConfig))
    model_args, data_args, eval_args, run_args, config = parse_with_preset(parser, argv, "sft")
    quiet_progress()
    return run_sft(model_args, data_args, eval_args, run_args, config)


if __name__ == "__main__":
    main(sys.argv[1:])
