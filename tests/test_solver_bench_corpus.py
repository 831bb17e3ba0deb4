"""The benchmark corpus is what it claims to be, and the fast path agrees with the general loader on it."""

import importlib.util
from collections import Counter
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench" / "reward_throughput.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("reward_throughput", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_corpus_is_fixed_and_mixed(bench):
    rows = bench.build_corpus(400, seed=3)
    assert len(rows) == 400 and rows == bench.build_corpus(400, seed=3)
    categories = Counter(o.category for o in bench.grade_all(rows))
    assert set(categories) == {"correct", "wrong_answer", "invalid", "wrong_expert", "unparseable"}


def test_fast_path_and_general_loaders_agree_on_corpus(bench):
    rows = bench.build_corpus(400, seed=4)
    fast = bench.grade_all(rows)
    assert bench._graded_without_fast_path(rows) == fast
    python_yaml = bench._graded_with_python_yaml(rows)
    assert [bench._verdict(o) for o in python_yaml] == [bench._verdict(o) for o in fast]
