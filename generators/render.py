"""Turn a phrasing template and its slots into question text; add distractor sentences."""

from __future__ import annotations

import random
import re
import string
from collections.abc import Callable

from solver import format_number

_SENTENCE_SPLIT = re.compile(r"(?<=[.?!])\s+(?=\S)")
_A_BEFORE_VOWEL = re.compile(r"\b([Aa])(?= (?!uni|use|one|eu)[aeiou])")


class TemplateError(Exception):
    """A template names a slot the pattern did not fill, or text still holds a placeholder."""


def fill(template: str, slots: dict[str, str]) -> str:
    """Fill `{slot}` fields; capitalised slot names (`{He}`) get a capitalised value."""
    out = []
    for literal, name, spec, conv in string.Formatter().parse(template):
        out.append(literal)
        if name is None:
            continue
        if spec or conv:
            raise TemplateError(f"format specs are not allowed in templates: {{{name}}}")
        if name in slots:
            out.append(str(slots[name]))
        elif name[:1].isupper() and name[:1].lower() + name[1:] in slots:
            value = str(slots[name[:1].lower() + name[1:]])
            out.append(value[:1].upper() + value[1:])
        else:
            raise TemplateError(f"template slot {{{name}}} has no value")
    return tidy("".join(out))


def tidy(text: str) -> str:
    """Single spaces, capitalised sentence starts, and a final check for placeholders."""
    text = re.sub(r"\s+", " ", text).strip()
    text = _A_BEFORE_VOWEL.sub(r"\1n", text)  # "a eraser" -> "an eraser"
    sentences = [s[:1].upper() + s[1:] for s in split_sentences(text)]
    text = " ".join(sentences)
    if "{" in text or "}" in text:
        raise TemplateError(f"placeholder left in question: {text!r}")
    return text


def split_sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_SPLIT.split(text) if s]


def add_distractors(
    question: str, count: int, draw: Callable[[], str], rng: random.Random, names: list[str], avoid: set[str],
    slots: dict[str, str] | None = None,
) -> str:
    """Insert `count` irrelevant sentences with numbers (noop templates from `draw()`, the phrasing
    files' noop sentences) at the start or just before the question sentence.

    Those two places never split a sentence from the one its pronouns ("it", "them") refer
    to; a sentence about the problem's own things ({items}) goes only before the question, after
    they are introduced. A drawn sentence whose slots the problem cannot fill (no person, no
    things) or that has no place is drawn again. Distractor numbers avoid the values the trace
    uses, so a number in the text never points to two roles at once.
    """
    slots = slots or {}
    parts = split_sentences(question)
    last = parts[-1].lower()
    free_before_question = len(parts) > 1 and not re.search(r"\b(it|its|them|they|that)\b", last)
    values = {"name": names or None, "items": slots.get("items"), "item": slots.get("item")}
    placed = 0
    for _ in range(count * 20):
        if placed == count:
            break
        template = draw()
        needed = {name for _, name, _, _ in string.Formatter().parse(template) if name} - {"n"}
        about_things = bool(needed & {"items", "item"})
        if any(values.get(k) is None for k in needed) or (about_things and not free_before_question):
            continue
        n = rng.randint(3, 60)
        while format_number(n) in avoid:
            n += 1
        sentence = fill(template, {"n": str(n), **{k: rng.choice(names) if k == "name" else values[k] for k in needed}})
        before_question = free_before_question and (about_things or rng.random() < 0.5)
        parts.insert(len(parts) - 1 if before_question else 0, sentence)
        placed += 1
    return tidy(" ".join(parts))
