"""CLI: python -m generators {sample,stats,export,check-lengths,patterns,wording} ...

Examples:
    python -m generators sample -n 5 --preset hard
    python -m generators stats -n 3000 --tokenizer path/to/tokenizer.json
    python -m generators export -n 10000 --seed 1 --out data/train.jsonl
    python -m generators export --format verl -n 10000 --n-test 500 --out data/verl
    python -m generators export --format trl -n 10000 --n-test 500 --out data/trl
    python -m generators check-lengths -n 3000 --tokenizer path/to/tokenizer --max-length 256
    python -m generators patterns
    python -m generators wording --patterns arithmetic
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from .config import PRESETS
from .core import GenerationError, generate
from .export import export_trl, export_verl, to_jsonl
from .lengths import TruncationError, check_trace_lengths
from .names import ConfigError
from .prompts import DEFAULT_NUMBERED
from .registry import PATTERNS
from .stats import compute_stats, format_stats


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("-n", type=int, default=10, help="number of problems")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--start", type=int, default=0, help="index of the first problem")
    p.add_argument("--preset", choices=sorted(PRESETS), default=None)
    p.add_argument("--set", action="append", default=[], metavar="KEY=JSON",
                   help="override a config field, e.g. --set distractors=0.5 --set 'patterns=[\"pct_of\"]'")


def _overrides(pairs: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep:
            raise ConfigError(f"--set needs KEY=VALUE, got {pair!r}")
        try:
            out[key.strip()] = json.loads(raw)
        except json.JSONDecodeError:
            out[key.strip()] = raw
    return out


def _problems(args: argparse.Namespace):
    return generate(args.n, args.seed, start=args.start, preset=args.preset, **_overrides(args.set))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generators", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("sample", help="print problems with their gold traces")
    _common(p)
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    p = sub.add_parser("stats", help="pattern mix, trace lengths, answer ranges")
    _common(p)
    p.add_argument("--tokenizer", help="tokenizer.json file or local tokenizer folder (for token counts)")
    p.add_argument("--json", action="store_true")
    p = sub.add_parser("export", help="write problems to JSONL, or train/test files for verl or TRL")
    _common(p)
    p.add_argument("--out", required=True, help="the JSONL file; with --format verl or trl, the folder")
    p.add_argument("--format", choices=("jsonl", "verl", "trl"), default="jsonl",
                   help="jsonl: every problem field; verl: OUT/train.parquet (-n problems of the generator's "
                        "train namespace) and OUT/test.parquet (--n-test problems of its heldout namespace) in "
                        "verl's RL dataset layout, with the project's chat prompt; trl: the same problems as "
                        "OUT/train.jsonl and OUT/test.jsonl with a conversational 'prompt' column (the project's "
                        "chat prompt) and the columns trace_env.rewards.trace_reward reads (question, answer, "
                        "expert, trace), for `trl grpo --dataset_name OUT`")
    p.add_argument("--n-test", type=int, default=None,
                   help="verl, trl: test problems (default: n/10, at least 1)")
    p.add_argument("--test-preset", choices=sorted(PRESETS), default=None,
                   help="verl, trl: preset of the test problems (default: --preset)")
    p.add_argument("--numbered", action=argparse.BooleanOptionalAction, default=None,
                   help="verl, trl: list the question's numbered quantities in the prompt (default: on, "
                        "generators.prompts.DEFAULT_NUMBERED, as models trained with the main job's default "
                        "--trace_form ref expect; --no-numbered for a model whose gsmtrace.json says false)")
    p = sub.add_parser("check-lengths", help="fail if any gold trace exceeds --max-length tokens")
    _common(p)
    p.add_argument("--tokenizer", required=True)
    p.add_argument("--max-length", type=int, required=True)
    sub.add_parser("patterns", help="list the registered patterns")
    p = sub.add_parser("wording", help="surface forms per pattern, and a solver check of every wording family")
    p.add_argument("--patterns", nargs="*", default=None, help="pattern names or module names (default: all)")
    p.add_argument("-n", type=int, default=40, help="problems generated per pattern and family")
    p.add_argument("--samples", type=int, default=4000, help="wordings drawn per pattern to count distinct ones")
    p.add_argument("--min-forms", type=int, default=1000, help="fail below this many distinct training wordings")
    args = parser.parse_args(argv)
    try:
        return _run(args)
    except (ConfigError, GenerationError, FileNotFoundError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1 if not isinstance(err, TruncationError) else 2


def _run(args: argparse.Namespace) -> int:
    if args.cmd == "patterns":
        for spec in PATTERNS.values():
            print(f"{spec.name:<28} {spec.expert:<14} {spec.family:<24} phrasings={len(spec.phrasings)}  {spec.summary}")
        print(f"{len(PATTERNS)} patterns")
        return 0
    if args.cmd == "wording":
        from .wording_report import report

        return report(args.patterns, args.n, args.samples, args.min_forms)
    if args.cmd == "export" and args.format in ("verl", "trl"):
        return _export_split(args)
    if args.cmd == "export" and (args.n_test is not None or args.test_preset or args.numbered is not None):
        raise ValueError("--n-test, --test-preset and --numbered apply to --format trl and --format verl only")
    problems = _problems(args)
    if args.cmd == "sample":
        for prob in problems:
            if args.json:
                print(json.dumps(prob.to_dict()))
            else:
                print(f"# {prob.id}  [{prob.pattern} / {prob.expert}]  answer {prob.answer}\n{prob.question}\n"
                      f"{prob.trace}\n")
    elif args.cmd == "stats":
        stats = compute_stats(problems, tokenizer=args.tokenizer)
        print(json.dumps(stats, indent=2) if args.json else format_stats(stats))
    elif args.cmd == "export":
        count = to_jsonl(problems, args.out)
        print(f"wrote {count} problems to {args.out}")
    elif args.cmd == "check-lengths":
        report = check_trace_lengths(problems, args.tokenizer, args.max_length, fail=True)
        print(f"ok: all {report.count} traces fit in {args.max_length} tokens (longest {report.longest})")
    return 0


def _export_split(args: argparse.Namespace) -> int:
    n_test = max(1, args.n // 10) if args.n_test is None else args.n_test
    export = export_trl if args.format == "trl" else export_verl
    counts = export(args.out, args.n, n_test, args.seed, start=args.start, preset=args.preset,
                    test_preset=args.test_preset,
                    numbered=DEFAULT_NUMBERED if args.numbered is None else args.numbered,
                    **_overrides(args.set))
    for name, count in counts.items():
        print(f"wrote {count} problems to {Path(args.out) / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
