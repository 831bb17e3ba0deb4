"""Reward throughput: full grading vs a bare libyaml parse of the same texts, on one core.

Builds a fixed, seeded corpus of model-like outputs (valid canonical traces, wrong wiring, fenced
and prose-wrapped traces, block-style YAML, invalid traces of every kind, and garbage), then
times in the same run:

* ``yaml.load(text, Loader=yaml.CSafeLoader)`` on every text (the baseline the issue names);
* ``solver.grade(text, answer, expert, question, gold=gold_trace)`` on every text (the real
  reward: the trace checked as a program on variants of the question);
* the same grading without the gold trace (on the answer alone, with the dependence check);
* the same grading with the canonical fast path switched off (general loader only);
* the same grading with the pure-Python YAML parser as the fallback (a candidate parser);
* grading without the question (no grounding).

It also checks that the fast path and the general loader give identical outcomes on the whole
corpus, and times the crafted worst-case outputs of ``bench/worst_case_outputs.py`` (50,000
characters each, aimed at the slow paths of extraction and loading; goal: under 50 ms each).
Usage:

    python bench/reward_throughput.py            # 10,000 outputs, best of 3
    python bench/reward_throughput.py --n 2000 --repeats 1
    python bench/reward_throughput.py --heavy  # torch, transformers and trl imported first, as in training
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from worst_case_outputs import worst_case_outputs  # noqa: E402

import solver  # noqa: E402
import solver.extract as extract  # noqa: E402

_GRADE = sys.modules["solver.grade"]  # the module (`solver.grade` is the function)
import solver.yaml_load as yaml_load  # noqa: E402
from solver import (  # noqa: E402
    format_trace,
    grade,
    memo,
)

NAMES = ["Tom", "Mia", "Ravi", "Lena", "Omar", "Sara", "Ken", "Ada"]
Row = tuple[str, str, str, str, str]  # text, answer, expert, question, gold trace


def _problem(rng: random.Random) -> tuple[str, str, dict | list, int]:
    """A question, its expert label, the gold trace data and the gold answer."""
    kind = rng.randrange(5)
    name = rng.choice(NAMES)
    if kind == 0:
        a, b, d = rng.randint(20, 90), rng.randint(2, 19), rng.randint(2, 9)
        q = f"A baker makes {a} muffins a day and sells {b} of them. How many muffins are left after {d} days?"
        steps = [{"op": "init", "var": "made", "value": a}, {"op": "init", "var": "sold", "value": b},
                 {"op": "compute", "compute_op": "sub", "args": ["made", "sold"], "var": "left"},
                 {"op": "init", "var": "days", "value": d},
                 {"op": "compute", "compute_op": "mul", "args": ["left", "days"], "var": "total"},
                 {"op": "query", "var": "total"}]
        return q, "arithmetic", {"expert": "arithmetic", "trace": steps}, (a - b) * d
    if kind == 1:
        a, b, c = rng.randint(30, 99), rng.randint(2, 9), rng.randint(2, 9)
        q = f"{name} has {a} marbles. {name} gives {b} to Ann and loses {c}. How many marbles does {name} have now?"
        who = name.lower()
        steps = [{"op": "init", "var": who, "value": a}, {"op": "transfer", "from": who, "to": "ann", "amount": b},
                 {"op": "consume", "var": who, "amount": c}, {"op": "query", "var": who}]
        return q, "entity_track", {"expert": "entity_track", "trace": steps}, a - b - c
    if kind == 2:
        p, r = rng.choice([40, 80, 120, 200, 1000, 12500]), rng.choice([10, 20, 25, 50])
        q = f"A ${p:,} jacket is {r}% off. How much does it cost now?"
        steps = [{"op": "init", "var": "price", "value": p}, {"op": "init", "var": "rate", "value": r},
                 {"op": "percent_off", "base": "price", "rate": "rate", "var": "sale"}, {"op": "query", "var": "sale"}]
        return q, "percentage", {"expert": "percentage", "trace": steps}, p * (100 - r) // 100
    if kind == 3:
        a, h = rng.randint(12, 99), rng.randint(2, 12)
        q = f"A machine fills {a} bottles an hour. How many bottles does it fill in {h} hours?"
        steps = [{"op": "init", "var": "rate", "value": a}, {"op": "init", "var": "hours", "value": h},
                 {"op": "compute", "compute_op": "mul", "args": ["rate", "hours"], "var": "bottles"},
                 {"op": "query", "var": "bottles"}]
        return q, "rate_equation", {"expert": "rate_equation", "trace": steps}, a * h
    p, r, n = rng.choice([40, 80, 120]), rng.choice([25, 50]), rng.randint(2, 4)
    m = p * n + rng.choice([10, 20, 50])
    q = f"A jacket costs ${p} and is {r}% off. {name} buys {n} jackets and pays with ${m}. How much change is left?"
    data = [
        {"expert": "percentage", "trace": [
            {"op": "init", "var": "price", "value": p},
            {"op": "percent_off", "base": "price", "rate": r, "var": "sale"}, {"op": "query", "var": "sale"}]},
        {"expert": "arithmetic", "trace": [
            {"op": "init", "var": "each", "source": "prev.result"}, {"op": "init", "var": "count", "value": n},
            {"op": "compute", "compute_op": "mul", "args": ["each", "count"], "var": "cost"},
            {"op": "init", "var": "paid", "value": m},
            {"op": "compute", "compute_op": "sub", "args": ["paid", "cost"], "var": "change"},
            {"op": "query", "var": "change"}]},
    ]
    return q, "composition", data, m - p * (100 - r) // 100 * n


def _block_style(text: str) -> str:
    """Rewrite a canonical single trace in block style (still the same YAML)."""
    data = yaml.load(text, Loader=yaml.CBaseLoader)
    return yaml.dump(data, Dumper=yaml.CSafeDumper, default_flow_style=False, sort_keys=False)


def _garbage(rng: random.Random, canonical: str) -> str:
    kind = rng.randrange(4)
    if kind == 0:
        return rng.choice(["The answer is 42.", "I think we need to multiply the numbers first, then subtract.",
                           "Let's solve step by step. First, 48 - 30 = 18. Then 18 * 5 = 90. Answer: 90"])
    if kind == 1:
        alphabet = "abcdefghij {}[]:-,\n0123456789$%'\"#"
        return "".join(rng.choice(alphabet) for _ in range(rng.randint(20, 300)))
    if kind == 2:
        return canonical[: rng.randint(5, max(6, len(canonical) - 5))]  # truncated generation
    return '```python\ndef solve():\n    return 48 - 30\n```\n{"answer": 18}'


def _invalid(rng: random.Random, data: dict | list) -> str:
    text = format_trace(data)
    kind = rng.randrange(5)
    if kind == 0:
        return text.replace("value: ", "value: 7777", 1)  # ungrounded value
    if kind == 1:
        return text.replace("{op: query, var: ", "{op: query, var: missing_", 1)  # undefined variable
    if kind == 2:
        lines = text.split("\n")
        first_var = lines[2].split("var: ")[1].split(",")[0]
        return "\n".join([*lines[:-1], lines[-1].rsplit("var: ", 1)[0] + f"var: {first_var}}}"])  # short-circuit
    if kind == 3:
        return text.replace("op: init", "op: initialize", 1)  # schema error
    return text.replace("args: [", "args: [ghost, ", 1) if "args" in text else text.replace("value", "valu", 1)


def build_corpus(n: int, seed: int = 0) -> list[Row]:
    rng = random.Random(seed)
    rows: list[Row] = []
    while len(rows) < n:
        question, expert, data, answer = _problem(rng)
        canonical = format_trace(data)
        for _ in range(8):  # a GRPO group: several completions per question
            roll = rng.random()
            if roll < 0.35:
                text = canonical
            elif roll < 0.45:
                text = canonical.replace("compute_op: sub", "compute_op: add").replace("from: ", "from: ")
                text = text if text != canonical else canonical.replace("value: ", "value: 1", 1)
            elif roll < 0.55:
                text = f"Here is the trace.\n\n```yaml\n{canonical}\n```\n\nThe answer is {answer}."
            elif roll < 0.60:
                text = f"Let me structure it:\n{canonical}\nDone."
            elif roll < 0.65:
                text = _block_style(canonical) if isinstance(data, dict) else canonical.replace("\n  - ", "\n    - ")
            elif roll < 0.70:
                text = canonical.replace(f"expert: {expert}", "expert: arithmetic" if expert != "arithmetic" else "expert: comparison")
            elif roll < 0.85:
                text = _invalid(rng, data)
            else:
                text = _garbage(rng, canonical)
            rows.append((text, str(answer), expert, question, canonical))
    return rows[:n]


def _clear_caches() -> None:
    memo.forget()


def _time(fn: Callable[[], object]) -> float:
    """CPU seconds of one run (process time: robust to other processes sharing the core)."""
    _clear_caches()
    start = time.process_time()
    fn()
    return time.process_time() - start


def _best_times(variants: dict[str, Callable[[], object]], repeats: int) -> dict[str, float]:
    """Best of `repeats` for each variant, interleaved so drifts in machine load hit all alike."""
    best = dict.fromkeys(variants, float("inf"))
    for _ in range(repeats):
        for name, fn in variants.items():
            best[name] = min(best[name], _time(fn))
    return best


def bare_parse(texts: list[str]) -> None:
    for text in texts:
        try:  # noqa: SIM105 - a bare try is cheaper than contextlib.suppress: keep the baseline lean
            yaml.load(text, Loader=yaml.CSafeLoader)
        except yaml.YAMLError:
            pass


def grade_all(rows: list[Row], with_question: bool = True, with_gold: bool = True) -> list[solver.Outcome]:
    if with_question and with_gold:
        return [grade(t, a, e, q, gold=g) for t, a, e, q, g in rows]
    if with_question:
        return [grade(t, a, e, q) for t, a, e, q, _ in rows]
    return [grade(t, a, e) for t, a, e, _, _ in rows]


class _NoFastPath:
    def __enter__(self) -> None:
        self.saved = extract.fast_load
        extract.fast_load = lambda _block: None

    def __exit__(self, *_exc: object) -> None:
        extract.fast_load = self.saved


class _NothingRemembered:
    """Every output graded afresh: no remembered outcome of a repeated completion."""

    def __enter__(self) -> None:
        self._saved = _GRADE.REMEMBERED_CHARS
        _GRADE.REMEMBERED_CHARS = -1

    def __exit__(self, *_exc: object) -> None:
        _GRADE.REMEMBERED_CHARS = self._saved


def _graded_afresh(rows: list[Row]) -> list[solver.Outcome]:
    with _NothingRemembered():
        return grade_all(rows)


def _graded_without_fast_path(rows: list[Row]) -> list[solver.Outcome]:
    with _NoFastPath():
        return grade_all(rows)


def _verdict(o: solver.Outcome) -> tuple:
    return o.reward, o.category, o.answer, o.step, o.subtrace, o.expert


def _graded_with_python_yaml(rows: list[Row]) -> list[solver.Outcome]:
    """Candidate: the pure-Python yaml.BaseLoader as the general fallback instead of libyaml's."""
    saved = yaml_load.LOADER
    yaml_load.LOADER = yaml.BaseLoader
    try:
        return grade_all(rows)
    finally:
        yaml_load.LOADER = saved


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--heavy", action="store_true",
                        help="import torch, transformers and trl first (a training process: more for the GC to walk)")
    args = parser.parse_args(argv)
    if args.heavy:
        import torch  # noqa: F401
        import transformers  # noqa: F401
        import trl  # noqa: F401

    if hasattr(os, "sched_setaffinity"):  # one core, as the issue asks
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    rows = build_corpus(args.n, args.seed)
    texts = [r[0] for r in rows]

    fast = grade_all(rows)
    general = _graded_without_fast_path(rows)
    python_yaml = _graded_with_python_yaml(rows)
    mismatches = sum(a != b for a, b in zip(fast, general, strict=True))
    # the pure-Python parser words YAML syntax errors differently: compare everything else
    mismatches += sum(_verdict(a) != _verdict(b) for a, b in zip(fast, python_yaml, strict=True))
    categories = Counter(o.category for o in fast)

    times = _best_times({
        "bare CSafeLoader parse": lambda: bare_parse(texts),
        "grade (fast path + general fallback)": lambda: grade_all(rows),
        "grade on the answer alone (no gold trace)": lambda: grade_all(rows, with_gold=False),
        "grade, every output afresh (no repeat remembered)": lambda: _graded_afresh(rows),
        "grade (general loader only)": lambda: _graded_without_fast_path(rows),
        "grade (fast path + pure-Python YAML fallback)": lambda: _graded_with_python_yaml(rows),
        "grade without question (no grounding)": lambda: grade_all(rows, with_question=False),
    }, args.repeats)

    worst = _worst_case_times(args.repeats)
    n = len(rows)
    result = {
        "date": date.today().isoformat(),
        "machine": f"{platform.processor() or platform.machine()}, {platform.system()} {platform.release()}",
        "cpu": _cpu_name(),
        "python": platform.python_version(),
        "pyyaml": yaml.__version__,
        "libyaml": yaml.__with_libyaml__,
        "n": n,
        "heavy_process": args.heavy,
        "program_checked": sum(o.program_checked for o in fast if hasattr(o, "program_checked")),
        "categories": dict(sorted(categories.items())),
        "fast_vs_general_mismatches": mismatches,
        "timer": f"process_time, best of {args.repeats} interleaved runs",
        "per_second": {name: n / t for name, t in times.items()},
        "grade_over_bare": times["bare CSafeLoader parse"] / times["grade (fast path + general fallback)"],
        "worst_case_ms": worst,
    }
    print(f"corpus: {n} outputs, seed {args.seed}; categories {result['categories']}")
    print(f"fast path vs general loader (libyaml and pure Python): {mismatches} differing outcomes")
    print(f"{'variant':45s} {'outputs/s':>12s} {'vs bare':>8s}")
    for name, rate in result["per_second"].items():
        print(f"{name:45s} {rate:12,.0f} {rate / result['per_second']['bare CSafeLoader parse']:7.2f}x")
    print(f"\n{'crafted worst case (50,000 characters)':45s} {'ms':>12s}")
    for name, ms in worst.items():
        print(f"{name:45s} {ms:12.2f}")
    print(f"{'slowest':45s} {max(worst.values()):12.2f}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    if mismatches:
        raise SystemExit("fast path and general loader disagree")
    return result


_BAKERY_GOLD = ("expert: arithmetic\ntrace:\n- {op: init, var: made, value: 48}\n- {op: init, var: sold, value: 30}\n"
                "- {op: compute, compute_op: sub, args: [made, sold], var: left}\n- {op: init, var: days, value: 5}\n"
                "- {op: compute, compute_op: mul, args: [left, days], var: total}\n- {op: query, var: total}")


def _worst_case_times(repeats: int) -> dict[str, float]:
    """Milliseconds (process time, best of `repeats`) to grade each crafted worst-case output."""
    question = "A baker makes 48 muffins a day and sells 30 of them. How many muffins are left after 5 days?"
    out: dict[str, float] = {}
    for name, text in worst_case_outputs().items():
        best = float("inf")
        for _ in range(repeats):
            _clear_caches()
            start = time.process_time()
            grade(text, 90, "arithmetic", question, gold=_BAKERY_GOLD)
            best = min(best, time.process_time() - start)
        out[name] = best * 1000
    return out


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


if __name__ == "__main__":
    main()
