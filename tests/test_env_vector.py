"""The environments under gymnasium.make_vec, sync and async (shared-memory Text observations), and
same-step autoreset (trace_env.envs.make_vec, the ids' vector entry point)."""

from __future__ import annotations

import gymnasium as gym
import pytest
from gymnasium.vector import AutoresetMode

import trace_env  # noqa: F401  (registers the environments)
from agents import OracleAgent
from trace_env.envs import make_vec

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


def _oracle_run(envs, steps: int) -> list[float]:
    """Rewards of `steps` oracle steps with no manual reset (the vector env's own autoreset)."""
    oracle = OracleAgent(PROBLEMS)
    try:
        obs, _ = envs.reset(seed=3)
        rewards: list[float] = []
        for _ in range(steps):
            obs, step_rewards, _, _, infos = envs.step(oracle.act(list(obs)))
            rewards.extend(float(r) for r in step_rewards)
        return rewards
    finally:
        envs.close()


def test_make_vec_without_a_mode_autoresets_in_the_same_step():
    """gym.make_vec(id, n) goes through the registered vector entry point: every step answers a problem."""
    envs = gym.make_vec("GSMTrace-v0", num_envs=4, source=PROBLEMS)
    assert envs.metadata["autoreset_mode"] is AutoresetMode.SAME_STEP
    assert _oracle_run(envs, 6) == [1.0] * 24
    # Gymnasium's own default (an explicit mode, next-step autoreset) wastes every other step
    next_step = gym.make_vec("GSMTrace-v0", num_envs=4, vectorization_mode="sync", source=PROBLEMS)
    assert next_step.metadata["autoreset_mode"] is AutoresetMode.NEXT_STEP
    assert sum(_oracle_run(next_step, 6)) == 12.0


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_project_make_vec_is_same_step_in_both_modes(mode):
    envs = make_vec("GSMTrace-v0", 3, vectorization_mode=mode, source=PROBLEMS)
    assert envs.metadata["autoreset_mode"] is AutoresetMode.SAME_STEP
    obs, _ = envs.reset(seed=0)
    first = list(obs)
    obs, rewards, terminated, _, infos = envs.step(OracleAgent(PROBLEMS).act(first))
    assert list(rewards) == [1.0] * 3 and all(terminated)
    assert list(infos["final_obs"]) == first                # the answered problems; obs is already the next one
    assert all(o in envs.single_observation_space for o in obs)
    envs.close()
    kept = make_vec("GSMTrace-v0", 2, source=PROBLEMS, vector_kwargs={"autoreset_mode": AutoresetMode.NEXT_STEP})
    assert kept.metadata["autoreset_mode"] is AutoresetMode.NEXT_STEP    # the caller's choice wins
    kept.close()


def test_refine_vector_entry_point_keeps_the_turn_limit():
    """GSMTraceRefine-v1's registered TimeLimit (3 turns) holds through the vector entry point."""
    envs = gym.make_vec("GSMTraceRefine-v1", num_envs=2, source=PROBLEMS)
    try:
        envs.reset(seed=0)
        for turn in range(1, 4):
            _, rewards, terminated, truncated, _ = envs.step(["no trace", "still none"])
            assert not any(terminated) and list(truncated) == [turn == 3] * 2
    finally:
        envs.close()
