"""SFT throughput: TRL's SFTTrainer against a plain PyTorch loop on the same model and batches.

    python bench/sft_throughput.py                  # the embedded default model, 40 timed steps each
    python bench/sft_throughput.py --model PATH --steps 20 --batch-size 16

Both sides start from the same weights and train on the same batches: the batches are taken
from the SFTTrainer's own dataloader (completion-only labels, padding), then the plain loop
runs forward, backward, gradient clipping and an AdamW step over exactly those tensors.
Tokens counted are non-padding tokens. Rounds alternate (plain, TRL, plain, TRL, ...) so load
drift on a shared machine hits both sides; the medians and their ratio are printed and written
as JSON (--out). Record `uptime` next to any number you quote.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # as the training scripts do
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--model", default="default", help="HF id, local path or 'default'")
    p.add_argument("--steps", type=int, default=40, help="timed optimizer steps per round")
    p.add_argument("--warmup", type=int, default=3, help="untimed steps before each round")
    p.add_argument("--rounds", type=int, default=2, help="alternating rounds per side")
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--learning-rate", type=float, default=5e-3)
    p.add_argument("--trace-form", default="ref", choices=("ref", "value"))
    p.add_argument("--var-names", default="generic", choices=("generic", "gold"))
    p.add_argument("--out", default=None, help="write the result JSON here")
    return p.parse_args(argv)


def build(args: argparse.Namespace):
    from trl import SFTTrainer

    from training import data
    from training.args import GSMTraceSFTConfig, parse_mix
    from training.model import load

    class M:  # the few ModelArguments fields `load` reads
        model_name_or_path, dtype, attn_implementation, model_revision = args.model, "float32", None, "main"

    model, tok, _ = load(M)
    n = (args.steps + args.warmup) * args.batch_size
    examples = data.synthetic(n, parse_mix("default=0.8,hard=0.2"), "sft", args.trace_form, var_names=args.var_names)
    rows = [{k: v for k, v in data.sft_row(e, args.trace_form == "ref").items() if k != "id"} for e in examples]
    config = GSMTraceSFTConfig(
        output_dir="/tmp/gsmtrace-bench-sft", per_device_train_batch_size=args.batch_size,
        learning_rate=args.learning_rate, max_steps=args.steps + args.warmup, save_strategy="no",
        logging_steps=10_000, lr_scheduler_type="constant", warmup_steps=0, train_sampling_strategy="sequential",
    )
    trainer = SFTTrainer(model=model, args=config, train_dataset=data.to_dataset(rows), processing_class=tok)
    batches = list(trainer.get_train_dataloader())
    return trainer, batches


class StepClock:
    """A TrainerCallback timing optimizer steps after the warm-up."""

    def __init__(self, warmup: int) -> None:
        from transformers import TrainerCallback

        clock = self

        class _CB(TrainerCallback):
            def on_step_begin(self, args, state, control, **kw):
                if state.global_step == warmup:
                    clock.start = time.perf_counter()

            def on_step_end(self, args, state, control, **kw):
                clock.end = time.perf_counter()

        self.callback, self.start, self.end = _CB(), 0.0, 0.0


def run_trl(trainer, state_dict, warmup: int) -> float:
    trainer.model.load_state_dict(state_dict)
    trainer.state.global_step = 0
    clock = StepClock(warmup)
    trainer.add_callback(clock.callback)
    trainer.train()
    trainer.remove_callback(clock.callback)
    return clock.end - clock.start


def run_plain(model, batches, state_dict, lr: float, warmup: int) -> float:
    import torch

    model.load_state_dict(state_dict)
    model.train()
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=lr, weight_decay=0.01)
    start = 0.0
    for i, batch in enumerate(batches):
        if i == warmup:
            start = time.perf_counter()
        out = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"], labels=batch["labels"])
        out.loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> dict:
    import copy

    from bench.record import machine_state, report

    args = parse_args(argv)
    trainer, batches = build(args)
    timed = batches[args.warmup :]
    tokens = int(sum(int(b["attention_mask"].sum()) for b in timed))
    supervised = int(sum(int((b["labels"] != -100).sum()) for b in timed))
    initial = copy.deepcopy(trainer.model.state_dict())
    plain_model = copy.deepcopy(trainer.model)
    plain_s, trl_s = [], []
    for _ in range(args.rounds):
        plain_s.append(run_plain(plain_model, batches, initial, args.learning_rate, args.warmup))
        trl_s.append(run_trl(trainer, initial, args.warmup))
    plain_tps, trl_tps = tokens / statistics.median(plain_s), tokens / statistics.median(trl_s)
    result = {
        "model": args.model, "batch_size": args.batch_size, "timed_steps": len(timed), "tokens": tokens,
        "supervised_tokens": supervised, "plain_seconds": plain_s, "trl_seconds": trl_s,
        "plain_tokens_per_s": round(plain_tps, 1), "trl_tokens_per_s": round(trl_tps, 1),
        "trl_over_plain": round(trl_tps / plain_tps, 3), **machine_state(),
    }
    return report(result, args.out)


if __name__ == "__main__":
    main()
