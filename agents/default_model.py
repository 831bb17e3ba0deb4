"""The embedded default policy: a small Llama built from a config plus a BPE tokenizer of our own.

Nothing is downloaded. The tokenizer is a byte-level BPE trained with `tokenizers` on the
project's own corpus (generator questions, numbered quantity lists and gold traces in both the
value and the pointer form), so prompts and traces cost few tokens. Model and tokenizer are saved
in the standard Hugging Face layout (safetensors, no remote code) and cached by a hash of
everything that determines them, so every later step loads them like any hub model and two
builds with the same spec give the same files.

`resolve_model("default")` builds (or finds) it; any other string is returned untouched, so
`--model` takes a hub id or a local path through the same code path. Loading any model, this one
included, is `agents.loading`; the trace forms of the corpus come from `generators.refs`.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import generators
from generators.refs import rewrite_trace
from trace_env import prompts
from trace_env.completions import TRACE_TOOL
from trace_env.prompts import write_prompt_options

DEFAULT_MODEL = "default"
BUILDER_VERSION = 8  # 4: generators redraw numbers the solver's provenance rules refuse; 5: corpus in training wording only
# 6: the chat template renders tool calls and results, the tokenizer parses them (RESPONSE_SCHEMA);
#    vocabulary, weights and the rendering of plain conversations are those of 5
# 7: a narrower model (hidden 64, 4 heads, MLP 192: 0.34M parameters instead of 1.12M) that takes more
#    SFT epochs in the same minutes; tokenizer and corpus are those of 6
# 8: the tokenizer no longer saves RESPONSE_SCHEMA: it turned every plain completion into a tool call,
#    so TRL's plain GRPO (transformers < 5.13) graded empty text; `add_trace_parser` sets a parser at
#    run time, for tool-calling runs only. Vocabulary, template and weights are those of 7
# Since 8 the key also holds a digest of the generators' wording data and lexicon
# (`generators.patterns.WORDING_DIGEST`): the tokenizer's corpus changes with them.

PAD, END = "<|pad|>", "<|end|>"
ROLE_TOKENS = ("<|system|>", "<|user|>", "<|assistant|>")
SPECIAL_TOKENS = (PAD, END, *ROLE_TOKENS)

# No whitespace around role markers: special tokens split first, so the rendered prompt with the
# generation prompt is always a token-exact prefix of prompt + completion (TRL relies on that for
# completion-only loss). The {% generation %} markers let `assistant_only_loss` work as well.
# This is the template of builder versions up to 5; `CHAT_TEMPLATE` renders every conversation it
# accepts byte for byte the same way (tests/test_train_refine.py checks it).
PLAIN_CHAT_TEMPLATE = (
    "{%- for message in messages -%}"
    "{%- if message['role'] == 'assistant' -%}"
    "<|assistant|>{% generation %}{{ message['content'] }}<|end|>{% endgeneration %}"
    "{%- elif message['role'] in ['system', 'user'] -%}"
    "<|{{ message['role'] }}|>{{ message['content'] }}<|end|>"
    "{%- else -%}"
    "{{ raise_exception('unsupported role: ' + message['role']) }}"
    "{%- endif -%}"
    "{%- endfor -%}"
    "{%- if add_generation_prompt -%}<|assistant|>{%- endif -%}"
)

# The one tool the default model knows, TRACE_TOOL (`trace_env.completions`): submitting a trace to
# the solver (training/refine.py).

# PLAIN_CHAT_TEMPLATE plus tool calling, without new tokens (the vocabulary, hence the model, is
# unchanged). A call of `submit_trace` whose only argument is `trace` is written as the bare trace:
# what the model already writes *is* that call, so an SFT model calls the tool from its first
# step. Any other call is `<tool_call>{"name": ..., "arguments": ...}</tool_call>`. A tool result
# is a user turn carrying the result text; it must follow an assistant tool call (or another
# result). Tool definitions (`tools=`) are not listed in the prompt: the prompt stays the one the
# model was trained on. `RESPONSE_SCHEMA` parses generated text back into the same message.
CHAT_TEMPLATE = (
    "{%- for message in messages -%}"
    "{%- if message['role'] == 'assistant' and message.get('tool_calls') -%}"
    "<|assistant|>{% generation %}{{ message['content'] or '' }}"
    "{%- for call in message['tool_calls'] -%}"
    "{%- set fn = call['function'] if call['function'] is defined else call -%}"
    "{%- set args = fn['arguments'] if fn['arguments'] is defined else {} -%}"
    "{%- if fn['name'] == '" + TRACE_TOOL + "' and args is mapping and args | length == 1"
    " and args['trace'] is defined and args['trace'] is string -%}"
    "{{ args['trace'] }}"
    "{%- else -%}"
    "<tool_call>{{ {'name': fn['name'], 'arguments': args} | tojson }}</tool_call>"
    "{%- endif -%}"
    "{%- endfor -%}"
    "<|end|>{% endgeneration %}"
    "{%- elif message['role'] == 'assistant' -%}"
    "<|assistant|>{% generation %}{{ message['content'] }}<|end|>{% endgeneration %}"
    "{%- elif message['role'] in ['system', 'user'] -%}"
    "<|{{ message['role'] }}|>{{ message['content'] }}<|end|>"
    "{%- elif message['role'] == 'tool' and loop.previtem is defined and (loop.previtem['role'] == 'tool'"
    " or loop.previtem.get('tool_calls')) -%}"
    "<|user|>{{ message['content'] }}<|end|>"
    "{%- elif message['role'] == 'tool' -%}"
    "{{ raise_exception('unsupported role: tool, unless it follows an assistant tool call') }}"
    "{%- else -%}"
    "{{ raise_exception('unsupported role: ' + message['role']) }}"
    "{%- endif -%}"
    "{%- endfor -%}"
    "{%- if add_generation_prompt -%}<|assistant|>{%- endif -%}"
)

# How TRL (`trl.chat_template_utils.parse_response`, through `tokenizer.parse_response`) reads
# tool calls out of generated text, in the transformers response-schema language. Text with no
# `<tool_call>` block is wrapped into one first (x-regex-substitutions); a block that is not JSON
# (a bare trace) becomes a `submit_trace` call with that text as `trace`: the name node turns any
# text that is not an identifier into the tool name. An empty reply is no call (content only).
RESPONSE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "x-regex-substitutions": [
        [r"(?:<\|end\|>|<\|pad\|>)+\s*$", ""],
        [r"^(?![\s\S]*<tool_call>)\s*([\s\S]*?\S)\s*$", r"<tool_call>\1</tool_call>"],
    ],
    "x-regex": r"^(?P<content>(?:(?!<tool_call>)[\s\S])*?)\s*(?P<tool_calls>(?:<tool_call>[\s\S]*?</tool_call>\s*)+)?$",
    "properties": {
        "role": {"const": "assistant"},
        "content": {"type": "string"},
        "tool_calls": {
            "type": "array",
            "x-regex-iterator": r"<tool_call>([\s\S]*?)</tool_call>",
            "items": {
                "x-parser": "json",
                "x-parser-args": {"transform": "{type: 'function', function: @}", "allow_non_json": True},
                "type": "object",
                "properties": {
                    "type": {"const": "function"},
                    "function": {
                        "type": "object",
                        "properties": {
                            "name": {
                                "type": "string",
                                "x-regex-substitutions": [[r"^(?![A-Za-z_][A-Za-z0-9_.-]*$)[\s\S]*$", TRACE_TOOL]],
                            },
                            "arguments": {
                                "type": "object",
                                "properties": {"trace": {"type": "string"}},
                                "additionalProperties": {},
                            },
                        },
                    },
                },
            },
        },
    },
}

# The same reading in the response-template language of transformers >= 5.13, which no longer reads
# `response_schema` (it drops it on load): everything the model writes up to `<|end|>` is the
# `submit_trace` call's trace, and an empty reply is no call. Only `submit_trace` is parsed: the one
# tool of the refinement loop.
RESPONSE_TEMPLATE: dict[str, Any] = {
    "defaults": {"role": "assistant", "content": ""},
    "start_anchor": "<|assistant|>",
    "fields": {
        "tool_calls": {
            "close_pattern": r"<\|end\|>[\s\S]*",
            "repeats": True,
            "content": "text",
            "transform": {"type": "function", "function": {"name": TRACE_TOOL, "arguments": {"trace": "{content}"}}},
        },
    },
}


def reads_response_template(tokenizer: Any) -> bool:
    """Whether the installed transformers parses responses with `response_template` (>= 5.13:
    `parse_response` takes the prompt as `prefix=`) rather than the legacy `response_schema`."""
    import inspect

    parse = getattr(tokenizer, "parse_response", None)
    return parse is not None and "prefix" in inspect.signature(parse).parameters


def add_trace_parser(tokenizer: Any) -> Any:
    """Let the tokenizer parse a bare trace as a `submit_trace` call, in the parser language the
    installed transformers reads. For tool-calling runs only (training/refine.py)."""
    if reads_response_template(tokenizer):
        tokenizer.response_template = RESPONSE_TEMPLATE
    else:
        tokenizer.response_schema = RESPONSE_SCHEMA
    return tokenizer


def remove_trace_parser(tokenizer: Any) -> Any:
    """Undo `add_trace_parser` (and the schema builders 6 and 7 saved): without tools, a completion
    is text, and TRL must hand it to the reward as text. Parsers of other models are kept."""
    if getattr(tokenizer, "response_schema", None) == RESPONSE_SCHEMA:
        tokenizer.response_schema = None
    if getattr(tokenizer, "response_template", None) == RESPONSE_TEMPLATE:
        tokenizer.response_template = None
    return tokenizer


@dataclass(frozen=True)
class DefaultModelSpec:
    """Everything that determines the default model's files (the cache key hashes all of it)."""

    vocab_size: int = 2048
    hidden_size: int = 64
    intermediate_size: int = 192
    num_hidden_layers: int = 4
    num_attention_heads: int = 4
    max_position_embeddings: int = 512
    corpus_size: int = 3000       # generator problems whose text trains the tokenizer
    corpus_seed: int = 90_001     # a seed no training or evaluation split uses
    corpus_presets: tuple[str, ...] = ("default", "hard")
    seed: int = 0                 # weight initialisation
    numbered: bool = prompts.DEFAULT_NUMBERED  # prompts list numbered quantities (pointer form `ref: N`)
    extra: dict[str, Any] = field(default_factory=dict)

    def key(self) -> str:
        from generators.patterns import WORDING_DIGEST

        blob = json.dumps({"v": BUILDER_VERSION, "wording": WORDING_DIGEST, **asdict(self)}, sort_keys=True,
                          default=str)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]


def cache_root() -> Path:
    """Where built default models live ($GSMTRACE_CACHE, else ~/.cache/gsmtrace)."""
    env = os.environ.get("GSMTRACE_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "gsmtrace"


def corpus_texts(spec: DefaultModelSpec) -> list[str]:
    """The tokenizer's training corpus: prompts and gold traces in both trace forms."""
    texts: list[str] = []
    per_preset = max(1, spec.corpus_size // len(spec.corpus_presets))
    for offset, preset in enumerate(spec.corpus_presets):
        # Training wording only: held-out phrasings and patterns stay unseen by the tokenizer too.
        config = {"wording": "train"} | ({} if preset == "default" else {"preset": preset})
        for problem in generators.generate(per_preset, seed=spec.corpus_seed + offset, **config):
            # The system prompt opens every training sequence, so it belongs to the corpus as often.
            texts.append(prompts.SYSTEM_PROMPT)
            texts.append(prompts.user_content(problem.question, numbered=True))
            texts.append(problem.trace)
            for pointer, generic in ((True, False), (True, True), (False, True)):  # every trace form
                text = rewrite_trace(problem.trace_data, problem.question, problem.answer,
                                     pointer=pointer, generic_names=generic)
                if text is not None:
                    texts.append(text)
    return texts


def train_tokenizer(texts: list[str], vocab_size: int) -> Any:
    """A byte-level BPE over `texts`, wrapped as a transformers fast tokenizer with our chat template."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    # Digits stay single tokens, so numbers are compositional and pointers (`ref: 3`) cheap. Apart
    # from digits nothing splits the text before BPE: merges may cross spaces, so the trace
    # scaffolding ("}\n- {op: init, var: ") and the fixed system prompt become a few tokens
    # each, which roughly quarters sequence lengths against word-level pre-tokenisation.
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [pre_tokenizers.Digits(individual_digits=True), pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)]
    )
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=list(SPECIAL_TOKENS),
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(texts, trainer=trainer)
    wrapped = PreTrainedTokenizerFast(
        tokenizer_object=tok,
        eos_token=END,
        pad_token=PAD,
        extra_special_tokens=list(ROLE_TOKENS),
        padding_side="left",  # decoder-only generation pads on the left
        model_max_length=1_000_000,
    )
    wrapped.chat_template = CHAT_TEMPLATE
    # No response parser is saved: one that reads a bare trace as a tool call is right for
    # tool-calling runs only (`add_trace_parser`), and wrong for everyone else.
    return wrapped


def build_model(spec: DefaultModelSpec, tokenizer: Any) -> Any:
    """A randomly initialised LlamaForCausalLM sized by `spec`, deterministic in `spec.seed`."""
    import torch
    from transformers import GenerationConfig, LlamaConfig, LlamaForCausalLM

    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=spec.hidden_size,
        intermediate_size=spec.intermediate_size,
        num_hidden_layers=spec.num_hidden_layers,
        num_attention_heads=spec.num_attention_heads,
        num_key_value_heads=spec.num_attention_heads,
        max_position_embeddings=spec.max_position_embeddings,
        tie_word_embeddings=True,
        pad_token_id=tokenizer.pad_token_id,
        bos_token_id=tokenizer.eos_token_id,
        eos_token_id=tokenizer.eos_token_id,
    )
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(spec.seed)
        model = LlamaForCausalLM(config)
    model.generation_config = GenerationConfig(
        eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id, do_sample=False
    )
    return model


def build_default_model(
    spec: DefaultModelSpec | None = None, cache_dir: str | Path | None = None, *, force: bool = False
) -> Path:
    """Build (or reuse) the default model and return its directory in HF layout."""
    spec = spec or DefaultModelSpec()
    root = Path(cache_dir) if cache_dir is not None else cache_root()
    target = root / f"default-model-{spec.key()}"
    if (target / "config.json").is_file() and not force:
        return target
    root.mkdir(parents=True, exist_ok=True)
    tokenizer = train_tokenizer(corpus_texts(spec), spec.vocab_size)
    model = build_model(spec, tokenizer)
    # Write to a scratch directory, then rename: concurrent builders never see half a model.
    scratch = Path(tempfile.mkdtemp(prefix=".building-", dir=root))
    try:
        model.save_pretrained(scratch, safe_serialization=True)
        tokenizer.save_pretrained(scratch)
        write_prompt_options(scratch, numbered=spec.numbered)
        (scratch / "spec.json").write_text(json.dumps(asdict(spec), indent=2, default=str) + "\n")
        if force and target.exists():
            shutil.rmtree(target)
        try:
            scratch.rename(target)
        except OSError:  # another process finished first: keep theirs
            if not (target / "config.json").is_file():
                raise
    finally:
        if scratch.exists():
            shutil.rmtree(scratch, ignore_errors=True)
    return target


def resolve_model(name_or_path: str, cache_dir: str | Path | None = None, **spec_overrides: Any) -> str:
    """`"default"` -> the built default model's directory; anything else unchanged (hub id or path)."""
    if name_or_path == DEFAULT_MODEL:
        spec = DefaultModelSpec(**spec_overrides) if spec_overrides else None
        return str(build_default_model(spec, cache_dir))
    return name_or_path
