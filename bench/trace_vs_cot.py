"""The thesis, tested: a trace model against a chain-of-thought model of the same shape and budget.

    python bench/trace_vs_cot.py --gsm8k_path ../shared/gsm8k/train.jsonl
    python bench/trace_vs_cot.py --gsm8k_path FILE --budget_s 300 --size medium

Both sides are the embedded default architecture (`agents.default_model.DefaultModelSpec`, one of
`SIZES`), each with a byte-level BPE tokenizer of the same vocabulary size trained by the same
recipe on its own corpus, and both are graded on the same fixed GSM8K dev split (473 problems of
the official train split, `generators.gsm8k.dev`) with 95% Wilson intervals.

* trace: the project's SFT path (`train_sft.py`'s `SFTStage`, synthetic problems in the pointer
  form) graded by the solver; its synthetic held-out accuracy is reported beside it.
* CoT (`training.cot`): TRL's SFTTrainer (the project's length-grouped subclass, the same
  hyperparameters) on GSM8K's training-part solutions with the calculator annotations stripped,
  ending with `#### answer`; graded by the number after the last `####`.

Budget: the trace side trains as the main job's SFT warm-up does (its flags' defaults: 24,000 examples, 3 epochs),
or with --budget_s for that many seconds with a cosine schedule over elapsed time
(`training.cot.Budget`). The CoT side then trains on as many input tokens as the trace run did,
with a cosine schedule over them: the same model and the same tokens are the same compute
(6*N*D FLOPs), whatever else runs on the machine. Wall time is reported for both; `--match
seconds` gives the CoT side the trace run's training seconds instead (fair only on an idle
machine: on the shared 2-core development machine the load average reached 12 and a
process's share of the CPU varied several-fold within minutes). The result is JSON (--out) and a
Markdown table (--md) ready for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # as the training scripts do
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

# Model sizes: DefaultModelSpec fields, spelled out so a size keeps its meaning when the default
# model changes ("medium" was the default until 2026-12-02; "small" is the default since).
SIZES: dict[str, dict[str, Any]] = {
    "small": {"hidden_size": 64, "intermediate_size": 192, "num_attention_heads": 4},
    "medium": {"hidden_size": 128, "intermediate_size": 384, "num_attention_heads": 8},
    "large": {"hidden_size": 256, "intermediate_size": 768, "num_hidden_layers": 6, "num_attention_heads": 8},
}


def main_job_size() -> str:
    """The size that is the embedded default model (the main job's)."""
    from agents.default_model import DefaultModelSpec

    return next((name for name in SIZES if spec_for(name) == DefaultModelSpec()), "small")


def _main_job_sft() -> dict[str, Any]:
    """The main job's SFT warm-up, read from the flags' defaults (train_grpo.py: --n_train,
    --sft_epochs, --sft_learning_rate, --sft_batch_size), so this benchmark follows them."""
    from dataclasses import fields

    from training.args import DataArguments, RLArguments

    default = {f.name: f.default for cls in (DataArguments, RLArguments) for f in fields(cls)}
    return {"n_train": default["n_train"], "epochs": default["sft_epochs"],
            "learning_rate": default["sft_learning_rate"], "batch_size": default["sft_batch_size"]}


MAIN_JOB_SFT = _main_job_sft()


def spec_for(size: str) -> Any:
    from agents.default_model import DefaultModelSpec

    if size not in SIZES:
        raise ValueError(f"unknown size {size!r}; choose from {sorted(SIZES)}")
    return DefaultModelSpec(**SIZES[size])


def _free() -> None:
    gc.collect()


def run_trace(size: str, gsm8k_path: str, budget_s: float | None, workdir: Path, *, n_synthetic: int = 200,
              seed: int = 0, n_train: int = MAIN_JOB_SFT["n_train"], n_eval: int = 500) -> dict[str, Any]:
    """One trace SFT run through the project's SFT stage; GSM8K dev and synthetic accuracy after it."""
    from trl import TrlParser

    from agents.default_model import build_default_model
    from training.args import (
        DataArguments,
        EvalArguments,
        GSMTraceSFTConfig,
        ModelArguments,
        RunArguments,
        config_with,
    )
    from training.cot import Budget
    from training.sft import SFTStage

    model_dir = build_default_model(spec_for(size))
    lr = MAIN_JOB_SFT["learning_rate"]
    argv = ["--model", str(model_dir), "--gsm8k_path", gsm8k_path, "--eval_splits", "synthetic",
            "--n_eval", str(n_eval), "--heldout_n_during", "4", "--output_dir", str(workdir), "--resume", "false",
            "--save_strategy", "no", "--seed", str(seed),
            "--n_train", str(n_train), "--learning_rate", str(lr),
            "--per_device_train_batch_size", str(MAIN_JOB_SFT["batch_size"]), "--logging_steps", "50",
            "--disable_tqdm", "true"]
    if budget_s:
        argv += ["--lr_scheduler_type", "constant", "--warmup_steps", "0", "--num_train_epochs", "100"]
    else:
        argv += ["--num_train_epochs", str(MAIN_JOB_SFT["epochs"])]
    parser = TrlParser((ModelArguments, DataArguments, EvalArguments, RunArguments, GSMTraceSFTConfig))
    model_args, data_args, eval_args, run_args, config = parser.parse_args_and_config(argv)
    # counted as the CoT side counts them (the flag parses only as a bool)
    config = config_with(config, include_num_input_tokens_seen="non_padding")
    budget = Budget(budget_s, peak_lr=lr)

    class BudgetedSFT(SFTStage):
        def training_rows(self, model: Any, tokenizer: Any) -> Any:
            # the whole GSM8K dev split, but only the first n_synthetic synthetic problems
            self.splits = {k: (v[:n_synthetic] if k != "gsm8k" else v) for k, v in self.splits.items()}
            return super().training_rows(model, tokenizer)

        def trainer(self, model: Any, tokenizer: Any, dataset: Any, peft: Any) -> Any:
            trainer = super().trainer(model, tokenizer, dataset, peft)
            trainer.add_callback(budget)
            return trainer

    report = BudgetedSFT(model_args, data_args, eval_args, run_args, config).run()
    _free()
    after = report["heldout_after"]
    dev, synth = after["gsm8k"], after.get("synthetic", {})
    params = report["parameters"]["total"]
    return {
        "form": "trace", "size": size, "parameters": params, "budget_s": budget_s,
        "train_seconds": round(report["train_seconds"], 1), "steps": budget.steps, "tokens": budget.tokens,
        "flops": 6 * params * budget.tokens,
        "dev": {k: dev[k] for k in ("accuracy", "ci95", "n", "correct")} | {"valid": dev["rates"]["valid"]},
        "synthetic": {k: synth[k] for k in ("accuracy", "ci95", "n")} if synth else None,
        "n_train": report["n_train"], "model_dir": report["final_model"],
    }


def run_cot(size: str, gsm8k_path: str, workdir: Path, *, budget_s: float | None = None,
            budget_tokens: int | None = None, keep_annotations: bool = False, seed: int = 0,
            n_dev: int | None = None, max_new_cap: int = 256) -> dict[str, Any]:
    """One CoT SFT run for `budget_s` seconds or `budget_tokens` input tokens; final-answer accuracy
    on the GSM8K dev split after it (generations capped at `max_new_cap` tokens)."""
    from transformers import set_seed

    from agents.loading import load_model_and_tokenizer
    from training import cot
    from training.args import GSMTraceSFTConfig
    from training.data import to_dataset
    from training.model import parameter_counts
    from training.sft import trainer_class

    spec = spec_for(size)
    train, dev = _cot_data(gsm8k_path, keep_annotations)
    dev = dev[:n_dev]
    set_seed(seed)
    init = cot.build_cot_model(spec, train, workdir / "init")
    model, tokenizer = load_model_and_tokenizer(str(init))
    positions = spec.max_position_embeddings
    plen, clen = cot.token_lengths(tokenizer, train)
    dev_plen, dev_clen = cot.token_lengths(tokenizer, dev)
    keep = [i for i in range(len(train)) if plen[i] + clen[i] <= positions]
    dropped = len(train) - len(keep)
    train = [train[i] for i in keep]
    max_length = max(plen[i] + clen[i] for i in keep)
    max_new = min(max([*clen, *dev_clen]) + 16, positions - max(dev_plen), max_new_cap)
    lr = MAIN_JOB_SFT["learning_rate"]
    config = GSMTraceSFTConfig(
        output_dir=str(workdir), learning_rate=lr, per_device_train_batch_size=MAIN_JOB_SFT["batch_size"],
        num_train_epochs=100, lr_scheduler_type="constant",
        warmup_steps=0, max_length=max_length, save_strategy="no", include_num_input_tokens_seen="non_padding",
        logging_steps=50, disable_tqdm=True, seed=seed, report_to="none",
    )
    if not (budget_s or budget_tokens):
        raise ValueError("the CoT run needs a budget: seconds or tokens")
    budget = cot.Budget(budget_s, budget_tokens, peak_lr=lr)
    trainer = trainer_class()(model=model, args=config, train_dataset=to_dataset([cot.row(e) for e in train]),
                              processing_class=tokenizer)
    trainer.add_callback(budget)
    params = parameter_counts(trainer.model)["total"]
    started = time.perf_counter()
    trainer.train()
    train_seconds = time.perf_counter() - started
    model = trainer.model
    model.config.use_cache = True
    final = workdir / "final"
    model.save_pretrained(final, safe_serialization=True)
    tokenizer.save_pretrained(final)
    result = cot.evaluate(model, tokenizer, dev, max_new_tokens=max_new)
    trainer = model = None
    _free()
    return {
        "form": "cot", "size": size, "parameters": params, "budget_s": budget_s, "budget_tokens": budget_tokens,
        "dev_gold_longer_than_cap": sum(n > max_new for n in dev_clen),
        "train_seconds": round(train_seconds, 1), "steps": budget.steps, "tokens": budget.tokens,
        "flops": 6 * params * budget.tokens,
        "dev": {k: result[k] for k in ("accuracy", "ci95", "n", "correct")} | {"answered": result["answered"],
                                                                               "truncated": result["truncated"]},
        "synthetic": None, "n_train": len(train), "dropped_too_long": dropped, "max_new_tokens": max_new,
        "keep_annotations": keep_annotations, "examples": result["examples"], "model_dir": str(final),
    }


_COT_DATA: dict[tuple[str, bool], tuple[list[Any], list[Any]]] = {}


def _cot_data(path: str, keep_annotations: bool) -> tuple[list[Any], list[Any]]:
    """The CoT training part and dev split of a file, read once per process."""
    from training import cot

    if (path, keep_annotations) not in _COT_DATA:
        _COT_DATA[path, keep_annotations] = (cot.cot_examples(path, "train", keep_annotations),
                                             cot.cot_examples(path, "dev", keep_annotations))
    return _COT_DATA[path, keep_annotations]


def pct(r: dict[str, Any] | None) -> str:
    if not r:
        return "-"
    lo, hi = r["ci95"]
    return f"{r['accuracy']:.1%} ({lo:.1%}-{hi:.1%})"


def table(runs: list[dict[str, Any]]) -> str:
    """Markdown table of runs. 'well-formed' is the share of valid traces (trace) or of outputs
    with a '####' answer (CoT) on the dev split."""
    head = ("| form | size (parameters) | budget | train s | steps | tokens trained | FLOPs (6ND) | "
            "GSM8K dev (95% CI) | well-formed on dev | synthetic (95% CI) |\n|---|---|---|---|---|---|---|---|---|---|")
    lines = [head]
    for r in runs:
        if r.get("budget_tokens"):
            point = r.get("point_s")
            budget = f"trace's tokens ({point:.0f} s point)" if point else "trace's tokens"
        else:
            budget = f"{r['budget_s']:.0f} s" if r["budget_s"] else "main-job SFT"
        dev = r["dev"]
        formed = dev.get("valid", dev.get("answered"))
        lines.append(f"| {r['form']} | {r['size']} ({r['parameters'] / 1e6:.2f}M) | {budget} | {r['train_seconds']:.0f} | "
                     f"{r['steps']} | {r['tokens']:,} | {r['flops']:.2e} | {pct(dev)} [{dev['accuracy'] * dev['n']:.0f}/"
                     f"{dev['n']}] | {formed:.1%} | {pct(r['synthetic'])} |")
    return "\n".join(lines)


def machine() -> dict[str, Any]:
    import torch

    return {"torch_threads": torch.get_num_threads(), "cpus": os.cpu_count(), "load_average": os.getloadavg(),
            "cuda": torch.cuda.is_available(), "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}


def resolve_path(spec: str) -> str:
    from training.data import resolve_gsm8k

    path = resolve_gsm8k(spec)
    if not path:
        raise SystemExit("trace_vs_cot needs GSM8K: pass --gsm8k_path FILE.jsonl (official layout)")
    return path


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--gsm8k_path", default="hf:openai/gsm8k", help="GSM8K train, official JSONL layout")
    p.add_argument("--size", default=None, choices=sorted(SIZES), help="default: the main job's model")
    p.add_argument("--budget_s", type=float, default=None,
                   help="training seconds for both sides (default: trace as the main job's SFT, CoT matched to it)")
    p.add_argument("--match", default="tokens", choices=("tokens", "seconds"),
                   help="what the CoT side gets of the trace run: its input tokens (default) or its training seconds")
    p.add_argument("--keep_annotations", action="store_true", help="keep GSM8K's <<...>> calculator annotations")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--workdir", default="/tmp/gsmtrace-trace-vs-cot")
    p.add_argument("--out", default="bench/results/trace_vs_cot.json")
    p.add_argument("--md", default="bench/results/trace_vs_cot.md")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    from training.summary import quiet_progress

    args = parse_args(argv)
    args.size = args.size or main_job_size()
    quiet_progress()
    work = Path(args.workdir)
    gsm8k = resolve_path(args.gsm8k_path)
    started = time.perf_counter()
    trace = run_trace(args.size, gsm8k, args.budget_s, work / "trace", seed=args.seed)
    matched = {"budget_tokens": trace["tokens"]} if args.match == "tokens" else {"budget_s": trace["train_seconds"]}
    cot_run = run_cot(args.size, gsm8k, work / "cot", keep_annotations=args.keep_annotations, seed=args.seed,
                      **matched)
    runs = [trace, cot_run]
    result = {"runs": runs, "machine": machine(), "gsm8k_path": gsm8k, "wall_seconds": round(time.perf_counter() - started),
              "command": "python bench/trace_vs_cot.py " + " ".join(argv if argv is not None else sys.argv[1:])}
    md = table(runs)
    print(md)
    for path, text in ((args.out, json.dumps(result, indent=2)), (args.md, md)):
        if path:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            Path(path).write_text(text + "\n")
    return result


if __name__ == "__main__":
    main()
