"""The SFT stage: TRL SFTTrainer on gold traces, loss on the assistant trace only.

Rows are conversational prompt-completion pairs (the prompt from `trace_env.prompts`, rendered
by the tokenizer's own chat template), so TRL masks every prompt token out of the loss
(`completion_only_loss`). Every sequence is measured first; nothing is ever truncated.
"""

from __future__ import annotations

import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from . import checks, data, heldout, summary
from . import model as model_lib
from .args import DataArguments, EvalArguments, ModelArguments, RunArguments, config_with, parse_mix

SMOKE_DATA = {"n_train": 192}
SMOKE_EVAL = {"n_eval": 24, "heldout_every": 3, "heldout_n_during": 8}
SMOKE_SFT = {"num_train_epochs": 1.0, "save_steps": 3, "logging_steps": 2}


def apply_smoke(obj: Any, changes: dict[str, Any]) -> Any:
    """Smoke mode: the same run with small sizes (only the listed fields change)."""
    if hasattr(obj, "to_dict") and hasattr(obj, "output_dir"):  # a TrainingArguments dataclass
        return config_with(obj, **changes)
    for key, value in changes.items():
        setattr(obj, key, value)
    return obj


def build_train_examples(data_args: DataArguments, skip_last: int = 0) -> list[data.Example]:
    """Synthetic problems from the mix, plus converted GSM8K traces when a path is given.

    `skip_last` leaves out the GSM8K file's last records (held out when the same file is the
    GSM8K evaluation source)."""
    n_gsm8k = round(data_args.n_train * data_args.gsm8k_fraction) if data_args.gsm8k_path else 0
    examples: list[data.Example] = []
    if n_gsm8k:
        gsm = data.gsm8k_examples(data_args.gsm8k_path, data_args.trace_form, data_args.var_names,
                                  skip_last=skip_last)
        examples.extend([e for e in gsm if e.target][:n_gsm8k])
    n_synthetic = data_args.n_train - len(examples)
    synth = data.synthetic(n_synthetic, parse_mix(data_args.synthetic_mix), "sft", data_args.trace_form,
                           data_args.data_seed_offset, data_args.var_names)
    return data._interleave([synth, examples]) if examples else synth


def heldout_splits(eval_args: EvalArguments, data_args: DataArguments) -> dict[str, list[data.Example]]:
    names = [n.strip() for n in eval_args.eval_splits.split(",") if n.strip()]
    return data.heldout(names, eval_args.n_eval, data_args.trace_form, eval_args.gsm8k_eval_path,
                        data_args.var_names)


def gsm8k_holdout(data_args: DataArguments, eval_args: EvalArguments) -> int:
    """Records to keep out of GSM8K training when the same file also serves the 'gsm8k' split."""
    same = data_args.gsm8k_path and eval_args.gsm8k_eval_path and \
        Path(data_args.gsm8k_path).resolve() == Path(eval_args.gsm8k_eval_path).resolve()
    return eval_args.n_eval if same else 0


def eval_token_limit(tokenizer: Any, splits: dict[str, list[data.Example]], numbered: bool, given: int | None) -> int:
    everything = [e for examples in splits.values() for e in examples]
    return checks.check_completion_lengths(tokenizer, everything, numbered, given, flag="--eval_max_new_tokens")


def longest_prompt(tokenizer: Any, splits: dict[str, list[data.Example]], numbered: bool) -> int:
    return max((len(checks.prompt_ids(tokenizer, e, numbered)) for ex in splits.values() for e in ex), default=0)


def last_checkpoint(out: Path, resume: bool) -> str | None:
    from transformers.trainer_utils import get_last_checkpoint

    return get_last_checkpoint(str(out)) if resume and out.is_dir() else None


def is_main_process() -> bool:
    from accelerate import PartialState

    return PartialState().is_main_process


def wait_for_everyone() -> None:
    from accelerate import PartialState

    PartialState().wait_for_everyone()


def measure_cached(path: Path, resume: bool, compute: Any) -> dict[str, Any]:
    """A held-out measurement cached in `path` (a resumed run does not measure again).

    Only the main process measures (multi-GPU runs); the others wait and read its file.
    """
    cached = summary.read_json(path) if resume else None
    if cached is None and is_main_process():
        cached = compute()
        summary.write_json(path, cached)
    wait_for_everyone()
    return cached if cached is not None else summary.read_json(path) or {}


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


def run_sft(
    model_args: ModelArguments,
    data_args: DataArguments,
    eval_args: EvalArguments,
    run_args: RunArguments,
    config: Any,
) -> dict[str, Any]:
    """Train, save OUTPUT_DIR/final, measure held-out accuracy before and after; return the summary."""
    from transformers import set_seed

    if run_args.smoke:
        apply_smoke(data_args, SMOKE_DATA)
        apply_smoke(eval_args, SMOKE_EVAL)
        config = apply_smoke(config, SMOKE_SFT)
    out = Path(config.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    set_seed(config.seed)
    started = time.perf_counter()

    model, tokenizer, path = model_lib.load(model_args, trust_remote_code=config.trust_remote_code)
    numbered = model_lib.resolve_numbered(path, model_args.numbered, data_args.trace_form)
    splits = heldout_splits(eval_args, data_args)
    train, overlap = data.remove_overlap(build_train_examples(data_args, gsm8k_holdout(data_args, eval_args)), splits)
    max_length = checks.check_sft_lengths(tokenizer, train, numbered, config.max_length, run_args.max_length_margin)
    eval_tokens = eval_token_limit(tokenizer, splits, numbered, eval_args.eval_max_new_tokens)
    checks.check_positions(model, max_length, "the longest SFT example")
    checks.check_positions(model, longest_prompt(tokenizer, splits, numbered) + eval_tokens, "held-out generation")
    print(f"[sft] {len(train)} examples ({overlap} dropped: question also held out), max_length {max_length}, "
          f"prompt {'numbered' if numbered else 'plain'}, trace form {data_args.trace_form}", flush=True)

    def _measure(m: Any, tok: Any = None, limit: int | None = None) -> dict[str, Any]:
        return heldout.measure(m, tok, splits, numbered=numbered, max_new_tokens=eval_tokens,
                               batch_size=eval_args.eval_batch_size, limit=limit)

    # Before SFT only a quick look (heldout_n_during per split): an untrained model never stops
    # generating, so a full measurement would cost more than it tells.
    before = measure_cached(out / "heldout_before.json", run_args.resume,
                            lambda: _measure(model, tokenizer, eval_args.heldout_n_during))
    print(heldout.format_line("before SFT", before), flush=True)

    peft = model_lib.peft_config(model_args)
    if peft is None and model_args.train_last_n_layers is not None:
        model_lib.train_last_layers(model, model_args.train_last_n_layers)
    params = model_lib.parameter_counts(model)
    dataset = data.to_dataset([{k: v for k, v in e.sft_row(numbered).items() if k != "id"} for e in train])
    callback = heldout.HeldoutAccuracyCallback(
        splits, numbered=numbered, every=eval_args.heldout_every, limit=eval_args.heldout_n_during,
        max_new_tokens=eval_tokens, batch_size=eval_args.eval_batch_size, log_path=out / "heldout.jsonl",
    )
    trainer = trainer_class()(
        model=model, args=config_with(config, max_length=max_length), train_dataset=dataset,
        processing_class=tokenizer, peft_config=peft, callbacks=[callback],
    )
    if peft is not None:
        params = model_lib.parameter_counts(trainer.model)
    train_started = time.perf_counter()
    result = trainer.train(resume_from_checkpoint=last_checkpoint(out, run_args.resume))
    train_seconds = time.perf_counter() - train_started
    final = model_lib.save_final(trainer, tokenizer, out / "final", numbered=numbered)
    history = list(trainer.state.log_history)
    step = trainer.state.global_step
    trainer = model = None  # free the training copy before loading the saved one
    wait_for_everyone()
    if not is_main_process():  # evaluation and the summary belong to the main process
        return {"final_model": str(final), "global_step": step}

    after = _measure(str(final))  # the saved artefact, loaded the way the evaluate CLI loads it
    print(heldout.format_line("after SFT", after), flush=True)
    history += [summary.heldout_entry(0, before), summary.heldout_entry(step, after)]
    curve = summary.learning_curve(history, out / "learning_curve.png", f"SFT: {model_args.model_name_or_path}")
    acc_before, acc_after = heldout.accuracies(before), heldout.accuracies(after)
    report = {
        "stage": "sft",
        "model": model_args.model_name_or_path,
        "resolved_model": path,
        "final_model": str(final),
        "trace_form": data_args.trace_form,
        "numbered": numbered,
        "splits": list(splits),
        "n_eval": eval_args.n_eval,
        "n_train": len(train),
        "overlap_removed": overlap,
        "accuracy_before_sft": acc_before,
        "accuracy_after_sft": acc_after,
        "accuracy_before_rl": acc_after,
        "accuracy_after_rl": None,
        "heldout_before": before,
        "heldout_after": after,
        "max_length": max_length,
        "eval_max_new_tokens": eval_tokens,
        "global_step": step,
        "train_loss": getattr(result, "training_loss", None),
        "train_seconds": round(train_seconds, 1),
        "total_seconds": round(time.perf_counter() - started, 1),
        "parameters": params,
        "learning_curve": str(curve) if curve else None,
        "smoke": run_args.smoke,
        "args": {"data": asdict(data_args), "eval": asdict(eval_args)},
        "machine": summary.machine(),
    }
    summary.write_json(out / "summary.json", report)
    return report
