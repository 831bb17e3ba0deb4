"""`--smoke`: the same run with tiny sizes. Each stage is run up to the moment it would load its
start model (nothing is loaded or trained), and the sizes it would train with are read back."""

from __future__ import annotations

import dataclasses
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
from training.sft import SFTStage

# What a smoke run is meant to be: a couple of hundred SFT problems for one epoch, a few dozen
# held-out problems per split, a handful of RL steps on small groups, with checkpoints and
# logs often enough that resuming and logging are exercised too.
SFT_DATA = {"n_train": 192}
EVAL = {"n_eval": 24, "heldout_every": 3, "heldout_n_during": 8}
SFT_CONFIG = {"num_train_epochs": 1.0, "save_steps": 3, "logging_steps": 2}
RL = {"n_rl": 16, "rl_guard_batches": 0, "rl_guard_groups": 0}  # smoke checks plumbing: no guard
GRPO_CONFIG = {"max_steps": 4, "save_steps": 2, "logging_steps": 1, "per_device_train_batch_size": 8,
               "num_generations": 4}


class Stop(Exception):
    """Raised where a stage would load its start model; carries the stage as it is then."""

    def __init__(self, stage: Any):
        self.stage = stage


def stop_at_start_model(self: Any) -> str:
    raise Stop(self)


def parse(argv: list[str], *types: type) -> list[Any]:
    """Arguments as train_sft.py / train_grpo.py parse them."""
    parser = TrlParser((ModelArguments, DataArguments, EvalArguments, RunArguments, *types))
    return list(parser.parse_args_and_config(argv))


def fields_of(obj: Any) -> dict[str, Any]:
    return obj.to_dict() if hasattr(obj, "to_dict") else dataclasses.asdict(obj)


def changed(before: Any, after: Any) -> dict[str, Any]:
    old, new = fields_of(before), fields_of(after)
    return {k: new[k] for k in new if old.get(k) != new[k]}


def run_until_start(stage: Any) -> Any:
    with pytest.raises(Stop) as stopped:
        stage.run()
    return stopped.value.stage


def test_sft_smoke_changes_only_the_sizes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(SFTStage, "start_model", stop_at_start_model)
    args = parse(["--smoke", "--output_dir", str(tmp_path)], GSMTraceSFTConfig)
    plain = parse(["--output_dir", str(tmp_path)], GSMTraceSFTConfig)
    stage = run_until_start(SFTStage(*args))
    assert changed(plain[1], stage.data_args) == SFT_DATA
    assert changed(plain[2], stage.eval_args) == EVAL
    assert changed(plain[3], stage.run_args) == {"smoke": True}
    assert changed(plain[4], stage.config) == SFT_CONFIG
    assert isinstance(stage.config, GSMTraceSFTConfig) and stage.config.output_dir == str(tmp_path)


def test_without_smoke_nothing_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(SFTStage, "start_model", stop_at_start_model)
    args = parse(["--output_dir", str(tmp_path)], GSMTraceSFTConfig)
    plain = parse(["--output_dir", str(tmp_path)], GSMTraceSFTConfig)
    stage = run_until_start(SFTStage(*args))
    after = (stage.model_args, stage.data_args, stage.eval_args, stage.run_args, stage.config)
    assert [changed(a, b) for a, b in zip(plain, after, strict=True)] == [{}] * 5
    # and the smoke sizes really are smaller than the defaults
    assert stage.data_args.n_train > SFT_DATA["n_train"] and stage.eval_args.n_eval > EVAL["n_eval"]
    assert stage.config.num_train_epochs > SFT_CONFIG["num_train_epochs"]


def test_grpo_smoke_sizes_and_the_warm_up_they_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # RLStage.start_model runs the SFT warm-up, which stops where it would load the model.
    monkeypatch.setattr(SFTStage, "start_model", stop_at_start_model)
    args = parse(["--smoke", "--output_dir", str(tmp_path)], RLArguments, GSMTraceGRPOConfig)
    plain = parse(["--output_dir", str(tmp_path)], RLArguments, GSMTraceGRPOConfig)
    rl_stage = RLStage(*args)
    warm = run_until_start(rl_stage)

    assert changed(plain[1], rl_stage.data_args) == SFT_DATA
    assert changed(plain[2], rl_stage.eval_args) == EVAL
    assert changed(plain[4], rl_stage.rl_args) == RL
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
    assert warm.config.learning_rate == plain[4].sft_learning_rate
    assert warm.data_args.n_train == SFT_DATA["n_train"] and warm.eval_args.n_eval == EVAL["n_eval"]
