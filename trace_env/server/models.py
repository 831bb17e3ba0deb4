"""The wire types of the GSMTrace OpenEnv server: one action, one observation, one state.

They subclass OpenEnv's pydantic `Action`, `Observation` and `State`, so OpenEnv's app factory
validates requests against them and publishes their JSON schema at `/schema`. The action has a
single required field, `trace`, which is what generic OpenEnv drivers (verifiers' OpenEnv
taskset, for one) fill with the model's raw reply.
"""

from __future__ import annotations

from typing import Any

from openenv.core.env_server.types import Action, Observation, State
from pydantic import Field

from ..envs.spaces import ACTION_MAX_CHARS


class TraceAction(Action):
    """A YAML trace, exactly as the model wrote it (fences and prose around it are allowed)."""

    trace: str = Field(
        ...,
        max_length=ACTION_MAX_CHARS,
        description="The trace text: an expert label and steps (docs/trace-format.md).",
    )


class TraceObservation(Observation):
    """What the agent sees after `reset` or `step`. Never the gold answer or the gold trace."""

    text: str = Field(description="The environment's observation: the problem, or after a trace that "
                                  "does not end the episode (GSMTraceRefine-v1/-v0) the problem, that trace "
                                  "and the solver's feedback (gold-free in v1 unless the server runs with "
                                  "--reveal).")
    messages: list[dict[str, str]] = Field(
        default_factory=list,
        description="`text` as the chat messages the project prompts models with (system + user).",
    )
    episode_id: str | None = Field(default=None, description="Handle of this episode (HTTP `/step` needs it).")
    env_id: str = Field(default="", description="GSMTrace-v0, GSMTraceRefine-v1 or GSMTraceRefine-v0.")
    problem_id: str | None = None
    expert: str | None = Field(default=None, description="The problem's expert label (only with --reveal-labels: "
                                                          "naming the expert is part of the graded answer).")
    pattern: str | None = Field(default=None, description="The generator pattern (only with --reveal-labels).")
    source: str | None = None
    chain_length: int | None = None
    turn: int = Field(default=0, description="Traces graded so far in this episode.")
    max_turns: int = Field(default=1, description="Traces allowed per episode.")
    terminated: bool = Field(
        default=False,
        description="The episode ended on its own: GSMTrace-v0's one step, or in GSMTraceRefine-v1 a "
                    "trace that runs (with --reveal, and in v0: a correct trace).",
    )
    truncated: bool = Field(default=False, description="The episode ran out of turns.")
    category: str | None = Field(default=None, description="Grade category of the last trace (mid-episode with labels hidden: the "
                                  "gold-free check's, `runs` / `invalid` / `unparseable`).")
    correct: bool | None = None
    trace_reward: float | None = Field(default=None, description="Raw grade of the last trace (1.0/0.7/0.5/0.3/0.0).")
    best_reward: float | None = None
    outcome: dict[str, Any] | None = Field(
        default=None,
        description="solver Outcome.to_dict() of the last trace: its computed answer, error, failing step.",
    )


class TraceState(State):
    """Server-side state of a session (`/state` over HTTP has no session and returns the empty state)."""

    env_id: str = ""
    problem_id: str | None = None
    done: bool = True
