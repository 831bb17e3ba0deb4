"""The run every training stage shares: load, check, measure, train, save, measure, summarise.

`Stage.run` loads the start model and the held-out splits, checks every length the stage will
need (nothing is ever truncated), measures held-out accuracy, trains with the stage's TRL
trainer (resuming from the last checkpoint in OUTPUT_DIR) while `HeldoutAccuracyCallback`
measures during training, saves OUTPUT_DIR/final, measures that saved model the way the
evaluate CLI loads it, and writes OUTPUT_DIR/summary.json and the learning curve. Evaluation
and the summary belong to the main process; the others wait for it.

A stage (`training.sft.SFTStage`, `training.grpo.RLStage`) supplies what is its own: the start
model, the training rows and their length checks, the measurement before training, the
trainer, and the summary's fields.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import checks, data, heldout, summary
from . import model as model_lib
from .args import DataArguments, EvalArguments, ModelArguments, RunArguments, config_with


def heldout_splits(eval_args: EvalArguments, data_args: DataArguments,
                   gsm8k_file: str | None) -> dict[str, list[data.Problem]]:
    """The held-out splits; the GSM8K dev split joins them whenever GSM8K is available."""
    names = [n.strip() for n in eval_args.eval_splits.split(",") if n.strip()]
    gsm8k_path = eval_args.gsm8k_eval_path or gsm8k_file
    if gsm8k_path and "gsm8k" not in names:
        names.append("gsm8k")
    return data.heldout(names, eval_args.n_eval, data_args.trace_form, gsm8k_path, data_args.var_names)


def eval_token_limit(tokenizer: Any, splits: dict[str, list[data.Problem]], numbered: bool, given: int | None) -> int:
    everything = [e for examples in splits.values() for e in examples]
    return checks.check_completion_lengths(tokenizer, everything, numbered, given, flag="--eval_max_new_tokens")


def longest_prompt(tokenizer: Any, splits: dict[str, list[data.Problem]], numbered: bool) -> int:
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


@dataclass
class Rows:
    """A stage's training rows, and the line that describes them before training starts."""

    rows: list[dict[str, Any]]
    note: str


@dataclass
class Trained:
    """What a finished stage hands to its summary."""

    start_model: str
    resolved_model: str
    final_model: Path
    before: dict[str, Any]
    after: dict[str, Any]
    global_step: int
    train_loss: float | None
    train_seconds: float
    parameters: dict[str, int]
    learning_curve: Path | None


class Stage:
    """One training stage; subclasses fill in the hooks below `run`."""

    label = ""                   # "SFT", "RL": in "[held-out] before SFT: ..."

    def __init__(
        self, model_args: ModelArguments, data_args: DataArguments, eval_args: EvalArguments,
        run_args: RunArguments, config: Any,
    ) -> None:
        self.model_args, self.data_args, self.eval_args = model_args, data_args, eval_args
        self.run_args, self.config = run_args, config
        self.out = Path(config.output_dir)
        self.numbered = False
        self.splits: dict[str, list[data.Problem]] = {}
        self.eval_tokens = 0
        self.gsm8k_file: str | None = None  # the GSM8K source this run reads (data.resolve_gsm8k)

    def run(self) -> dict[str, Any]:
        """Train, save OUTPUT_DIR/final, measure held-out accuracy before and after; return the summary."""
        from transformers import set_seed

        self.out = Path(self.config.output_dir)
        self.out.mkdir(parents=True, exist_ok=True)
        self.gsm8k_file = data.resolve_gsm8k(self.data_args.gsm8k_path)
        started = time.perf_counter()
        start = self.start_model()
        set_seed(self.config.seed)
        model, tokenizer, resolved = model_lib.load(config_with(self.model_args, model_name_or_path=start),
                                                    trust_remote_code=self.config.trust_remote_code)
        self.numbered = model_lib.resolve_numbered(resolved, self.model_args.numbered, self.data_args.trace_form)
        self.splits = heldout_splits(self.eval_args, self.data_args, self.gsm8k_file)
        rows = self.training_rows(model, tokenizer)
        self.eval_tokens = eval_token_limit(tokenizer, self.splits, self.numbered, self.eval_args.eval_max_new_tokens)
        checks.check_positions(model, longest_prompt(tokenizer, self.splits, self.numbered) + self.eval_tokens,
                               "held-out generation")
        heldout.show(rows.note)

        before = self.measure_before(model, tokenizer)
        heldout.show(heldout.format_line(f"before {self.label}", before))

        peft = model_lib.peft_config(self.model_args)
        if peft is None and self.model_args.train_last_n_layers is not None:
            model_lib.train_last_layers(model, self.model_args.train_last_n_layers)
        trainer = self.trainer(model, tokenizer, self.dataset(rows.rows), peft)
        trainer.add_callback(heldout.HeldoutAccuracyCallback(
            trainer, self.splits, numbered=self.numbered, every=self.eval_args.heldout_every,
            limit=self.eval_args.heldout_n_during, max_new_tokens=self.eval_tokens,
            batch_size=self.eval_args.eval_batch_size, log_path=self.out / "heldout.jsonl",
        ))
        params = model_lib.parameter_counts(trainer.model)
        train_started = time.perf_counter()
        result = trainer.train(resume_from_checkpoint=last_checkpoint(self.out, self.run_args.resume))
        train_seconds = time.perf_counter() - train_started
        final = model_lib.save_final(trainer, tokenizer, self.out / "final", numbered=self.numbered)
        history = list(trainer.state.log_history)
        step = trainer.state.global_step
        trainer = model = None  # free the training copy before loading the saved one
        wait_for_everyone()
        if not is_main_process():  # evaluation and the summary belong to the main process
            return {"final_model": str(final), "global_step": step}

        after = self.measure(str(final), sampled=True)  # the saved artefact, loaded as the evaluate CLI loads it
        heldout.show(heldout.format_line(f"after {self.label}", after))
        history += [summary.heldout_entry(0, before), summary.heldout_entry(step, after)]
        curve = summary.learning_curve(history, self.out / "learning_curve.png",
                                       f"{self.title()}: {self.model_args.model_name_or_path}")
        trained = Trained(
            start_model=start, resolved_model=resolved, final_model=final, before=before, after=after,
            global_step=step, train_loss=getattr(result, "training_loss", None), train_seconds=train_seconds,
            parameters=params, learning_curve=curve,
        )
        report = self.report(trained, total_seconds=time.perf_counter() - started)
        summary.write_json(self.out / "summary.json", report)
        return report

    def measure(self, model: Any, tokenizer: Any = None, limit: int | None = None,
                sampled: bool = False) -> dict[str, Any]:
        """Held-out accuracy per split of a loaded model (with `tokenizer`) or a saved model directory;
        `sampled` adds pass@k / maj@k when --heldout_samples asks for them."""
        return heldout.measure(model, tokenizer, self.splits, numbered=self.numbered, max_new_tokens=self.eval_tokens,
                               batch_size=self.eval_args.eval_batch_size, limit=limit,
                               samples=self.eval_args.heldout_samples if sampled else 0,
                               temperature=self.eval_args.heldout_temperature,
                               samples_n=self.eval_args.heldout_samples_n)

    # The stage's own parts.

    def title(self) -> str:
        """The learning curve's title prefix."""
        raise NotImplementedError

    def start_model(self) -> str:
        """The model to train (a hub id, a path, or 'default')."""
        raise NotImplementedError

    def training_rows(self, model: Any, tokenizer: Any) -> Rows:
        """The rows TRL trains on, after checking that none is cut and the model has the positions."""
        raise NotImplementedError

    def dataset(self, rows: list[dict[str, Any]]) -> Any:
        """What the trainer reads: by default a `datasets.Dataset` of the rows."""
        return data.to_dataset(rows)

    def measure_before(self, model: Any, tokenizer: Any) -> dict[str, Any]:
        raise NotImplementedError

    def trainer(self, model: Any, tokenizer: Any, dataset: Any, peft: Any) -> Any:
        raise NotImplementedError

    def report(self, trained: Trained, *, total_seconds: float) -> dict[str, Any]:
        """The contents of OUTPUT_DIR/summary.json."""
        raise NotImplementedError
