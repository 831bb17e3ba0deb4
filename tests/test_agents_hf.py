"""HFAgent on a tiny random Llama and a byte-level BPE tokenizer built in tmp_path (no downloads)."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

from agents import HFAgent  # noqa: E402
from trace_env.prompts import SYSTEM_PROMPT  # noqa: E402

TEMPLATE = (
    "{% for m in messages %}<|{{ m['role'] }}|>{{ m['content'] }}<|end|>{% endfor %}"
    "{% if add_generation_prompt %}<|assistant|>{% endif %}"
)
QUESTIONS = [
    "Ada has 5 pens and buys 7 more. How many pens?",
    "A tank holds 120 liters and leaks 15 liters per hour. How much is left after 3 hours?",
    "Sam reads 12 pages a day for a week. How many pages?",
]


def _tokenizer(with_template: bool = True):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    specials = ["<|pad|>", "<|end|>", "<|system|>", "<|user|>", "<|assistant|>"]
    trainer = trainers.BpeTrainer(vocab_size=300, special_tokens=specials,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator([*QUESTIONS, SYSTEM_PROMPT, "expert: arithmetic\ntrace:\n  - {op: init}"], trainer=trainer)
    wrapped = PreTrainedTokenizerFast(tokenizer_object=tok, eos_token="<|end|>", pad_token="<|pad|>")
    if with_template:
        wrapped.chat_template = TEMPLATE
    return wrapped


def _model(tokenizer):
    config = transformers.LlamaConfig(
        vocab_size=len(tokenizer), hidden_size=32, intermediate_size=64, num_hidden_layers=1,
        num_attention_heads=2, num_key_value_heads=2, max_position_embeddings=256,
        pad_token_id=tokenizer.pad_token_id, eos_token_id=tokenizer.eos_token_id,
    )
    torch.manual_seed(0)
    return transformers.LlamaForCausalLM(config)


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("tiny-llama")
    tokenizer = _tokenizer()
    _model(tokenizer).save_pretrained(path, safe_serialization=True)
    tokenizer.save_pretrained(path)
    return str(path)


def test_hf_agent_batched_left_padded_generation_matches_single(model_dir):
    agent = HFAgent(model_dir, max_new_tokens=6, batch_size=3, device="cpu")
    batched = agent.act(QUESTIONS)
    single = [agent.act([q])[0] for q in QUESTIONS]
    assert len(batched) == 3 and all(isinstance(t, str) for t in batched)
    assert batched == single  # left padding + attention mask: batching changes nothing
    assert agent.tokenizer.padding_side == "left"
    stats = agent.stats()
    assert stats["generated"] == 6 and 0 <= stats["truncated"] <= 6


def test_hf_agent_prompt_uses_tokenizer_template_and_numbered_option(model_dir):
    plain = HFAgent(model_dir, numbered=False, device="cpu").prompts([QUESTIONS[1]])[0]
    assert plain.startswith(f"<|system|>{SYSTEM_PROMPT}<|end|><|user|>{QUESTIONS[1]}")
    assert plain.endswith("<|assistant|>")
    numbered = HFAgent(model_dir, numbered=True, device="cpu").prompts([QUESTIONS[1]])[0]
    assert "Quantities:\n[1] 120" in numbered


def test_hf_agent_mixes_path_model_with_loaded_tokenizer(model_dir):
    tokenizer = transformers.AutoTokenizer.from_pretrained(model_dir)
    agent = HFAgent(model_dir, tokenizer, max_new_tokens=2, device="cpu")
    assert agent.tokenizer is tokenizer and len(agent.act(QUESTIONS[:1])) == 1


def test_hf_agent_accepts_loaded_objects_and_restores_training_mode():
    tokenizer = _tokenizer()
    model = _model(tokenizer)
    model.train()
    agent = HFAgent(model, tokenizer, max_new_tokens=3)
    assert len(agent.act(QUESTIONS[:2])) == 2
    assert model.training


def test_hf_agent_requires_a_chat_template_and_sets_pad_token():
    tokenizer = _tokenizer(with_template=False)
    with pytest.raises(ValueError, match="chat template"):
        HFAgent(_model(tokenizer), tokenizer)
    tokenizer = _tokenizer()
    tokenizer.pad_token = None
    agent = HFAgent(_model(tokenizer), tokenizer, max_new_tokens=2)
    assert agent.tokenizer.pad_token == "<|end|>"


def test_hf_agent_samples_k_per_prompt_in_one_batched_call(model_dir, monkeypatch):
    agent = HFAgent(model_dir, max_new_tokens=6, batch_size=2, device="cpu")
    calls = []
    real = agent.model.generate

    def counting(**kwargs):
        calls.append(kwargs["num_return_sequences"])
        return real(**kwargs)

    monkeypatch.setattr(agent.model, "generate", counting)
    torch.manual_seed(0)
    groups = agent.sample(QUESTIONS, 4, temperature=1.5)
    assert [len(g) for g in groups] == [4, 4, 4] and all(isinstance(t, str) for g in groups for t in g)
    assert calls == [4, 4]  # two batches of up to 2 prompts, 4 sequences each: no per-sample passes
    assert len({t for g in groups for t in g}) > 1  # sampling, not greedy copies
    assert agent.stats()["generated"] == 12
