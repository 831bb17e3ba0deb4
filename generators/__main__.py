"""CLI: python -m generators {sample,stats,export,check-lengths,patterns} ...

Examples:
    python -m generators sample -n 5 --preset hard
    python -m generators stats -n 3000 --tokenizer path/to/tokenizer.json
    python -m generators export -n 10000 --seed 1 --out data/train.jsonl
    python -m generators check-lengths -n 3000 --tokenizer path/to/tokenizer --max-length 256
    python -m generators patterns
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from .config import PRESETS
from .core import GenerationError, generate
from .export import to_jsonl
from .lengths import TruncationError, check_trace_lengths
from .names import ConfigError
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
    p = sub.add_parser("export", help="write problems to JSONL")
    _common(p)
    p.add_argument("--out", required=True)
    p = sub.add_parser("check-lengths", help="fail if any gold trace exceeds --max-length tokens")
    _common(p)
    p.add_argument("--tokenizer", required=True)
    p.add_argument("--max-length", type=int, required=True)
    sub.add_parser("patterns", help="list the registered patterns")
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


if __name__ == "__main__":
    sys.exit(main())
