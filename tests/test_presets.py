"""--preset: a table of argument values applied to what the user did not set; explicit flags win."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from trl import TrlParser

from training.args import (
    DataArguments,
    EvalArguments,
    GSMTraceGRPOConfig,
    GSMTraceSFTConfig,
    ModelArguments,
    RLArguments,
    RunArguments,
)
from training.presets import parse_model_spec, parse_with_preset, preset_values, resolve_model_spec


def sft_parser() -> TrlParser:
    return TrlParser((ModelArguments, DataArguments, EvalArguments, RunArguments, GSMTraceSFTConfig))


def grpo_parser() -> TrlParser:
    return TrlParser((ModelArguments, DataArguments, EvalArguments, RunArguments, RLArguments, GSMTraceGRPOConfig))


def test_the_gpu_preset_sizes_both_scripts() -> None:
    model, data, evals, run, rl, config = parse_with_preset(grpo_parser(), ["--preset", "gpu"], "grpo", resolve=False)
    assert model.model_spec and "hidden_size=512" in model.model_spec
    assert (data.n_train, evals.n_eval, rl.sft_epochs, rl.sft_batch_size) == (60000, 500, 3.0, 64)
    assert (config.max_steps, config.per_device_train_batch_size, config.num_generations) == (120, 128, 16)
    # GRPO's derived size is derived again from the preset's batch (one process, one step per generation)
    assert config.generation_batch_size == 128
    model, data, evals, run, config = parse_with_preset(sft_parser(), ["--preset", "gpu"], "sft", resolve=False)
    assert (config.learning_rate, config.num_train_epochs, config.per_device_train_batch_size) == (1e-3, 3.0, 64)
    assert not hasattr(config, "num_generations")


def test_without_a_preset_nothing_changes() -> None:
    plain = sft_parser().parse_args_and_config([])
    assert parse_with_preset(sft_parser(), [], "sft", resolve=False) == plain
    assert plain[-1].per_device_train_batch_size == 16 and plain[0].model_spec is None


def test_explicit_flags_win_in_every_spelling(tmp_path: Path) -> None:
    config_file = tmp_path / "c.yaml"
    config_file.write_text("n_eval: 9\n")
    argv = ["--preset", "gpu", "--max_steps", "7", "--n_train=5", "--learning_rat", "0.25",  # an abbreviation
            "--num-generations", "4", "--per_device_train_batch_size", "8", "--config", str(config_file)]
    model, data, evals, run, rl, config = parse_with_preset(grpo_parser(), argv, "grpo", resolve=False)
    assert (config.max_steps, data.n_train, config.learning_rate, config.num_generations) == (7, 5, 0.25, 4)
    assert config.per_device_train_batch_size == 8 and config.generation_batch_size == 8
    assert evals.n_eval == 9                   # set by the config file
    assert rl.n_rl == 4096 and evals.eval_batch_size == 256  # the rest still comes from the preset


def test_a_preset_resizes_only_the_default_model() -> None:
    model = parse_with_preset(sft_parser(), ["--preset", "gpu", "--model", "some/hub-model"], "sft", resolve=False)[0]
    assert model.model_spec is None
    model = parse_with_preset(sft_parser(), ["--preset", "gpu", "--model_spec", "hidden_size=64"], "sft",
                              resolve=False)[0]
    assert model.model_spec == "hidden_size=64"


def test_bf16_follows_the_hardware() -> None:
    import torch

    config = parse_with_preset(sft_parser(), ["--preset", "gpu"], "sft", resolve=False)[-1]
    assert config.bf16 == bool(torch.cuda.is_available() and torch.cuda.is_bf16_supported())


def test_bad_presets_and_specs_get_clear_errors() -> None:
    with pytest.raises(ValueError, match="unknown --preset 'tpu'"):
        parse_with_preset(sft_parser(), ["--preset", "tpu"], "sft", resolve=False)
    with pytest.raises(ValueError, match="script"):
        preset_values("gpu", "dpo")
    with pytest.raises(ValueError, match="--trace_form"):  # the dataclasses' own checks still run
        parse_with_preset(sft_parser(), ["--preset", "gpu", "--trace_form", "words"], "sft", resolve=False)
    with pytest.raises(ValueError, match="key one of"):
        parse_model_spec("hidden=5")
    with pytest.raises(ValueError, match="integer"):
        parse_model_spec("hidden_size=big")
    with pytest.raises(ValueError, match="multiple"):
        parse_model_spec("hidden_size=100,num_attention_heads=8")
    with pytest.raises(ValueError, match="positive"):
        parse_model_spec("num_hidden_layers=0")
    assert parse_model_spec(" hidden_size=64, numbered=false ") == {"hidden_size": 64, "numbered": False}
    model = parse_with_preset(sft_parser(), ["--model", "x/y", "--model_spec", "hidden_size=64"], "sft",
                              resolve=False)[0]
    with pytest.raises(ValueError, match="default model"):
        resolve_model_spec(model)


TINY = ("vocab_size=400,hidden_size=32,intermediate_size=64,num_hidden_layers=1,num_attention_heads=2,corpus_size=60,"
        "max_position_embeddings=1024")  # a 400-token vocabulary spells the longest wordings out in 549 tokens


def test_a_tiny_preset_run_end_to_end(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import train_sft

    monkeypatch.setenv("GSMTRACE_CACHE", str(tmp_path / "cache"))
    out = tmp_path / "run"
    summary = train_sft.main([
        "--preset", "gpu", "--model_spec", TINY, "--n_train", "16", "--per_device_train_batch_size", "8",
        "--num_train_epochs", "1", "--n_eval", "4", "--eval_splits", "synthetic", "--heldout_n_during", "2",
        "--gsm8k_path", "none", "--output_dir", str(out), "--dataloader_num_workers", "0", "--disable_tqdm", "true",
    ])
    built = json.loads((Path(summary["model"]) / "config.json").read_text())
    assert (built["hidden_size"], built["num_hidden_layers"], built["vocab_size"]) == (32, 1, 400)
    assert Path(summary["model"]).parent == tmp_path / "cache"
    # tied embeddings 400*32, per layer 4*32*32 attention + 3*32*64 MLP + 2*32 norms, final norm 32
    assert summary["parameters"]["total"] == 400 * 32 + (4 * 32 * 32 + 3 * 32 * 64 + 2 * 32) + 32
    assert summary["global_step"] == 2 and summary["n_train"] == 16
    assert summary["args"]["eval"]["eval_batch_size"] == 256  # from the preset
    assert summary["heldout_after"]["synthetic"]["n"] == 4
