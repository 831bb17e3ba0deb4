"""The embedded default model: HF layout, determinism, cache, chat template, pointer form."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agents.default_model import (
    CHAT_TEMPLATE,
    DEFAULT_MODEL,
    DefaultModelSpec,
    build_default_model,
    load_prompt_options,
    resolve_model,
    to_pointer_trace,
    write_prompt_options,
)

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


def test_pointer_form_replaces_question_numbers_and_keeps_constants() -> None:
    from solver import grade

    question = "A baker makes 14 loaves a day for 3 weeks. He sells 250 loaves. How many are left?"
    data = {"expert": "arithmetic", "trace": [
        {"op": "init", "var": "loaves", "value": 14},
        {"op": "init", "var": "weeks", "value": 3},
        {"op": "init", "var": "days", "value": 7},
        {"op": "compute", "compute_op": "mul", "args": ["loaves", "weeks", "days"], "var": "step1"},
        {"op": "init", "var": "sold", "value": 250},
        {"op": "compute", "compute_op": "sub", "args": ["step1", "sold"], "var": "result"},
        {"op": "query", "var": "result"},
    ]}
    text = to_pointer_trace(data, question, "44")
    assert text is not None
    assert "ref: 1" in text and "ref: 2" in text and "ref: 3" in text
    assert "value: 7" in text  # a constant, not a quantity of the question
    assert grade(text, "44", expert="arithmetic", question=question).correct
    assert to_pointer_trace(data, question, "45") is None  # a wrong answer is refused, not returned


def test_prompt_options_round_trip(tmp_path: Path) -> None:
    assert load_prompt_options(tmp_path) == {}
    write_prompt_options(tmp_path, numbered=False)
    assert load_prompt_options(tmp_path) == {"numbered": False}
    (tmp_path / "gsmtrace.json").write_text("not json")
    assert load_prompt_options(tmp_path) == {}
    assert json.loads(json.dumps(load_prompt_options("hub/id"))) == {}


def test_pointer_form_folds_a_scaled_quantity_into_one_reference() -> None:
    from solver import grade

    # "6 dozen" is one quantity worth 72 in the numbered list: the pointer replaces `init 6` + `mul 12`
    question = "Mei has 6 eggs. She buys 3 dozen more eggs and uses 28 of them. How many eggs does she have now?"
    data = {"expert": "entity_track", "trace": [
        {"op": "init", "var": "mei.eggs", "value": 6},
        {"op": "init", "var": "bought", "value": 3},
        {"op": "compute", "compute_op": "mul", "args": ["bought", 12], "var": "step1"},
        {"op": "add_entity", "var": "mei.eggs", "amount": "step1"},
        {"op": "init", "var": "used", "value": 28},
        {"op": "consume", "var": "mei.eggs", "amount": "used"},
        {"op": "query", "var": "mei.eggs"},
    ]}
    text = to_pointer_trace(data, question, "14")
    assert text is not None and "mul" not in text and "value:" not in text
    assert [line.count("ref:") for line in text.splitlines() if "init" in line] == [1, 1, 1]
    assert grade(text, "14", expert="entity_track", question=question).correct
    # the same product also used elsewhere is left alone (folding would change the result)
    data["trace"].insert(4, {"op": "compute", "compute_op": "add", "args": ["bought", "step1"], "var": "extra"})
    kept = to_pointer_trace(data, question, "14")
    assert kept is not None and "mul" in kept
