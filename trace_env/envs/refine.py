"""GSMTraceRefine-v1 (and the older -v0): the agent may revise its trace after the solver's feedback."""

from __future__ import annotations

from typing import Any

from ..episode import DEFAULT_MAX_TURNS, EpisodeConfig, refine_turn
from .base import ProblemPoolEnv
from .spaces import OBS_MAX_CHARS, as_text, sanitize


class GSMTraceRefineEnv(ProblemPoolEnv):
    """
    ## Description

    The multi-turn version of `GSMTrace-v0`. One episode is `trace_env.episode`'s: the
    settings are an `EpisodeConfig` (`env.config`) and each trace is one `refine_turn`. The agent reads a word problem and writes a YAML
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
    Episode End) it is the refinement text built by `trace_env.episode.refinement_observation`:
    with `observation="full"` (default) the problem, the previous trace (first 2,048 characters)
    and the solver feedback (below), so a stateless policy can revise; with
    `observation="feedback"` the feedback and the request to revise, without the problem. Characters outside the charset (echoed from the agent's own trace) become
    U+FFFD. After the final step the observation is the problem text again.

    With `reveal=False` (default) the feedback is that of the trace checked without gold
    (`solver.check`: no answer, gold trace or expert label), given only for a trace that does
    not run: it never says whether an answer is right. With `reveal=True` it is
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

    * Termination (`terminated=True`): with `reveal=False` (default), the trace runs (the
      gold-free check's `runs`: right or wrong, without gold there is nothing more to correct);
      with `reveal=True`, the trace is correct.
    * Truncation: `max_turns` traces were graded and none ended the episode (`truncated=True`).

    The turn limit is Gymnasium's own time limit as well: the ids are registered with
    `max_episode_steps=3` (`trace_env.episode.DEFAULT_MAX_TURNS`), so `gym.make` wraps the
    environment in `TimeLimit` (`env.spec.max_episode_steps == 3`), and `max_turns` defaults to
    the same number.
    The environment counts turns itself too (its `"final"` rewards need to know the last turn, and
    `trace_env.evaluate` builds the class directly), so to change the limit through `gym.make`
    pass both, `gym.make("GSMTraceRefine-v1", max_turns=5, max_episode_steps=5)`; with different
    values the episode ends at the lower one.

    The step `info` holds `outcome` (`Outcome.to_dict()` of the grade), `category`, `correct`,
    `trace_reward`, `best_reward` (best grade so far), `turn` (traces graded so far) and `checked`
    (`Outcome.to_dict()` of the gold-free check, `solver.check`: what the policy was told unless
    `reveal`).

    ## Arguments

    ```python
    env = gym.make("GSMTraceRefine-v1", max_turns=3, reward_mode="delta", observation="full", reveal=False)
    ```

    * `max_turns`: traces allowed per problem (default 3, at least 1; see Episode End for
      `max_episode_steps`).
    * `reward_mode`: `"delta"` (default), `"final"` or `"each"` (see Rewards).
    * `observation`: `"full"` (default) or `"feedback"` (see Observation Space).
    * `reveal`: False (default in v1) gives only gold-free feedback and ends the episode at the
      first trace that runs (see Description); True (opt-in; the default of v0) lets the feedback
      say whether an answer is right and continues after a wrong one.
    * `source`, `n`, `source_seed`, `hub_split`, `sample`, `generator_config`, `render_mode`: as
      in `GSMTrace-v0`.

    ## Version History

    * v0: Initial version: feedback says whether the answer is right; the episode goes on after a
      wrong answer until a correct trace or `max_turns`. Later, without changing the default
      behaviour: registered with `max_episode_steps=3` (Gymnasium's `TimeLimit`, equal to the
      default `max_turns`), and the `reveal` argument.
    * v0, 2026-12-02 to 2026-12-06: the default was changed under the same id to gold-free
      feedback (`reveal=False`). That default now lives in v1; v0 is back to `reveal=True`.
    * v0, 2026-12-06: a chat message or a list of messages as the action is read by
      `trace_env.completions.read_trace` (the last assistant message: its `submit_trace` call's
      `trace`, else its text) instead of being graded as its `str()`. The grader changed for
      every entry point: a trace indented as a whole, a byte-order mark and trailing chat end
      tokens are read (0.0 before), and cue words in another sense ("on the second day", "he
      pounds", "town square") no longer unlock constants (docs/trace-format.md). A problem with
      a gold trace grades each trace as a program (1.0 only when it is also right on variants of
      the question; a right number from a wrong program is 0.7), and an answer built with
      `min`/`max`/rounding that does not move with the question is invalid
      (docs/trace-format.md, "The program check").
    * v1 (2026-12-06): gold-free feedback by default (`reveal=False`): the feedback never says
      whether an answer is right, and the episode ends at the first trace that runs. The
      gold-free check is `solver.check` (its verdict on a trace that runs is the category `runs`,
      no longer a grade against a stand-in answer of 0), and `info["checked"]` holds it. The
      `"feedback"` observation carries the request to revise ("Solver feedback: ... Write a
      corrected trace."), the same text the TRL tool loop returns. v0 stays registered with
      `reveal=True`, its original behaviour.
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
        self.config = EpisodeConfig(max_turns=int(max_turns), reveal=bool(reveal), observation=observation,
                                    reward_mode=reward_mode)
        super().__init__(source, **kwargs)
        self._last_grade = 0.0
        self._best = 0.0

    @property
    def max_turns(self) -> int:
        return self.config.max_turns

    def _on_reset(self) -> None:
        self._last_grade = 0.0
        self._best = 0.0

    def _shaped(self, grade: float, last: bool) -> float:
        if self.config.reward_mode == "each":
            return grade
        if self.config.reward_mode == "final":
            return grade if last else 0.0
        return round(grade - self._last_grade, 6)  # ladder steps are tenths: drop float noise

    def step(self, action: Any) -> tuple[str, float, bool, bool, dict[str, Any]]:
        problem = self._require_active()
        text = as_text(action)
        turn = refine_turn(problem, text, self._turn + 1, self.config)
        self._turn += 1
        grade = float(turn.outcome.reward)
        reward = self._shaped(grade, last=turn.over)
        self._last_grade = grade
        self._best = max(self._best, grade)
        self._done = turn.over
        self._log.append(f"[turn {self._turn}] reward {grade} ({turn.outcome.category})")
        obs = self._question_obs() if turn.message is None else sanitize(turn.message, self._charset, OBS_MAX_CHARS)
        info = self._outcome_info(turn.outcome)
        info["best_reward"] = self._best
        info["checked"] = turn.checked.to_dict()
        if self.render_mode == "human":
            self.render()
        return obs, float(reward), turn.terminated, turn.truncated, info
