"""The environments under gymnasium.make_vec, sync and async (shared-memory Text observations)."""

from __future__ import annotations

import gymnasium as gym
import pytest

import trace_env  # noqa: F401  (registers the environments)
from agents import OracleAgent

TRACE = """expert: arithmetic
trace:
  - {op: init, var: a, value: %d}
  - {op: init, var: b, value: %d}
  - {op: compute, compute_op: add, args: [a, b], var: total}
  - {op: query, var: total}
"""
PROBLEMS = [
    {"id": f"p{a}-{b}", "question": f"Kai has {a} shells and finds {b} more. How many shells does Kai have?",
     "answer": a + b, "expert": "arithmetic", "pattern": "add", "trace": TRACE % (a, b)}
    for a, b in [(3, 4), (10, 25), (7, 8), (40, 2)]
]


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_vector_env_oracle_scores_every_step(mode):
    envs = gym.make_vec("GSMTrace-v0", num_envs=3, vectorization_mode=mode, source=PROBLEMS)
    oracle = OracleAgent(PROBLEMS)
    try:
        obs, infos = envs.reset(seed=11)
        assert len(obs) == 3 and all(o in envs.single_observation_space for o in obs)
        for _ in range(2):
            obs, rewards, terminated, truncated, infos = envs.step(oracle.act(list(obs)))
            assert list(rewards) == [1.0, 1.0, 1.0] and all(terminated) and not any(truncated)
            obs, infos = envs.reset()
    finally:
        envs.close()


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_vector_refine_env_feedback_observations_cross_processes(mode):
    envs = gym.make_vec("GSMTraceRefine-v0", num_envs=2, vectorization_mode=mode, source=PROBLEMS, max_turns=2)
    try:
        obs, _ = envs.reset(seed=0)
        # Garbage with characters outside the charset: the feedback observation must still
        # travel through shared memory intact (out-of-charset characters are replaced).
        obs, rewards, terminated, truncated, infos = envs.step(["🙂 no trace", "∑ nope"])
        assert list(rewards) == [0.0, 0.0] and not any(terminated) and not any(truncated)
        assert all("Solver feedback:" in o for o in obs)
        obs, rewards, terminated, truncated, infos = envs.step(OracleAgent(PROBLEMS).act(list(obs)))
        assert list(rewards) == [1.0, 1.0] and all(terminated)
    finally:
        envs.close()
