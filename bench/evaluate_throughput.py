"""Outputs graded per second by `trace_env.evaluate.evaluate`, single turn (its default).

    python bench/evaluate_throughput.py --n 2000 [--tree PATH]

A policy that answers every problem from a table: the gold trace for half, a trace with one
operation changed (runs, a wrong answer) for a quarter, and prose (no trace) for the rest. The
figure is process CPU time of `evaluate` alone (problem generation and imports excluded), best
of `--repeats`, with the solver's memory cleared before each repeat. `--tree` runs the same
measurement on another checkout (e.g. a `git worktree` of an older commit), so two trees can be
compared as a ratio on one machine in one sitting.
"""

from __future__ import annotations

import argparse
import inspect
import json
import sys
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--tree", type=Path, default=Path(__file__).resolve().parent.parent)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(args.tree.resolve()))
    import generators
    from trace_env.evaluate import evaluate

    problems = generators.generate(args.n, seed=args.seed)
    table = {}
    for k, p in enumerate(problems):
        if k % 4 in (0, 1):
            table[p.question] = p.trace
        elif k % 4 == 2:
            table[p.question] = p.trace.replace("compute_op: add", "compute_op: mul").replace("compute_op: sub", "compute_op: add")
        else:
            table[p.question] = "I think the answer is 12."

    def policy(observations: list[str]) -> list[str]:
        return [table[o] for o in observations]

    def forget() -> None:  # the solver's caches, whichever tree this is
        for module in list(sys.modules.values()):
            if getattr(module, "__name__", "").startswith("solver."):
                for value in vars(module).values():
                    if callable(getattr(value, "cache_clear", None)):
                        value.cache_clear()

    best = float("inf")
    for _ in range(args.repeats):
        forget()
        start = time.process_time()
        report = evaluate(policy, problems, batch_size=64, progress=False)
        best = min(best, time.process_time() - start)
    result = {"tree": str(args.tree), "n": args.n, "cpu_s": round(best, 3), "outputs_per_s": round(args.n / best, 1),
              "accuracy": report["accuracy"], "episode_argument": "episode" in inspect.signature(evaluate).parameters}
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
