"""The refinement episode written once (trace_env.episode) and the gold-free check (solver.check)."""

from __future__ import annotations

from fractions import Fraction

import pytest
from handwritten import COOKIES, PROBLEMS  # tests/handwritten.py: 24 cookies, 9 eaten -> 15

import generators
from solver import RUNS, check, grade, grade_and_check
from trace_env.envs.refine import GSMTraceRefineEnv
from trace_env.episode import DEFAULT_MAX_TURNS, EpisodeConfig, refine_turn, refinement_observation
from trace_env.sources import load_source

GOLD = COOKIES["trace"]
WRONG = GOLD.replace("compute_op: sub", "compute_op: add")  # 24 + 9 = 33
UNGROUNDED = GOLD.replace("value: 9", "value: 99")  # 99 is not in the question
RELABELLED = GOLD.replace(f"expert: {COOKIES['expert']}", "expert: comparison")


# ---------------------------------------------------------------- solver.check


def test_check_says_runs_for_any_trace_that_runs_and_grades_nothing():
    question = COOKIES["question"]
    for text, value in ((GOLD, 15), (WRONG, 33), (RELABELLED, 15)):  # hand-computed: 24 - 9, 24 + 9
        out = check(text, question)
        assert out.category == RUNS and out.answer == Fraction(value)
        assert out.reward is None and out.valid and out.parsed and not out.correct
        assert "right answer" not in out.feedback() and str(value) in out.feedback()


def test_check_reports_what_does_not_run_as_grade_does():
    question = COOKIES["question"]
    out = check(UNGROUNDED, question)
    assert out.category == "invalid" and "99" in out.error and not out.valid
    assert out == grade(UNGROUNDED, COOKIES["answer"], question=question)  # no gold needed to see it
    assert check("I think it is 15.", question).category == "unparseable"
    assert check(None, question).category == "unparseable"  # type: ignore[arg-type]


def test_grade_and_check_is_grade_and_check_in_one_pass():
    problems = generators.generate(40, seed=3)
    for p in problems:
        for text in (p.trace, p.trace.replace("compute_op: add", "compute_op: sub"), "nonsense", p.trace[:40]):
            graded, checked = grade_and_check(text, p.answer, p.expert, p.question, p.trace)
            assert graded == grade(text, p.answer, p.expert, p.question, p.trace)
            assert checked == check(text, p.question)
            assert checked.category in (RUNS, "invalid", "unparseable")
            if graded.valid:  # a trace that runs under the gold runs without it
                assert checked.category == RUNS and checked.answer == graded.answer
        # the problem's own gold trace runs, and the check does not depend on the answer given
        assert check(p.trace, p.question).answer == Fraction(p.answer)


def test_the_label_is_graded_not_checked():
    graded, checked = grade_and_check(RELABELLED, COOKIES["answer"], COOKIES["expert"], COOKIES["question"])
    assert graded.category == "wrong_expert" and graded.reward == 0.3
    assert checked.category == RUNS


# ---------------------------------------------------------------- the episode


def test_episode_config_has_one_default_and_checks_every_setting():
    config = EpisodeConfig()
    assert (config.max_turns, config.reveal, config.observation, config.reward_mode) == (3, False, "full", "delta")
    assert DEFAULT_MAX_TURNS == 3
    for bad in ({"max_turns": 0}, {"max_turns": True}, {"reveal": "yes"}, {"observation": "all"},
                {"reward_mode": "sum"}):
        with pytest.raises(ValueError, match=next(iter(bad))):
            EpisodeConfig(**bad)


def test_refine_turn_decides_feedback_and_end_from_the_check_or_the_grade():
    (problem,) = load_source([COOKIES])
    quiet, told = EpisodeConfig(max_turns=2), EpisodeConfig(max_turns=2, reveal=True)
    turn = refine_turn(problem, WRONG, 1, quiet)  # runs: gold-free, nothing more to say
    assert turn.terminated and not turn.truncated and turn.message is None
    assert turn.outcome.category == "wrong_answer" and turn.checked.category == RUNS
    turn = refine_turn(problem, WRONG, 1, told)  # with reveal: not right, another turn
    assert not turn.over and "not the right answer" in turn.message and "15" not in turn.message
    turn = refine_turn(problem, UNGROUNDED, 1, quiet)
    assert not turn.over and turn.message == refinement_observation(
        COOKIES["question"], UNGROUNDED, turn.checked.feedback())
    turn = refine_turn(problem, UNGROUNDED, 2, quiet)  # the last turn
    assert turn.truncated and not turn.terminated and turn.message is None


def test_the_env_steps_by_refine_turn():
    env = GSMTraceRefineEnv(PROBLEMS, max_turns=2)
    env.reset(options={"problem_id": "cookies"})
    obs, reward, terminated, truncated, info = env.step(UNGROUNDED)
    expected = refine_turn(env.problem, UNGROUNDED, 1, env.config)
    assert obs == expected.message and (terminated, truncated) == (False, False)
    assert info["checked"] == expected.checked.to_dict() and info["outcome"] == expected.outcome.to_dict()
    assert env.turn == 1


def test_spawn_shares_problems_and_not_episodes():
    env = GSMTraceRefineEnv(PROBLEMS, max_turns=2)
    env.reset(seed=5)
    env.step("no trace")
    fresh = env.spawn()
    assert fresh.problems is env.problems and fresh.config is env.config
    assert fresh.turn == 0 and fresh.problem is None and env.turn == 1
    same = env.spawn(rng_from=env)  # the session goes on: the same random stream
    assert same.np_random is env.np_random
    a, b = GSMTraceRefineEnv(PROBLEMS).spawn(), GSMTraceRefineEnv(PROBLEMS).spawn()
    assert [a.reset(seed=1)[1]["problem_id"] for _ in range(2)] == [b.reset(seed=1)[1]["problem_id"] for _ in range(2)]
