"""GSMTrace environments, problem sources, the shared prompt and the evaluator.

`import trace_env` registers `GSMTrace-v0`, `GSMTraceRefine-v1` and the older
`GSMTraceRefine-v0` (feedback that says whether the answer is right, `reveal=True`) with
Gymnasium; each is also reachable as `gym.make("trace_env:GSMTrace-v0")` without an explicit
import. Submodules
(`prompts`, `rewards`, `sources`, `envs`, `episode`, `evaluate`, `grammar`) load on first attribute access, so the
import stays light (no torch, no matplotlib).
"""

from __future__ import annotations

import importlib
from typing import Any

from gymnasium.envs.registration import register, registry

__all__ = ["ENV_IDS", "REFINE_ID", "envs", "episode", "evaluate", "grammar", "prompts", "rewards", "sources"]

ENV_IDS = ("GSMTrace-v0", "GSMTraceRefine-v1", "GSMTraceRefine-v0")
REFINE_ID = "GSMTraceRefine-v1"  # the current refinement environment
_ENTRY_POINTS = {
    "GSMTrace-v0": "trace_env.envs.single:GSMTraceEnv",
    "GSMTraceRefine-v1": "trace_env.envs.refine:GSMTraceRefineEnv",
    "GSMTraceRefine-v0": "trace_env.envs.refine:GSMTraceRefineEnv",
}
_KWARGS = {"GSMTraceRefine-v0": {"reveal": True}}  # v0's original default; v1 gives gold-free feedback
# Turn limits are Gymnasium's own: gym.make wraps the refinement ids in TimeLimit with this many
# steps, the episode's default `max_turns` (trace_env.episode.DEFAULT_MAX_TURNS, kept equal by
# tests/test_train_refine.py; not imported here, so `import trace_env` stays light).
_MAX_EPISODE_STEPS = {"GSMTrace-v0": None, "GSMTraceRefine-v1": 3, "GSMTraceRefine-v0": 3}
_SUBMODULES = {"envs", "episode", "evaluate", "grammar", "prompts", "rewards", "sources"}
# gym.make_vec(id, num_envs) with no vectorization_mode: a sync vector env with same-step autoreset
# (trace_env.envs.vector; Gymnasium's next-step default would waste every other one-step episode).
_VECTOR_ENTRY_POINTS = {
    "GSMTrace-v0": "trace_env.envs.vector:gsmtrace_v0",
    "GSMTraceRefine-v1": "trace_env.envs.vector:gsmtrace_refine_v1",
    "GSMTraceRefine-v0": "trace_env.envs.vector:gsmtrace_refine_v0",
}

for _env_id, _entry in _ENTRY_POINTS.items():
    if _env_id not in registry:  # re-imports (importlib.reload, spawned workers) stay quiet
        register(id=_env_id, entry_point=_entry, vector_entry_point=_VECTOR_ENTRY_POINTS[_env_id],
                 nondeterministic=False, max_episode_steps=_MAX_EPISODE_STEPS[_env_id], kwargs=_KWARGS.get(_env_id, {}))


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
