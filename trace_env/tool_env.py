"""A refinement episode shaped for TRL's `GRPOTrainer(environment_factory=...)`, written once.

TRL builds one instance per rollout, calls `reset(**row)` before generation, turns every public
method other than `reset` and `get_reward` into a tool (here only `submit_trace`), and reads
`get_reward()` once the rollout is over. Two backends share this shape:

* `RefineToolEnv`: a `GSMTraceRefine-v1` environment in the same process (`training.refine`);
* `trace_env.server.client.GSMTraceToolEnv`: a session of a running GSMTrace server.

What an episode is (grading, feedback, when it ends) is `trace_env.episode`'s; this module only
carries its turns to TRL. State is public attributes (`turns`, `done`), never methods, so TRL
does not offer it to the model as a tool.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

DONE_MESSAGE = "The episode is over: the solver grades no more traces."
CLOSING_MESSAGE = "The trace was graded. The episode is over."


class ToolEnv:
    """The TRL-facing half of an episode; subclasses start and step their backend.

    `turns` holds one record per graded trace (`turn`, `category`, `reward`: the grade, or None
    where the backend withholds it mid-episode, and the outcome's own `valid` and `correct`),
    `done` whether the episode is over.
    """

    def __init__(self) -> None:
        self.turns: list[dict[str, Any]] = []
        self.done = True
        self.reward = 0.0

    def reset(self, id: str | None = None, problem_id: str | None = None, seed: int | None = None,  # noqa: A002
              **row: Any) -> str | None:
        """Start the episode of the row's problem (`id` or `problem_id`; else `seed`, else random)."""
        name = problem_id if problem_id is not None else id
        shown = self._start(None if name is None else str(name), None if seed is None else int(seed))
        self.turns, self.done, self.reward = [], False, 0.0
        return shown

    def submit_trace(self, trace: str) -> str:
        """Submit a YAML trace for the problem to the solver and read its feedback.

        Args:
            trace: The whole trace: a line `expert: NAME`, then `trace:` with one step per line.

        Returns:
            The solver's feedback on the trace, or a note that the episode is over.
        """
        if self.done:
            return DONE_MESSAGE
        text, reward, done, outcome = self._step(trace if isinstance(trace, str) else str(trace))
        self.turns.append({"turn": len(self.turns) + 1, "category": outcome.get("category"), "reward": reward,
                           "valid": bool(outcome.get("valid")), "correct": bool(outcome.get("correct"))})
        self.reward = float(reward or 0.0)
        self.done = bool(done)
        return CLOSING_MESSAGE if self.done else text

    def get_reward(self) -> float:
        """The episode's return: the grade of its last trace (0.0 before any)."""
        return self.reward

    # ------------------------------------------------------------ the backend

    def _start(self, problem_id: str | None, seed: int | None) -> str | None:
        raise NotImplementedError

    def _step(self, trace: str) -> tuple[str, float | None, bool, dict[str, Any]]:
        """(next message, grade or None, episode over, `Outcome.to_dict()`) of one trace."""
        raise NotImplementedError


class RefineToolEnv(ToolEnv):
    """A `GSMTraceRefine-v1` episode in this process. `problems`: anything `trace_env.sources`
    reads (records with `id`, `question`, `answer`, `expert`, optional `trace`); `reset` needs the
    row's id. The observation is the feedback alone: the conversation is TRL's, and the prompt is
    the row's own, so `reset` adds nothing to it."""

    def __init__(self, problems: Sequence[Any], episode: Any) -> None:
        import gymnasium as gym

        from . import REFINE_ID

        super().__init__()
        if episode.observation != "feedback":
            raise ValueError("a tool episode's observation is the feedback alone (EpisodeConfig(observation='feedback'))")
        # Gymnasium's TimeLimit and the environment's own count agree (trace_env docs).
        self.env = gym.make(REFINE_ID, source=list(problems), max_episode_steps=episode.max_turns,
                            max_turns=episode.max_turns, reveal=episode.reveal, observation=episode.observation,
                            reward_mode=episode.reward_mode)

    def _start(self, problem_id: str | None, seed: int | None) -> None:
        if problem_id is None:
            raise ValueError("RefineToolEnv.reset needs the row's 'id' column (the problem to serve)")
        self.env.reset(seed=seed, options={"problem_id": problem_id})
        return None

    def _step(self, trace: str) -> tuple[str, float | None, bool, dict[str, Any]]:
        observation, _, terminated, truncated, info = self.env.step(trace)
        return observation, info["trace_reward"], terminated or truncated, info["outcome"]
