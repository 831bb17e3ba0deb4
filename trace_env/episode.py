"""The refinement episode, written once: its configuration and the rule for one turn.

Every multi-turn entry point (`GSMTraceRefine-v1`, the OpenEnv server, the verifiers env, TRL's
`environment_factory` through `trace_env.tool_env` (`training.refine`), `trace_env.evaluate`) takes an `EpisodeConfig` and
calls `refine_turn` for each trace, so the feedback, the end of an episode and what the policy
may learn are decided here and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from solver import Outcome, grade_and_check

DEFAULT_MAX_TURNS = 3  # also the registered max_episode_steps of GSMTraceRefine-v1 (trace_env/__init__.py)
SINGLE_TURN = 1  # what the evaluator and the verifiers env run unless asked for more turns
REWARD_MODES = ("delta", "final", "each")
OBSERVATION_MODES = ("full", "feedback")
TRACE_EXCERPT_CHARS = 2048
FEEDBACK_MAX_CHARS = 1536


@dataclass(frozen=True)
class EpisodeConfig:
    """One name and one default per setting of a refinement episode.

    * `max_turns`: traces allowed per problem (at least 1).
    * `reveal`: False (default) shows the policy only the gold-free check (`solver.check`: does
      the trace parse and run?) and ends the episode at the first trace that runs; True lets the
      feedback say whether the answer is right (never the gold answer) and goes on after a wrong one.
    * `observation`: `"full"` (problem, previous trace and feedback: for a stateless policy) or
      `"feedback"` (the feedback alone: for an agent that keeps its own conversation).
    * `reward_mode`: `"delta"` (the change in grade; the return is the last trace's grade),
      `"final"` (the last trace's grade, 0 before) or `"each"` (every trace's grade).
    """

    max_turns: int = DEFAULT_MAX_TURNS
    reveal: bool = False
    observation: str = "full"
    reward_mode: str = "delta"

    def __post_init__(self) -> None:
        if isinstance(self.max_turns, bool) or not isinstance(self.max_turns, int) or self.max_turns < 1:
            raise ValueError(f"max_turns must be an integer >= 1, got {self.max_turns!r}")
        if not isinstance(self.reveal, bool):
            raise ValueError(f"reveal must be True or False, got {self.reveal!r}")
        if self.observation not in OBSERVATION_MODES:
            raise ValueError(f"observation must be one of {OBSERVATION_MODES}, got {self.observation!r}")
        if self.reward_mode not in REWARD_MODES:
            raise ValueError(f"reward_mode must be one of {REWARD_MODES}, got {self.reward_mode!r}")


@dataclass(frozen=True)
class Turn:
    """One graded trace of an episode.

    `outcome` is the grade against the gold answer, label and program: for the trainer and the
    evaluator. `checked` is the gold-free check (`solver.check`), what the policy may learn
    unless `reveal`. `message` is the next observation's text while the episode goes on, else None.
    """

    outcome: Outcome
    checked: Outcome
    terminated: bool
    truncated: bool
    message: str | None

    @property
    def over(self) -> bool:
        return self.terminated or self.truncated


def refine_turn(problem: Any, text: str, turn: int, config: EpisodeConfig) -> Turn:
    """Grade trace number `turn` (1-based) of an episode on `problem` (anything with `question`,
    `answer`, `expert` and `trace`) and decide what follows. A grader fault raises
    `solver.GraderError`: it is never scored as the policy's."""
    outcome, checked = grade_and_check(text, problem.answer, expert=problem.expert, question=problem.question,
                                       gold=problem.trace)
    outcome.checked()
    shown = outcome if config.reveal else checked
    terminated = outcome.correct if config.reveal else checked.valid
    truncated = not terminated and turn >= config.max_turns
    message = None
    if not (terminated or truncated):
        message = refinement_observation(problem.question, text, shown.feedback(), mode=config.observation)
    return Turn(outcome, checked, bool(terminated), truncated, message)


def refinement_observation(question: str, trace: str, feedback: str, *, mode: str = "full") -> str:
    """The text shown after a trace that does not end the episode.

    `"full"` is self-contained for a stateless policy: the problem first (so numbered-quantity
    prompts still index the question's quantities from 1), then the previous trace (cut to
    2,048 characters) and the solver's feedback. `"feedback"` is the feedback with the request
    to revise, for agents that keep their own conversation.
    """
    feedback = feedback.strip()[:FEEDBACK_MAX_CHARS] or "The trace was not correct."
    if mode == "feedback":
        return f"Solver feedback: {feedback}\n\nWrite a corrected trace."
    excerpt = trace.strip()
    if len(excerpt) > TRACE_EXCERPT_CHARS:
        excerpt = excerpt[:TRACE_EXCERPT_CHARS] + "\n[... cut ...]"
    return (
        f"{question}\n\nYour previous trace:\n{excerpt or '(empty)'}\n\n"
        f"Solver feedback: {feedback}\n\nWrite a corrected trace."
    )
