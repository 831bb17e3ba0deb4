"""Vector environments with same-step autoreset, the mode a one-step environment needs.

Gymnasium 1.x vector envs autoreset on the *next* step by default (``AutoresetMode.NEXT_STEP``):
the step after an episode ends only resets that sub-environment and ignores its action. Every
GSMTrace-v0 episode is one step, so half of all steps would be wasted (an oracle solved 12 of
24 steps in a 4-env vector env, against 24 of 24 here). ``SAME_STEP`` resets in the step that
ends the episode: the observation returned is the next problem's (the last one is in
``infos["final_obs"]``), so every action answers a problem.

`make_vec` is the project's helper; ``gym.make_vec(env_id, num_envs)`` without a
``vectorization_mode`` goes through it too (each id is registered with a vector entry point).
An explicit ``vectorization_mode`` makes Gymnasium build its own vector env with its default
(next-step) autoreset unless ``vector_kwargs={"autoreset_mode": AutoresetMode.SAME_STEP}``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import gymnasium as gym
from gymnasium.vector import AutoresetMode

__all__ = ["make_vec"]


def make_vec(env_id: str = "GSMTrace-v0", num_envs: int = 1, *, vectorization_mode: str = "sync",
             vector_kwargs: dict[str, Any] | None = None, wrappers: Sequence[Callable[[gym.Env], gym.Wrapper]] | None = None,
             **env_kwargs: Any) -> gym.vector.VectorEnv:
    """``gym.make_vec`` with ``autoreset_mode=SAME_STEP`` unless `vector_kwargs` names another.

    `vectorization_mode` is ``"sync"`` (default) or ``"async"``; `env_kwargs` go to each
    environment (``source``, ``n``, ``max_turns``, ``max_episode_steps``, ...)."""
    import trace_env  # noqa: F401  (registers the ids)

    vector_kwargs = {"autoreset_mode": AutoresetMode.SAME_STEP, **(vector_kwargs or {})}
    return gym.make_vec(env_id, num_envs, vectorization_mode=vectorization_mode, vector_kwargs=vector_kwargs,
                        wrappers=wrappers, **env_kwargs)


def _vector_entry_point(env_id: str) -> Callable[..., gym.vector.VectorEnv]:
    def make(num_envs: int = 1, **env_kwargs: Any) -> gym.vector.VectorEnv:
        return make_vec(env_id, num_envs, **env_kwargs)

    make.__doc__ = f"The vector entry point of {env_id}: a sync vector env with same-step autoreset."
    return make


# The registered `vector_entry_point`s (trace_env/__init__.py): gym.make_vec(id, num_envs) with no mode.
gsmtrace_v0 = _vector_entry_point("GSMTrace-v0")
gsmtrace_refine_v1 = _vector_entry_point("GSMTraceRefine-v1")
gsmtrace_refine_v0 = _vector_entry_point("GSMTraceRefine-v0")
