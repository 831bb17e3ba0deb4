"""Decoding restricted to valid pointers: after `ref:` only indices of the question's quantities."""

from __future__ import annotations

import re

import pytest
import torch

from agents.ref_decoding import RefRangeLogitsProcessor


@pytest.fixture(scope="module")
def tokenizer(tiny_model: str):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(tiny_model)


def allowed_texts(tokenizer, generated_text: str, limit: int) -> set[str]:
    """The decoded tokens the processor leaves open after `generated_text` (prompt of 3 pad tokens)."""
    prompt = [tokenizer.pad_token_id] * 3
    ids = prompt + tokenizer(generated_text, add_special_tokens=False)["input_ids"]
    scores = torch.zeros(1, len(tokenizer))
    out = RefRangeLogitsProcessor(tokenizer).reset([limit], len(prompt))(torch.tensor([ids]), scores)
    return {tokenizer.decode([i]) for i in torch.nonzero(out[0] > float("-inf")).flatten().tolist()}


def digits_of(texts: set[str]) -> set[str]:
    return {t.strip() for t in texts if t.strip().isdigit()}


@pytest.mark.parametrize("limit", [1, 3, 9, 12, 25])
def test_first_digit_after_ref_is_a_valid_index_start(tokenizer, limit: int) -> None:
    open_ = allowed_texts(tokenizer, "- {op: init, var: q1, ref: ", limit)
    # independent route: the first characters of the indices 1..limit
    assert digits_of(open_) == {str(n)[0] for n in range(1, limit + 1)}
    assert all(t.strip().isdigit() for t in open_)  # nothing but an index may follow `ref: `


@pytest.mark.parametrize(("limit", "prefix", "expected"), [(12, "1", {"0", "1", "2"}), (3, "1", set()),
                                                           (25, "2", {"0", "1", "2", "3", "4", "5"})])
def test_later_digits_keep_the_index_in_range_and_the_index_may_end(tokenizer, limit, prefix, expected) -> None:
    open_ = allowed_texts(tokenizer, "- {op: init, var: q1, ref: " + prefix, limit)
    assert digits_of(open_) == expected
    assert "}" in {t.strip() for t in open_}  # a complete index can be closed


def test_text_outside_a_ref_is_untouched(tokenizer) -> None:
    open_ = allowed_texts(tokenizer, "- {op: init, var: q1, value: ", 2)
    assert len(open_) == len({tokenizer.decode([i]) for i in range(len(tokenizer))})


def test_agent_hands_each_row_its_own_range(tiny_model: str) -> None:
    import generators
    from agents.hf import HFAgent

    questions = [p.question for p in generators.generate(3, seed=11)]
    agent = HFAgent(tiny_model, numbered=True, max_new_tokens=4, batch_size=3, restrict_refs=True)
    assert agent.stats()["restrict_refs"] is True
    seen: list[list[int]] = []
    real_generate = agent.model.generate

    def generate(**kwargs):
        (processor,) = kwargs["logits_processor"]
        seen.append(list(processor.limits))
        return real_generate(**kwargs)

    agent.model.generate = generate
    agent.sample(questions, 2)
    # independent route: the numbered list the prompt shows ("[1] ...", "[2] ..."), once per sample
    listed = [len(re.findall(r"^\[\d+\] ", prompt, re.M)) for prompt in agent.prompts(questions)]
    assert seen == [[n for n in listed for _ in range(2)]]
    assert HFAgent(tiny_model, numbered=False, restrict_refs=True).stats()["restrict_refs"] is False
