"""Values or pointers: which trace form does the embedded default model learn faster?

    python bench/trace_form.py                       # 600 SFT steps per variant, 200 held-out problems
    python bench/trace_form.py --steps 900 --variants ref:generic,value:generic,value:gold

Each variant is a `train_sft.py` run from the same freshly built default model, on the same
problems, seed, batch size and learning rate; only how the targets write question numbers
(`ref: N` pointers into the numbered quantities, or the value itself) and how variables are
named (generic q1, q2, ... or the generator's grounded names) changes. Held-out accuracy is the
environment's graded accuracy (greedy decoding, solver reward 1.0) on problems never trained
on, with Wilson 95% intervals. Results print as a Markdown table and go to --out as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # as the training scripts do
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--variants", default="ref:generic,value:generic",
                   help="comma-separated trace_form:var_names pairs")
    p.add_argument("--steps", type=int, default=600, help="SFT optimizer steps per variant")
    p.add_argument("--n-eval", type=int, default=200, help="held-out problems per split")
    p.add_argument("--splits", default="synthetic", help="held-out splits (train_sft --eval_splits)")
    p.add_argument("--workdir", default="/tmp/gsmtrace-bench-trace-form")
    p.add_argument("--out", default=None, help="write the result JSON here")
    return p.parse_args(argv)


def run_variant(form: str, names: str, args: argparse.Namespace) -> dict:
    import train_sft

    out = Path(args.workdir) / f"{form}-{names}"
    report = train_sft.main([
        "--output_dir", str(out), "--resume", "false", "--trace_form", form, "--var_names", names,
        "--max_steps", str(args.steps), "--n_train", str(args.steps * 16), "--n_eval", str(args.n_eval),
        "--eval_splits", args.splits, "--save_strategy", "no",
    ])
    heldout = report["heldout_after"]
    return {
        "trace_form": form, "var_names": names, "steps": report["global_step"],
        "train_seconds": report["train_seconds"],
        "accuracy": {s: heldout[s]["accuracy"] for s in heldout},
        "ci95": {s: heldout[s].get("ci95") for s in heldout},
    }


def main(argv: list[str] | None = None) -> dict:
    args = parse_args(argv)
    rows = [run_variant(*v.split(":"), args) for v in args.variants.split(",")]
    result = {"steps": args.steps, "n_eval": args.n_eval, "rows": rows, "load_average": os.getloadavg(),
              "date": time.strftime("%Y-%m-%d %H:%M")}
    print("| trace form | variable names | SFT steps | train s | " + " | ".join(rows[0]["accuracy"]) + " |")
    print("|---|---|---|---|" + "---|" * len(rows[0]["accuracy"]))
    for r in rows:
        cells = [f"{100 * a:.1f}% ({100 * r['ci95'][s][0]:.1f}-{100 * r['ci95'][s][1]:.1f})"
                 if r["ci95"][s] else f"{100 * a:.1f}%" for s, a in r["accuracy"].items()]
        print(f"| {r['trace_form']} | {r['var_names']} | {r['steps']} | {r['train_seconds']} | " + " | ".join(cells) + " |")
    if args.out:
        Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    return result


if __name__ == "__main__":
    main()
