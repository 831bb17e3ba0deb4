"""Turn a phrasing template and its slots into question text; add distractor sentences."""

from __future__ import annotations

import random
import re
import string

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


# Irrelevant facts with numbers, in the spirit of GSM8K's extra details. Slots: {name}
# (someone in the problem), {n} a number, {weekday}.
_DISTRACTORS = (
    "{name}'s cousin is {n} years old.",
    "It was a sunny day, about {n} degrees outside.",
    "{name} lives {n} blocks from the park.",
    "{name}'s favourite number is {n}.",
    "The shop has been open for {n} years.",
    "There are {n} windows in {name}'s kitchen.",
    "{name} has {n} cousins who live out of town.",
    "It took {name} {n} minutes to get ready that morning.",
    "{name}'s neighbour owns {n} bicycles.",
    "The street has {n} lamp posts.",
)


def add_distractors(
    question: str, count: int, rng: random.Random, names: list[str], avoid: set[str]
) -> str:
    """Insert `count` distractor sentences at the start or just before the question sentence.

    Those two places never split a sentence from the one its pronouns ("it", "them") refer
    to. Distractor numbers avoid the values the trace uses, so a number in the text never
    points to two roles at once.
    """
    sentences = split_sentences(question)
    if count <= 0:
        return question
    pool = [t for t in _DISTRACTORS if names or "{name}" not in t]
    rng.shuffle(pool)
    for template in pool[:count]:
        n = rng.randint(3, 60)
        while format_number(n) in avoid:
            n += 1
        sentence = template.format(name=rng.choice(names) if names else "", n=n)
        last = sentences[-1].lower()
        before_question = len(sentences) > 1 and rng.random() < 0.5 and not re.search(r"\b(it|its|them|they|that)\b", last)
        sentences.insert(len(sentences) - 1 if before_question else 0, sentence)
    return tidy(" ".join(sentences))
