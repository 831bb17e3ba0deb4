"""pass@k, maj@k and mean@k: the estimator against brute force, and evaluate()'s sampling report."""

from __future__ import annotations

import itertools
import json
from fractions import Fraction

import pytest

from agents.evaluate import main as evaluate_cli
from trace_env.evaluate import evaluate, write_report
from trace_env.sampling import ks_for, majority, pass_at_k


def _brute_pass_at_k(n: int, c: int, k: int) -> Fraction:
    """The share of k-subsets of n samples (c correct) holding at least one correct sample."""
    flags = [True] * c + [False] * (n - c)
    subsets = list(itertools.combinations(range(n), k))
    return Fraction(sum(any(flags[i] for i in s) for s in subsets), len(subsets))


@pytest.mark.parametrize(("n", "c", "k"), [(n, c, k) for n in (1, 4, 7) for c in range(n + 1) for k in range(1, n + 1)])
def test_pass_at_k_matches_brute_force(n, c, k):
    assert pass_at_k(n, c, k) == pytest.approx(float(_brute_pass_at_k(n, c, k)), abs=1e-12)


def test_pass_at_k_rejects_nonsense_and_reported_ks():
    for args in ((4, 5, 1), (4, 1, 0), (4, 1, 5)):
        with pytest.raises(ValueError):
            pass_at_k(*args)
    assert ks_for(16) == [1, 2, 4, 8, 16] and ks_for(6) == [1, 2, 4, 6] and ks_for(1) == [1]


def test_majority_votes_over_computed_answers():
    assert majority(["8", None, "15", "15", None]) == "15"
    assert majority(["8", "15", "15", "8"]) == "8"  # a tie goes to the answer reached first
    assert majority([None, None]) is None


QUESTION = "Tom has 5 apples and buys 3 more. How many apples does he have?"
RIGHT = ("expert: arithmetic\ntrace:\n- {op: init, var: a, ref: 1}\n- {op: init, var: b, ref: 2}\n"
         "- {op: compute, compute_op: add, args: [a, b], var: r}\n- {op: query, var: r}")
WRONG = RIGHT.replace("compute_op: add", "compute_op: mul")  # valid, computes 15
INVALID = "expert: arithmetic\ntrace:\n- {op: init, var: r, value: 8}\n- {op: query, var: r}"
PLANS = [  # per problem: the greedy trace and the 4 samples
    (RIGHT, [RIGHT, RIGHT, RIGHT, RIGHT]),        # 4/4, vote right
    (WRONG, [RIGHT, WRONG, WRONG, INVALID]),      # 1/4, vote 15: wrong
    (WRONG, [WRONG, INVALID, INVALID, WRONG]),    # 0/4
    (INVALID, [RIGHT, INVALID, RIGHT, INVALID]),  # 2/4, vote right
]


class ScriptedPolicy:
    name = "scripted"

    def __init__(self):
        self.calls = []

    def act(self, observations):
        return [PLANS[int(o.split("#")[1])][0] for o in observations]

    def sample(self, observations, k, temperature):
        self.calls.append((len(observations), k, temperature))
        return [PLANS[int(o.split("#")[1])][1][:k] for o in observations]


PROBLEMS = [{"id": f"p{i}", "question": f"{QUESTION} #{i}", "answer": "8", "expert": "arithmetic"} for i in range(4)]


def test_evaluate_reports_headroom_next_to_greedy(tmp_path):
    policy = ScriptedPolicy()
    report = evaluate(policy, PROBLEMS, batch_size=3, samples=4, temperature=0.8, progress=False, keep_samples=True)
    s = report["sampling"]
    assert report["accuracy"] == 0.25  # greedy: only problem 0
    assert s["k"] == 4 and s["temperature"] == 0.8
    assert s["mean_at_k"] == pytest.approx((4 + 1 + 0 + 2) / 16)
    assert s["pass_at"]["1"] == pytest.approx((4 + 1 + 0 + 2) / 16)
    assert s["pass_at"]["4"] == pytest.approx(3 / 4)
    # pass@2 by hand: 1 - C(4-c, 2)/C(4, 2) per problem = 1, 1/2, 0, 5/6
    assert s["pass_at"]["2"] == pytest.approx((1 + 0.5 + 0 + 5 / 6) / 4)
    assert s["maj_at_k"] == 0.5
    assert s["distinct_mean"] == pytest.approx((1 + 3 + 2 + 2) / 4)
    assert policy.calls == [(3, 4, 0.8), (1, 4, 0.8)]  # batched: one call per batch of problems
    assert [r["samples_correct"] for r in report["samples"]] == [4, 1, 0, 2]
    assert [r["majority_answer"] for r in report["samples"]] == ["8", "15", "15", "8"]
    paths = write_report(report, tmp_path)
    assert json.loads(paths["json"].read_text())["sampling"]["maj_at_k"] == 0.5
    assert "pass@4 75.0%" in paths["md"].read_text() and "maj@4 50.0%" in paths["md"].read_text()
    assert paths["png"].stat().st_size > 0


def test_sampling_needs_a_policy_that_samples():
    with pytest.raises(ValueError, match="cannot sample"):
        evaluate(lambda obs: [RIGHT] * len(obs), PROBLEMS, samples=2, progress=False)
    with pytest.raises(ValueError, match="temperature"):
        evaluate(ScriptedPolicy(), PROBLEMS, samples=2, temperature=0, progress=False)


def test_cli_refuses_samples_for_an_agent_that_cannot_sample(tmp_path, capsys):
    code = evaluate_cli(["--agent", "oracle", "--n", "3", "--samples", "2", "--out", str(tmp_path), "--no-progress"])
    assert code == 2 and "cannot sample" in capsys.readouterr().err
