"""The embedded default model: HF layout, determinism, cache, chat template; prompt options and loading."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agents.default_model import (
    CHAT_TEMPLATE,
    DEFAULT_MODEL,
    DefaultModelSpec,
    build_default_model,
    resolve_model,
)
from agents.loading import load_model_and_tokenizer
from trace_env.prompts import load_prompt_options, write_prompt_options

TINY = DefaultModelSpec(
    vocab_size=400, hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=2,
    max_position_embeddings=256, corpus_size=40,
)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_default_model(TINY, tmp_path_factory.mktemp("cache"))


@pytest.fixture(scope="module")
def tokenizer(built: Path):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(built)


def test_standard_hf_layout_loads_with_auto_classes(built: Path) -> None:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    names = {p.name for p in built.iterdir()}
    assert {"config.json", "model.safetensors", "tokenizer.json", "generation_config.json"} <= names
    assert not any(n.endswith(".bin") or n.endswith(".py") for n in names)  # safetensors, no remote code
    model = AutoModelForCausalLM.from_pretrained(built, use_safetensors=True)
    tok = AutoTokenizer.from_pretrained(built)
    assert model.config.model_type == "llama"
    assert model.config.vocab_size == len(tok)
    assert model.config.hidden_size == TINY.hidden_size
    assert tok.eos_token == "<|end|>" and tok.pad_token == "<|pad|>"
    assert load_prompt_options(built) == {"numbered": True}


def test_build_is_deterministic(tmp_path: Path, built: Path) -> None:
    from safetensors.torch import load_file

    again = build_default_model(TINY, tmp_path)
    assert again.name == built.name  # same spec, same cache key
    assert (again / "tokenizer.json").read_bytes() == (built / "tokenizer.json").read_bytes()
    first, second = load_file(built / "model.safetensors"), load_file(again / "model.safetensors")
    assert first.keys() == second.keys()
    assert all((first[k] == second[k]).all() for k in first)


def test_cache_is_reused_and_keyed_on_the_spec(built: Path) -> None:
    stamp = (built / "model.safetensors").stat().st_mtime_ns
    assert build_default_model(TINY, built.parent) == built
    assert (built / "model.safetensors").stat().st_mtime_ns == stamp
    assert DefaultModelSpec(seed=1).key() != DefaultModelSpec(seed=0).key()
    assert DefaultModelSpec(numbered=False).key() != DefaultModelSpec().key()


def test_resolve_model_passes_other_names_through() -> None:
    assert resolve_model("someone/some-model") == "someone/some-model"
    assert resolve_model("/a/local/path") == "/a/local/path"
    assert DEFAULT_MODEL == "default"


TRACE = "expert: arithmetic\ntrace:\n- {op: init, var: eggs, ref: 1}\n- {op: query, var: eggs}"
QUESTION = "Mia has 16 eggs and eats 3 of them. How many are left?"


def _messages(question: str, trace: str | None = None) -> list[dict[str, str]]:
    from trace_env import prompts

    msgs = prompts.build_messages(question, numbered=True)
    return msgs + prompts.completion_messages(trace) if trace is not None else msgs


def test_chat_template_prompt_is_a_token_prefix_of_the_full_conversation(tokenizer) -> None:
    from trace_env.prompts import render_prompt

    prompt = tokenizer.apply_chat_template(_messages(QUESTION), add_generation_prompt=True, tokenize=False)
    assert prompt == render_prompt(tokenizer, QUESTION, numbered=True)
    full = tokenizer.apply_chat_template(_messages(QUESTION, TRACE), tokenize=False)
    assert full == prompt + TRACE + "<|end|>"
    p_ids = tokenizer(prompt, add_special_tokens=False)["input_ids"]
    f_ids = tokenizer(full, add_special_tokens=False)["input_ids"]
    assert f_ids[: len(p_ids)] == p_ids


def test_chat_template_round_trips_text_and_masks_only_the_assistant(tokenizer) -> None:
    ids = tokenizer(TRACE, add_special_tokens=False)["input_ids"]
    assert tokenizer.decode(ids) == TRACE
    out = tokenizer.apply_chat_template(
        _messages(QUESTION, TRACE), tokenize=True, return_dict=True, return_assistant_tokens_mask=True
    )
    ids, mask = out["input_ids"], out["assistant_masks"]
    kept = [t for t, m in zip(ids, mask, strict=True) if m]
    assert tokenizer.decode(kept) == TRACE + "<|end|>"
    assert kept[-1] == tokenizer.eos_token_id  # the model learns to stop
    prompt_len = len(tokenizer.apply_chat_template(_messages(QUESTION), add_generation_prompt=True, tokenize=True)["input_ids"])
    assert not any(mask[:prompt_len]) and all(mask[prompt_len:])


def test_special_tokens_vanish_when_decoding_generations(tokenizer) -> None:
    ids = tokenizer("<|assistant|>" + TRACE + "<|end|><|pad|>", add_special_tokens=False)["input_ids"]
    assert tokenizer.decode(ids, skip_special_tokens=True) == TRACE


def test_template_rejects_unknown_roles(tokenizer) -> None:
    with pytest.raises(Exception, match="unsupported role"):
        tokenizer.apply_chat_template([{"role": "tool", "content": "x"}], tokenize=False)
    assert "generation" in CHAT_TEMPLATE


def test_prompt_options_round_trip(tmp_path: Path) -> None:
    assert load_prompt_options(tmp_path) == {}
    write_prompt_options(tmp_path, numbered=False)
    assert load_prompt_options(tmp_path) == {"numbered": False}
    (tmp_path / "gsmtrace.json").write_text("not json")
    assert load_prompt_options(tmp_path) == {}
    assert json.loads(json.dumps(load_prompt_options("hub/id"))) == {}


def test_loading_gives_the_built_model_with_its_pad_token(built: Path) -> None:
    model, tokenizer = load_model_and_tokenizer(str(built))
    assert model.config.hidden_size == TINY.hidden_size and model.config.num_hidden_layers == TINY.num_hidden_layers
    assert tokenizer.pad_token == "<|pad|>" and len(tokenizer) == model.config.vocab_size
