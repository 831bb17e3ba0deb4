"""Benchmark: how fast `generators.generate` makes verified problems.

    python bench/bench_generators.py            # 3000 items per preset
    python bench/bench_generators.py -n 1000 --presets default

Reports items per second for each preset and the share of time spent in the solver's
verification (format_trace + grade), measured by timing the same items with it stubbed out.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path
from statistics import median

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere without installing

import generators.core as core  # noqa: E402
from generators import generate  # noqa: E402
from generators.stats import compute_stats  # noqa: E402


def _time(n: int, preset: str, repeats: int) -> float:
    times = []
    for r in range(repeats):
        start = time.perf_counter()
        generate(n, seed=100 + r, preset=preset)
        times.append(time.perf_counter() - start)
    return median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=3000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--presets", nargs="+", default=["default", "hard"])
    args = ap.parse_args()
    rows = []
    for preset in args.presets:
        full = _time(args.n, preset, args.repeats)
        real_verify = core.verify
        core.verify = lambda data, *a: json.dumps(data)  # build only, no solver
        try:
            build = _time(args.n, preset, args.repeats)
        finally:
            core.verify = real_verify
        stats = compute_stats(generate(args.n, seed=100, preset=preset))
        rows.append((preset, full, build, stats))
    print(f"machine: {platform.processor() or platform.machine()}, python {platform.python_version()}")
    for preset, full, build, stats in rows:
        print(f"{preset:>8}: {args.n} items in {full:.2f}s ({args.n / full:,.0f}/s); "
              f"verification {100 * (full - build) / full:.0f}% of the time; "
              f"trace chars mean {stats['trace_chars']['mean']} max {stats['trace_chars']['max']}; "
              f"steps mean {stats['steps']['mean']} max {stats['steps']['max']}")


if __name__ == "__main__":
    main()
