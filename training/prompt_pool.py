"""RL prompts filtered by the policy's current pass rate, refreshed as training goes.

GRPO learns only from a group whose rewards differ: a problem the policy always solves, or never
does, costs a full group of rollouts and gives no gradient. On the main job's mined prompts 60-85%
of the groups were all wrong (BENCHMARKS.md, the RL recipe ablation). `PassRatePool` is the
prompt stream behind `--rl_filter pass_rate`:

* every group the trainer scores reports its problem's pass rate (the share of completions that
  are correct) to the pool: the estimate comes from the rollouts GRPO makes anyway, under the
  policy as it is now, so filtering costs no extra generation;
* a problem whose group came back all right or all wrong leaves the stream; one whose group was
  mixed (0 < pass rate < 1) joins the *live* set and is served again, least recently served first,
  for a `replay_fraction` share of the prompts, until it turns all right or all wrong or has been
  served `max_serves` times;
* the other prompts are fresh draws; when the fresh ones run out, the problems that left the
  stream come back as fresh ones (a new pass), so their pass rates are measured again under the
  current policy.

The stream is a `datasets.IterableDataset` built from `stream()`; TRL's GRPOTrainer and
RLOOTrainer read it through `repeat_iterable_dataset`, which pulls a prompt only when it builds the
generation batch that uses it (no read-ahead), so the filter acts on the next batch. The reward
wrapper (`training.grpo.grouped_reward`) calls `record` for each group. One process only: with
several, each would see a part of every group.
"""

from __future__ import annotations

import random
from collections import Counter, OrderedDict, deque
from collections.abc import Iterator, Sequence
from typing import Any


class PassRatePool:
    """A prompt stream that replays the problems whose last group was mixed and drops the others."""

    def __init__(self, rows: Sequence[dict[str, Any]], *, replay_fraction: float = 0.5, max_serves: int = 4,
                 seed: int = 0) -> None:
        if not rows:
            raise ValueError("PassRatePool needs at least one row")
        if not 0.0 <= replay_fraction < 1.0:
            raise ValueError(f"replay_fraction must be in [0, 1), got {replay_fraction}")
        if max_serves < 1:
            raise ValueError(f"max_serves must be >= 1, got {max_serves}")
        self.replay_fraction, self.max_serves = replay_fraction, max_serves
        self.rng = random.Random(seed)
        self.rows = {row["question"]: row for row in rows}  # one entry per problem
        self.fresh: deque[str] = deque(self.rows)
        self.live: OrderedDict[str, float] = OrderedDict()  # question -> last pass rate, least recently served first
        self.left: dict[str, None] = {}  # dropped or retired, in order; fresh again in the next pass
        self.serves: Counter[str] = Counter()
        self.credit = 0.0               # replay share owed (a deterministic schedule, not a coin)
        self.passes = 1
        self.stats: Counter[str] = Counter()

    def next_question(self) -> str:
        self.credit = min(1.0, self.credit + self.replay_fraction)  # owed replays do not pile up while none is live
        if self.live and (self.credit >= 1.0 or not self.fresh):
            self.credit = max(0.0, self.credit - 1.0)
            question, _ = self.live.popitem(last=False)
            self.stats["served_replay"] += 1
        else:
            if not self.fresh:
                self.new_pass()
            question = self.fresh.popleft()
            self.stats["served_fresh"] += 1
        self.serves[question] += 1
        return question

    def new_pass(self) -> None:
        """The fresh draws ran out: what left the stream comes back, in a new random order."""
        pending = list(self.left) or [q for q in self.rows if q not in self.live]
        self.rng.shuffle(pending)
        self.fresh.extend(pending)
        self.left = {}
        self.passes += 1

    def stream(self) -> Iterator[dict[str, Any]]:
        """Endless rows, one per group (the trainer repeats each for its group)."""
        while True:
            yield self.rows[self.next_question()]

    def record(self, question: str, correct: Sequence[bool]) -> None:
        """One scored group of `question`: keep it live when mixed, let it leave otherwise."""
        if question not in self.rows or not correct:
            raise KeyError(f"the pool never served {question[:60]!r}")
        rate = sum(map(bool, correct)) / len(correct)
        self.stats["groups"] += 1
        self.live.pop(question, None)
        if rate == 1.0:
            self.stats["all_right"] += 1
        elif rate == 0.0:
            self.stats["all_wrong"] += 1
        else:
            self.stats["mixed"] += 1
        if 0.0 < rate < 1.0 and self.serves[question] < self.max_serves:
            self.live[question] = rate
        else:
            self.left[question] = None

    def summary(self) -> dict[str, Any]:
        groups = self.stats["groups"]
        return {
            **{k: self.stats[k] for k in ("groups", "mixed", "all_right", "all_wrong", "served_fresh", "served_replay")},
            "mixed_share": round(self.stats["mixed"] / groups, 4) if groups else None,
            "live": len(self.live),
            "distinct_served": len(self.serves),
            "passes": self.passes,
            "replay_fraction": self.replay_fraction,
            "max_serves": self.max_serves,
        }


def stream_dataset(pool: PassRatePool) -> Any:
    """The pool as a `datasets.IterableDataset` (what TRL's trainers take for a live prompt stream)."""
    from datasets import IterableDataset

    return IterableDataset.from_generator(pool.stream)
