"""GSMTrace-v0: one problem, one trace, one graded reward."""

from __future__ import annotations

from typing import Any

from .base import ProblemPoolEnv
from .spaces import as_text


class GSMTraceEnv(ProblemPoolEnv):
    """
    ## Description

    A grade-school math word problem is shown to the agent, which answers with a YAML *trace*:
    an expert label and a list of steps (see `docs/trace-format.md`). A deterministic solver
    executes the trace exactly, with every number checked against the question, and the agent is
    rewarded on a graded ladder. The agent structures the computation; the solver computes.

    Problems come from the project's generators by default, or from GSM8K (a local JSONL file in
    the official layout or the Hugging Face hub), or from any list of dicts.

    ## Action Space

    A string: the trace text, exactly as a language model emitted it (code fences and prose
    around the YAML are allowed; the solver extracts the trace). The space is a `TraceText`
    (a `gymnasium.spaces.Text` of 0 to 65,536 characters); its charset only shapes `sample()`,
    membership accepts any string. The environment never rejects an action: a chat message or a
    list of messages is read by `trace_env.completions.read_trace` (the last assistant message),
    other non-strings are converted to text, and text that is out of charset, too long or not YAML
    is graded.

    ## Observation Space

    A `gymnasium.spaces.Text` of 1 to 8,192 characters: the problem text, unchanged. The charset
    is printable ASCII, tab/newline and the Unicode blocks real problems use (Latin-1, Latin
    Extended-A, Greek, Cyrillic, general punctuation, super/subscripts, currency, letter-like
    symbols, number forms, arrows, math operators), plus any other character the loaded problems
    contain. The observation after the step repeats the problem text.

    ## Rewards

    The solver's graded reward for the trace (`solver.grade` with the question, so grounding
    applies, the problem's expert label when it has one, and its gold trace when it has one: the
    trace is then checked as a program on variants of the question):

    | reward | category | meaning |
    |---|---|---|
    | 1.0 | `correct` | executes to the gold answer (and, with a gold trace, on every variant) |
    | 0.7 | `wrong_answer` | executes without error to another value, or the right one from a wrong program |
    | 0.5 | `invalid` | schema, vocabulary, grounding or execution error, or a short-circuit |
    | 0.3 | `wrong_expert` | parses but the expert differs from the problem's label |
    | 0.0 | `unparseable` | no trace could be extracted |

    ## Starting State

    `reset` draws a problem uniformly from the pool with `self.np_random`, or serves the one
    named by `options={"problem_id": ...}` (or `options={"index": i}`). The reset `info` holds
    `problem_id`, `expert`, `pattern`, `source`, `chain_length` and `turn`; never the answer
    or the gold trace.

    ## Episode End

    Termination: after the first step (`terminated=True`, `truncated=False`). The step `info`
    adds `outcome` (`Outcome.to_dict()`: reward, category, computed answer, error, failing step
    and sub-trace, expert), `category`, `correct` and `trace_reward`. Calling `step` again
    without `reset` raises `gymnasium.error.ResetNeeded`.

    ## Arguments

    ```python
    import gymnasium as gym
    import trace_env  # registers the environments

    env = gym.make("GSMTrace-v0")                                   # 1000 generator problems
    env = gym.make("GSMTrace-v0", source="data/gsm8k_test.jsonl")   # GSM8K JSONL from a path
    env = gym.make("GSMTrace-v0", source="hf:openai/gsm8k", hub_split="test")
    env = gym.make("GSMTrace-v0", source=[{"question": "...", "answer": "7"}])
    obs, info = env.reset(seed=0, options={"problem_id": info["problem_id"]})
    ```

    * `source`: `"synthetic"` (default), a `.jsonl` path, `"hf:NAME"`, or an iterable of dicts /
      problems (see `trace_env.sources`). For `make_vec(..., vectorization_mode="async")` the
      source must be picklable (a list, not a generator).
    * `n`: problems generated (synthetic, default 1000) or subset size (others, default all).
    * `source_seed`: seed of generation / subset selection (default 0).
    * `hub_split`: split of a hub source (default `"test"`). `sample`: `"random"` or `"first"` subset.
    * `generator_config`: keyword arguments for `generators.generate` (synthetic only).
    * `render_mode`: `None`, `"ansi"` (returns the transcript) or `"human"` (prints it).

    ## Version History

    * v0: Initial version.
    * v0, from 2026-12-06: a chat message or a list of messages as the action is read by
      `trace_env.completions.read_trace` (the last assistant message: its `submit_trace` call's
      `trace`, else its text) instead of being graded as its `str()`. The grader changed for
      every entry point: a trace indented as a whole, a byte-order mark and trailing chat end
      tokens are read (0.0 before), and cue words in another sense ("on the second day", "he
      pounds", "town square") no longer unlock constants (docs/trace-format.md).
    * v0, later on 2026-12-06: a problem with a gold trace (generated, converted GSM8K, a row with a
      `trace`) grades the trace as a program: 1.0 only when it is also right on variants of the
      question, a right number from a wrong program is 0.7 (`wrong_answer`, "right number, wrong
      program"); a trace with `min`/`max`/rounding steps whose answer does not move with the
      question is invalid (docs/trace-format.md, "The program check").
    """

    def step(self, action: Any) -> tuple[str, float, bool, bool, dict[str, Any]]:
        problem = self._require_active()
        text = as_text(action)
        outcome = problem.grade(text)
        self._turn += 1
        self._done = True
        self._log.append(f"[turn {self._turn}] reward {outcome.reward} ({outcome.category})")
        if self.render_mode == "human":
            self.render()
        return self._question_obs(), float(outcome.reward), True, False, self._outcome_info(outcome)
