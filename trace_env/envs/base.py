"""Shared machinery of the GSMTrace environments: the problem pool, seeding, reset and render."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

import gymnasium as gym
from gymnasium.error import ResetNeeded

from generators import Problem

from ..sources import load_source
from .spaces import OBS_MAX_CHARS, action_space, observation_charset, observation_space, sanitize


class ProblemPoolEnv(gym.Env[str, str]):
    """Base class: owns the problems, the spaces and `reset`; subclasses implement `step`."""

    metadata = {"render_modes": ["ansi", "human"], "render_fps": 4}

    def __init__(
        self,
        source: Any = "synthetic",
        *,
        n: int | None = None,
        source_seed: int = 0,
        hub_split: str = "test",
        sample: str = "random",
        generator_config: Mapping[str, Any] | None = None,
        render_mode: str | None = None,
    ) -> None:
        if render_mode is not None and render_mode not in self.metadata["render_modes"]:
            raise ValueError(f"render_mode must be one of {self.metadata['render_modes']}, got {render_mode!r}")
        self.render_mode = render_mode
        problems = load_source(source, n=n, seed=source_seed, hub_split=hub_split, sample=sample, config=generator_config)
        if not problems:
            raise ValueError("the problem source is empty")
        self.problems: tuple[Problem, ...] = tuple(problems)
        self._index = {p.id: i for i, p in enumerate(self.problems)}
        self.observation_space = observation_space(observation_charset(p.question for p in self.problems))
        self.action_space = action_space()
        self._charset = self.observation_space.character_set
        self.problem: Problem | None = None
        self._done = True
        self._turn = 0
        self._log: list[str] = []

    @property
    def turn(self) -> int:
        """Traces graded in the current episode."""
        return self._turn

    def spawn(self, rng_from: ProblemPoolEnv | None = None) -> ProblemPoolEnv:
        """A copy for another session, as cheap as a shallow copy: the problems, spaces and settings
        are shared, the episode state is fresh, and the random stream continues that of `rng_from`
        (the same session going on, as one Gymnasium env would) or, without it, is drawn from OS
        entropy on first use unless `reset` is seeded."""
        env = copy.copy(self)
        env.problem, env._done, env._turn, env._log = None, True, 0, []
        env._on_reset()
        # Gymnasium keeps the generator in `_np_random` (its `np_random` property would create one)
        env._np_random = rng_from._np_random if rng_from is not None else None
        env._np_random_seed = rng_from._np_random_seed if rng_from is not None else None
        return env

    # ------------------------------------------------------------------ reset

    def _pick(self, options: Mapping[str, Any] | None) -> int:
        options = dict(options or {})
        unknown = set(options) - {"problem_id", "index"}
        if unknown:
            raise ValueError(f"unknown reset option(s) {sorted(unknown)}; use 'problem_id' or 'index'")
        if options.get("problem_id") is not None:
            pid = str(options["problem_id"])
            if pid not in self._index:
                raise ValueError(f"no problem with id {pid!r} in this environment's source")
            return self._index[pid]
        if options.get("index") is not None:
            index = int(options["index"])
            if not 0 <= index < len(self.problems):
                raise ValueError(f"index {index} out of range for {len(self.problems)} problems")
            return index
        return int(self.np_random.integers(len(self.problems)))

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None) -> tuple[str, dict[str, Any]]:
        super().reset(seed=seed)
        self.problem = self.problems[self._pick(options)]
        self._done = False
        self._turn = 0
        self._on_reset()
        self._log = [f"[{self.problem.id}] {self.problem.question}"]
        if self.render_mode == "human":
            self.render()
        return self._question_obs(), self._problem_info()

    def _on_reset(self) -> None:
        """Hook for subclasses that keep per-episode state."""

    # ------------------------------------------------------------------ helpers

    def _require_active(self) -> Problem:
        if self.problem is None or self._done:
            raise ResetNeeded("the episode is over (or never started): call reset() before step()")
        return self.problem

    def _question_obs(self) -> str:
        assert self.problem is not None
        return sanitize(self.problem.question, self._charset, OBS_MAX_CHARS)

    def _problem_info(self) -> dict[str, Any]:
        """What the agent may know about the problem: never the answer or the gold trace."""
        assert self.problem is not None
        p = self.problem
        return {
            "problem_id": p.id,
            "expert": p.expert,
            "pattern": p.pattern,
            "source": p.source,
            "chain_length": p.chain_length,
            "turn": self._turn,
        }

    def _outcome_info(self, outcome: Any) -> dict[str, Any]:
        info = self._problem_info()
        info.update(
            outcome=outcome.to_dict(),
            category=outcome.category,
            correct=bool(outcome.correct),
            trace_reward=float(outcome.reward),
        )
        return info

    # ------------------------------------------------------------------ render

    def render(self) -> str | None:
        if self.render_mode is None:
            gym.logger.warn("render() called without a render_mode; pass render_mode='ansi' or 'human'")
            return None
        text = "\n".join(self._log)
        if self.render_mode == "ansi":
            return text
        print(text)
        return None
