"""Decoding restricted to valid pointers: `ref: N` only for N in 1..(the question's quantities).

In the pointer form a trace names a question number by its index in the numbered list the prompt
shows (`init {ref: 2}`). A small model often writes an index the list does not have (`ref: 4`
when the question has three numbers), and the solver rejects the whole trace. This logits
processor masks, after `ref:`, every digit token that would spell an index outside the row's
range (and, before the first digit, every token that is not a digit or whitespace). Everything
else is left to the model: the constraint removes one kind of invalid trace; it cannot make a
trace right.

Works with any tokenizer: digit tokens are found by decoding the vocabulary once, so a tokenizer
whose tokens hold several digits is handled as well as one with single-digit tokens.
"""

from __future__ import annotations

import re
from typing import Any

from solver import extract_quantities

REF_OPEN = re.compile(r"\bref:(\s*)(\d*)$")
TAIL_TOKENS = 8  # `ref: ` plus a few digits always fit in the last 8 generated tokens


def quantity_count(observation: str) -> int:
    """How many numbered quantities the prompt lists for this observation (the valid ref range)."""
    return len(extract_quantities(observation))


class RefRangeLogitsProcessor:
    """A `transformers` logits processor: row i may only write `ref: N` with 1 <= N <= limits[i].

    Built once per tokenizer (it decodes the vocabulary); `reset(limits, prompt_length)` before
    each `generate` call: `prompt_length` is the padded prompt width (generated tokens start
    there) and `limits` has one entry per generated row (with `num_return_sequences=k`, each
    prompt's limit repeated k times). A row with limit 0 (no numbers in its question) is left
    unconstrained.
    """

    def __init__(self, tokenizer: Any) -> None:
        import torch

        self.tokenizer = tokenizer
        self.limits: list[int] = []
        self.prompt_length = 0
        texts = [tokenizer.decode([token_id]) for token_id in range(len(tokenizer))]
        self.digits = [(i, t.lstrip(), t.lstrip() != t) for i, t in enumerate(texts)
                       if t.lstrip().isascii() and t.lstrip().isdigit()]
        if not self.digits:
            raise ValueError("the tokenizer has no digit tokens: ref decoding cannot be restricted")
        # tokens that begin an index (a digit, or whitespace then a digit) but are not pure digits,
        # such as "5}": never allowed right after `ref:`, where they could spell any number
        self.starts_digit = torch.tensor([bool(re.match(r"\s*\d", t)) for t in texts])
        self.blank = torch.tensor([t != "" and t.strip() == "" for t in texts])

    def reset(self, limits: list[int], prompt_length: int) -> RefRangeLogitsProcessor:
        self.limits, self.prompt_length = list(limits), int(prompt_length)
        return self

    def __call__(self, input_ids: Any, scores: Any) -> Any:
        import torch

        generated = input_ids[:, self.prompt_length :]
        if generated.shape[1] == 0:
            return scores
        width = scores.shape[1]
        for row, limit in enumerate(self.limits):
            if limit <= 0:
                continue
            tail = self.tokenizer.decode(generated[row, -TAIL_TOKENS:], skip_special_tokens=True)
            match = REF_OPEN.search(tail)
            if match is None:
                continue
            after_space, prefix = bool(match.group(1)), match.group(2)
            keep = torch.zeros(width, dtype=torch.bool)
            for token_id, digits, spaced in self.digits:
                if token_id < width and not (spaced and (prefix or after_space)) and self._fits(prefix + digits, limit):
                    keep[token_id] = True
            if prefix:  # a complete valid index: the model may also end it (`}`, `,`, newline ...)
                keep |= ~self.starts_digit[:width]
            elif not after_space:  # `ref:` then at most the whitespace before the index
                keep |= self.blank[:width]
            scores[row, ~keep.to(scores.device)] = float("-inf")
        return scores

    @staticmethod
    def _fits(number: str, limit: int) -> bool:
        return not number.startswith("0") and int(number) <= limit
