"""Run any policy on any problem source and report accuracy, rates and breakdowns.

    from trace_env.evaluate import evaluate, write_report
    report = evaluate(policy, problems, batch_size=16)   # -> dict (see docs/evaluation.md)
    write_report(report, "runs/eval")   # report.json, report.md, report.png, report.html, samples.jsonl

The command line that builds agents by name sits above this package, in `agents.evaluate`.
"""

from __future__ import annotations

import json
import platform
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

from generators import Problem

from .envs.refine import GSMTraceRefineEnv
from .envs.spaces import as_text
from .episode import SINGLE_TURN, EpisodeConfig
from .policy import as_policy
from .report import build_report
from .report_files import markdown, write_chart
from .report_html import write_html
from .sampling import problem_record, summarize_samples
from .sources import from_records, load_source

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


def _record(problem: Problem, text: str, outcome: Mapping[str, Any], turn: int) -> dict[str, Any]:
    """One problem's evaluation record from its last trace and that trace's `Outcome.to_dict()`."""
    return {
        "id": problem.id,
        "expert": problem.expert,
        "pattern": problem.pattern,
        "chain_length": problem.chain_length,
        "source": problem.source,
        "question": problem.question,
        "answer": problem.answer,
        "category": outcome["category"],
        # the outcome's own verdicts (`solver.grade.Outcome`): reports count these, never categories
        "parsed": outcome["parsed"],
        "valid": outcome["valid"],
        "correct": outcome["correct"],
        "reward": float(outcome["reward"]),
        "computed": outcome["answer"],
        "trace_expert": outcome["expert"],
        "error": outcome["error"],
        "gold": problem.trace is not None,  # a gold trace: a trace that runs is checked as a program
        "gold_trace": problem.trace,  # its text (None without one), for reading beside the output
        "variants": outcome["variants"],  # variants it was checked on (0: not checked)
        "answer_correct": outcome["answer_correct"],  # the right number, from any program
        "step": outcome["step"],
        "subtrace": outcome["subtrace"],
        "turn": turn,
        "output": text,
    }


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
    episode: EpisodeConfig | None = None,
    progress: bool = True,
    seed: int | None = None,
    source: str | None = None,
    model: str | None = None,
    keep_samples: bool = False,
    samples: int = 0,
    temperature: float = 1.0,
) -> dict[str, Any]:
    """Grade `policy` on `problems` and return the report dict (see docs/evaluation.md).

    * `policy`: a `trace_env.policy.Policy` (anything with `act(list[str]) -> list[str]`, such as
      an `agents` policy) or a bare callable with that signature.
    * `problems`: dicts, `generators.Problem` (or a source
      spec string such as `"synthetic"` or a JSONL path, loaded with `load_source` defaults).
    * Questions go to the policy `batch_size` at a time; every returned text is graded with
      `solver.grade` (question passed, so grounding applies; expert label when known).
    * Every problem is an episode of `GSMTraceRefine-v1` run with `episode` (a
      `trace_env.episode.EpisodeConfig`; default: one trace, `max_turns=1`), stepped by the
      evaluator: with `max_turns > 1` a trace that does not end the episode gets the
      environment's refinement observation (problem, previous trace, solver feedback), up to
      `max_turns` traces. The headline numbers describe each problem's last trace;
      `accuracy_by_turn[k]` is the share solved within k+1 turns. With `reveal=False` (the
      default) the protocol is test time's (no gold answer exists): feedback only for a trace
      that does not run, never whether an answer is right, and an episode ends at its first trace
      that runs. `reveal=True` lets the feedback say whether an answer is right and gives a wrong
      answer another turn. `meta["max_turns"]` and `meta["reveal"]` record them.
    * `samples=K > 0` also draws K traces per problem at `temperature` with the policy's
      `sample(observations, k, temperature)` (one batched generation per batch, e.g.
      `num_return_sequences`) and reports `sampling`: pass@k (unbiased), maj@K (a vote over the
      answers the solver computed) and mean@K next to the greedy accuracy (`trace_env.sampling`).
    * `seed`, `source` and `model` only label `meta`. `keep_samples=True` adds `samples` (one
      record per problem: output, outcome, turn). The progress bar shows after two seconds.
    """
    policy = as_policy(policy)
    problems = load_source(problems) if isinstance(problems, str | Path) else from_records(problems)
    if not problems:
        raise ValueError("evaluate() needs at least one problem")
    episode = episode if episode is not None else EpisodeConfig(max_turns=SINGLE_TURN)
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    if samples < 0 or (samples and temperature <= 0):
        raise ValueError(f"samples must be >= 0 and temperature > 0 to sample, got {samples} and {temperature}")
    if samples and not callable(getattr(policy, "sample", None)):
        raise ValueError(f"policy {getattr(policy, 'name', policy)!r} cannot sample (no sample() method); "
                         "pass@k needs one, e.g. agents.HFAgent")
    started, clock = datetime.now(timezone.utc), time.perf_counter()
    records: list[dict[str, Any]] = [{} for _ in problems]
    # The refine environment itself runs every episode (one slot per batch position), so the
    # evaluator and GSMTraceRefine-v1 cannot disagree on grading, feedback or turn limits.
    template = GSMTraceRefineEnv(problems, **asdict(episode))
    slots = [template.spawn() for _ in range(min(batch_size, len(problems)))]
    bar = _progress_bar(len(problems), str(getattr(policy, "name", "policy")), progress)
    try:
        for start in range(0, len(problems), batch_size):
            batch = range(start, min(start + batch_size, len(problems)))
            observations = [env.reset(options={"index": i})[0] for env, i in zip(slots, batch, strict=False)]
            active = list(range(len(batch)))
            while active:
                outputs = _checked(policy.act([observations[s] for s in active]), len(active), policy)
                running = []
                for s, raw in zip(active, outputs, strict=True):
                    text = as_text(raw)
                    observations[s], _, terminated, truncated, info = slots[s].step(text)
                    records[batch[s]] = _record(problems[batch[s]], text, info["outcome"], info["turn"])
                    if terminated or truncated:
                        bar.update(1)
                    else:
                        running.append(s)
                active = running
    finally:
        bar.close()
        for env in slots:
            env.close()
    by_turn = [sum(r["correct"] and r["turn"] <= k for r in records) / len(problems)
               for k in range(1, episode.max_turns + 1)]
    sampled = _sample(policy, problems, samples, temperature, batch_size, progress) if samples else None
    meta = {
        "agent": getattr(policy, "name", type(policy).__name__),
        "model": model,
        "source": source,
        "seed": seed,
        "n": len(problems),
        "batch_size": batch_size,
        "max_turns": episode.max_turns,
        "reveal": episode.reveal,
        "date": started.isoformat(timespec="seconds"),
        "duration_s": round(time.perf_counter() - clock, 3),
        "versions": versions(),
        "git_commit": git_commit(),
    }
    stats = getattr(policy, "stats", None)
    if callable(stats):
        meta["policy_stats"] = stats()
    report = build_report(records, meta)
    report["accuracy_by_turn"] = by_turn
    if sampled is not None:
        for record, extra in zip(records, sampled, strict=True):
            record.update(extra)
        report["sampling"] = summarize_samples(sampled, temperature)
    if keep_samples:
        report["samples"] = records
    return report


def _sample(policy: Any, problems: Sequence[Problem], k: int, temperature: float, batch_size: int,
            progress: bool) -> list[dict[str, Any]]:
    """K sampled traces per problem, graded; one record of counts per problem."""
    out: list[dict[str, Any]] = []
    bar = _progress_bar(len(problems), f"{getattr(policy, 'name', 'policy')} x{k} samples", progress)
    try:
        for start in range(0, len(problems), batch_size):
            batch = problems[start : start + batch_size]
            groups = _checked(policy.sample([p.question for p in batch], k, temperature), len(batch), policy)
            for problem, group in zip(batch, groups, strict=True):
                texts = [as_text(raw) for raw in _checked(group, k, policy)]
                out.append(problem_record([problem.grade(t) for t in texts], texts))
            bar.update(len(batch))
    finally:
        bar.close()
    return out


def _progress_bar(total: int, name: str, enabled: bool) -> Any:
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=f"evaluate {name}", unit="problem", delay=2.0, disable=not enabled)


def write_report(report: Mapping[str, Any], out_dir: str | Path) -> dict[str, Path]:
    """Write report.json (without samples), report.md, report.png, report.html (every problem, to
    read the traces: `trace_env.report_html`) and samples.jsonl into `out_dir`."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    samples = report.get("samples") or []
    summary = {k: v for k, v in report.items() if k != "samples"}
    paths = {"json": out / "report.json", "md": out / "report.md", "png": out / "report.png"}
    paths["json"].write_text(json.dumps(summary, indent=2, default=str) + "\n", encoding="utf-8")
    paths["md"].write_text(markdown(summary, samples), encoding="utf-8")
    write_chart(summary, paths["png"])
    paths["html"] = write_html(summary, samples, out / "report.html", chart=paths["png"])
    if samples:
        paths["samples"] = out / "samples.jsonl"
        with paths["samples"].open("w", encoding="utf-8") as handle:
            for record in samples:
                handle.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
    return paths

