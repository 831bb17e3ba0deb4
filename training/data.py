"""Training and held-out data: generator problems, converted GSM8K, and the rows TRL consumes.

Held-out problems are disjoint from training by construction: every stage draws from its own
generator `split` namespace (the generator's RNG is keyed on it) and its own seeds, so no
index is ever shared. `remove_overlap` then checks it on the question text and drops any
training problem whose question a held-out split also contains (identical texts can still
arise by chance from tiny templates); the count goes into the summary.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from trace_env import prompts

T = TypeVar("T")

# Generator split namespaces and base seeds per stage; presets within a mix add 1000*k.
STAGES = {"sft": ("train", 1), "rl": ("rl", 2), "heldout": ("heldout", 3)}
# The wording each training stage draws (generators.wording): SFT the training combinations of
# known parts, RL the frontier combinations SFT never saw (known parts, new combinations).
STAGE_WORDING = {"sft": "train", "rl": "frontier"}
# Held-out wording families at three distances from the training wording, reported by every run;
# "synthetic_unseen" (parts, patterns and structures together) is the split that came before them.
FAMILY_SPLITS = {
    "unseen_combinations": "combinations",  # known parts in combinations no stage draws
    "unseen_parts": "parts",                # a held-out template or alternative
    "unseen_patterns": "patterns",          # held-out compositions of trained sub-traces (select.HELDOUT_COMPOSITIONS)
    "unseen_structures": "structures",      # held-out structures (select.HELDOUT_STRUCTURES): beyond the three
    "synthetic_unseen": "heldout",
}
HELDOUT_PRESETS = {"synthetic": "default", **dict.fromkeys(FAMILY_SPLITS, "default")}  # split -> generator preset
UNSEEN_SPLITS = frozenset(FAMILY_SPLITS)


@dataclass
class Example:
    """One problem with the gold trace text the model is trained to write."""

    id: str
    question: str
    answer: str
    expert: str | None
    target: str | None          # gold trace in the chosen form (None: no gold trace)
    pattern: str | None = None
    source: str = "synthetic"
    difficulty: dict[str, Any] = field(default_factory=dict)

    def prompt(self, numbered: bool) -> list[dict[str, str]]:
        return prompts.build_messages(self.question, numbered=numbered)

    def sft_row(self, numbered: bool) -> dict[str, Any]:
        if self.target is None:
            raise ValueError(f"example {self.id} has no gold trace to train on")
        return {
            "id": self.id,
            "prompt": self.prompt(numbered),
            "completion": prompts.completion_messages(self.target),
        }

    def rl_row(self, numbered: bool) -> dict[str, Any]:
        return {
            "id": self.id,
            "prompt": self.prompt(numbered),
            "answer": self.answer,
            "expert": self.expert or "",
            "question": self.question,
            "trace": self.target or "",  # the gold program: completions are checked on variants of it
        }

    def eval_record(self) -> dict[str, Any]:
        return {
            "id": self.id, "question": self.question, "answer": self.answer, "expert": self.expert,
            "pattern": self.pattern, "trace": self.target, "difficulty": self.difficulty, "source": self.source,
        }


def target_text(
    trace: str, trace_data: Any, question: str, answer: str, trace_form: str, var_names: str = "gold"
) -> str:
    """The gold trace in `trace_form` and `var_names` style (falls back to the original when a
    rewrite does not grade correct, which the rewrite checks)."""
    if trace_form == "value" and var_names == "gold":
        return trace
    from generators.refs import rewrite_trace

    rewritten = rewrite_trace(
        trace_data, question, answer, pointer=trace_form == "ref", generic_names=var_names == "generic"
    )
    return rewritten or trace


def from_problem(problem: Any, trace_form: str, var_names: str = "gold") -> Example:
    return Example(
        id=problem.id, question=problem.question, answer=str(problem.answer), expert=problem.expert,
        target=target_text(problem.trace, problem.trace_data, problem.question, str(problem.answer), trace_form,
                           var_names),
        pattern=problem.pattern, source=problem.source, difficulty=dict(problem.difficulty),
    )


def synthetic(
    n: int, mix: dict[str, float], stage: str, trace_form: str, offset: int = 0, var_names: str = "gold"
) -> list[Example]:
    """`n` generator problems for `stage`, each position's preset drawn from `mix` (see `mix_order`).

    Preset k's problems are its generator's items 0, 1, 2, ... (seed `base + 1000*k + offset`),
    in that order, so a larger `n` extends a smaller one's problems rather than replacing them.
    """
    import generators

    split, base = STAGES[stage]
    presets = list(mix)
    order = mix_order(n, [mix[p] for p in presets], seed=base + offset)
    groups = []
    for k, preset in enumerate(presets):
        count = order.count(k)
        problems = generators.generate(count, seed=base + 1000 * k + offset, preset=preset, split=split,
                                       phrasing_split=STAGE_WORDING[stage]) if count else []
        groups.append([from_problem(p, trace_form, var_names) for p in problems])
    return _take(groups, order)


def mix_order(n: int, weights: Sequence[float], seed: int) -> list[int]:
    """Which source each of `n` positions comes from: source k with probability weights[k] / sum.

    A seeded `datasets.interleave_datasets` over one stream per source, so any prefix (a smoke
    run, an early stop) sees the whole mix, and the counts per source are a draw, not a rounding.
    """
    if n <= 0:
        return []
    total = sum(weights)
    return _source_order([n] * len(weights), [w / total for w in weights], seed, "first_exhausted")[:n]


def interleave(groups: Sequence[Sequence[T]], seed: int) -> list[T]:
    """Every item of every group exactly once, groups spread through the whole list in proportion to
    their sizes (a seeded `datasets.interleave_datasets` without replacement); each keeps its order."""
    groups = [g for g in groups if g]  # an empty source never runs out, so the library would never stop
    if not groups:
        return []
    sizes = [len(g) for g in groups]
    order = _source_order(sizes, [s / sum(sizes) for s in sizes], seed, "all_exhausted_without_replacement")
    return _take(groups, order)


def _source_order(sizes: list[int], probabilities: list[float], seed: int, stopping_strategy: str) -> list[int]:
    from datasets import Dataset, interleave_datasets

    sources = [Dataset.from_dict({"source": [k] * size}) for k, size in enumerate(sizes)]
    mixed = interleave_datasets(sources, probabilities=probabilities, seed=seed, stopping_strategy=stopping_strategy)
    return list(mixed["source"])


def _take(groups: Sequence[Sequence[T]], order: list[int]) -> list[T]:
    """The items of `groups` in `order` (a list of group indices): the j-th k is group k's item j."""
    streams = [iter(g) for g in groups]
    return [next(streams[k]) for k in order]


def heldout(
    names: list[str], n: int, trace_form: str, gsm8k_path: str | None = None, var_names: str = "gold"
) -> dict[str, list[Example]]:
    """Held-out splits by name: 'synthetic', any generator preset, or 'gsm8k'."""
    import generators

    split, base = STAGES["heldout"]
    out: dict[str, list[Example]] = {}
    for k, name in enumerate(names):
        if name == "gsm8k":
            if not gsm8k_path:
                raise ValueError("held-out split 'gsm8k' needs --gsm8k_path or --gsm8k_eval_path")
            out[name] = gsm8k_examples(gsm8k_path, trace_form, var_names, part="dev")[:n]
            continue
        preset = HELDOUT_PRESETS.get(name, name)
        wording = FAMILY_SPLITS.get(name, "train")
        probs = generators.generate(n, seed=base + 1000 * k, preset=preset, split=split, phrasing_split=wording)
        out[name] = [from_problem(p, trace_form, var_names) for p in probs]
    return out


_resolved: dict[str, str | None] = {}


def resolve_gsm8k(spec: str | None, out_dir: str | Path) -> str | None:
    """The GSM8K JSONL path a run uses: a file as given; 'hf:openai/gsm8k' fetched through
    `datasets` into OUTPUT_DIR/gsm8k_train.jsonl; None for 'none', or when the hub cannot be
    reached (said in one line, and the run goes on synthetic-only). Resolved once per process."""
    if spec is None or str(spec).strip().lower() in ("", "none"):
        return None
    spec = str(spec)
    if not spec.startswith("hf:"):
        return spec
    if spec not in _resolved:
        from generators.gsm8k import load_gsm8k

        try:
            rows = load_gsm8k(spec[3:], "train")
        except (RuntimeError, ValueError) as err:
            print(f"[gsm8k] {spec} is unreachable ({str(err).split(':')[0]}); running synthetic-only. "
                  "Pass --gsm8k_path FILE.jsonl to use a local copy.", flush=True)
            _resolved[spec] = None
        else:
            path = Path(out_dir) / "gsm8k_train.jsonl"
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("w", encoding="utf-8") as handle:
                for row in rows:
                    handle.write(json.dumps({"question": row["question"], "answer": row["answer"]}) + "\n")
            _resolved[spec] = str(path)
    return _resolved[spec]


def gsm8k_examples(path: str, trace_form: str, var_names: str = "gold", *, part: str = "all") -> list[Example]:
    """GSM8K problems from a JSONL file, with gold traces where conversion succeeds.

    Accepts the official layout (`question`, `answer` ending in `#### N`, converted here with
    `generators.gsm8k.convert`) and the converter's output (`question`, `answer`, `trace`,
    `status`). `part="dev"` keeps the fixed dev split (`generators.gsm8k.dev`: chosen by a hash
    of the question), `part="train"` everything else less the near-duplicates of dev problems,
    `part="all"` the whole file. GSM8K problems carry no expert label (`expert=None`), as in
    `trace_env.sources`.
    """
    from generators.gsm8k.dev import split_dev
    from generators.jsonl import read_jsonl

    if part not in ("all", "train", "dev"):
        raise ValueError(f"part must be 'all', 'train' or 'dev', got {part!r}")
    indexed = [{"index": i, **record} for i, record in enumerate(read_jsonl(path, require=("question",)))]
    if part != "all":
        split = split_dev(indexed)
        indexed = split.dev if part == "dev" else split.train
    return [_gsm8k_example(r.pop("index"), r, trace_form, var_names) for r in indexed]


def _gsm8k_example(index: int, record: dict[str, Any], trace_form: str, var_names: str) -> Example:
    import yaml

    from generators import gsm8k

    question = str(record["question"])
    trace, trace_data, answer = None, None, str(record.get("answer", ""))
    if "####" in answer:  # official layout: convert here
        conv = gsm8k.convert(record)
        answer = str(gsm8k.parse_gold_answer(record["answer"]))
        if conv.ok:
            trace, trace_data, answer = conv.trace, conv.trace_data, str(conv.answer)
    elif record.get("trace") and record.get("status", "ok") == "ok":  # converter output
        trace = str(record["trace"])
        try:
            trace_data = yaml.safe_load(trace)
        except yaml.YAMLError:
            trace_data = None
    target = None
    if trace is not None:
        target = target_text(trace, trace_data, question, answer, trace_form, var_names) if trace_data else trace
    return Example(id=f"gsm8k-{index}", question=question, answer=answer, expert=None, target=target,
                   pattern="gsm8k", source="gsm8k")


def remove_overlap(train: list[Example], splits: dict[str, list[Example]]) -> tuple[list[Example], int]:
    """Training examples whose question text also appears in a held-out split are dropped; a
    training example whose wording belongs to a held-out family fails loudly (check_wording)."""
    check_wording(train, splits)
    held = {_norm(e.question) for examples in splits.values() for e in examples}
    kept = [e for e in train if _norm(e.question) not in held]
    return kept, len(train) - len(kept)


class WordingLeak(RuntimeError):
    """A training example is written in a held-out wording family: the families would not be held out."""


def check_wording(train: list[Example], splits: dict[str, list[Example]]) -> None:
    """Fail if a synthetic training example uses a held-out part, a held-out pattern, a held-out
    combination's bucket, or the exact combination (wording key) of a held-out family item."""
    from generators.select import HELDOUT_PATTERNS
    from generators.wording import COMBINATION_BUCKET, bucket_of

    held_keys = {e.difficulty.get("wording") for name, examples in splits.items() if name in UNSEEN_SPLITS
                 for e in examples} - {None}
    for e in train:
        key = e.difficulty.get("wording")
        if e.source != "synthetic" or key is None:
            continue
        why = ("a held-out part" if e.difficulty.get("held_parts") else
               "a held-out pattern" if e.pattern in HELDOUT_PATTERNS else
               "the held-out combinations' bucket" if bucket_of(key) == COMBINATION_BUCKET else
               "a held-out item's exact wording" if key in held_keys else None)
        if why:
            raise WordingLeak(f"training example {e.id} ({e.pattern}) is written with {why}: the held-out "
                              "wording families would leak into training")


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def to_dataset(rows: list[dict[str, Any]]) -> Any:
    from datasets import Dataset

    return Dataset.from_list(rows)
