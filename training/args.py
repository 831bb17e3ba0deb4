"""Argument dataclasses for train_sft.py and train_grpo.py, parsed the TRL way (TrlParser).

Every field is a flag in `--help`; `--config FILE.yaml` sets any of them from a file. The TRL
configs are subclassed only to change defaults that suit a tiny model on CPU (no bf16 autocast
or gradient checkpointing there, higher learning rates, no reporting integrations, frequent
checkpoints so an interrupted run resumes).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from typing import Any

from trl import GRPOConfig, ModelConfig, SFTConfig

from trace_env.episode import DEFAULT_MAX_TURNS, EpisodeConfig


def _cuda_bf16() -> bool:
    import torch

    return bool(torch.cuda.is_available() and torch.cuda.is_bf16_supported())


def _cpu_defaults(config: Any) -> None:
    import torch

    if not torch.cuda.is_available():
        config.dataloader_pin_memory = False  # nothing to pin for


@dataclass
class ModelArguments(ModelConfig):
    """Which model to train, and which of its parameters."""

    model_name_or_path: str = field(
        default="default",
        metadata={
            "aliases": ["--model"],
            "help": "HF hub id or local path of a causal LM, or 'default' for the embedded default model "
            "(a small Llama built from a config, with a BPE tokenizer trained on the project's corpus).",
        },
    )
    train_last_n_layers: int | None = field(
        default=None,
        metadata={
            "help": "Train only the last N transformer layers plus the final norm and LM head (the seed's best "
            "setting for pretrained models); None trains everything. Ignored with --use_peft."
        },
    )
    model_spec: str | None = field(
        default=None,
        metadata={
            "help": "Size the embedded default model (with --model default): DefaultModelSpec fields as "
            "'hidden_size=256,num_hidden_layers=6,...'; the model is built and cached like the default one."
        },
    )
    numbered: bool | None = field(
        default=None,
        metadata={
            "help": "List the question's numbered quantities in the prompt. None: follow --trace_form "
            "(numbered for 'ref')."
        },
    )


@dataclass
class DataArguments:
    """Training data: generator problems, optionally mixed with converted GSM8K traces."""

    n_train: int = field(default=24000, metadata={"help": "SFT examples in all (synthetic + GSM8K)."})
    synthetic_mix: str = field(
        default="default=0.8,hard=0.2",
        metadata={
            "help": "Generator presets and their shares of the synthetic SFT data, as 'preset=weight,...' "
            "(presets: see generators PRESETS)."
        },
    )
    gsm8k_path: str | None = field(
        default="hf:openai/gsm8k",
        metadata={
            "help": "GSM8K train problems: 'hf:openai/gsm8k' (default: the hub through datasets; unreachable, "
            "the run says so in one line and goes on synthetic-only), a JSONL file (official layout, or the "
            "converter's output with a 'trace' column), or 'none'. Converted traces of its training part join "
            "the SFT data; its dev split is reported as the 'gsm8k' held-out split."
        },
    )
    gsm8k_fraction: float = field(
        default=0.0,
        metadata={"help": "Share of the SFT examples taken from GSM8K's training part (converted traces); 0 by "
                          "default (why: docs/training.md, 'Data'). GSM8K's dev split is reported either way."},
    )
    trace_form: str = field(
        default="ref",
        metadata={
            "help": "How SFT targets write question numbers: 'ref' (pointer `init {var, ref: N}` into the "
            "numbered quantities) or 'value' (the number itself)."
        },
    )
    var_names: str = field(
        default="generic",
        metadata={
            "help": "Variable names in SFT targets: 'generic' (numbers bound to q1, q2, ... so a small model "
            "never copies names like leo.marbles from the question) or 'gold' (the generator's names)."
        },
    )
    data_seed_offset: int = field(
        default=0, metadata={"help": "Added to every split's generator seed, to draw other problem instances."}
    )

    def __post_init__(self) -> None:
        if self.trace_form not in ("ref", "value"):
            raise ValueError(f"--trace_form must be 'ref' or 'value', got {self.trace_form!r}")
        if self.var_names not in ("generic", "gold"):
            raise ValueError(f"--var_names must be 'generic' or 'gold', got {self.var_names!r}")
        if not 0.0 <= self.gsm8k_fraction <= 1.0:
            raise ValueError("--gsm8k_fraction must be in [0, 1]")
        if self.n_train < 1:
            raise ValueError("--n_train must be >= 1")


@dataclass
class EvalArguments:
    """Held-out accuracy: measured before and after training and by a callback during it."""

    n_eval: int = field(default=500, metadata={"help": "Held-out problems per split."})
    eval_splits: str = field(
        default="synthetic,unseen_combinations,unseen_parts,unseen_patterns,unseen_structures,hard",
        metadata={
            "help": "Comma-separated held-out splits: 'synthetic' (the default generator mix in training wording), "
            "the held-out wording families 'unseen_combinations' (known parts, new combinations), 'unseen_parts' "
            "(held-out templates and alternatives), 'unseen_patterns' (held-out compositions of trained "
            "sub-traces), 'unseen_structures' (held-out patterns with a structure no trained pattern has), "
            "'synthetic_unseen' (parts, patterns and structures together), 'hard' (longer chains, compositions), any other "
            "generator preset name, and 'gsm8k' (the fixed GSM8K dev split, added by itself whenever "
            "--gsm8k_path or --gsm8k_eval_path is given)."
        },
    )
    gsm8k_eval_path: str | None = field(
        default=None,
        metadata={"help": "JSONL of GSM8K problems whose dev split is the 'gsm8k' held-out split (default: the "
                          "--gsm8k_path file; the dev split is never trained on)."}
    )
    heldout_every: int = field(
        default=0,
        metadata={"help": "Measure held-out accuracy every N optimizer steps during training (0: start and end only)."},
    )
    heldout_n_during: int = field(
        default=64, metadata={"help": "Problems per split for the measurements taken during training."}
    )
    heldout_samples: int = field(
        default=4,
        metadata={"help": "K > 0: the held-out measurement of each trained model (and GRPO's starting model) also "
                          "draws K traces per problem for the first --heldout_samples_n problems of each split and "
                          "reports pass@k, maj@K and mean@K next to greedy accuracy (the headroom RL can use); "
                          "0 turns it off."},
    )
    heldout_samples_n: int | None = field(
        default=100,
        metadata={"help": "Problems per split that --heldout_samples samples (None: all; K samples of n problems "
                          "cost about K*n greedy generations)."},
    )
    heldout_temperature: float = field(default=1.0, metadata={"help": "Sampling temperature for --heldout_samples."})
    eval_batch_size: int = field(default=64, metadata={"help": "Generation batch size for held-out evaluation."})
    eval_max_new_tokens: int | None = field(
        default=None,
        metadata={"help": "Token limit for held-out generations (None: from the longest gold trace, with margin)."},
    )


@dataclass
class RunArguments:
    """Run-level switches shared by both scripts."""

    preset: str | None = field(
        default=None,
        metadata={"help": "Named argument values from training/presets.py: 'gpu' (sizes for one modern GPU: a "
                          "larger default model, more data) or 'smoke' (tiny sizes, a pipeline check). Flags "
                          "given explicitly still win."},
    )
    smoke: bool = field(
        default=False,
        metadata={"help": "The same as --preset smoke: tiny sizes everywhere, same code path (a pipeline check)."},
    )
    resume: bool = field(
        default=True,
        metadata={"help": "Resume from the last checkpoint in --output_dir (and reuse finished stages)."},
    )
    max_length_margin: int = field(
        default=0, metadata={"help": "Extra tokens of headroom the truncation check demands beyond the data."}
    )


@dataclass
class CPUTrainingDefaults:
    """The defaults both stage configs change in the same way; mixed in before the TRL config.

    bf16 autocast only on a CUDA GPU that supports it; no activation checkpointing (slower, and
    a 1M-parameter model needs no memory saved); no reporting integrations unless asked;
    checkpoints by steps, two kept, so an interrupted run resumes; progress bars on.
    """

    save_strategy: str = field(default="steps", metadata={"help": "Checkpoint strategy."})
    save_total_limit: int | None = field(default=2, metadata={"help": "Checkpoints kept."})
    report_to: None | str | list[str] = field(default="none", metadata={"help": "Logging integrations."})
    gradient_checkpointing: bool | None = field(default=None, metadata={"help": "Deprecated alias of --activation_checkpointing."})
    activation_checkpointing: bool | None = field(
        default=False,
        metadata={"help": "Recompute activations in the backward pass (saves memory, costs time)."},
    )
    bf16: bool | None = field(default=None, metadata={"help": "bf16 mixed precision (default: on a CUDA GPU only)."})
    disable_tqdm: bool | None = field(default=False, metadata={"help": "Hide progress bars (logs still print)."})

    def __post_init__(self) -> None:
        if self.bf16 is None:
            self.bf16 = _cuda_bf16()
        _cpu_defaults(self)
        super().__post_init__()  # the TRL config's (this class only ever precedes one in the bases)


@dataclass
class GSMTraceSFTConfig(CPUTrainingDefaults, SFTConfig):
    """TRL SFTConfig with defaults for the embedded default model on CPU."""

    output_dir: str | None = field(default="runs/sft", metadata={"help": "Where checkpoints and results go."})
    learning_rate: float = field(default=5e-3, metadata={"help": "Peak AdamW learning rate."})
    num_train_epochs: float = field(default=2.0, metadata={"help": "Passes over the SFT data."})
    per_device_train_batch_size: int = field(default=16, metadata={"help": "Batch size per device."})
    lr_scheduler_type: str = field(default="cosine", metadata={"help": "Learning-rate schedule."})
    warmup_steps: float = field(default=0.03, metadata={"help": "Warm-up steps (a fraction if < 1)."})
    adam_beta2: float = field(default=0.98, metadata={"help": "AdamW beta2."})
    weight_decay: float = field(default=0.01, metadata={"help": "AdamW weight decay."})
    logging_steps: float = field(default=10, metadata={"help": "Log every N steps."})
    save_steps: float = field(default=100, metadata={"help": "Checkpoint every N steps (for resuming)."})
    max_length: int | None = field(
        default=None,
        metadata={"help": "Token limit per example (None: from the data, checked; a set limit is checked too)."},
    )
    train_sampling_strategy: str = field(
        default="group_by_length", metadata={"help": "'group_by_length' batches similar lengths (less padding)."}
    )
    dataset_num_proc: int | None = field(default=None, metadata={"help": "Processes for dataset preparation."})


@dataclass
class GSMTraceGRPOConfig(CPUTrainingDefaults, GRPOConfig):
    """TRL GRPOConfig with defaults for the embedded default model on CPU."""

    output_dir: str | None = field(default="runs/grpo", metadata={"help": "Where checkpoints and results go."})
    learning_rate: float = field(
        default=3e-5,
        metadata={"help": "Peak AdamW learning rate (the default and the rates tried: docs/training.md, 'GRPO / RLOO')."},
    )
    max_steps: int = field(default=40, metadata={"help": "RL optimizer steps."})
    per_device_train_batch_size: int = field(
        default=32, metadata={"help": "Completions per device per step (a multiple of --num_generations)."}
    )
    num_generations: int | None = field(default=8, metadata={"help": "Completions per problem (group size)."})
    max_completion_length: int | None = field(
        default=None, metadata={"help": "Token limit per completion (None: from the longest gold trace, with margin)."}
    )
    temperature: float = field(default=1.0, metadata={"help": "Sampling temperature for rollouts."})
    beta: float = field(default=0.0, metadata={"help": "KL coefficient (0: no reference model)."})
    lr_scheduler_type: str = field(default="constant_with_warmup", metadata={"help": "Learning-rate schedule."})
    warmup_steps: float = field(default=5, metadata={"help": "Warm-up steps."})
    logging_steps: float = field(default=5, metadata={"help": "Log every N steps."})
    save_steps: float = field(default=20, metadata={"help": "Checkpoint every N steps (for resuming)."})


@dataclass
class RLArguments:
    """What train_grpo.py adds: the trainer, the RL problems and the SFT warm-up."""

    trainer: str = field(default="grpo", metadata={"help": "'grpo' (GRPOTrainer) or 'rloo' (RLOOTrainer)."})
    sft_checkpoint: str | None = field(
        default=None,
        metadata={"help": "An SFT model to start RL from; when absent the SFT warm-up runs first (OUTPUT_DIR/sft)."},
    )
    n_rl: int = field(default=512, metadata={"help": "RL problems (a pool cycled through by the sampler)."})
    rl_gsm8k_fraction: float = field(
        default=0.0,
        metadata={"help": "Share of the RL problems taken from GSM8K's training part (needs GSM8K, see "
                          "--gsm8k_path): converted questions, whose gold trace lets the reward check each "
                          "completion as a program on variants of the question."},
    )
    rl_gsm8k_answer_only: bool = field(
        default=False,
        metadata={"help": "Also draw the GSM8K questions the converter could not turn into a trace; they are "
                          "graded by their answer alone, which a trace that spells the number can game "
                          "(docs/trace-format.md, 'The program check')."},
    )
    rl_mix: str = field(
        default="hard",
        metadata={"help": "Generator presets and shares for the RL problems, as 'preset=weight,...' (default: the "
                  "hard preset, where the SFT model still fails and a group's rewards differ)."},
    )
    rl_reward: str = field(
        default="ladder",
        metadata={"help": "RL reward: 'ladder' (1.0 / 0.7 / 0.5 / 0.3 / 0.0, trace_env.rewards.trace_reward) or "
                          "'correct' (1.0 for a correct trace, else 0.0)."},
    )
    rl_prompts: str = field(
        default="all",
        metadata={"help": "Which drawn problems become RL prompts: 'all', or 'unsolved' (draw --rl_mine_pool "
                          "problems, keep those the start model's greedy trace gets wrong, and fill up to "
                          "--n_rl with solved ones; see --rl_solved_fraction)."},
    )
    rl_mine_pool: int = field(default=2048, metadata={"help": "Problems drawn and solved greedily for --rl_prompts unsolved."})
    rl_filter: str = field(
        default="auto",
        metadata={"help": "'auto' (pass_rate for --env single in one process, else none), 'none', or "
                          "'pass_rate': every scored group reports its problem's pass rate; problems "
                          "whose group was all right or all wrong leave the prompt stream, mixed ones are served "
                          "again (--rl_replay_fraction of the prompts, up to --rl_max_serves times) and the ones "
                          "that left come back when the fresh draws run out (training/prompt_pool.py)."},
    )
    rl_replay_fraction: float = field(
        default=0.5, metadata={"help": "With --rl_filter pass_rate: the share of prompts replayed from the mixed ones."}
    )
    rl_max_serves: int = field(
        default=4, metadata={"help": "With --rl_filter pass_rate: how often one problem may be served."}
    )
    rl_solved_fraction: float = field(
        default=0.25,
        metadata={"help": "With --rl_prompts unsolved: the share of the RL pool kept from problems the start model "
                          "already solves (guards what it knows)."},
    )
    env: str = field(
        default="single",
        metadata={"help": "'single' (one trace per problem, graded by the reward function) or 'refine' (every "
                          "rollout is a GSMTraceRefine-v1 episode behind TRL's environment_factory: the policy "
                          "submits traces through a tool, reads the solver's feedback and revises, up to "
                          "--max_turns; reward from the environment; training/refine.py)."},
    )
    max_turns: int = field(
        default=DEFAULT_MAX_TURNS,
        metadata={"help": "Traces per episode with --env refine (trace_env.episode.EpisodeConfig)."},
    )
    reveal: bool = field(
        default=False,
        metadata={"help": "With --env refine: let the feedback say whether an answer is right (and continue after "
                          "a wrong one). Off: gold-free feedback only, the episode ends at the first valid trace."},
    )

    rl_guard_batches: int = field(
        default=2,
        metadata={"help": "Stop the run (one line naming what to check) when no completion of the first N scored "
                          "batches parses as a trace; 0: off (training/signal.py)."},
    )
    rl_guard_groups: int = field(
        default=64,
        metadata={"help": "Stop the run when N groups in a row have zero reward variance (no gradient); 0: off."},
    )
    sft_epochs: float = field(
        default=3.0,
        metadata={"help": "Warm-up SFT epochs (the default is sized for the CPU main job: docs/training.md)."},
    )
    sft_learning_rate: float = field(default=5e-3, metadata={"help": "Warm-up SFT learning rate."})
    sft_batch_size: int = field(default=16, metadata={"help": "Warm-up SFT batch size."})

    def pass_rate_filter(self) -> bool:
        """Whether the live pass-rate filter serves the prompts ('auto': single-trace episodes in one
        process, the only setting where every group's rewards reach one pool)."""
        if self.rl_filter == "auto":
            return self.env == "single" and int(os.environ.get("WORLD_SIZE", "1")) == 1
        return self.rl_filter == "pass_rate"

    def __post_init__(self) -> None:
        if self.trainer not in ("grpo", "rloo"):
            raise ValueError(f"--trainer must be 'grpo' or 'rloo', got {self.trainer!r}")
        if self.rl_reward not in ("ladder", "correct"):
            raise ValueError(f"--rl_reward must be 'ladder' or 'correct', got {self.rl_reward!r}")
        if self.rl_prompts not in ("all", "unsolved"):
            raise ValueError(f"--rl_prompts must be 'all' or 'unsolved', got {self.rl_prompts!r}")
        if self.env not in ("single", "refine"):
            raise ValueError(f"--env must be 'single' or 'refine', got {self.env!r}")
        try:
            self.episode()
        except ValueError as err:  # "max_turns must be ..." names the setting: say it as the flag
            raise ValueError(f"--{err}") from None
        if self.rl_guard_batches < 0 or self.rl_guard_groups < 0:
            raise ValueError("--rl_guard_batches and --rl_guard_groups must be >= 0 (0 turns a rule off)")
        if self.env == "refine" and self.trainer != "grpo":
            raise ValueError("--env refine needs --trainer grpo (environment_factory is a GRPOTrainer feature)")
        if self.rl_filter not in ("auto", "none", "pass_rate"):
            raise ValueError(f"--rl_filter must be 'auto', 'none' or 'pass_rate', got {self.rl_filter!r}")
        if self.rl_filter == "pass_rate" and self.env == "refine":
            raise ValueError("--rl_filter pass_rate needs --env single (refine episodes are scored by the environment)")
        if not 0.0 <= self.rl_replay_fraction < 1.0:
            raise ValueError(f"--rl_replay_fraction must be in [0, 1), got {self.rl_replay_fraction}")
        if self.rl_max_serves < 1:
            raise ValueError(f"--rl_max_serves must be >= 1, got {self.rl_max_serves}")
        if not 0.0 <= self.rl_solved_fraction < 1.0:
            raise ValueError(f"--rl_solved_fraction must be in [0, 1), got {self.rl_solved_fraction}")

    def episode(self) -> EpisodeConfig:
        """The refinement episode of `--env refine` (observation: the feedback, as a tool result)."""
        return EpisodeConfig(max_turns=self.max_turns, reveal=self.reveal, observation="feedback")


def parse_mix(spec: str) -> dict[str, float]:
    """'default=0.8,hard=0.2' -> {'default': 0.8, 'hard': 0.2}; a bare name has weight 1."""
    mix: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in spec.split(","))):
        name, _, weight = part.partition("=")
        try:
            value = float(weight) if weight else 1.0
        except ValueError:
            raise ValueError(f"bad mix entry {part!r}: expected 'preset=weight'") from None
        if value < 0:
            raise ValueError(f"bad mix entry {part!r}: weight must be >= 0")
        mix[name.strip()] = value
    if not mix or sum(mix.values()) <= 0:
        raise ValueError(f"mix {spec!r} gives no positive weight")
    return mix


def config_with(config: Any, **changes: Any) -> Any:
    """A copy of a TrainingArguments-style dataclass with some fields changed (post-init re-run)."""
    names = {f.name for f in fields(config) if f.init}
    unknown = set(changes) - names
    if unknown:
        raise ValueError(f"unknown config fields {sorted(unknown)}")
    derived = getattr(config, "generation_batch_size", None) and getattr(config, "steps_per_generation", None)
    if derived and not {"generation_batch_size", "steps_per_generation"} & set(changes):
        # GRPO's post-init derived one from the other; let it derive again from the new sizes
        changes["generation_batch_size"] = None
    return replace(config, **changes)
