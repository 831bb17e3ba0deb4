"""--preset: a table of argument values applied to what the user did not set; explicit flags win.

`--smoke` (the `smoke` preset): the same run with tiny sizes. Each stage is run up to the moment it
would load its start model (nothing is loaded or trained), and the sizes it would train with are
read back."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

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
from training.grpo import RLStage
from training.presets import PRESETS, parse_model_spec, parse_with_preset, preset_values, resolve_model_spec
from training.sft import SFTStage


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


# What a smoke run is meant to be: a couple of hundred SFT problems for one epoch, a few dozen
# held-out problems per split, a handful of RL steps on small groups, with checkpoints and
# logs often enough that resuming and logging are exercised too.
SFT_DATA = {"n_train": 192}
EVAL = {"n_eval": 24, "heldout_every": 3, "heldout_n_during": 8}
SFT_CONFIG = {"num_train_epochs": 1.0, "save_steps": 3, "logging_steps": 2}
RL = {"n_rl": 16, "rl_guard_batches": 0, "rl_guard_groups": 0}  # smoke checks plumbing: no guard
GRPO_CONFIG = {"max_steps": 4, "save_steps": 2, "logging_steps": 1, "per_device_train_batch_size": 8,
               "num_generations": 4}
SMOKE_RUN = {"smoke": True, "preset": "smoke"}


class Stop(Exception):
    """Raised where a stage would load its start model; carries the stage as it is then."""

    def __init__(self, stage: Any):
        self.stage = stage


def stop_at_start_model(self: Any) -> str:
    raise Stop(self)


def fields_of(obj: Any) -> dict[str, Any]:
    return obj.to_dict() if hasattr(obj, "to_dict") else dataclasses.asdict(obj)


def changed(before: Any, after: Any) -> dict[str, Any]:
    old, new = fields_of(before), fields_of(after)
    return {k: new[k] for k in new if old.get(k) != new[k]}


def run_until_start(stage: Any) -> Any:
    with pytest.raises(Stop) as stopped:
        stage.run()
    return stopped.value.stage


@pytest.mark.parametrize("flag", [["--smoke"], ["--preset", "smoke"]])
def test_sft_smoke_changes_only_the_sizes(flag: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(SFTStage, "start_model", stop_at_start_model)
    args = parse_with_preset(sft_parser(), [*flag, "--output_dir", str(tmp_path)], "sft", resolve=False)
    plain = sft_parser().parse_args_and_config(["--output_dir", str(tmp_path)])
    stage = run_until_start(SFTStage(*args))
    assert changed(plain[1], stage.data_args) == SFT_DATA
    assert changed(plain[2], stage.eval_args) == EVAL
    assert changed(plain[3], stage.run_args) == SMOKE_RUN
    assert changed(plain[4], stage.config) == SFT_CONFIG
    assert isinstance(stage.config, GSMTraceSFTConfig) and stage.config.output_dir == str(tmp_path)


def test_a_stage_changes_no_argument(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(SFTStage, "start_model", stop_at_start_model)
    args = sft_parser().parse_args_and_config(["--output_dir", str(tmp_path)])
    plain = sft_parser().parse_args_and_config(["--output_dir", str(tmp_path)])
    stage = run_until_start(SFTStage(*args))
    after = (stage.model_args, stage.data_args, stage.eval_args, stage.run_args, stage.config)
    assert [changed(a, b) for a, b in zip(plain, after, strict=True)] == [{}] * 5
    # and the smoke sizes really are smaller than the defaults
    assert stage.data_args.n_train > SFT_DATA["n_train"] and stage.eval_args.n_eval > EVAL["n_eval"]
    assert stage.config.num_train_epochs > SFT_CONFIG["num_train_epochs"]


def test_grpo_smoke_sizes_and_the_warm_up_they_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # RLStage.start_model runs the SFT warm-up, which stops where it would load the model.
    monkeypatch.setattr(SFTStage, "start_model", stop_at_start_model)
    args = parse_with_preset(grpo_parser(), ["--smoke", "--output_dir", str(tmp_path)], "grpo", resolve=False)
    plain = grpo_parser().parse_args_and_config(["--output_dir", str(tmp_path)])
    rl_stage = RLStage(*args)
    warm = run_until_start(rl_stage)

    assert changed(plain[1], rl_stage.data_args) == SFT_DATA
    assert changed(plain[2], rl_stage.eval_args) == EVAL
    assert changed(plain[3], rl_stage.run_args) == SMOKE_RUN
    assert changed(plain[4], rl_stage.rl_args) == {**RL, "sft_epochs": SFT_CONFIG["num_train_epochs"]}
    config = rl_stage.config
    # A GRPO generation batch holds per_device_train_batch_size completions per generation
    # step; with the smaller batch it is derived again (not left at the default 32), in whole groups.
    per_generation = config.per_device_train_batch_size * config.steps_per_generation
    assert config.generation_batch_size == per_generation == 8
    assert config.generation_batch_size % config.num_generations == 0
    assert {k: v for k, v in changed(plain[5], config).items() if k != "generation_batch_size"} == GRPO_CONFIG
    assert isinstance(config, GSMTraceGRPOConfig) and config.output_dir == str(tmp_path)

    # The warm-up: one smoke epoch (instead of --sft_epochs) into OUTPUT_DIR/sft, on the same sizes.
    assert isinstance(warm, SFTStage) and warm.run_args.smoke
    assert warm.config.output_dir == str(tmp_path / "sft")
    assert warm.config.num_train_epochs == SFT_CONFIG["num_train_epochs"] != plain[4].sft_epochs
    assert (warm.config.save_steps, warm.config.logging_steps) == (SFT_CONFIG["save_steps"],
                                                                   SFT_CONFIG["logging_steps"])
    assert warm.config.learning_rate == plain[4].sft_learning_rate
    assert warm.data_args.n_train == SFT_DATA["n_train"] and warm.eval_args.n_eval == EVAL["n_eval"]


def test_smoke_is_a_preset_explicit_flags_win_and_checks_run(monkeypatch: pytest.MonkeyPatch) -> None:
    data, evals = parse_with_preset(sft_parser(), ["--smoke", "--n_train", "50"], "sft", resolve=False)[1:3]
    assert (data.n_train, evals.n_eval) == (50, EVAL["n_eval"])
    with pytest.raises(ValueError, match="--smoke is --preset smoke"):
        parse_with_preset(sft_parser(), ["--smoke", "--preset", "gpu"], "sft", resolve=False)
    # the smoke sizes go through the dataclasses' own checks (they were once set with setattr)
    monkeypatch.setitem(PRESETS["smoke"], "common", {**PRESETS["smoke"]["common"], "n_train": 0})
    with pytest.raises(ValueError, match="--n_train must be >= 1"):
        parse_with_preset(sft_parser(), ["--smoke"], "sft", resolve=False)
