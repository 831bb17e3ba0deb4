"""HFAgent: any Hugging Face causal LM, prompted with its own chat template, generating in batches."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from trace_env.prompts import prompt_numbered, render_prompt

from .default_model import resolve_model
from .loading import load_model, load_tokenizer


class HFAgent:
    """A causal language model from the hub or a local directory (or already-loaded objects).

    * The prompt is `trace_env.prompts.render_prompt` with the tokenizer's own chat template;
      `numbered=True` appends the question's numbered quantities (pointer mode, `ref: N`).
      When `numbered` is None it follows the `gsmtrace.json` saved next to the model, else
      `trace_env.prompts.DEFAULT_NUMBERED` (`prompt_numbered`).
    * Generation is batched with left padding, greedy by default (`temperature=0`).
    * Weights load from safetensors only and remote code is off unless `trust_remote_code=True`.
    * `model="default"` builds (once, then reuses) the project's embedded default model
      (`agents.default_model`), UNTRAINED: a trained one is `train_grpo.py`'s `OUTPUT_DIR/final`; loading goes through `agents.loading`.
    * `restrict_refs=True` (pointer mode only) masks every `ref: N` outside the question's
      numbered quantities while decoding (`agents.ref_decoding`).
    * `stats()` counts generations that hit `max_new_tokens` without an end token: truncated
      traces fail silently otherwise (the seed experiment lost 17 runs to that).

    Passing a loaded `model` and `tokenizer` (e.g. from a trainer) evaluates them in place: the
    model is switched to eval mode for generation and restored afterwards.
    """

    def __init__(
        self,
        model: Any,
        tokenizer: Any = None,
        *,
        numbered: bool | None = None,
        max_new_tokens: int = 768,
        batch_size: int = 8,
        temperature: float = 0.0,
        top_p: float = 1.0,
        device: str | None = None,
        dtype: str = "auto",
        trust_remote_code: bool = False,
        chat_template: str | None = None,
        restrict_refs: bool = False,
        name: str | None = None,
    ) -> None:
        import torch

        self.max_new_tokens = int(max_new_tokens)
        self.batch_size = max(1, int(batch_size))
        self.temperature = float(temperature)
        self.top_p = float(top_p)
        if isinstance(model, Path):
            model = str(model)
        if isinstance(model, str):
            path = resolve_model(model)  # "default" builds the embedded model on first use
            if numbered is None:
                numbered = prompt_numbered(model=path)  # its gsmtrace.json, else DEFAULT_NUMBERED
            self.model_id = model
            device = device or ("cuda" if torch.cuda.is_available() else "cpu")
            if dtype == "auto":
                torch_dtype = torch.bfloat16 if device.startswith("cuda") else torch.float32
            else:
                torch_dtype = getattr(torch, dtype)
            self.model = load_model(path, trust_remote_code=trust_remote_code, dtype=torch_dtype).to(device)
            tokenizer = path if tokenizer is None else tokenizer
        else:
            if tokenizer is None:
                raise ValueError("HFAgent needs a tokenizer when given a loaded model")
            self.model_id = getattr(getattr(model, "config", None), "_name_or_path", type(model).__name__)
            self.model = model
        # A tokenizer may be given as an id/path or as a loaded object, with either kind of model.
        self.tokenizer = (load_tokenizer(str(tokenizer), trust_remote_code=trust_remote_code)
                          if isinstance(tokenizer, str | Path) else tokenizer)
        self.numbered = prompt_numbered(numbered)
        self.name = name or f"hf:{self.model_id}"
        if chat_template is not None:
            self.tokenizer.chat_template = chat_template
        if not getattr(self.tokenizer, "chat_template", None):
            raise ValueError(
                f"the tokenizer of {self.model_id!r} has no chat template; pass chat_template=... "
                "(the prompt always comes from the tokenizer's own template)"
            )
        if self.tokenizer.pad_token is None:  # batching needs one; eos is the usual stand-in
            self.tokenizer.pad_token = self.tokenizer.eos_token
        self._torch = torch
        self._ref_range = None
        if restrict_refs and self.numbered:
            from .ref_decoding import RefRangeLogitsProcessor

            self._ref_range = RefRangeLogitsProcessor(self.tokenizer)
        self._generated = 0
        self._truncated = 0

    def prompts(self, observations: list[str]) -> list[str]:
        return [render_prompt(self.tokenizer, obs, numbered=self.numbered) for obs in observations]

    def act(self, observations: list[str]) -> list[str]:
        out: list[str] = []
        for start in range(0, len(observations), self.batch_size):
            out.extend(self._generate(list(observations[start : start + self.batch_size])))
        return out

    def sample(self, observations: list[str], k: int, temperature: float = 1.0) -> list[list[str]]:
        """k sampled traces per observation (one generate call per batch, num_return_sequences=k)."""
        out: list[list[str]] = []
        for start in range(0, len(observations), self.batch_size):
            texts = self._generate(list(observations[start : start + self.batch_size]), k, temperature)
            out.extend(texts[i : i + k] for i in range(0, len(texts), k))
        return out

    def _generate(self, batch: list[str], k: int = 1, temperature: float | None = None) -> list[str]:
        return self.complete(self.prompts(batch), k=k, temperature=temperature, observations=batch)

    def complete(self, prompts: list[str], *, k: int = 1, temperature: float | None = None,
                 max_new_tokens: int | None = None, observations: list[str] | None = None) -> list[str]:
        """Continue already-rendered prompt texts (a chat template applied by the caller, e.g. to a
        whole conversation): k texts per prompt, in order. `observations` are the problems the
        prompts show, for `restrict_refs`; `max_new_tokens` overrides the agent's for this call."""
        torch, tok = self._torch, self.tokenizer
        temperature = self.temperature if temperature is None else temperature
        limit = self.max_new_tokens if max_new_tokens is None else int(max_new_tokens)
        tok.padding_side = "left"  # decoder-only: new tokens must follow the prompt directly
        # The chat template already wrote any BOS; adding special tokens again would double it.
        enc = tok(prompts, return_tensors="pt", padding=True, add_special_tokens=False)
        enc = {k: v.to(self.model.device) for k, v in enc.items()}
        sampling = temperature > 0
        kwargs: dict[str, Any] = {
            "max_new_tokens": limit,
            "do_sample": sampling,
            "pad_token_id": tok.pad_token_id,
            "num_return_sequences": k,  # the k samples of a prompt come out next to each other
        }
        if sampling:
            kwargs.update(temperature=temperature, top_p=self.top_p)
        if self._ref_range is not None and observations is not None:
            from transformers import LogitsProcessorList

            from .ref_decoding import quantity_count

            limits = [quantity_count(obs) for obs in observations for _ in range(k)]
            kwargs["logits_processor"] = LogitsProcessorList([self._ref_range.reset(limits, enc["input_ids"].shape[1])])
        was_training = self.model.training
        self.model.eval()
        try:
            with torch.inference_mode():
                generated = self.model.generate(**enc, **kwargs)
        finally:
            if was_training:
                self.model.train()
        new = generated[:, enc["input_ids"].shape[1] :]
        self._count_truncated(new, limit)
        return tok.batch_decode(new, skip_special_tokens=True)

    def _count_truncated(self, new: Any, limit: int) -> None:
        stop = _stop_ids(self.model, self.tokenizer)
        for row in new.tolist():
            self._generated += 1
            if len(row) >= limit and not any(t in stop for t in row):
                self._truncated += 1

    def stats(self) -> dict[str, Any]:
        return {
            "generated": self._generated,
            "truncated": self._truncated,
            "max_new_tokens": self.max_new_tokens,
            "numbered": self.numbered,
            "restrict_refs": self._ref_range is not None,
        }


def _stop_ids(model: Any, tokenizer: Any) -> set[int]:
    ids: set[int] = set()
    for source in (getattr(model, "generation_config", None), tokenizer):
        eos = getattr(source, "eos_token_id", None)
        if isinstance(eos, int):
            ids.add(eos)
        elif isinstance(eos, list | tuple):
            ids.update(int(e) for e in eos)
    if tokenizer.pad_token_id is not None:
        ids.add(int(tokenizer.pad_token_id))
    return ids

