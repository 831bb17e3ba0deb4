"""GSMTrace as a verifiers 0.4 environment (``verifiers.v1``): a taskset, an env and a harness.

verifiers loads an environment by id: ``vf-eval gsmtrace`` imports the top-level module
``gsmtrace`` (a re-export of this module, installed with the project) and takes the one
`Taskset`, `Env` and `Harness` subclass it exports through ``__all__``:

* `GSMTraceTaskset` (config `GSMTraceConfig`, ``--env.taskset.*``): one task per problem of a
  project source (``trace_env.sources``: the generators by default, a JSONL file of GSM8K or
  problem records, or ``hf:openai/gsm8k``). The prompt is the project's shared prompt
  (``trace_env.prompts.build_messages``): its system turn becomes ``TaskData.system_prompt``,
  its user turn the task prompt.
* `GSMTraceTask`: scored by the project's reward (``solver.grade`` with the question, so
  grounding applies, and the gold trace: the program check) on the last reply: ``trace_reward`` in
  {1.0, 0.7, 0.5, 0.3, 0.0}; metrics ``parsed``, ``valid``, ``correct``, ``program_checked`` (of
  the last trace) and ``turns`` (traces written). A fault
  of the grader itself raises (``solver.GraderError``): the rollout errors, never scored as the
  policy's.
* `GSMTraceVerifiersEnv`: the solver plays the user. Each reply is one turn of the project's
  refinement episode (``trace_env.episode.refine_turn``, the rule ``GSMTraceRefine-v1`` steps by):
  when the trace does not run and ``max_turns`` allows another, the solver's gold-free feedback
  (``solver.check``: no gold answer, gold trace or expert label) comes back as the next user
  turn. ``reveal=True`` (opt-in) uses ``Outcome.feedback()`` of the graded trace instead, which
  says whether the answer is right (never what it is), and continues until a correct trace.
  ``max_turns=1`` (default) is the single-turn environment.
* `GSMTraceHarness`: the model's program, in-process: one chat completion per turn through
  verifiers' interception endpoint (which records the turn and forwards it to the run's
  OpenAI-compatible client). Needs no container, no ``uv`` and no network beyond the model
  endpoint. Any other harness (``--env.agent.harness.id null``) can play the seat instead.

Needs the ``verifiers`` extra (``pip install -e ".[verifiers]"``); nothing else in the project
imports this module, so ``import trace_env`` stays light.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Literal

try:
    import verifiers.v1 as vf
except ImportError as err:  # pragma: no cover - depends on the installed extras
    raise ImportError(
        'the GSMTrace verifiers environment needs verifiers 0.4: pip install -e ".[verifiers]"'
    ) from err
from openai import APIConnectionError, APIStatusError, AsyncOpenAI
from pydantic import Field, model_validator
from verifiers.v1.dialects.chat import message_to_wire
from verifiers.v1.errors import MODEL_TRANSPORT_ERROR_EXIT_CODE

from generators import Problem
from solver import Outcome
from trace_env.completions import grade_completion
from trace_env.envs.spaces import as_text
from trace_env.episode import SINGLE_TURN, EpisodeConfig, refine_turn
from trace_env.prompts import build_messages, default_model_note, prompt_numbered
from trace_env.sources import load_source

__all__ = [
    "load_environment",
    "run_summary",
    "GSMTraceConfig",
    "GSMTraceData",
    "GSMTraceVerifiersEnv",
    "GSMTraceVerifiersEnvConfig",
    "GSMTraceHarness",
    "GSMTraceHarnessConfig",
    "GSMTraceTask",
    "GSMTraceTaskset",
]

TASKSET_ID = "gsmtrace"
_log = logging.getLogger(__name__)


# ---------------------------------------------------------------- taskset


class GSMTraceConfig(vf.TasksetConfig):
    """Which problems load and how an episode runs (``--env.taskset.*``)."""

    source: str = "synthetic"
    """``synthetic`` (the generators), a path to a JSONL file (GSM8K records or problem dicts),
    or ``hf:openai/gsm8k`` (the hub, when it can be reached)."""
    n: int | None = Field(None, ge=1)
    """Problems: generated for ``synthetic`` (default 1000), a seeded subset otherwise (default all)."""
    seed: int = 0
    """Seeds the generators and the subset."""
    hub_split: str = "test"
    """Hub split for ``hf:`` sources."""
    preset: str | None = None
    """Generator preset (e.g. ``hard``); synthetic only."""
    generator_config: dict[str, Any] = Field(default_factory=dict)
    """Further generator knobs (``generators.GeneratorConfig`` fields); synthetic only."""
    numbered: bool | None = None
    """List the question's quantities under it, for ``init {ref: N}`` pointers (the prompt
    option a model was trained with). Unset: as ``model``'s ``gsmtrace.json`` says, else numbered
    (``trace_env.prompts.prompt_numbered``, the rule every entry point shares)."""
    model: str | None = None
    """The trained model directory the endpoint serves (e.g. ``OUT/final``), read only for its saved
    prompt form; the model that answers is vf-eval's ``-m``. ``default`` logs that the embedded
    default model is untrained."""
    max_turns: int = Field(SINGLE_TURN, ge=1, le=16)
    """Traces per problem: 1 (default) is single-turn; more lets the model revise after solver
    feedback (``trace_env.episode.EpisodeConfig``; its refinement default is 3)."""
    observation: Literal["feedback", "full"] = "feedback"
    """The refinement turn: the solver's feedback (the model keeps its conversation), or the
    problem, the previous trace and the feedback (``EpisodeConfig.observation``)."""
    reveal: bool = False
    """False (default): the feedback says only what a solver can tell without the gold answer or
    the expert label, as at test time, where no gold exists (does the trace parse and run?); the
    episode ends at the first trace that runs, right or wrong. True (opt-in): the feedback may say
    whether the answer is right (never what it is), and the episode ends at the first correct
    trace. As ``GSMTraceRefine-v1``'s ``reveal``."""

    @model_validator(mode="after")
    def _synthetic_only_knobs(self) -> GSMTraceConfig:
        if (self.preset or self.generator_config) and self.source.strip().lower() not in ("synthetic", "generators"):
            raise ValueError(f"preset and generator knobs apply to the synthetic source only, not {self.source!r}")
        return self


class GSMTraceData(vf.TaskData):
    """One problem. The answer rides on the trace for scoring; the model sees only the prompt."""

    question: str
    answer: str
    expert: str | None = None
    pattern: str | None = None
    trace: str | None = None  # the gold trace: the reply is checked as a program on variants of the question
    source: str = "synthetic"
    max_turns: int = SINGLE_TURN
    observation: str = "feedback"
    reveal: bool = False

    def episode(self) -> EpisodeConfig:
        return EpisodeConfig(max_turns=self.max_turns, reveal=self.reveal, observation=self.observation)


def last_reply(holder: Any) -> Any:
    """The reply to grade of a verifiers trace or turn segment: the root agent's reply when it has
    one, else its last assistant message (content and tool calls), read by `read_trace`'s rule."""
    if getattr(holder, "root_reply", None) is not None:
        return holder.root_reply
    messages = getattr(holder, "assistant_messages", None)
    if messages is None:
        messages = [m for m in getattr(holder, "messages", None) or [] if getattr(m, "role", None) == "assistant"]
    return [m.model_dump() if hasattr(m, "model_dump") else m for m in messages[-1:]]


class GSMTraceTask(vf.Task[GSMTraceData, vf.State, vf.TaskConfig]):
    """Scored by the project's reward on the trace's last reply."""

    @property
    def key(self) -> str:
        return self.data.id or self.hash

    def grade(self, reply: Any) -> Outcome:
        """Grade one reply (text, or assistant messages: `trace_env.completions`' rule) against
        this problem (question given: grounding applies).

        A fault of the grader itself raises ``solver.GraderError``."""
        d = self.data
        return grade_completion(reply, d.answer, expert=d.expert, question=d.question, gold=d.trace).checked()

    @vf.reward
    async def trace_reward(self, trace) -> float:
        """The GSMTrace reward of the last trace: 1.0 / 0.7 / 0.5 / 0.3 / 0.0."""
        return float(self.grade(last_reply(trace)).reward)

    @vf.metric
    async def trace_outcome(self, trace) -> dict[str, float]:
        """parsed / valid / correct of the last trace, whether it was checked as a program on
        variants of the question (the problem has a gold trace and the trace ran), and the number
        of traces written."""
        outcome = self.grade(last_reply(trace))
        return {
            "parsed": float(outcome.parsed),
            "valid": float(outcome.valid),
            "correct": float(outcome.correct),
            "program_checked": float(outcome.program_checked),
            "turns": float(len(trace.assistant_messages)),
        }


def _task_data(problem: Problem, config: GSMTraceConfig, numbered: bool) -> GSMTraceData:
    system, *turns = build_messages(problem.question, numbered=numbered)
    return GSMTraceData(
        id=problem.id,
        name=problem.id,
        prompt=turns,
        system_prompt=system["content"],
        question=problem.question,
        answer=problem.answer,
        expert=problem.expert,
        pattern=problem.pattern,
        trace=problem.trace,
        source=problem.source,
        max_turns=config.max_turns,
        observation=config.observation,
        reveal=config.reveal,
    )


class GSMTraceTaskset(vf.Taskset[GSMTraceTask, GSMTraceConfig]):
    """GSMTrace problems as verifiers tasks. The source loads when the taskset is built, so a
    bad source fails there with a clear ``trace_env.sources.SourceError``."""

    def __init__(self, config: GSMTraceConfig) -> None:
        super().__init__(config)
        generator = {**config.generator_config, **({"preset": config.preset} if config.preset else {})}
        self.problems: list[Problem] = load_source(
            config.source, n=config.n, seed=config.seed, hub_split=config.hub_split, config=generator or None
        )
        self.numbered: bool = prompt_numbered(config.numbered, model=config.model)
        if note := default_model_note(config.model, "--env.taskset.model"):
            _log.warning("%s (and serve it to -m)", note)

    def load(self) -> Iterator[GSMTraceTask]:
        for problem in self.problems:
            yield GSMTraceTask(_task_data(problem, self.config, self.numbered), self.config.task)


# ---------------------------------------------------------------- env: the solver plays the user


class GSMTraceVerifiersEnvConfig(vf.EnvConfig):
    """One seat, ``agent`` (``--env.agent.*``), as in verifiers' single-agent env. Its runtime
    defaults to the local subprocess one: the default harness runs in-process and needs no box."""

    agent: vf.AgentConfig = vf.AgentConfig(runtime=vf.SubprocessConfig())


class GSMTraceVerifiersEnv(vf.Env[GSMTraceVerifiersEnvConfig]):
    """An episode of `trace_env.episode`: each reply is one `refine_turn`; while the episode goes
    on, the turn's message (the solver's feedback) is the next user turn. Each graded turn is
    logged in ``trace.info["gsmtrace_turns"]`` (reward, category, error); the score is the task's."""

    async def run(self, task: GSMTraceTask, agents: vf.Agents) -> None:
        data = task.data
        config = data.episode()
        async with agents.agent.interaction(task) as interaction:
            log: list[dict[str, Any]] = []
            interaction.trace.info["gsmtrace_turns"] = log
            segment = await interaction.turn()
            while not segment.terminated:
                turn = refine_turn(data, as_text(last_reply(segment)), len(log) + 1, config)
                outcome = turn.outcome
                log.append({"reward": outcome.reward, "category": outcome.category, "error": outcome.error})
                if turn.over:
                    break
                segment = await interaction.turn(turn.message)


# ---------------------------------------------------------------- harness: one chat completion per turn


class GSMTraceHarnessConfig(vf.HarnessConfig):
    """``--env.agent.harness.*``."""

    id: str = TASKSET_ID
    request_timeout: float = Field(600.0, gt=0)
    """Seconds one chat completion may take."""
    max_retries: int = Field(2, ge=0)
    """Retries of a failed request (connection errors, 408/409/429/5xx), as the OpenAI SDK does them."""


class GSMTraceHarness(vf.Harness[GSMTraceHarnessConfig]):
    """The model's program, run in-process: send the conversation, take one reply. Every model
    call goes through the rollout's interception ``endpoint``, which records it on the trace."""

    APPENDS_SYSTEM_PROMPT = True
    SUPPORTS_RESUME = True  # a later turn relaunches on the accumulated conversation
    EXECUTES_CODE = False
    NEEDS_CONTAINER = False

    async def launch(self, ctx, trace, runtime, endpoint, secret, mcp_urls, data, tool_interception_url=None):
        system, prompt = self.resolve_prompt(data)
        messages: list[dict[str, Any]] = [{"role": "system", "content": system}] if system else []
        if isinstance(prompt, str):
            messages.append({"role": "user", "content": prompt})
        else:
            messages.extend(message_to_wire(m) for m in prompt or [])
        client = AsyncOpenAI(base_url=endpoint, api_key=secret, timeout=self.config.request_timeout,
                             max_retries=self.config.max_retries)
        try:
            await client.chat.completions.create(model=ctx.model, messages=messages)
        except APIConnectionError as err:
            return vf.ProgramResult(MODEL_TRANSPORT_ERROR_EXIT_CODE, "", f"model endpoint unreachable: {err}")
        except APIStatusError as err:
            return vf.ProgramResult(1, "", f"chat completion failed with HTTP {err.status_code}: {err.message}")
        finally:
            await client.close()
        return vf.ProgramResult(0, "", "")


# ---------------------------------------------------------------- loading and the run's mean


def load_environment(**taskset: Any) -> GSMTraceVerifiersEnv:
    """The environment ``vf-eval gsmtrace`` runs, built by verifiers' own loader.

    Keyword arguments are taskset options (`GSMTraceConfig`: ``n``, ``source``, ``max_turns``,
    ``numbered``, ...). verifiers 0.4's ``verifiers.v1.load_environment`` takes a resolved config,
    not an id; this is that call::

        vf.load_environment(vf.resolve_env_config({"taskset": {"id": "gsmtrace", **taskset}}))
    """
    return vf.load_environment(vf.resolve_env_config({"taskset": {**taskset, "id": TASKSET_ID}}))


def run_summary(run_dir: str | Path) -> dict[str, Any]:
    """The means of a finished ``vf-eval`` run (``run_dir/traces.jsonl``), as verifiers' dashboard
    computes them (``verifiers.v1.utils.format.format_mean``: over the traces that did not error,
    then over all of them with an errored one counting 0, in parentheses). ``vf-eval --no-rich``
    prints every trace as JSON and no mean; this reads the mean back.

    Returns ``{"traces", "errored", "reward", "line"}``: ``reward`` the mean of each trace's
    ``reward`` (``trace_reward``, the only reward) over the clean traces (None if none), ``line``
    the printable summary with every reward and metric."""
    from verifiers.v1.configs.agent import WireAgentConfig
    from verifiers.v1.task import WireTaskData
    from verifiers.v1.utils.format import format_mean
    from verifiers.v1.utils.trace_store import read_episodes

    episodes = read_episodes(Path(run_dir), vf.Trace[WireTaskData, vf.State, WireAgentConfig])
    traces = [t for episode in episodes for t in episode.traces]
    clean = [t for t in traces if not t.has_error]
    names = list(dict.fromkeys(name for t in traces for name in t.metrics))
    parts = [f"reward {format_mean(traces, lambda t: t.reward)}"]
    parts += [f"{name} {format_mean(traces, lambda t, n=name: t.metrics.get(n) or 0.0)}" for name in names]
    line = f"{len(traces)} traces, {len(traces) - len(clean)} errored: " + " · ".join(parts)
    return {"traces": len(traces), "errored": len(traces) - len(clean),
            "reward": sum(t.reward for t in clean) / len(clean) if clean else None, "line": line}


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m gsmtrace RUN_DIR``: print the mean reward and metrics of a finished vf-eval run."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m gsmtrace", description=main.__doc__)
    parser.add_argument("run_dir", help="vf-eval's run directory (-o DIR --run.name NAME: DIR/NAME)")
    args = parser.parse_args(argv)
    try:
        print(run_summary(args.run_dir)["line"])
    except FileNotFoundError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
