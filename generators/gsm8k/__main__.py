"""CLI: `python -m generators.gsm8k {convert,augment,leakage} ...` (reference: docs/gsm8k.md)."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from ..jsonl import iter_jsonl
from .conversion import Conversion, convert_example
from .dev import split_dev
from .loader import load_gsm8k
from .overlap import check_leakage, read_questions
from .problems import coverage, to_problem
from .variants import augment


def _read_lines(path: Path) -> list[tuple[dict[str, Any] | None, str]]:
    """Each non-empty line as (row, error); a bad line yields (None, reason) instead of aborting."""
    return [(row, "" if row is not None else f"bad_input: {reason}")
            for _, row, reason in iter_jsonl(path, require=("question", "answer"))]


def _print_coverage(conversions: list[Conversion], seconds: float, out: Any = None,
                    questions: list[str | None] | None = None) -> None:
    out = out or sys.stdout
    cov = coverage(conversions)
    print(f"converted {cov['ok']}/{cov['total']} = {cov['rate']:.2%} (graded 1.0 by the solver, grounding included)", file=out)
    if questions is not None:  # the program check: verified variants inside each gold trace's domain
        from solver.variants import gold_variants

        checked = sum(bool(gold_variants(c.trace, q)) for c, q in zip(conversions, questions, strict=True)
                      if c.ok and c.trace and q)
        print(f"  with variants for the program check: {checked} ({checked / max(1, cov['ok']):.2%} of converted)",
              file=out)
    print(f"  with a derived step: {cov['derived']}; experts: {dict(cov['experts'].most_common())}", file=out)
    print(f"  time {seconds:.1f}s ({seconds / max(1, cov['total']) * 1000:.1f} ms/item)", file=out)
    if cov["reasons"]:
        print("failure reasons:", file=out)
        for reason, count in cov["reasons"].most_common():
            print(f"  {count:6d}  {reason}", file=out)
    if cov["ungrounded"]:
        top = ", ".join(f"{v} x{c}" for v, c in cov["ungrounded"].most_common(15))
        print(f"first ungrounded number per failed item (value x items): {top}", file=out)


def cmd_convert(args: argparse.Namespace) -> int:
    options = {"percent_ops": not args.no_percent_ops, "derive": not args.no_derive}
    lines = _read_lines(Path(args.input))
    if args.limit:
        lines = lines[: args.limit]
    started = time.perf_counter()
    conversions: list[Conversion] = []
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    with Path(args.out).open("w", encoding="utf-8") as fh:
        for row, error in lines:
            conv = convert_example(row["question"], row["answer"], **options) if row else Conversion(None, error)
            conversions.append(conv)
            record = {
                "question": row["question"] if row else None,
                "answer": conv.answer,
                "trace": conv.trace,
                "status": conv.status,
                "expert": conv.expert,
                "notes": list(conv.notes),
            }
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    _print_coverage(conversions, time.perf_counter() - started,
                    questions=[row["question"] if row else None for row, _ in lines])
    return 0


def cmd_augment(args: argparse.Namespace) -> int:
    # Only the training part is augmented: a variant of a dev problem (or of its near-duplicate)
    # differs from it in numbers alone, and training on it would leak the dev split.
    split = split_dev(load_gsm8k(args.input))  # ids gsm8k-<line index>
    print(split.summary() + "; only the training part is augmented")
    written = kept = 0
    with Path(args.out).open("w", encoding="utf-8") as fh:
        for row in split.train:
            conv = convert_example(row["question"], row.get("answer"))
            if not conv.ok:
                continue
            problem = to_problem(row, conv)
            kept += 1
            for variant in augment(problem, n=args.per, seed=args.seed):
                fh.write(json.dumps(variant, ensure_ascii=False) + "\n")
                written += 1
    print(f"wrote {written} variants of {kept} converted problems to {args.out}")
    return 0


def cmd_leakage(args: argparse.Namespace) -> int:
    report = check_leakage(read_questions(args.train), read_questions(args.eval), n=args.n, threshold=args.threshold)
    print(report.summary())
    return 1 if report.leaked else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m generators.gsm8k", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    conv = sub.add_parser("convert", help="GSM8K JSONL -> one {question, answer, trace, status} per line")
    conv.add_argument("input")
    conv.add_argument("--out", required=True)
    conv.add_argument("--limit", type=int, default=0, help="convert only the first N lines")
    conv.add_argument("--no-percent-ops", action="store_true", help="plain mul/div instead of percent steps")
    conv.add_argument("--no-derive", action="store_true", help="never reconstruct unwritten arithmetic")
    conv.set_defaults(func=cmd_convert)
    aug = sub.add_parser("augment", help="GSM8K JSONL -> numeric variants of the converted problems of its training part "
                         "(dev split and its near-duplicates left out)")
    aug.add_argument("input")
    aug.add_argument("--out", required=True)
    aug.add_argument("--per", type=int, default=2, help="variants per problem (at most)")
    aug.add_argument("--seed", type=int, default=0)
    aug.set_defaults(func=cmd_augment)
    leak = sub.add_parser("leakage", help="exit 1 when evaluation problems (or numeric variants) are in the training data")
    leak.add_argument("--train", required=True)
    leak.add_argument("--eval", required=True)
    leak.add_argument("--n", type=int, default=8, help="n-gram length in words")
    leak.add_argument("--threshold", type=float, default=0.5, help="flag at this share of shared n-grams")
    leak.set_defaults(func=cmd_leakage)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (OSError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
