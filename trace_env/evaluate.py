"""Run any policy on any problem source and report accuracy, rates and breakdowns.

Python:

    from trace_env.evaluate import evaluate
    report = evaluate(policy, problems, batch_size=16)   # -> dict (see docs/evaluation.md)

Command line:

    python -m trace_env.evaluate --agent random --source synthetic --n 200 --out runs/eval-random

writes `report.json`, `report.md`, `report.png` and `samples.jsonl` (one graded output per problem).
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

from .envs.spaces import as_text
from .report import build_report
from .sources import SourceProblem, describe, from_records, load_source

PACKAGES = ("gsmtrace", "gymnasium", "numpy", "pyyaml", "torch", "transformers", "trl", "datasets")


def versions() -> dict[str, str | None]:
    """Python and package versions (read from metadata: nothing heavy gets imported)."""
    found: dict[str, str | None] = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    return found


def git_commit() -> str | None:
    """The repository's HEAD commit, if this runs from a git checkout."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=Path(__file__).resolve().parent, capture_output=True,
            text=True, timeout=5, check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


def _grade(problem: SourceProblem, raw: Any, turn: int) -> tuple[dict[str, Any], Any]:
    text = as_text(raw)
    outcome = problem.grade(text)
    record = {
        "id": problem.id,
        "expert": problem.expert,
        "pattern": problem.pattern,
        "chain_length": problem.chain_length,
        "source": problem.source,
        "answer": problem.answer,
        "category": outcome.category,
        "reward": float(outcome.reward),
        "computed": outcome.to_dict()["answer"],
        "trace_expert": outcome.expert,
        "error": outcome.error,
        "step": outcome.step,
        "subtrace": outcome.subtrace,
        "turn": turn,
        "output": text,
    }
    return record, outcome


def _checked(outputs: Any, expected: int, policy: Any) -> Sequence[Any]:
    if not isinstance(outputs, Sequence) or isinstance(outputs, str) or len(outputs) != expected:
        got = len(outputs) if isinstance(outputs, Sequence) else type(outputs).__name__
        name = getattr(policy, "name", type(policy).__name__)
        raise ValueError(f"policy {name!r} returned {got} outputs for {expected} observations")
    return outputs


def evaluate(
    policy: Any,
    problems: Any,
    batch_size: int = 16,
    *,
    turns: int = 1,
    progress: bool = True,
    seed: int | None = None,
    source: str | None = None,
    model: str | None = None,
    keep_samples: bool = False,
) -> dict[str, Any]:
    """Grade `policy` on `problems` and return the report dict (see docs/evaluation.md).

    * `policy`: anything with `act(list[str]) -> list[str]` (an `agents` policy) or a bare
      callable with that signature.
    * `problems`: dicts, `generators.Problem` or `trace_env.sources.SourceProblem` (or a source
      spec string such as `"synthetic"` or a JSONL path, loaded with `load_source` defaults).
    * Questions go to the policy `batch_size` at a time; every returned text is graded with
      `solver.grade` (question passed, so grounding applies; expert label when known).
    * `turns > 1` evaluates refinement like `GSMTraceRefine-v0`: a problem whose trace is not
      correct is asked again with `refinement_observation(question, trace, feedback)`, up to
      `turns` traces. The headline numbers describe each problem's last trace;
      `accuracy_by_turn[k]` is the share solved within k+1 turns.
    * `seed`, `source` and `model` only label `meta`. `keep_samples=True` adds `samples` (one
      record per problem: output, outcome, turn). The progress bar shows after two seconds.
    """
    from .envs.refine import refinement_observation

    policy = _as_policy(policy)
    problems = load_source(problems) if isinstance(problems, str | Path) else from_records(problems)
    if not problems:
        raise ValueError("evaluate() needs at least one problem")
    if batch_size < 1 or turns < 1:
        raise ValueError(f"batch_size and turns must be >= 1, got {batch_size} and {turns}")
    started, clock = datetime.now(timezone.utc), time.perf_counter()
    records: list[dict[str, Any]] = [{} for _ in problems]
    observations = [p.question for p in problems]
    pending = list(range(len(problems)))
    by_turn: list[float] = []
    bar = _progress_bar(len(problems), str(getattr(policy, "name", "policy")), progress)
    try:
        for turn in range(1, turns + 1):
            for start in range(0, len(pending), batch_size):
                batch = pending[start : start + batch_size]
                outputs = _checked(policy.act([observations[i] for i in batch]), len(batch), policy)
                for i, raw in zip(batch, outputs, strict=True):
                    records[i], outcome = _grade(problems[i], raw, turn)
                    if not outcome.correct and turn < turns:
                        observations[i] = refinement_observation(
                            problems[i].question, records[i]["output"], outcome.feedback()
                        )
                bar.update(len(batch))
            pending = [i for i in pending if records[i]["category"] != "correct"]
            by_turn.append(sum(r["category"] == "correct" for r in records) / len(problems))
            if not pending or turn == turns:
                break
            bar.total += len(pending)
            bar.refresh()
    finally:
        bar.close()
    meta = {
        "agent": getattr(policy, "name", type(policy).__name__),
        "model": model,
        "source": source,
        "seed": seed,
        "n": len(problems),
        "batch_size": batch_size,
        "turns": turns,
        "date": started.isoformat(timespec="seconds"),
        "duration_s": round(time.perf_counter() - clock, 3),
        "versions": versions(),
        "git_commit": git_commit(),
    }
    stats = getattr(policy, "stats", None)
    if callable(stats):
        meta["policy_stats"] = stats()
    report = build_report(records, meta)
    report["accuracy_by_turn"] = by_turn + [by_turn[-1]] * (turns - len(by_turn))
    if keep_samples:
        report["samples"] = records
    return report


class _CallablePolicy:
    def __init__(self, fn: Any) -> None:
        self.fn, self.name = fn, getattr(fn, "__name__", "function")

    def act(self, observations: list[str]) -> list[str]:
        return self.fn(observations)


def _as_policy(obj: Any) -> Any:
    # Duck-typed on purpose: trace_env sits below agents and must not import it.
    if callable(getattr(obj, "act", None)):
        return obj
    if callable(obj):
        return _CallablePolicy(obj)
    raise TypeError(f"expected a policy with .act(observations) or a callable, got {type(obj).__name__}")


def _progress_bar(total: int, name: str, enabled: bool) -> Any:
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=f"evaluate {name}", unit="problem", delay=2.0, disable=not enabled)


def write_report(report: Mapping[str, Any], out_dir: str | Path) -> dict[str, Path]:
    """Write report.json (without samples), report.md, report.png and samples.jsonl into `out_dir`."""
    from .report_files import markdown, write_chart

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    samples = report.get("samples") or []
    summary = {k: v for k, v in report.items() if k != "samples"}
    paths = {"json": out / "report.json", "md": out / "report.md", "png": out / "report.png"}
    paths["json"].write_text(json.dumps(summary, indent=2, default=str) + "\n", encoding="utf-8")
    paths["md"].write_text(markdown(summary, samples), encoding="utf-8")
    write_chart(summary, paths["png"])
    if samples:
        paths["samples"] = out / "samples.jsonl"
        with paths["samples"].open("w", encoding="utf-8") as handle:
            for record in samples:
                handle.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
    return paths


# ---------------------------------------------------------------------------- CLI


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m trace_env.evaluate", description=__doc__.split("\n\n")[0])
    p.add_argument("--agent", required=True, help="oracle | random | hf | openai")
    p.add_argument("--model", help="hf: hub id, local path or 'default'; openai: the served model name")
    p.add_argument("--base-url", help="openai: API root, e.g. http://127.0.0.1:8000/v1")
    p.add_argument("--api-key-env", default="OPENAI_API_KEY", help="openai: env var holding the key")
    p.add_argument("--source", default="synthetic", help="synthetic | path/to/file.jsonl | hf:openai/gsm8k")
    p.add_argument("--split", default="test", help="hub split (default test)")
    p.add_argument("--n", type=int, default=200, help="problems (generated, or a subset of the source)")
    p.add_argument("--sample", choices=("random", "first"), default="random", help="subset: seeded random or first n")
    p.add_argument("--seed", type=int, default=0, help="seeds generation, subset choice and the random agent")
    p.add_argument("--gen-config", default=None, help="synthetic: JSON object of generator options")
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--turns", type=int, default=1, help="traces per problem; >1 feeds solver feedback back")
    p.add_argument("--numbered", action=argparse.BooleanOptionalAction, default=None,
                   help="list numbered quantities in the prompt (hf default: as saved with the model)")
    p.add_argument("--max-new-tokens", type=int, default=768)
    p.add_argument("--temperature", type=float, default=0.0)
    p.add_argument("--device", default=None, help="hf: cuda / cpu (default: cuda when available)")
    p.add_argument("--concurrency", type=int, default=8, help="openai: parallel requests")
    p.add_argument("--out", required=True, help="output directory")
    p.add_argument("--no-progress", action="store_true")
    return p.parse_args(argv)


def _agent_options(args: argparse.Namespace) -> dict[str, Any]:
    agent = args.agent.strip().lower()
    if agent == "hf":
        return {"numbered": args.numbered, "max_new_tokens": args.max_new_tokens, "batch_size": args.batch_size,
                "temperature": args.temperature, "device": args.device}
    if agent == "openai":
        return {"numbered": bool(args.numbered), "max_tokens": args.max_new_tokens, "temperature": args.temperature,
                "concurrency": args.concurrency, "api_key_env": args.api_key_env}
    return {}


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    # The CLI is an entry point on top of the stack, so it may reach up to `agents`;
    # nothing else in trace_env does.
    from agents import make_agent

    try:
        config = json.loads(args.gen_config) if args.gen_config else None
        problems = load_source(args.source, n=args.n, seed=args.seed, split=args.split, sample=args.sample,
                               config=config)
        policy = make_agent(args.agent, problems=problems, model=args.model, base_url=args.base_url,
                            seed=args.seed, **_agent_options(args))
    except (ValueError, OSError) as err:  # SourceError is a ValueError; json errors too
        print(f"error: {err}", file=sys.stderr)
        return 2
    report = evaluate(policy, problems, batch_size=args.batch_size, turns=args.turns, progress=not args.no_progress,
                      seed=args.seed, source=describe(args.source), model=args.model, keep_samples=True)
    paths = write_report(report, args.out)
    lo, hi = report["ci95"]
    print(f"{report['meta']['agent']}: accuracy {report['accuracy']:.1%} (95% CI {lo:.1%}-{hi:.1%}), "
          f"n={report['n']}, parse {report['rates']['parse']:.1%}, valid {report['rates']['valid']:.1%}")
    print(f"wrote {', '.join(str(p) for p in paths.values())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
