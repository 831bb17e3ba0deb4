"""The SFT stage: TRL SFTTrainer on gold traces, loss on the assistant trace only.

Rows are conversational prompt-completion pairs (the prompt from `trace_env.prompts`, rendered
by the tokenizer's own chat template), so TRL masks every prompt token out of the loss
(`completion_only_loss`). Every sequence is measured first; nothing is ever truncated.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from . import checks, data, heldout, summary
from .args import DataArguments, EvalArguments, ModelArguments, RunArguments, config_with, parse_mix
from .stage import Rows, Stage, Trained, measure_cached


def build_train_examples(data_args: DataArguments, gsm8k_file: str | None) -> list[data.Problem]:
    """Synthetic problems from the mix, plus converted GSM8K traces when a GSM8K file is available:
    from its training part only (never a dev problem or a near-duplicate of one)."""
    n_gsm8k = round(data_args.n_train * data_args.gsm8k_fraction) if gsm8k_file else 0
    examples: list[data.Problem] = []
    if n_gsm8k:
        gsm = data.gsm8k(gsm8k_file, data_args.trace_form, data_args.var_names, part="train")  # type: ignore[arg-type]
        examples.extend([e for e in gsm if e.target][:n_gsm8k])
    n_synthetic = data_args.n_train - len(examples)
    synth = data.synthetic(n_synthetic, parse_mix(data_args.synthetic_mix), "sft", data_args.trace_form,
                           data_args.data_seed_offset, data_args.var_names)
    return data.interleave([synth, examples], seed=data_args.data_seed_offset)


def trainer_class() -> type:
    """SFTTrainer whose 'group_by_length' sampling shuffles the order of the length-grouped batches."""
    from trl import SFTTrainer

    from .sampler import ShuffledLengthGroupedSampler

    class GSMTraceSFTTrainer(SFTTrainer):
        def _get_train_sampler(self, train_dataset: Any = None) -> Any:
            dataset = train_dataset if train_dataset is not None else self.train_dataset
            if self.args.train_sampling_strategy != "group_by_length" or "input_ids" not in dataset.column_names:
                return super()._get_train_sampler(train_dataset)
            batch = self.args.train_batch_size * self.args.gradient_accumulation_steps
            lengths = [len(ids) for ids in dataset["input_ids"]]
            return ShuffledLengthGroupedSampler(lengths, batch, seed=self.args.seed)

    return GSMTraceSFTTrainer


class SFTStage(Stage):
    label = "SFT"

    def title(self) -> str:
        return "SFT"

    def start_model(self) -> str:
        return self.model_args.model_name_or_path

    def training_rows(self, model: Any, tokenizer: Any) -> Rows:
        train = build_train_examples(self.data_args, self.gsm8k_file)
        train, self.overlap = data.remove_overlap(train, self.splits)
        self.n_train = len(train)
        self.max_length = checks.check_sft_lengths(tokenizer, train, self.numbered, self.config.max_length,
                                                   self.run_args.max_length_margin)
        checks.check_positions(model, self.max_length, "the longest SFT example")
        rows = [{k: v for k, v in data.sft_row(e, self.numbered).items() if k != "id"} for e in train]
        return Rows(rows, f"[sft] {len(train)} examples ({self.overlap} dropped: question also held out), "
                          f"max_length {self.max_length}, prompt {'numbered' if self.numbered else 'plain'}, "
                          f"trace form {self.data_args.trace_form}")

    def measure_before(self, model: Any, tokenizer: Any) -> dict[str, Any]:
        # Before SFT only a quick look (heldout_n_during per split): an untrained model never stops
        # generating, so a full measurement would cost more than it tells.
        return measure_cached(self.out / "heldout_before.json", self.run_args.resume,
                              lambda: self.measure(model, tokenizer, self.eval_args.heldout_n_during))

    def trainer(self, model: Any, tokenizer: Any, dataset: Any, peft: Any) -> Any:
        return trainer_class()(model=model, args=config_with(self.config, max_length=self.max_length),
                               train_dataset=dataset, processing_class=tokenizer, peft_config=peft)

    def report(self, trained: Trained, *, total_seconds: float) -> dict[str, Any]:
        acc_before, acc_after = heldout.accuracies(trained.before), heldout.accuracies(trained.after)
        return {
            "stage": "sft",
            "model": self.model_args.model_name_or_path,
            "resolved_model": trained.resolved_model,
            "final_model": str(trained.final_model),
            "trace_form": self.data_args.trace_form,
            "numbered": self.numbered,
            "splits": list(self.splits),
            "gsm8k_file": self.gsm8k_file,
            "n_eval": self.eval_args.n_eval,
            "n_train": self.n_train,
            "overlap_removed": self.overlap,
            "accuracy_before_sft": acc_before,
            "accuracy_after_sft": acc_after,
            "accuracy_before_rl": acc_after,
            "accuracy_after_rl": None,
            "heldout_before": trained.before,
            "heldout_after": trained.after,
            "max_length": self.max_length,
            "eval_max_new_tokens": self.eval_tokens,
            "global_step": trained.global_step,
            "train_loss": trained.train_loss,
            "train_seconds": round(trained.train_seconds, 1),
            "total_seconds": round(total_seconds, 1),
            "parameters": trained.parameters,
            "learning_curve": str(trained.learning_curve) if trained.learning_curve else None,
            "smoke": self.run_args.smoke,
            "args": {"data": asdict(self.data_args), "eval": asdict(self.eval_args)},
            "machine": summary.machine(),
        }


def run_sft(
    model_args: ModelArguments,
    data_args: DataArguments,
    eval_args: EvalArguments,
    run_args: RunArguments,
    config: Any,
) -> dict[str, Any]:
    """Train, save OUTPUT_DIR/final, measure held-out accuracy before and after; return the summary."""
    return SFTStage(model_args, data_args, eval_args, run_args, config).run()
