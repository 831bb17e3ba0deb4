"""Load any causal LM and its tokenizer the standard way: safetensors only, no remote code unless asked.

`"default"` names the embedded default model, built on first use (`agents.default_model`); any
other name is a hub id or a local path. `HFAgent` and training load models through here.
"""

from __future__ import annotations

from typing import Any

from .default_model import resolve_model


def load_tokenizer(name_or_path: str, *, trust_remote_code: bool = False) -> Any:
    """`AutoTokenizer.from_pretrained`, with the EOS token standing in when the tokenizer has no pad."""
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(resolve_model(name_or_path), trust_remote_code=trust_remote_code)
    if tokenizer.pad_token is None:  # many hub tokenizers ship none; generation and batching need one
        tokenizer.pad_token = tokenizer.eos_token
    return tokenizer


def load_model(name_or_path: str, *, trust_remote_code: bool = False, **load_kwargs: Any) -> Any:
    """`AutoModelForCausalLM.from_pretrained` from safetensors; `load_kwargs` pass through (dtype, ...)."""
    from transformers import AutoModelForCausalLM

    return AutoModelForCausalLM.from_pretrained(
        resolve_model(name_or_path), use_safetensors=True, trust_remote_code=trust_remote_code, **load_kwargs
    )


def load_model_and_tokenizer(name_or_path: str, *, trust_remote_code: bool = False, **load_kwargs: Any) -> tuple[Any, Any]:
    """(model, tokenizer) of any causal LM, or of the default model for `"default"`."""
    path = resolve_model(name_or_path)
    model = load_model(path, trust_remote_code=trust_remote_code, **load_kwargs)
    return model, load_tokenizer(path, trust_remote_code=trust_remote_code)
