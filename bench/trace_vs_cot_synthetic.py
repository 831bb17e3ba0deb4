"""The thesis where this CPU can measure it: trace against chain of thought on synthetic problems,
token-matched, cut by number size, chain length and wording.

    python bench/trace_vs_cot_synthetic.py                      # about 15 minutes on 2 cores
    python bench/trace_vs_cot_synthetic.py --n_train 3000 --epochs 2 --n_eval 300   # a quick look

Both sides train the embedded default architecture (the main job's size, or --size) from scratch
on the same synthetic problems (training wording, levels 1-5 in equal parts so numbers run from
tens to hundreds of thousands, decimals on):

* trace: the numbered-quantities prompt and the gold trace in the pointer form, graded by the
  solver (the main job's form); its tokenizer is the default model's.
* CoT: the plain question and a worked solution rendered from the same gold program
  (`training.cot.program_cot`: one line per computation, the operation in words and the numbers in
  digits, "36 divided by 4 is 9.", then `#### answer`); graded by the number after `####`. Its
  tokenizer is trained by the same recipe on its own corpus.

The trace side trains `--epochs` passes; the CoT side then trains on exactly as many input tokens
(`training.cot.Budget`), with the same cosine schedule over the budget, batch size and peak
learning rate: the same model and tokens are the same compute. Both are graded greedily on the same
held-out problems: `--n_eval` in training wording (levels 1-5) and `--n_eval // 2` in held-out
parts (`unseen_parts`). Every cut has its 95% Wilson interval. Results: JSON (--out), a Markdown
table (--md) and a plot (--plot).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import time
from fractions import Fraction
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from trace_vs_cot import MAIN_JOB_SFT, SIZES, machine, main_job_size, spec_for  # noqa: E402

LEVELS = (1, 2, 3, 4, 5)
SIZE_CLASSES = ("1-2 digits", "3-4 digits", "5+ digits", "decimals")
CHAIN_CLASSES = ("1-2 steps", "3-4 steps", "5+ steps")


def problems(n: int, namespace: str, seed: int, wording: str) -> list[Any]:
    """`n` generator problems, levels 1-5 in equal parts, decimals on, in `wording`."""
    import generators

    out = []
    for k, level in enumerate(LEVELS):
        count = n // len(LEVELS) + (k < n % len(LEVELS))
        out += generators.generate(count, seed=seed + 100 * level, level=level, decimals=0.3, namespace=namespace,
                                   wording=wording)
    return out


def cuts(problem: Any) -> dict[str, str]:
    """The number-size class (the largest value the program reads or computes; 'decimals' when any
    value is not whole) and the chain-length class (computations) of a problem."""
    from solver.execute import execute

    run = execute(problem.trace, problem.question, record=True)
    values = [abs(Fraction(v[3])) for v in run.program.tape]
    steps = len(run.program.arithmetic())
    if any(v.denominator != 1 for v in values):
        size = "decimals"
    else:
        digits = len(str(int(max(values))))
        size = "1-2 digits" if digits <= 2 else "3-4 digits" if digits <= 4 else "5+ digits"
    chain = "1-2 steps" if steps <= 2 else "3-4 steps" if steps <= 4 else "5+ steps"
    return {"size": size, "chain": chain}


def first_divergence(output: str, gold: str) -> str:
    """Where a wrong chain of thought first leaves the gold one: 'arithmetic' (the right numbers and
    operation, a wrong result), 'numbers or operation' (another computation), 'stops early' or
    'final line' (every computation right, the '####' line not)."""
    mine, theirs = output.strip().split("\n"), gold.split("\n")
    for o, g in zip(mine, theirs, strict=False):
        if o.strip() == g:
            continue
        if g.startswith("####"):
            return "final line"
        expr_o, _, _ = o.strip().rpartition(" is ")
        expr_g, _, _ = g.rpartition(" is ")
        return "arithmetic" if expr_o and expr_o == expr_g else "numbers or operation"
    return "stops early" if len(mine) < len(theirs) else "final line"


def train(model_dir: str, rows: list[dict[str, Any]], tokens: int, workdir: Path, seed: int) -> dict[str, Any]:
    """SFT on `rows` for `tokens` input tokens (cosine over the budget); the trained model and counts."""
    from transformers import set_seed

    from agents.loading import load_model_and_tokenizer
    from training.args import GSMTraceSFTConfig
    from training.cot import Budget
    from training.data import to_dataset
    from training.model import parameter_counts
    from training.sft import trainer_class

    set_seed(seed)
    model, tokenizer = load_model_and_tokenizer(model_dir)
    lr = MAIN_JOB_SFT["learning_rate"]
    config = GSMTraceSFTConfig(
        output_dir=str(workdir), learning_rate=lr, per_device_train_batch_size=MAIN_JOB_SFT["batch_size"],
        num_train_epochs=100, lr_scheduler_type="constant", warmup_steps=0, save_strategy="no",
        include_num_input_tokens_seen="non_padding", logging_steps=100, disable_tqdm=True, seed=seed,
        report_to="none",
    )
    budget = Budget(tokens=tokens, peak_lr=lr)
    trainer = trainer_class()(model=model, args=config, train_dataset=to_dataset(rows), processing_class=tokenizer)
    trainer.add_callback(budget)
    started = time.perf_counter()
    trainer.train()
    model = trainer.model
    model.config.use_cache = True
    return {"model": model, "tokenizer": tokenizer, "seconds": round(time.perf_counter() - started, 1),
            "steps": budget.steps, "tokens": budget.tokens, "parameters": parameter_counts(model)["total"]}


def dataset_tokens(tokenizer: Any, rows: list[dict[str, Any]]) -> int:
    """Input tokens of one pass over prompt-completion chat rows (what the trainer counts)."""
    texts = [tokenizer.apply_chat_template(r["prompt"] + r["completion"], tokenize=False) for r in rows]
    return sum(len(ids) for ids in tokenizer(texts, add_special_tokens=False)["input_ids"])


def breakdown(correct: dict[str, list[bool]], labels: dict[str, list[dict[str, str]]]) -> dict[str, Any]:
    """Accuracy with 95% intervals per eval set, and per size and chain class on each."""
    from trace_env.report import wilson

    def cell(bits: list[bool]) -> dict[str, Any]:
        k, n = sum(bits), len(bits)
        return {"accuracy": k / n if n else None, "ci95": wilson(k, n), "n": n, "correct": k}

    out: dict[str, Any] = {}
    for name, bits in correct.items():
        rows = labels[name]
        out[name] = {"all": cell(list(bits))}
        for key, classes in (("size", SIZE_CLASSES), ("chain", CHAIN_CLASSES)):
            for c in classes:
                out[name][c] = cell([b for b, lab in zip(bits, rows, strict=True) if lab[key] == c])
    return out


def run(args: argparse.Namespace) -> dict[str, Any]:
    from agents.default_model import build_default_model
    from training import cot
    from training.data import sft_row
    from training.heldout import measure

    spec = spec_for(args.size)
    work = Path(args.workdir)
    train_problems = problems(args.n_train, "train", args.seed, "train")
    evals = {"seen wording": problems(args.n_eval, "heldout", args.seed + 7, "train"),
             "unseen parts": problems(args.n_eval // 2, "heldout", args.seed + 9, "parts")}
    labels = {name: [cuts(p) for p in ps] for name, ps in evals.items()}

    # trace side: the main job's form (pointer traces, generic names, numbered prompt)
    trace_train = [p.with_target("ref", "generic") for p in train_problems]
    trace_rows = [sft_row(e, numbered=True) for e in trace_train]
    base = str(build_default_model(spec))
    from agents.loading import load_model_and_tokenizer

    _, trace_tok = load_model_and_tokenizer(base)
    trace_tokens = args.epochs * dataset_tokens(trace_tok, trace_rows)
    trace = train(base, trace_rows, trace_tokens, work / "trace", args.seed)
    trace_eval = {name: [p.with_target("ref", "generic") for p in ps] for name, ps in evals.items()}
    longest = max(len(trace["tokenizer"](e.target)["input_ids"]) for e in trace_train)
    measured = measure(trace["model"], trace["tokenizer"], trace_eval, numbered=True, max_new_tokens=longest + 32,
                       batch_size=64)
    trace_result = breakdown({k: v["correct"] for k, v in measured.items()}, labels)

    # CoT side: the same problems, the same token budget
    def cot_example(p: Any) -> Any:
        return dataclasses.replace(p, target=cot.program_cot(p.trace, p.question))

    cot_train = [cot_example(p) for p in train_problems]
    cot_eval = {name: [cot_example(p) for p in ps] for name, ps in evals.items()}
    init = cot.build_cot_model(spec, cot_train, work / "cot-init")
    cot_run = train(str(init), [cot.row(e) for e in cot_train], trace["tokens"], work / "cot", args.seed)
    _, clen = cot.token_lengths(cot_run["tokenizer"], cot_train)
    cot_correct, answered, where = {}, {}, {}
    for name, examples in cot_eval.items():
        texts, _ = cot.generate(cot_run["model"], cot_run["tokenizer"], [e.question for e in examples],
                                max_new_tokens=max(clen) + 32)
        cot_correct[name] = [cot.is_correct(t, e.answer) for t, e in zip(texts, examples, strict=True)]
        answered[name] = sum(cot.final_answer(t) is not None for t in texts) / len(texts)
        wrong = [first_divergence(t, e.target) for t, e, ok in zip(texts, examples, cot_correct[name], strict=True)
                 if not ok]
        where[name] = {k: wrong.count(k) for k in sorted(set(wrong))}
    cot_result = breakdown(cot_correct, labels)
    strip = ("model", "tokenizer")
    return {
        "trace": {**{k: v for k, v in trace.items() if k not in strip}, "results": trace_result,
                  "valid": {k: v["rates"]["valid"] for k, v in measured.items()},
                  "outcomes": {k: v["outcomes"] for k, v in measured.items()}},
        "cot": {**{k: v for k, v in cot_run.items() if k not in strip}, "results": cot_result, "answered": answered,
                "first_error": where, "example": cot_train[0].target},
        "n_train": args.n_train, "epochs": args.epochs, "size": args.size,
        "class_counts": {name: {c: sum(lab["size"] == c or lab["chain"] == c for lab in labs)
                                for c in SIZE_CLASSES + CHAIN_CLASSES} for name, labs in labels.items()},
    }


def _pct(cell: dict[str, Any]) -> str:
    if not cell["n"]:
        return "-"
    lo, hi = cell["ci95"]
    return f"{cell['accuracy']:.1%} [{lo:.1%}, {hi:.1%}] ({cell['correct']}/{cell['n']})"


def table(result: dict[str, Any]) -> str:
    lines = ["| held-out problems | cut | trace (solver computes) | CoT (model computes) |", "|---|---|---:|---:|"]
    for name in result["trace"]["results"]:
        for cut in ("all", *SIZE_CLASSES, *CHAIN_CLASSES):
            t, c = result["trace"]["results"][name][cut], result["cot"]["results"][name][cut]
            if t["n"]:
                lines.append(f"| {name} | {cut} | {_pct(t)} | {_pct(c)} |")
    return "\n".join(lines)


def plot(result: dict[str, Any], path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    res = result["trace"]["results"]["seen wording"], result["cot"]["results"]["seen wording"]
    classes = [c for c in SIZE_CLASSES if res[0][c]["n"]]
    fig, ax = plt.subplots(figsize=(6, 3.5))
    width = 0.38
    for k, (label, side) in enumerate((("trace", res[0]), ("CoT", res[1]))):
        xs = [i + (k - 0.5) * width for i in range(len(classes))]
        acc = [side[c]["accuracy"] for c in classes]
        err = [[a - side[c]["ci95"][0] for a, c in zip(acc, classes, strict=True)],
               [side[c]["ci95"][1] - a for a, c in zip(acc, classes, strict=True)]]
        ax.bar(xs, acc, width, yerr=err, capsize=3, label=label)
    ax.set_xticks(range(len(classes)), classes)
    ax.set_ylim(0, 1)
    ax.set_ylabel("accuracy (95% CI)")
    ax.set_title("Trace vs CoT (token-matched), by largest number", fontsize=10)
    ax.legend(loc="center right")
    fig.tight_layout()
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    from training.summary import quiet_progress

    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--size", default=None, choices=sorted(SIZES), help="default: the main job's model")
    p.add_argument("--n_train", type=int, default=6000)
    p.add_argument("--epochs", type=float, default=3.0, help="passes of the trace side (sets the token budget)")
    p.add_argument("--n_eval", type=int, default=1000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--workdir", default="/tmp/gsmtrace-trace-vs-cot-synthetic")
    p.add_argument("--out", default="bench/results/trace_vs_cot_synthetic.json")
    p.add_argument("--md", default="bench/results/trace_vs_cot_synthetic.md")
    p.add_argument("--plot", default="bench/results/trace_vs_cot_synthetic.png")
    args = p.parse_args(argv)
    args.size = args.size or main_job_size()
    quiet_progress()
    started = time.perf_counter()
    result = run(args)
    result.update(machine=machine(), wall_seconds=round(time.perf_counter() - started),
                  command="python bench/trace_vs_cot_synthetic.py " + " ".join(argv if argv is not None else sys.argv[1:]))
    md = table(result) + "\n\nWhere wrong chains of thought first leave the gold one: " + "; ".join(
        f"{name}: " + ", ".join(f"{k} {v}" for k, v in counts.items()) for name, counts in result["cot"]["first_error"].items())
    md += "\n\nTrace outcomes: " + "; ".join(
        f"{name}: " + ", ".join(f"{k} {v}" for k, v in o.items()) for name, o in result["trace"]["outcomes"].items())
    print(md)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    Path(args.md).write_text(md + "\n")
    if args.plot:
        plot(result, args.plot)
    return result


if __name__ == "__main__":
    main()
