"""Named presets for train_sft.py and train_grpo.py: sizes for another machine, as data.

    python train_grpo.py --preset gpu                 # one modern GPU, about 15 minutes
    python train_grpo.py --preset gpu --max_steps 60  # a flag given explicitly always wins
    python train_grpo.py --smoke                      # the same as --preset smoke

A preset is a table of argument values applied after parsing to every field the user did not
set, on the command line or in a `--config` file; nothing else changes, so a preset run takes
the same code path as any other. Sections: `common` (both scripts), `sft` (train_sft.py) and
`grpo` (train_grpo.py); a field a script does not have is skipped. `warmup` sets fields of the
SFT config train_grpo.py builds for its warm-up (training/grpo.py `warmup_sft`), which no flag
names.

The `smoke` preset (`--smoke` selects it) is the same run with tiny sizes, a pipeline check: a
couple of hundred SFT problems for one epoch, a few dozen held-out problems per split, four RL
steps on groups of four, with checkpoints and logs often enough that resuming and logging are
exercised too, and the no-signal guard off (it checks plumbing, not learning).

`--model_spec` sizes the embedded default model (`agents.default_model.DefaultModelSpec`
fields, 'key=value,...'); `resolve_model_spec` builds that model (cached like the default one)
and points `--model` at it. A preset's model spec applies only while `--model` is `default`.

The `gpu` preset is sized for one current data-centre GPU (H100/H200 class) and about 15
minutes for `train_grpo.py` (SFT warm-up, GRPO, three held-out measurements): a ~27M-parameter
model (hidden 512, 8 layers), 60,000 SFT examples for 3 epochs in batches of 64, and 120 GRPO
steps of 128 completions (16 per problem). bf16 needs no entry: `--bf16` defaults to on whenever
a CUDA GPU supports it (training/args.py). The sizes are an estimate from the CPU timings, not
yet a measurement on a GPU.
"""

from __future__ import annotations

import argparse
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

PRESETS: dict[str, dict[str, dict[str, Any]]] = {
    "smoke": {
        "common": {"smoke": True, "n_train": 192, "n_eval": 24, "heldout_every": 3, "heldout_n_during": 8},
        "sft": {"num_train_epochs": 1.0, "save_steps": 3, "logging_steps": 2},
        "grpo": {
            "sft_epochs": 1.0,
            "n_rl": 16,
            "rl_guard_batches": 0,
            "rl_guard_groups": 0,
            "max_steps": 4,
            "save_steps": 2,
            "logging_steps": 1,
            "per_device_train_batch_size": 8,
            "num_generations": 4,
        },
        "warmup": {"save_steps": 3, "logging_steps": 2},
    },
    "gpu": {
        "common": {
            "model_spec": "hidden_size=512,intermediate_size=1536,num_hidden_layers=8,num_attention_heads=8",
            "n_train": 60000,
            "n_eval": 500,
            "eval_batch_size": 256,
            "heldout_n_during": 128,
            "dataloader_num_workers": 2,
        },
        "sft": {
            "learning_rate": 1e-3,
            "num_train_epochs": 3.0,
            "per_device_train_batch_size": 64,
            "save_steps": 500,
            "logging_steps": 50,
        },
        "grpo": {
            "sft_learning_rate": 1e-3,
            "sft_epochs": 3.0,
            "sft_batch_size": 64,
            "n_rl": 4096,
            "max_steps": 120,
            "per_device_train_batch_size": 128,
            "num_generations": 16,
            "save_steps": 40,
            "logging_steps": 10,
        },
    },
}
SCRIPTS = ("sft", "grpo", "warmup")


def preset_values(name: str, script: str) -> dict[str, Any]:
    """The flat table of field -> value that preset `name` sets for `script` ('sft' or 'grpo'), or
    for the SFT config of train_grpo.py's warm-up ('warmup': its own section only)."""
    if name not in PRESETS:
        raise ValueError(f"unknown --preset {name!r}; choose from {sorted(PRESETS)}")
    if script not in SCRIPTS:
        raise ValueError(f"script must be one of {SCRIPTS}, got {script!r}")
    table = PRESETS[name]
    if script == "warmup":
        return dict(table.get("warmup", {}))
    return {**table.get("common", {}), **table.get(script, {})}


def explicit_fields(parser: Any, argv: list[str]) -> set[str]:
    """The fields `argv` sets: given on the command line (any alias or abbreviation argparse accepts)
    or in the `--config` YAML file."""
    import yaml

    argv = list(argv)
    named: set[str] = set()
    if "--config" in argv:
        i = argv.index("--config")
        if i + 1 < len(argv):
            with open(argv[i + 1]) as handle:
                loaded = yaml.safe_load(handle) or {}
            named |= {k for k in loaded if k != "env"} if isinstance(loaded, dict) else set()
        del argv[i:i + 2]
    unset = object()
    dests = {f.name for cls in parser.dataclass_types for f in fields(cls)}  # an HfArgumentParser's fields
    # argparse only fills in a default for a name the namespace lacks, so every name still holding
    # the marker after parsing was not given
    namespace = argparse.Namespace(**dict.fromkeys(dests, unset))
    parsed, _ = parser.parse_known_args(argv, namespace=namespace)
    return named | {d for d, v in vars(parsed).items() if v is not unset}


def apply_preset(objects: tuple[Any, ...], values: dict[str, Any], explicit: set[str]) -> tuple[Any, ...]:
    """`objects` (the parsed dataclasses) with every field in `values` that is not in `explicit` set;
    each changed dataclass is rebuilt so its own checks and derived values run again."""
    values = {k: v for k, v in values.items() if k not in explicit}
    model = next((o.model_name_or_path for o in objects if hasattr(o, "model_spec")), "default")
    if model != "default":  # a preset resizes only the embedded default model
        values.pop("model_spec", None)
    out = []
    for obj in objects:
        names = {f.name for f in fields(obj) if f.init}
        changes = {k: v for k, v in values.items() if k in names}
        if changes and hasattr(obj, "to_dict") and hasattr(obj, "output_dir"):  # a TrainingArguments
            from .args import config_with

            obj = config_with(obj, **changes)
        elif changes:
            obj = replace(obj, **changes)
        out.append(obj)
    return tuple(out)


def parse_model_spec(text: str) -> dict[str, Any]:
    """'hidden_size=512,num_hidden_layers=8' -> overrides of DefaultModelSpec (ints, and
    'true'/'false' for bools), checked against its fields."""
    from agents.default_model import DefaultModelSpec

    kinds = {f.name: f.type for f in fields(DefaultModelSpec) if f.name not in ("extra", "corpus_presets")}
    out: dict[str, Any] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        key, sep, raw = (s.strip() for s in part.partition("="))
        if not sep or key not in kinds:
            raise ValueError(f"bad --model_spec entry {part!r}: expected key=value with key one of {sorted(kinds)}")
        if "bool" in str(kinds[key]):
            if raw.lower() not in ("true", "false"):
                raise ValueError(f"--model_spec {key} takes true or false, got {raw!r}")
            out[key] = raw.lower() == "true"
            continue
        try:
            value = int(raw)
        except ValueError:
            raise ValueError(f"--model_spec {key} takes an integer, got {raw!r}") from None
        if value < (0 if key in ("seed", "corpus_seed") else 1):
            raise ValueError(f"--model_spec {key} must be positive, got {value}")
        out[key] = value
    hidden, heads = out.get("hidden_size", DefaultModelSpec.hidden_size), out.get(
        "num_attention_heads", DefaultModelSpec.num_attention_heads)
    if hidden % heads:
        raise ValueError(f"--model_spec: hidden_size {hidden} is not a multiple of num_attention_heads {heads}")
    return out


def resolve_model_spec(model_args: Any, cache_dir: str | Path | None = None) -> Any:
    """`model_args` with `--model default --model_spec ...` turned into the built model's directory."""
    spec = getattr(model_args, "model_spec", None)
    if not spec:
        return model_args
    if model_args.model_name_or_path != "default":
        raise ValueError("--model_spec sizes the embedded default model; it cannot apply to "
                         f"--model {model_args.model_name_or_path!r}")
    from agents.default_model import DefaultModelSpec, build_default_model

    path = build_default_model(DefaultModelSpec(**parse_model_spec(spec)), cache_dir)
    return replace(model_args, model_name_or_path=str(path))


def parse_with_preset(parser: Any, argv: list[str] | None, script: str, *, resolve: bool = True) -> tuple[Any, ...]:
    """`parser.parse_args_and_config(argv)`, then the `--preset` named in RunArguments (`--smoke`:
    `smoke`) applied to the fields not set explicitly, then `--model_spec` resolved (unless
    `resolve=False`)."""
    import sys

    argv = list(argv) if argv is not None else sys.argv[1:]
    objects = parser.parse_args_and_config(argv)
    run = next((o for o in objects if hasattr(o, "preset")), None)
    preset = run.preset if run is not None else None
    if run is not None and run.smoke:
        if preset not in (None, "smoke"):
            raise ValueError(f"--smoke is --preset smoke; it cannot be combined with --preset {preset}")
        preset = "smoke"
    if preset:
        values = {**preset_values(preset, script), "preset": preset}
        objects = apply_preset(objects, values, explicit_fields(parser, argv) - {"preset"})
    if resolve:
        objects = tuple(resolve_model_spec(o) if hasattr(o, "model_spec") else o for o in objects)
    return objects
