"""RL recipes from one SFT model, on the same held-out problems: what each turns into greedy accuracy.

    python bench/rl_recipes.py --sft /tmp/mainjob/sft/final --out /tmp/rl_recipes \\
        --recipe default= --recipe lr1e-4="--learning_rate 1e-4" ...

Every recipe is a `train_grpo.py --sft_checkpoint SFT` run with the recipe's flags, into
OUT/NAME, measured greedily on the same `--n_eval` problems per split (the start model is
measured once, in the first run, and its measurement is copied into the others, so every row is
paired against the same figures). Each row records the reward signal the trainer saw
(`reward_signal`: parse / valid / correct rates, zero-variance groups, reward mean and std), the
accuracy after RL with its 95% interval, and the paired fixed / broken counts per split. The
table goes to OUT/recipes.md and the figures to OUT/recipes.json.
"""

from __future__ import annotations

import argparse
import json
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

from record import machine_state

ROOT = Path(__file__).resolve().parent.parent


def run_recipe(name: str, flags: str, args: argparse.Namespace, before: Path | None) -> dict:
    out = Path(args.out) / name
    if before is not None and not (out / "heldout_before.json").exists():
        out.mkdir(parents=True, exist_ok=True)
        shutil.copy(before, out / "heldout_before.json")  # the start model's measurement, shared by every row
    command = [sys.executable, str(ROOT / "train_grpo.py"), "--sft_checkpoint", args.sft, "--output_dir", str(out),
               "--n_eval", str(args.n_eval), "--eval_splits", args.splits, "--gsm8k_path", args.gsm8k_path,
               *shlex.split(args.common), *shlex.split(flags)]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    (out / "log.txt").parent.mkdir(parents=True, exist_ok=True)
    (out / "log.txt").write_text(done.stdout + done.stderr)
    row = {"recipe": name, "flags": flags, "seconds": round(time.perf_counter() - started, 1), "rc": done.returncode}
    if done.returncode != 0:
        row["error"] = (done.stderr.strip().splitlines() or ["?"])[-1]
        return row
    summary = json.loads((out / "summary.json").read_text())
    row.update({
        "rl_seconds": summary["rl_seconds"], "completions": summary["completions"],
        "signal": {k: v for k, v in (summary.get("reward_signal") or {}).items() if k != "samples"},
        "before": summary["accuracy_before_rl"], "after": summary["accuracy_after_rl"],
        "ci95_after": {k: v["ci95"] for k, v in summary["heldout_after_rl"].items()},
        "flips": summary["rl_flips"],
        "pass_at_4_before": {k: v.get("sampling", {}).get("pass_at", {}).get("4")
                             for k, v in summary["heldout_before_rl"].items()},
    })
    return row


def table(rows: list[dict]) -> str:
    splits = next((list(r["after"]) for r in rows if "after" in r), [])
    head = ["recipe", "completions", "RL s", "parse / valid / correct", "zero-var groups", "reward mean (std)"] + splits
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        if "after" not in r:
            lines.append(f"| {r['recipe']} (`{r['flags']}`) | failed: {r.get('error', '')} |")
            continue
        s = r["signal"]
        cells = [f"{r['recipe']} (`{r['flags'] or 'defaults'}`)", str(r["completions"]), str(r["rl_seconds"]),
                 f"{s['parse_rate']:.2f} / {s['valid_rate']:.2f} / {s['correct_rate']:.2f}",
                 f"{s['zero_variance_groups']:.2f}", f"{s['reward_mean']:.3f} ({s['reward_std']:.3f})"]
        for split in splits:
            f = r["flips"][split]
            cells.append(f"{100 * r['after'][split]:.1f}% ({f['fixed']} / {f['broken']})")
        lines.append("| " + " | ".join(cells) + " |")
    first = next((r for r in rows if "before" in r), None)
    if first:
        lines.append("")
        lines.append("Start model: " + ", ".join(f"{k} {100 * v:.1f}%" for k, v in first["before"].items())
                     + "; pass@4 on the first 100: " + ", ".join(
                         f"{k} {100 * v:.0f}%" for k, v in first["pass_at_4_before"].items() if v is not None))
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sft", required=True, help="the SFT model every recipe starts from")
    parser.add_argument("--out", required=True)
    parser.add_argument("--recipe", action="append", required=True, help="NAME=FLAGS (FLAGS may be empty)")
    parser.add_argument("--n_eval", type=int, default=1000)
    parser.add_argument("--splits", default="synthetic,unseen_combinations,unseen_parts,unseen_patterns,hard")
    parser.add_argument("--gsm8k_path", default="none", help="a GSM8K JSONL adds its dev split to the splits")
    parser.add_argument("--common", default="", help="flags every recipe gets")
    args = parser.parse_args()
    Path(args.out).mkdir(parents=True, exist_ok=True)
    results = Path(args.out) / "recipes.json"
    rows = json.loads(results.read_text())["rows"] if results.exists() else []
    done = {r["recipe"] for r in rows if r.get("rc") == 0}
    for spec in args.recipe:
        name, _, flags = spec.partition("=")
        if name in done:
            continue
        before = next((Path(args.out) / r["recipe"] / "heldout_before.json" for r in rows if r.get("rc") == 0), None)
        row = run_recipe(name, flags, args, before)
        rows = [r for r in rows if r["recipe"] != name] + [row]
        results.write_text(json.dumps({"sft": args.sft, "n_eval": args.n_eval, "splits": args.splits,
                                       "common": args.common, "machine": machine_state(), "rows": rows}, indent=1))
        (Path(args.out) / "recipes.md").write_text(table(rows))
        print(json.dumps({k: row.get(k) for k in ("recipe", "rc", "seconds", "signal", "flips", "error")}), flush=True)


if __name__ == "__main__":
    main()
