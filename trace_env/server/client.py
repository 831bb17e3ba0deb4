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

from ..tool_env import ToolEnv
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


class GSMTraceToolEnv(ToolEnv):
    """A GSMTrace server session shaped for TRL's `environment_factory` (`trace_env.tool_env`).

    ```python
    from functools import partial
    trainer = GRPOTrainer(model=..., train_dataset=dataset,   # rows: prompt, problem_id (optional)
                          environment_factory=partial(GSMTraceToolEnv, "http://127.0.0.1:8000"))
    ```

    TRL calls `reset(**row)` before each rollout (the returned problem text is appended to the
    last user message), lets the model call `submit_trace` as a tool, and reads `get_reward()`
    (the grade of the last trace) once the rollout is over. The model reads only the observation
    text, which the server keeps gold-free unless it runs with `--reveal`; the grade goes to the
    trainer.
    """

    def __init__(self, base_url: str = "http://127.0.0.1:8000", **client_kwargs: Any) -> None:
        super().__init__()
        self.client = GSMTraceClient(base_url=base_url, **client_kwargs).sync()
        self.client.connect()

    def _start(self, problem_id: str | None, seed: int | None) -> str:
        kwargs: dict[str, Any] = {"problem_id": problem_id} if problem_id is not None else (
            {"seed": seed} if seed is not None else {})
        return self.client.reset(**kwargs).observation.text

    def _step(self, trace: str) -> tuple[str, float | None, bool, dict[str, Any]]:
        result = self.client.step(TraceAction(trace=trace))
        obs = result.observation
        return obs.text, obs.trace_reward, bool(result.done), dict(obs.outcome or {"category": obs.category})

    def _close(self) -> None:   # private: TRL turns every public method into a tool
        self.client.close()
