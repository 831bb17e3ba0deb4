"""GSM8K dev accuracy against training compute: three model sizes, two budgets, trace and CoT.

    python bench/accuracy_curve.py --gsm8k_path ../shared/gsm8k/train.jsonl
    python bench/accuracy_curve.py --gsm8k_path FILE --budgets 90,300 --sizes small,medium,large
    python bench/accuracy_curve.py --plot_only          # redraw the PNG and table from the JSON

Every point is one `bench/trace_vs_cot.py` run (`run_trace` / `run_cot`): the same architecture
per size for both forms. The trace run trains for the point's wall-clock budget (a cosine
schedule over elapsed time); the CoT run then trains on as many input tokens as that trace run
did (a cosine schedule over tokens), so the pair has the same compute, 6 * parameters * tokens,
however loaded the machine was. Both are graded on the fixed 473-problem GSM8K dev split (trace
runs also on 200 synthetic held-out problems). Results go to the JSON after every run (a rerun
skips the points it already has), then to a PNG and a Markdown table; --merge draws several
JSON files (runs split across processes) as one.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # as the training scripts do
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import trace_vs_cot  # noqa: E402  (the bench directory is on the path above)

COLORS = {"trace": "tab:blue", "cot": "tab:orange"}
MARKERS = {"small": "o", "medium": "s", "large": "^"}


def key(run: dict[str, Any]) -> str:
    return f"{run['form']}/{run['size']}/{run.get('point_s') or run['budget_s']:g}"


def plan(sizes: list[str], budgets: list[float], forms: list[str]) -> list[tuple[str, str, float]]:
    """The runs in the order they are made: the largest budget of the main job's size first (the
    trace-vs-CoT point), then the small budgets, then the large ones."""
    main = trace_vs_cot.main_job_size()
    order = [(f, s, b) for b in sorted(budgets, reverse=True)[:1] for s in sizes if s == main for f in forms]
    order += [(f, s, b) for b in sorted(budgets) for s in sizes for f in forms]
    seen: set[tuple[str, str, float]] = set()
    return [r for r in order if not (r in seen or seen.add(r))]


def plot(runs: list[dict[str, Any]], path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    for ax, split in zip(axes, ("dev", "synthetic"), strict=True):
        for form in ("trace", "cot"):
            for size, marker in MARKERS.items():
                pts = sorted((r for r in runs if r["form"] == form and r["size"] == size and r.get(split)),
                             key=lambda r: r["flops"])
                if not pts:
                    continue
                x = [r["flops"] for r in pts]
                y = [100 * r[split]["accuracy"] for r in pts]
                err = [[100 * (r[split]["accuracy"] - r[split]["ci95"][0]) for r in pts],
                       [100 * (r[split]["ci95"][1] - r[split]["accuracy"]) for r in pts]]
                label = f"{form}, {size} ({pts[0]['parameters'] / 1e6:.2f}M)"
                ax.errorbar(x, y, yerr=err, color=COLORS[form], marker=marker, capsize=3, label=label)
        ax.set_xscale("log")
        ax.set_xlabel("training compute, FLOPs (6 x parameters x tokens)")
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("accuracy, % (95% Wilson interval)")
    axes[0].set_title("GSM8K dev split (473 problems)")
    axes[1].set_title("synthetic held-out (trace only, 200 problems)")
    axes[0].legend(fontsize=7)
    fig.suptitle("Accuracy against training compute (CPU, 2 cores)")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path


def write_outputs(result: dict[str, Any], out: Path, png: Path, md: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    runs = sorted(result["runs"], key=lambda r: (r["parameters"], r.get("point_s") or r["budget_s"], r["form"] != "trace"))
    if runs:
        plot(runs, png)
        md.write_text(trace_vs_cot.table(runs) + "\n")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--gsm8k_path", default="hf:openai/gsm8k", help="GSM8K train, official JSONL layout")
    p.add_argument("--sizes", default="small,medium,large", help=f"from {sorted(trace_vs_cot.SIZES)}")
    p.add_argument("--budgets", default="90,300", help="training seconds per run, comma-separated")
    p.add_argument("--forms", default="trace,cot")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--workdir", default="/tmp/gsmtrace-accuracy-curve")
    p.add_argument("--out", default="bench/results/accuracy_curve.json")
    p.add_argument("--png", default="bench/results/accuracy_curve.png")
    p.add_argument("--md", default="bench/results/accuracy_curve.md")
    p.add_argument("--plot_only", action="store_true", help="redraw from --out without training")
    p.add_argument("--merge", default="", help="with --plot_only: comma-separated JSON files drawn together")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = parse_args(argv)
    out, png, md = Path(args.out), Path(args.png), Path(args.md)
    result: dict[str, Any] = json.loads(out.read_text()) if out.is_file() else {"runs": []}
    if args.plot_only:
        for extra in filter(None, args.merge.split(",")):
            have = {key(r) for r in result["runs"]}
            result["runs"] += [r for r in json.loads(Path(extra).read_text())["runs"] if key(r) not in have]
        write_outputs(result, out, png, md)
        return result
    from training.summary import quiet_progress

    quiet_progress()
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    forms = [f.strip() for f in args.forms.split(",") if f.strip()]
    budgets = [float(b) for b in args.budgets.split(",") if b.strip()]
    for size in sizes:
        trace_vs_cot.spec_for(size)  # an unknown size fails before any training
    if not set(forms) <= {"trace", "cot"}:
        raise SystemExit(f"--forms takes 'trace' and/or 'cot', got {args.forms!r}")
    work = Path(args.workdir)
    gsm8k = trace_vs_cot.resolve_path(args.gsm8k_path, work)
    result.setdefault("command", "python bench/accuracy_curve.py " + " ".join(argv if argv is not None else sys.argv[1:]))
    done = {key(r) for r in result["runs"]}
    for form, size, budget in plan(sizes, budgets, forms):
        name = f"{form}/{size}/{budget:g}"
        if name in done:
            continue
        started = time.perf_counter()
        where = work / name.replace("/", "-")
        if form == "trace":
            run = trace_vs_cot.run_trace(size, gsm8k, budget, where, seed=args.seed)
        else:
            partner = next((r for r in result["runs"] if key(r) == f"trace/{size}/{budget:g}"), None)
            matched = {"budget_tokens": partner["tokens"]} if partner else {"budget_s": budget}
            run = trace_vs_cot.run_cot(size, gsm8k, where, seed=args.seed, **matched)
            run["point_s"] = budget
        run["wall_seconds"] = round(time.perf_counter() - started, 1)
        run["machine"] = trace_vs_cot.machine()
        result["runs"].append(run)
        write_outputs(result, out, png, md)
        print(f"[curve] {name}: dev {run['dev']['accuracy']:.1%}, {run['tokens']:,} tokens, "
              f"{run['wall_seconds']:.0f} s in all", flush=True)
    return result


if __name__ == "__main__":
    main()
