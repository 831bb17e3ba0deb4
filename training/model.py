"""Model loading for training: the default model or any causal LM, with the parameter choices.

Three ways to train: everything (default), only the last N transformer layers plus the final
norm and the LM head (`--train_last_n_layers N`, the seed's best setting for pretrained
models), or LoRA adapters (`--use_peft`, via TRL's `get_peft_config`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from agents.default_model import remove_trace_parser, resolve_model
from agents.loading import load_model_and_tokenizer
from trace_env.prompts import load_prompt_options


def resolve_numbered(model_path: str, numbered: bool | None, trace_form: str) -> bool:
    """The prompt format: explicit flag, else what the trace form needs (pointers need the list)."""
    if numbered is not None:
        return bool(numbered)
    if trace_form == "ref":
        return True
    return bool(load_prompt_options(model_path).get("numbered", False)) if Path(model_path).is_dir() else False


def load(model_args: Any, *, trust_remote_code: bool = False) -> tuple[Any, Any, str]:
    """(model, tokenizer, resolved path); safetensors only, remote code only when asked."""
    import torch

    path = resolve_model(model_args.model_name_or_path)
    kwargs: dict[str, Any] = {}
    if model_args.dtype and model_args.dtype != "auto":
        kwargs["dtype"] = getattr(torch, model_args.dtype)
    if model_args.attn_implementation:
        kwargs["attn_implementation"] = model_args.attn_implementation
    if model_args.model_revision and model_args.model_revision != "main":
        kwargs["revision"] = model_args.model_revision
    model, tokenizer = load_model_and_tokenizer(path, trust_remote_code=trust_remote_code, **kwargs)
    # A training stage's completions are text: the default model's trace parser (saved by builders
    # 6-7 and by --env refine runs) would turn each into a tool call that TRL hands the reward
    # instead of the text. Only --env refine wants it, and gives it back (training/refine.py).
    remove_trace_parser(tokenizer)
    if not getattr(tokenizer, "chat_template", None):
        raise ValueError(
            f"{model_args.model_name_or_path!r} has no chat template; the prompt is always built with the "
            "tokenizer's own template (see trace_env.prompts)"
        )
    return model, tokenizer, path


def decoder_layers(model: Any) -> list[Any]:
    """The transformer blocks of a causal LM (Llama/Mistral/Qwen/GPT-2 style layouts)."""
    base = getattr(model, "model", None) or getattr(model, "transformer", None) or model
    for name in ("layers", "h", "blocks"):
        layers = getattr(base, name, None)
        if layers is not None:
            return list(layers)
    raise ValueError(f"cannot find the decoder layers of {type(model).__name__}")


def train_last_layers(model: Any, n: int) -> dict[str, int]:
    """Freeze everything except the last `n` blocks, the final norm and the LM head."""
    layers = decoder_layers(model)
    if not 0 <= n <= len(layers):
        raise ValueError(f"--train_last_n_layers must be in 0..{len(layers)}, got {n}")
    for p in model.parameters():
        p.requires_grad_(False)
    trainable = list(layers[len(layers) - n :])
    head = model.get_output_embeddings()
    if head is not None:
        trainable.append(head)
    base = getattr(model, "model", None) or getattr(model, "transformer", None)
    for norm_name in ("norm", "ln_f", "final_layernorm"):
        norm = getattr(base, norm_name, None)
        if norm is not None:
            trainable.append(norm)
    for module in trainable:
        for p in module.parameters():
            p.requires_grad_(True)
    return parameter_counts(model)


def parameter_counts(model: Any) -> dict[str, int]:
    total = sum(p.numel() for p in model.parameters())
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    return {"total": total, "trainable": trainable}


def peft_config(model_args: Any) -> Any:
    """TRL's LoRA config from the model arguments (None without --use_peft)."""
    from trl import get_peft_config

    config = get_peft_config(model_args)
    if config is not None and config.target_modules is None:
        config.target_modules = "all-linear"
    return config


def save_final(trainer: Any, tokenizer: Any, out_dir: str | Path, *, numbered: bool) -> Path:
    """Save a plain HF model (LoRA merged into the weights) plus tokenizer and prompt options."""
    from trace_env.prompts import write_prompt_options

    out = Path(out_dir)
    model = trainer.model
    unwrapped = trainer.accelerator.unwrap_model(model) if hasattr(trainer, "accelerator") else model
    if hasattr(unwrapped, "merge_and_unload"):  # PEFT: ship one self-contained model
        unwrapped = unwrapped.merge_and_unload()
    unwrapped.config.use_cache = True  # trainers switch the KV cache off; generation wants it back
    if trainer.is_world_process_zero() if hasattr(trainer, "is_world_process_zero") else True:
        out.mkdir(parents=True, exist_ok=True)
        unwrapped.save_pretrained(out, safe_serialization=True)
        tokenizer.save_pretrained(out)
        write_prompt_options(out, numbered=numbered)
    return out
