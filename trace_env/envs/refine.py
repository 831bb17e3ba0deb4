"""GSMTraceRefine-v0: the agent may revise its trace after the solver's feedback."""

from __future__ import annotations

from typing import Any

from solver import grade as solver_grade

from .base import ProblemPoolEnv
from .spaces import OBS_MAX_CHARS, as_text, sanitize

DEFAULT_MAX_TURNS = 3  # also the registered max_episode_steps (Gymnasium's TimeLimit), trace_env/__init__.py
REWARD_MODES = ("delta", "final", "each")
OBSERVATION_MODES = ("full", "feedback")
TRACE_EXCERPT_CHARS = 2048
FEEDBACK_MAX_CHARS = 1536


def refinement_observation(question: str, trace: str, feedback: str, *, mode: str = "full") -> str:
    """The text shown after a trace that does not end the episode.

    `"full"` is self-contained for a stateless policy: the problem first (so numbered-quantity
    prompts still index the question's quantities from 1), then the previous trace (cut to
    2,048 characters) and the solver's feedback. `"feedback"` is the feedback alone, for agents
    that keep their own conversation.
    """
    feedback = feedback.strip()[:FEEDBACK_MAX_CHARS] or "The trace was not correct."
    if mode == "feedback":
        return feedback
    excerpt = trace.strip()
    if len(excerpt) > TRACE_EXCERPT_CHARS:
        excerpt = excerpt[:TRACE_EXCERPT_CHARS] + "\n[... cut ...]"
    return (
        f"{question}\n\nYour previous trace:\n{excerpt or '(empty)'}\n\n"
        f"Solver feedback: {feedback}\n\nWrite a corrected trace."
    )


class GSMTraceRefineEnv(ProblemPoolEnv):
    """
    ## Description

    The multi-turn version of `GSMTrace-v0`. The agent reads a word problem and writes a YAML
    trace; when the trace does not end the episode the solver explains what happened (the error
    and the failing step; with `reveal=True` also the value a wrong trace computed) and the agent
    may revise, up to `max_turns` traces per problem. This is the "iterative refinement" the seed
    review asked for.

    By default (`reveal=False`) the agent learns only what a solver can tell without the gold
    answer or the expert label, as at test time (where no gold exists): whether the trace parses
    and runs (schema, vocabulary, grounding, provenance, execution). Feedback then comes only for
    traces that do not run, and the episode ends at the first trace that does, right or wrong, so
    what the loop teaches is fixing invalid traces. `reveal=True` is the opt-in for the older
    loop: the feedback may say whether the answer is right (never what the gold answer is) and
    the episode continues after a wrong answer.

    ## Action Space

    A string: the (revised) trace text. Same `TraceText` space as `GSMTrace-v0`: any string is
    accepted and graded; nothing is rejected.

    ## Observation Space

    A `gymnasium.spaces.Text` of 1 to 8,192 characters over the same charset as `GSMTrace-v0`.
    After `reset` it is the problem text. After a trace that does not end the episode (see
    Episode End) it is the refinement text built by `refinement_observation`: with
    `observation="full"` (default) the problem, the previous trace (first 2,048 characters) and
    the solver feedback (below), so a stateless policy can revise; with `observation="feedback"`
    the feedback alone. Characters outside the charset (echoed from the agent's own trace) become
    U+FFFD. After the final step the observation is the problem text again.

    With `reveal=False` (default) the feedback is that of the trace checked without gold
    (`solver.grade` with no answer that matters and no expert label), given only for a trace that
    does not run: it never says whether an answer is right. With `reveal=True` it is
    `Outcome.feedback()` of the graded trace, which says whether the answer is right (never the
    gold answer itself).

    ## Rewards

    Every trace is graded like in `GSMTrace-v0` (1.0 / 0.7 / 0.5 / 0.3 / 0.0), against the gold
    answer and expert label, whatever `reveal` is; `info["trace_reward"]` always holds that grade.
    Rewards and `info` are for the trainer or the evaluator, not part of what the policy reads:
    with the default `reveal=False` only the observation is gold-free. The step reward depends on
    `reward_mode`:

    * `"delta"` (default): the change in grade, `r_t - r_{t-1}` with `r_0 = 0`. Per-turn signal
      for improving, and the episode return equals the grade of the last trace, so lingering on
      a wrong trace earns nothing.
    * `"final"`: 0.0 on every step but the last, then the grade of the last trace.
    * `"each"`: the grade of every trace (the return then grows with the number of turns; for
      analysis, not recommended for training).

    ## Starting State

    As `GSMTrace-v0`: a problem drawn with `self.np_random`, or the one named by
    `options={"problem_id": ...}` / `options={"index": i}`. `info` never holds the answer.

    ## Episode End

    * Termination (`terminated=True`): with `reveal=False` (default), the trace runs (valid,
      right or wrong: without gold there is nothing more to correct); with `reveal=True`, the
      trace is correct.
    * Truncation: `max_turns` traces were graded and none ended the episode (`truncated=True`).

    The turn limit is Gymnasium's own time limit as well: the id is registered with
    `max_episode_steps=3` (`DEFAULT_MAX_TURNS`), so `gym.make` wraps the environment in
    `TimeLimit` (`env.spec.max_episode_steps == 3`), and `max_turns` defaults to the same number.
    The environment counts turns itself too (its `"final"` rewards need to know the last turn, and
    `trace_env.evaluate` builds the class directly), so to change the limit through `gym.make`
    pass both, `gym.make("GSMTraceRefine-v0", max_turns=5, max_episode_steps=5)`; with different
    values the episode ends at the lower one.

    The step `info` holds `outcome` (`Outcome.to_dict()`), `category`, `correct`,
    `trace_reward`, `best_reward` (best grade so far) and `turn` (traces graded so far).

    ## Arguments

    ```python
    env = gym.make("GSMTraceRefine-v0", max_turns=3, reward_mode="delta", observation="full", reveal=False)
    ```

    * `max_turns`: traces allowed per problem (default 3, at least 1; see Episode End for
      `max_episode_steps`).
    * `reward_mode`: `"delta"` (default), `"final"` or `"each"` (see Rewards).
    * `observation`: `"full"` (default) or `"feedback"` (see Observation Space).
    * `reveal`: False (default) gives only gold-free feedback and ends the episode at the first
      trace that runs (see Description); True (opt-in) lets the feedback say whether an answer
      is right and continues after a wrong one.
    * `source`, `n`, `source_seed`, `hub_split`, `sample`, `generator_config`, `render_mode`: as
      in `GSMTrace-v0`.

    ## Version History

    * v0: Initial version. Later, without changing the default behaviour: registered with
      `max_episode_steps=3` (Gymnasium's `TimeLimit`, equal to the default `max_turns`), and the
      `reveal` argument (False: gold-free feedback, episode ends at the first valid trace).
    * v0, from 2026-12-02: feedback is gold-free by default (`reveal=False`): it never says
      whether an answer is right, and the episode ends at the first trace that runs. `reveal=True`
      restores the old behaviour (feedback says whether the answer is right, the episode goes on
      after a wrong answer until a correct trace or `max_turns`).
    * v0, from 2026-12-06: a chat message or a list of messages as the action is read by
      `trace_env.completions.read_trace` (the last assistant message: its `submit_trace` call's
      `trace`, else its text) instead of being graded as its `str()`. The grader changed for
      every entry point: a trace indented as a whole, a byte-order mark and trailing chat end
      tokens are read (0.0 before), and cue words in another sense ("on the second day", "he
      pounds", "town square") no longer unlock constants (docs/trace-format.md).
    * v0, later on 2026-12-06: a problem with a gold trace grades each trace as a program (1.0
      only when it is also right on variants of the question; a right number from a wrong program
      is 0.7), and an answer built with `min`/`max`/rounding that does not move with the question
      is invalid (docs/trace-format.md, "The program check"). The server's mid-episode
      observations with labels hidden carry only the gold-free check (docs/openenv.md).
    """

    def __init__(
        self,
        source: Any = "synthetic",
        *,
        max_turns: int = DEFAULT_MAX_TURNS,
        reward_mode: str = "delta",
        observation: str = "full",
        reveal: bool = False,
        **kwargs: Any,
    ) -> None:
        if int(max_turns) < 1:
            raise ValueError(f"max_turns must be >= 1, got {max_turns}")
        if reward_mode not in REWARD_MODES:
            raise ValueError(f"reward_mode must be one of {REWARD_MODES}, got {reward_mode!r}")
        if observation not in OBSERVATION_MODES:
            raise ValueError(f"observation must be one of {OBSERVATION_MODES}, got {observation!r}")
        super().__init__(source, **kwargs)
        self.max_turns = int(max_turns)
        self.reward_mode = reward_mode
        self.observation_mode = observation
        self.reveal = bool(reveal)
        self._last_grade = 0.0
        self._best = 0.0

    def _on_reset(self) -> None:
        self._last_grade = 0.0
        self._best = 0.0

    def _shaped(self, grade: float, last: bool) -> float:
        if self.reward_mode == "each":
            return grade
        if self.reward_mode == "final":
            return grade if last else 0.0
        return round(grade - self._last_grade, 6)  # ladder steps are tenths: drop float noise

    def step(self, action: Any) -> tuple[str, float, bool, bool, dict[str, Any]]:
        problem = self._require_active()
        text = as_text(action)
        outcome = problem.grade(text)
        self._turn += 1
        grade = float(outcome.reward)
        shown = outcome
        if self.reveal:
            terminated = bool(outcome.correct)
        else:  # what a solver can say without gold: does the trace parse and run on this question?
            shown = check_without_gold(text, problem.question)
            terminated = shown.valid
        truncated = not terminated and self._turn >= self.max_turns
        reward = self._shaped(grade, last=terminated or truncated)
        self._last_grade = grade
        self._best = max(self._best, grade)
        self._done = terminated or truncated
        self._log.append(f"[turn {self._turn}] reward {grade} ({outcome.category})")
        if self._done:
            obs = self._question_obs()
        else:
            raw = refinement_observation(problem.question, text, shown.feedback(), mode=self.observation_mode)
            obs = sanitize(raw, self._charset, OBS_MAX_CHARS)
        info = self._outcome_info(outcome)
        info["best_reward"] = self._best
        if self.render_mode == "human":
            self.render()
        return obs, float(reward), terminated, truncated, info


def check_without_gold(text: str, question: str) -> Any:
    """The trace checked as at test time: question given (grounding applies), no gold, no label.

    The answer passed to `grade` only splits "correct" from "wrong_answer", which this check
    never reports: both are "valid" and end a `reveal=False` episode without feedback.
    """
    return solver_grade(text, 0, expert=None, question=question)
