"""Test-session settings, and fixtures that several test modules share."""

import os

import pytest

# As the training scripts do (train_grpo.py): idle OpenMP threads sleep instead of spinning, which
# keeps small CPU matrix products (generation in the training tests) fast on a shared machine.
# Must run before torch is imported; pytest imports conftest.py before the test modules.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
# Never reach a hub at test time: the training scripts default to GSM8K from the hub, which then
# fails at once and the run goes on synthetic-only (tests that want GSM8K pass a local file).
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["HF_DATASETS_OFFLINE"] = "1"


def _build_tiny_model(where):
    """A freshly built two-layer default model in `where`. Its tokenizer learns from easy problems,
    the ones the training tests teach it: drawn from every preset, its 1,024 tokens went to wording
    it never trains on, and the trace model's parse rate fell to 8% when the composition grid
    joined the default corpus."""
    # Imported here, not at the top: only the training tests need agents (and torch).
    from agents.default_model import DefaultModelSpec, build_default_model

    tiny = DefaultModelSpec(
        vocab_size=1024, hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=2,
        max_position_embeddings=1024, corpus_size=200, corpus_presets=("easy",),
    )
    return build_default_model(tiny, where)


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A freshly built two-layer default model (a local folder) for the training tests."""
    return str(_build_tiny_model(tmp_path_factory.mktemp("models")))


@pytest.fixture(scope="session")
def trace_model(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A tiny default model that writes traces: 100 SFT epochs on 64 easy problems (about 30 s on
    2 cores), so some of its held-out outputs parse (29% of its RL samples, 2026-12-06). Its
    tokenizer carries the response parser that reads a bare trace as a `submit_trace` call (as
    builders 6-7 and --env refine runs saved it), the trap a plain RL run must not fall into."""
    import train_sft
    from agents.default_model import add_trace_parser

    root = tmp_path_factory.mktemp("trace_model")
    start = _build_tiny_model(root / "models")
    train_sft.main([
        "--model", str(start), "--output_dir", str(root / "sft"), "--n_train", "64", "--num_train_epochs", "100",
        "--learning_rate", "1e-2", "--per_device_train_batch_size", "16", "--synthetic_mix", "easy=1",
        "--n_eval", "4", "--eval_splits", "synthetic", "--heldout_every", "0", "--heldout_samples", "0",
        "--logging_steps", "100", "--save_steps", "100000", "--gsm8k_path", "none", "--disable_tqdm", "true",
    ])
    final = root / "sft" / "final"
    from transformers import AutoTokenizer

    add_trace_parser(AutoTokenizer.from_pretrained(final)).save_pretrained(final)
    return str(final)


@pytest.fixture(autouse=True)
def _fresh_grades():
    """`solver.grade` remembers the outcomes of short outputs; a test that patches the grader's
    insides must not be handed an outcome graded before the patch."""
    from solver import memo

    memo.forget()
    yield
