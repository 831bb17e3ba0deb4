"""What the RL trainer's reward actually said, and a guard that stops a run it says nothing to.

A GRPO or RLOO step learns only from groups whose rewards differ. A run whose completions never
parse (a response parser that hides the text, a prompt form the model was not trained on, a
start model that never learned the format) or whose groups all score alike trains on zeros: loss
0, gradient 0, for as long as it is allowed to run. `RewardSignal` sees every scored batch (the
reward wrapper of training/grpo.py feeds it), keeps the stage's figures, and raises
`NoRewardSignal` with one line naming what to check as soon as the signal is plainly absent:

- none of the completions of the first `first_batches` scored batches parses as a trace;
- `window_groups` groups in a row have zero reward variance.

The defaults leave a healthy run alone: with 85% of groups at zero variance (the most seen in a
working main job) 64 in a row happen about once in 200,000 groups.

With `samples_path`, the first group of every scored batch is appended there as JSON lines
(the completion as the reward received it, its category and reward), so what the trainer saw
can be read after the run (OUTPUT_DIR/rl_samples.jsonl).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["NoRewardSignal", "RewardSignal", "format_signal"]

CHECK_FORMAT = ("check the chat template and the tokenizer's response parser (TRL hands the reward what "
                "parse_response returns), the prompt form (--numbered) the model was trained on, and that the "
                "start model writes traces (its SFT warm-up)")


class NoRewardSignal(RuntimeError):
    """The RL stage's reward carries no signal; training on it would change nothing."""


@dataclass
class RewardSignal:
    """Running figures of the reward over an RL stage, and the no-signal guard (0 turns a rule off)."""

    group_size: int
    first_batches: int = 2
    window_groups: int = 64
    samples_path: Path | None = None  # every batch's first group goes here (JSON lines)
    # What the batches said so far (not arguments):
    completions: int = field(default=0, init=False)
    parsed: int = field(default=0, init=False)
    valid: int = field(default=0, init=False)
    correct: int = field(default=0, init=False)
    program_checked: int = field(default=0, init=False)  # graded against the gold program on variants
    wrong_program: int = field(default=0, init=False)  # the right number, from a program wrong on a variant
    groups: int = field(default=0, init=False)
    zero_variance_groups: int = field(default=0, init=False)
    batches: int = field(default=0, init=False)
    streak: int = field(default=0, init=False)  # groups in a row with zero reward variance
    _sum: float = field(default=0.0, init=False)
    _sum_sq: float = field(default=0.0, init=False)
    _scored: int = field(default=0, init=False)  # rewards that are not None (grader faults have none)
    samples: list[dict[str, Any]] = field(default_factory=list, init=False)  # a few completions as the trainer saw them

    def record(self, outcomes: Sequence[Any], rewards: Sequence[float | None], completions: Sequence[Any] = ()) -> None:
        """One scored batch, in TRL's order (each run of `group_size` completions is one group)."""
        self.batches += 1
        self.completions += len(outcomes)
        self.parsed += sum(o.parsed for o in outcomes)
        self.valid += sum(o.valid for o in outcomes)
        self.correct += sum(o.correct for o in outcomes)
        self.program_checked += sum(o.program_checked for o in outcomes)
        self.wrong_program += sum(o.answer_correct and not o.correct for o in outcomes)
        for r in rewards:
            if r is not None:
                self._scored += 1
                self._sum += r
                self._sum_sq += r * r
        for start in range(0, len(rewards), self.group_size):
            group = [r for r in rewards[start : start + self.group_size] if r is not None]
            self.groups += 1
            if len(set(group)) <= 1:
                self.zero_variance_groups += 1
                self.streak += 1
            else:
                self.streak = 0
        if len(self.samples) < 4 and completions:
            self.samples.append({"completion": completions[0], "category": outcomes[0].category,
                                 "reward": rewards[0]})
        if self.samples_path is not None and completions:
            with open(self.samples_path, "a", encoding="utf-8") as handle:
                g = self.group_size
                for completion, outcome, reward in zip(completions[:g], outcomes[:g], rewards[:g], strict=True):
                    handle.write(json.dumps({"batch": self.batches, "completion": completion, "category": outcome.category,
                                             "reward": reward, "error": outcome.error}, default=str) + "\n")
        self.check()

    def check(self) -> None:
        """Raise NoRewardSignal when a rule of the module docstring fires."""
        if self.first_batches and self.batches == self.first_batches and self.parsed == 0:
            seen = _shown(self.samples[0]["completion"]) if self.samples else "nothing"
            raise NoRewardSignal(
                f"no reward signal: none of the first {self.completions} completions parses as a trace (every "
                f"reward is 0.0, so RL would train on zeros); {CHECK_FORMAT}. The reward saw, for example: {seen}")
        if self.window_groups and self.streak >= self.window_groups:
            raise NoRewardSignal(
                f"no reward signal: the last {self.streak} groups all had zero reward variance (parse rate "
                f"{self.rate(self.parsed):.2f}, correct rate {self.rate(self.correct):.2f}), so RL has nothing to "
                "learn from; if nothing parses, " + CHECK_FORMAT + "; if every group is all right or all wrong, "
                "draw prompts where the policy is unsure (--rl_filter pass_rate, --rl_mix) or raise --temperature")

    def rate(self, count: int) -> float:
        return count / self.completions if self.completions else 0.0

    def summary(self) -> dict[str, Any]:
        """The stage's figures for summary.json and the closing lines."""
        mean = self._sum / self._scored if self._scored else None
        var = self._sum_sq / self._scored - mean * mean if mean is not None else None
        return {
            "completions": self.completions,
            "groups": self.groups,
            "parse_rate": round(self.rate(self.parsed), 4),
            "valid_rate": round(self.rate(self.valid), 4),
            "correct_rate": round(self.rate(self.correct), 4),
            "program_checked_rate": round(self.rate(self.program_checked), 4),
            "wrong_program_rate": round(self.rate(self.wrong_program), 4),
            "zero_variance_groups": round(self.zero_variance_groups / self.groups, 4) if self.groups else None,
            "reward_mean": None if mean is None else round(mean, 4),
            "reward_std": None if var is None else round(math.sqrt(max(var, 0.0)), 4),
            "samples": [{**s, "completion": _shown(s["completion"], 400)} for s in self.samples],
        }


def _shown(completion: Any, limit: int = 160) -> str:
    text = repr(completion)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def format_signal(signal: dict[str, Any]) -> str:
    """One closing line: what the reward said over the RL stage."""
    if not signal.get("completions"):
        return "[grpo] reward signal: no completion was scored"
    return (f"[grpo] reward signal over {signal['completions']} completions ({signal['groups']} groups): parse "
            f"{signal['parse_rate']:.2f}, valid {signal['valid_rate']:.2f}, correct {signal['correct_rate']:.2f} "
            f"(program-checked {signal.get('program_checked_rate', 0.0):.2f}, right number from a wrong program "
            f"{signal.get('wrong_program_rate', 0.0):.3f}); zero-variance groups {signal['zero_variance_groups']:.2f}; reward mean {signal['reward_mean']:.3f}, "
            f"std {signal['reward_std']:.3f}")
