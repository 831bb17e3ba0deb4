"""Text spaces for the GSMTrace environments.

Gymnasium's `Text` space needs an explicit character set. Observations must stay inside it
(the async vector env writes them into shared memory as indices into the charset, so an unknown
character would crash a worker), while actions are whatever a language model emits. Hence:

* `BASE_CHARSET` covers printable ASCII, the usual whitespace and the Unicode blocks that real
  word problems use (Latin-1 and Latin Extended-A letters, Greek, Cyrillic, general punctuation
  such as curly quotes, dashes, no-break and zero-width spaces, super/subscripts, currency signs,
  letter-like symbols, vulgar fractions, arrows and math operators). Every character of the
  GSM8K train and test questions is in it.
* The observation space adds every character of the problems an env actually serves (see
  `observation_charset`) and replaces anything else in generated text with U+FFFD.
* The action space (`TraceText`) samples from the charset but contains *any* string up to its
  maximum length: the environment grades out-of-charset text instead of rejecting it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
from gymnasium.spaces import Text
from gymnasium.vector.utils import read_from_shared_memory

from ..completions import read_trace
from ..sources import QUESTION_MAX_CHARS

REPLACEMENT = "\ufffd"

_BLOCKS: tuple[tuple[int, int], ...] = (
    (0x0020, 0x007E),  # printable ASCII
    (0x00A0, 0x00FF),  # Latin-1 supplement: no-break space, £ ¢ ¼ ½ ¾ × ÷ é ñ ...
    (0x0100, 0x017F),  # Latin Extended-A
    (0x0370, 0x03FF),  # Greek (π, µ, Δ)
    (0x0400, 0x04FF),  # Cyrillic (look-alike letters do occur in scraped problems)
    (0x2000, 0x206F),  # general punctuation: ‘ ’ “ ” – — … zero-width and line separators
    (0x2070, 0x209F),  # superscripts and subscripts
    (0x20A0, 0x20CF),  # currency symbols (€ ₹ ...)
    (0x2100, 0x214F),  # letter-like symbols (℃ №)
    (0x2150, 0x218F),  # number forms: ⅓ ⅔ ⅛ ...
    (0x2190, 0x21FF),  # arrows
    (0x2200, 0x22FF),  # mathematical operators (− √ ≤ ≥ ≈)
)


def _base_charset() -> frozenset[str]:
    chars = {"\n", "\t", "\r", REPLACEMENT}
    for lo, hi in _BLOCKS:
        chars.update(chr(c) for c in range(lo, hi + 1))
    # Surrogates and other non-characters never occur in these blocks, but be explicit.
    return frozenset(c for c in chars if not 0xD800 <= ord(c) <= 0xDFFF)


BASE_CHARSET: frozenset[str] = _base_charset()

# Lengths in characters. Sources reject questions over QUESTION_MAX_CHARS, so every observation,
# including the refinement one (question + trace excerpt + feedback), fits OBS_MAX_CHARS.
OBS_MAX_CHARS = 2 * QUESTION_MAX_CHARS
# Far beyond any trace (a three-expert composed trace is ~1,500 characters); actions longer than
# this are still graded, they are merely outside the declared space.
ACTION_MAX_CHARS = 65536
# Random samples (used by env checkers and smoke tests) are short noise, not 64k-character blobs.
SAMPLE_MAX_CHARS = 512


def observation_charset(texts: Iterable[str]) -> frozenset[str]:
    """`BASE_CHARSET` plus every character the given texts use."""
    extra: set[str] = set()
    for text in texts:
        extra.update(text)
    return BASE_CHARSET | frozenset(extra)


def sanitize(text: str, charset: frozenset[str], max_length: int) -> str:
    """Map characters outside `charset` to U+FFFD and cut to `max_length` characters."""
    if len(text) > max_length:
        text = text[: max_length - 1] + "…" if "…" in charset else text[:max_length]
    if all(c in charset for c in text):
        return text
    return "".join(c if c in charset else REPLACEMENT for c in text)


def observation_space(charset: frozenset[str]) -> Text:
    """The observation space: problem or refinement text over `charset`."""
    return ProblemText(OBS_MAX_CHARS, min_length=1, charset=charset)


class TraceText(Text):
    """A `Text` space whose membership accepts any string up to `max_length` characters.

    Sampling draws from the charset (and is capped at `SAMPLE_MAX_CHARS` unless a length is
    given), so `sample()` stays cheap; `contains` ignores the charset because a language model
    may emit any Unicode and the environment grades it rather than refusing it.
    """

    def contains(self, x: Any) -> bool:
        return isinstance(x, str) and self.min_length <= len(x) <= self.max_length

    def sample(self, mask: Any = None, probability: Any = None) -> str:
        if mask is None and probability is None:
            length = int(self.np_random.integers(self.min_length, min(self.max_length, SAMPLE_MAX_CHARS) + 1))
            probability = (length, None)
        elif mask is not None and mask[0] is None:
            length = int(self.np_random.integers(self.min_length, min(self.max_length, SAMPLE_MAX_CHARS) + 1))
            mask = (length, mask[1])
        elif probability is not None and probability[0] is None:
            length = int(self.np_random.integers(self.min_length, min(self.max_length, SAMPLE_MAX_CHARS) + 1))
            probability = (length, probability[1])
        return super().sample(mask=mask, probability=probability)

    def __repr__(self) -> str:
        return f"TraceText({self.min_length}, {self.max_length}, charset=<{len(self.character_set)} chars>)"


def action_space() -> TraceText:
    """The action space: a trace text (any string; empty allowed, graded 0.0)."""
    return TraceText(ACTION_MAX_CHARS, min_length=0, charset=BASE_CHARSET)


def as_text(action: Any) -> str:
    """Coerce whatever a policy returned into text to grade (never raises). Chat messages are read
    by `trace_env.completions.read_trace`'s rule (the last assistant message; its `submit_trace`
    argument, else its text); messages with no trace read as no text, graded unparseable."""
    if isinstance(action, str):
        return action
    if action is None:
        return ""
    if isinstance(action, Mapping | list | tuple):
        return read_trace(action).text or ""
    if isinstance(action, bytes | bytearray):
        return bytes(action).decode("utf-8", errors="replace")
    if isinstance(action, np.ndarray) and action.ndim == 0:
        return as_text(action.item())
    try:
        return str(action)
    except Exception:  # a hostile __str__: grade it as nothing
        return ""


# ---------------------------------------------------------------------------------------------
# Async vector envs: gymnasium (1.x) reads a `Text` observation out of shared memory once, when
# the vector env is built, and hands back that frozen tuple forever after (strings cannot be
# views of a buffer), so every later observation would read as the initial zeros. The
# observation space is therefore a `Text` subclass whose shared-memory reader returns a live
# view that decodes the buffer on access (and turns into a plain tuple when deep-copied, which
# is what `AsyncVectorEnv` hands to the user by default).


class ProblemText(Text):
    """The observation `Text` space; identical to `Text` except for live shared-memory reads."""

    def __repr__(self) -> str:
        return f"ProblemText({self.min_length}, {self.max_length}, charset=<{len(self.character_set)} chars>)"


class LiveTextBatch(Sequence[str]):
    """A read-only view of `n` `ProblemText` observations stored in shared memory."""

    def __init__(self, space: ProblemText, shared_memory: Any, n: int) -> None:
        self._rows = np.frombuffer(shared_memory.get_obj(), dtype=np.int32).reshape((n, space.max_length))
        self._chars = np.array(space.character_list + ("",), dtype=object)
        self._pad = len(space.character_list)

    def _decode(self, row: np.ndarray) -> str:
        return "".join(self._chars[row[row < self._pad]])

    def __len__(self) -> int:
        return self._rows.shape[0]

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return tuple(self._decode(row) for row in self._rows[index])
        return self._decode(self._rows[index])

    def __deepcopy__(self, memo: dict[int, Any]) -> tuple[str, ...]:
        return tuple(self)

    def __eq__(self, other: object) -> bool:
        return tuple(self) == (tuple(other) if isinstance(other, Sequence) else other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(tuple(self))


@read_from_shared_memory.register(ProblemText)
def _read_problem_text(space: ProblemText, shared_memory: Any, n: int = 1) -> LiveTextBatch:
    return LiveTextBatch(space, shared_memory, n)
