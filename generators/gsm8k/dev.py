"""A fixed GSM8K dev split carved from train, by a rule that does not depend on the file.

A question belongs to the dev split when the SHA-256 of its whitespace-normalised, lower-cased
text falls in the first ``DEV_SHARE`` of the hash range: membership is a property of the
question alone, so it is the same whatever the file's order, whichever subset of train a file
holds, and whether the records are the official layout or the converter's output. On the
official train split (7,473 problems) the rule picks about 500.

Training data never holds a dev question, nor a near-duplicate of one (GSM8K itself contains a
few pairs of the same problem with other names or numbers): ``split_dev`` drops every training
record that the leakage checker (``generators.gsm8k.overlap``) matches to a dev question.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from .overlap import check_leakage

DEV_SHARE = 500 / 7473  # about 500 problems of the official train split


def dev_key(question: str) -> float:
    """The question's position in the hash range, in [0, 1)."""
    text = " ".join(question.split()).lower()
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def is_dev(question: str) -> bool:
    return dev_key(question) < DEV_SHARE


@dataclass
class DevSplit:
    train: list[Any]
    dev: list[Any]
    near_duplicates: list[Any] = field(default_factory=list)  # training records dropped for a dev twin

    def summary(self) -> str:
        return (f"GSM8K dev split: {len(self.dev)} dev problems, {len(self.train)} for training "
                f"({len(self.near_duplicates)} near-duplicates of dev problems dropped)")


def split_dev(records: list[Any]) -> DevSplit:
    """Dev and training records (each with a `question`), in file order."""
    def question(record: Any) -> str:
        return record["question"] if isinstance(record, dict) else record.question

    dev = [r for r in records if is_dev(question(r))]
    rest = [r for r in records if not is_dev(question(r))]
    if not dev or not rest:
        return DevSplit(rest, dev)
    twins = {m.eval_index for m in check_leakage(dev, rest).matches}
    return DevSplit([r for i, r in enumerate(rest) if i not in twins], dev, [rest[i] for i in sorted(twins)])
