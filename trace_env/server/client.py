"""Clients for a running GSMTrace OpenEnv server.

* `GSMTraceClient`: OpenEnv's `EnvClient` (WebSocket session) with the typed action and
  observation, `async with GSMTraceClient(base_url=...) as env` or `.sync()`.
* `GSMTraceToolEnv`: the class TRL's `GRPOTrainer(environment_factory=...)` expects (one
  instance per rollout; `reset(**row)`, public methods become tools, `get_reward`), backed by a
  server session, so training can run against a remote or shared environment server.

Plain HTTP works too (`POST /reset`, then `POST /step` with the returned `episode_id`); see
`docs/openenv.md`.
"""

from __future__ import annotations

from typing import Any

from openenv.core.client_types import StepResult
from openenv.core.env_client import EnvClient

from .models import TraceAction, TraceObservation, TraceState


class GSMTraceClient(EnvClient[TraceAction, TraceObservation, TraceState]):
    """OpenEnv client for `python -m trace_env.serve` (one WebSocket session per instance)."""

    def _step_payload(self, action: TraceAction | str) -> dict[str, Any]:
        if isinstance(action, str):
            action = TraceAction(trace=action)
        return action.model_dump(exclude_defaults=True)

    def _parse_result(self, payload: dict[str, Any]) -> StepResult[TraceObservation]:
        fields = dict(payload.get("observation", {}))
        fields.update(reward=payload.get("reward"), done=bool(payload.get("done", False)))
        observation = TraceObservation.model_validate(fields)
        return StepResult(observation=observation, reward=observation.reward, done=observation.done,
                          metadata=payload.get("metadata"))

    def _parse_state(self, payload: dict[str, Any]) -> TraceState:
        return TraceState.model_validate(payload)


class GSMTraceToolEnv:
    """A GSMTrace server session shaped for TRL's `environment_factory`.

    ```python
    from functools import partial
    trainer = GRPOTrainer(model=..., train_dataset=dataset,   # rows: prompt, problem_id (optional)
                          environment_factory=partial(GSMTraceToolEnv, "http://127.0.0.1:8000"))
    ```

    TRL calls `reset(**row)` before each rollout (the returned problem text is appended to the
    last user message), lets the model call `submit_trace` as a tool, and reads `get_reward()`
    (the grade of the last trace) once the rollout is over.
    """

    def __init__(self, base_url: str = "http://127.0.0.1:8000", **client_kwargs: Any) -> None:
        self._client = GSMTraceClient(base_url=base_url, **client_kwargs).sync()
        self._client.connect()
        self._reward = 0.0
        self._done = False

    def reset(self, problem_id: str | None = None, seed: int | None = None, **row: Any) -> str:
        """Start an episode (on `problem_id` when the dataset row names one) and return the problem."""
        kwargs: dict[str, Any] = {}
        if problem_id is not None:
            kwargs["problem_id"] = str(problem_id)
        elif seed is not None:
            kwargs["seed"] = int(seed)
        result = self._client.reset(**kwargs)
        self._reward = 0.0
        self._done = False
        return result.observation.text

    def submit_trace(self, trace: str) -> str:
        """Submit a YAML trace for the problem; the solver executes and grades it.

        Args:
            trace: The YAML trace: an expert label and its steps.

        Returns:
            The solver's feedback while the episode goes on, else that it is over.
        """
        if self._done:
            return "The episode is over: no more traces are graded."
        result = self._client.step(TraceAction(trace=trace))
        obs = result.observation
        self._reward = float(obs.trace_reward or 0.0)
        self._done = bool(result.done)
        # The model reads only the observation text, which the environment keeps gold-free unless
        # the server runs with --reveal-feedback; the grade fields go to the trainer (get_reward).
        if self._done:
            return "The trace was graded. The episode is over."
        return obs.text

    def get_reward(self) -> float:
        """The grade of the last trace submitted in this episode (0.0 when none was)."""
        return self._reward

    def _close(self) -> None:   # private: TRL turns every public method into a tool
        self._client.close()
