"""Held-out accuracy: the environment's evaluator run on the model being trained.

`measure` grades greedy generations with `trace_env.evaluate.evaluate` through `agents.HFAgent`
(the same prompt and grading as `python -m agents.evaluate --agent hf`). The callback runs it
during training and logs `heldout/<split>/accuracy` and `heldout/<split>/valid`, apart from the
loss and the reward, through the trainer (so into its log history and every `report_to`
integration) and into OUTPUT_DIR/heldout.jsonl.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

from transformers import Trainer, TrainerCallback

from .data import Problem, eval_record

KEEP = ("accuracy", "ci95", "n", "rates", "outcomes", "by_expert", "with_gold", "program_checked", "answer_correct")


def measure(
    model: Any,
    tokenizer: Any,
    splits: dict[str, list[Problem]],
    *,
    numbered: bool | None,
    max_new_tokens: int,
    batch_size: int = 64,
    limit: int | None = None,
    samples: int = 0,
    temperature: float = 1.0,
    samples_n: int | None = None,
) -> dict[str, dict[str, Any]]:
    """Accuracy and rates per split (first `limit` problems of each when given); with
    `samples=K`, also pass@k, maj@K and mean@K from K sampled traces per problem (for the first
    `samples_n` of them when given: `sampling["n"]` says how many).

    `model` is a loaded model (with `tokenizer`) or a saved model directory; a directory is
    loaded exactly as `python -m agents.evaluate --agent hf --model DIR` loads it.
    """
    from agents.hf import HFAgent
    from trace_env.evaluate import evaluate

    agent = HFAgent(model, tokenizer, numbered=numbered, max_new_tokens=max_new_tokens, batch_size=batch_size)
    results: dict[str, dict[str, Any]] = {}
    for name, examples in splits.items():
        chosen = examples[:limit] if limit else examples
        if not chosen:
            continue
        started = time.perf_counter()
        records = [eval_record(e) for e in chosen]
        subset = records[:samples_n] if samples and samples_n else records
        report = evaluate(agent, records, batch_size=batch_size, progress=False, keep_samples=True,
                          samples=samples if subset is records else 0, temperature=temperature)
        summary = {k: report[k] for k in KEEP if k in report}
        if samples and subset is not records:  # the headroom on a subset: a second, sampled pass
            sampled = evaluate(agent, subset, batch_size=batch_size, progress=False, samples=samples,
                               temperature=temperature)
            report["sampling"] = {**sampled["sampling"], "greedy": sampled["accuracy"]}
        elif "sampling" in report:
            report["sampling"]["greedy"] = report["accuracy"]  # greedy on the same problems as pass@k
        if "sampling" in report:
            summary["sampling"] = report["sampling"]
        # per problem, in split order: lets two measurements be compared pair by pair (see `flips`)
        summary["correct"] = [bool(r["correct"]) for r in report["samples"]]
        summary["seconds"] = round(time.perf_counter() - started, 2)
        summary["truncated"] = report.get("meta", {}).get("policy_stats", {}).get("truncated")
        results[name] = summary
    return results


def flips(before: dict[str, dict[str, Any]], after: dict[str, dict[str, Any]]) -> dict[str, dict[str, int]]:
    """Paired change per split: problems `fixed` (wrong before, correct after) and `broken`.

    Two accuracies on the same few hundred problems differ by a few points by chance; the
    counts show whether a change is many problems moving or a handful (McNemar's view). Where one
    measurement took fewer problems of a split (the one before SFT takes the first
    --heldout_n_during), the counts are over the problems both took, and `n` says how many.
    """
    out: dict[str, dict[str, int]] = {}
    for name in before.keys() & after.keys():
        a, b = _verdicts(before[name].get("correct")), _verdicts(after[name].get("correct"))
        if a and b:
            n = min(len(a), len(b))
            pairs = list(zip(a[:n], b[:n], strict=True))
            out[name] = {"fixed": sum(not x and y for x, y in pairs),
                         "broken": sum(x and not y for x, y in pairs)}
            if n != max(len(a), len(b)):
                out[name]["n"] = n
    return out


def _verdicts(correct: list[bool] | str | None) -> list[bool] | None:
    """A measurement's per-problem `correct` list; a measurement cached before it was a list (a
    resumed run's OUTPUT_DIR) holds the string form "0101", read here."""
    return [c == "1" for c in correct] if isinstance(correct, str) else correct


def accuracies(results: dict[str, dict[str, Any]]) -> dict[str, float]:
    return {name: float(r["accuracy"]) for name, r in results.items()}


def show(line: str) -> None:
    """Print a line of the run's own log above any progress bar, without breaking the bar."""
    from tqdm.auto import tqdm

    tqdm.write(line, file=sys.stdout)
    sys.stdout.flush()


def format_line(label: str, results: dict[str, dict[str, Any]]) -> str:
    parts = [f"{name} {r['accuracy']:.1%} (n={r['n']}{_headroom(r)})" for name, r in results.items()]
    return f"[held-out] {label}: " + ", ".join(parts)


def _headroom(result: dict[str, Any]) -> str:
    s = result.get("sampling")
    if not s:
        return ""
    k = s["k"]
    return (f"; on {s['problems']}: greedy {s['greedy']:.1%}, pass@{k} {s['pass_at'][str(k)]:.1%}, "
            f"maj@{k} {s['maj_at_k']:.1%}, mean@{k} {s['mean_at_k']:.1%}")


class HeldoutAccuracyCallback(TrainerCallback):
    """Every `every` optimizer steps, measure held-out accuracy on the first `limit` problems per split.

    Made with the trainer it reports to and added with `trainer.add_callback`, the way TRL's own
    logging callbacks are.
    """

    def __init__(
        self,
        trainer: Any,
        splits: dict[str, list[Problem]],
        *,
        numbered: bool,
        every: int,
        limit: int,
        max_new_tokens: int,
        batch_size: int,
        log_path: str | Path,
    ) -> None:
        self.trainer = trainer
        self.splits, self.numbered = splits, numbered
        self.every, self.limit = every, limit
        self.max_new_tokens, self.batch_size = max_new_tokens, batch_size
        self.log_path = Path(log_path)

    def on_step_end(self, args: Any, state: Any, control: Any, model: Any = None, processing_class: Any = None, **kw: Any):
        if not self.every or state.global_step % self.every or not state.is_world_process_zero:
            return control
        if model is None or processing_class is None:
            return control
        results = measure(
            model, processing_class, self.splits, numbered=self.numbered, max_new_tokens=self.max_new_tokens,
            batch_size=self.batch_size, limit=self.limit,
        )
        metrics: dict[str, float] = {}
        for name, r in results.items():
            metrics[f"heldout/{name}/accuracy"] = r["accuracy"]
            metrics[f"heldout/{name}/valid"] = r["rates"]["valid"]
        # transformers' Trainer.log, not the TRL subclass's: TRL's `log` also flushes (and clears)
        # the reward and token metrics it averages over each `logging_steps` window, which belong
        # to the trainer's own next log entry. Logging clears `should_log`, but this step's own
        # log (loss, reward) comes after `on_step_end`: keep the flag as it was.
        should_log = control.should_log
        Trainer.log(self.trainer, dict(metrics))
        control.should_log = should_log
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps({"step": state.global_step, **metrics}) + "\n")
        show(format_line(f"step {state.global_step}", results))
        return control

    def on_train_end(self, args: Any, state: Any, control: Any, **kw: Any):
        self.trainer = None  # no reference cycle keeps the trained model alive after training
        return control
