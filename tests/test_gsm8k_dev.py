"""The fixed GSM8K dev split: a property of each question, never trained on, near-duplicates dropped."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from generators.gsm8k.dev import DEV_SHARE, dev_key, is_dev, split_dev
from generators.jsonl import read_jsonl
from training.data import gsm8k

TRAIN = Path(__file__).resolve().parents[1].parent / "shared" / "gsm8k" / "train.jsonl"


def _rows() -> list[dict]:
    if not TRAIN.exists():
        pytest.skip("../shared/gsm8k/train.jsonl is not here")
    return read_jsonl(TRAIN)


def test_membership_is_a_property_of_the_question():
    q = "Tom has 5 apples and buys 3 more. How many apples does he have?"
    assert dev_key(q) == dev_key("  tom has 5 apples and buys 3 more.\nHow  many apples does he have? ")
    assert 0 <= dev_key(q) < 1 and dev_key(q) == dev_key(q)


def test_official_train_split_gives_about_500_and_is_stable():
    rows = _rows()
    split = split_dev(rows)
    assert 430 <= len(split.dev) <= 570  # DEV_SHARE * 7,473 = 500, binomial spread about 22
    assert len(split.dev) + len(split.train) + len(split.near_duplicates) == len(rows)
    shuffled = rows[:]
    random.Random(0).shuffle(shuffled)
    assert {r["question"] for r in split_dev(shuffled).dev} == {r["question"] for r in split.dev}
    half = rows[: len(rows) // 2]  # a file holding part of train agrees on that part
    assert {r["question"] for r in split_dev(half).dev} == {r["question"] for r in split.dev} & {
        r["question"] for r in half}
    dev_questions = {r["question"] for r in split.dev}
    assert not dev_questions & {r["question"] for r in split.train}


def test_near_duplicates_of_dev_problems_leave_training():
    dev_q = next(q for q in (f"Ann has {k} red pens and buys {k + 2} blue pens at the shop today. How many pens "
                            "does Ann have now in all?" for k in range(3, 500)) if is_dev(q))
    twin = dev_q.replace("Ann", "Bea")  # the same problem with another name
    assert not is_dev(twin) or pytest.skip("the twin hashed into dev too")
    other = "A farmer plants 12 rows of 9 corn plants each. How many corn plants are in the field?"
    split = split_dev([{"question": dev_q}, {"question": twin}, {"question": other}])
    assert [r["question"] for r in split.dev] == [dev_q]
    assert [r["question"] for r in split.near_duplicates] == [twin]
    assert [r["question"] for r in split.train] == [other] * (not is_dev(other))


def test_training_examples_never_hold_a_dev_problem(tmp_path):
    rows = _rows()[:1500]
    path = tmp_path / "part.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    dev = gsm8k(str(path), "ref", part="dev")
    train = gsm8k(str(path), "ref", part="train")
    assert dev and train and all(is_dev(e.question) for e in dev)
    assert not {e.question for e in dev} & {e.question for e in train}
    assert len(dev) + len(train) <= len(rows) == len(gsm8k(str(path), "ref"))
    assert abs(len(dev) / len(rows) - DEV_SHARE) < 0.03


def test_augment_command_never_varies_a_dev_problem(tmp_path):
    from generators.gsm8k.__main__ import main as gsm8k_main

    def question(k: int, name: str = "Tom") -> str:
        return f"{name} has {k} apples and buys {k + 3} more at the market. How many apples does {name} have now?"

    def other(k: int) -> str:  # a different problem: no near-duplicate of the dev ones
        return f"A baker fills {k} trays with {k + 3} rolls each for the fair. How many rolls did the baker bake?"

    dev_ks = [k for k in range(2, 600) if is_dev(question(k))][:2]
    train_ks = [k for k in range(2, 600) if not is_dev(other(k))][:4]
    rows = [{"question": question(k), "answer": f"{k} + {k + 3} = {2 * k + 3}\n#### {2 * k + 3}"} for k in dev_ks]
    rows += [{"question": other(k), "answer": f"{k} * {k + 3} = {k * (k + 3)}\n#### {k * (k + 3)}"} for k in train_ks]
    twin = question(dev_ks[0], "Sam")  # a dev problem under another name: must leave with it
    if not is_dev(twin):
        rows.append({"question": twin, "answer": rows[0]["answer"]})
    source, out = tmp_path / "train.jsonl", tmp_path / "aug.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert gsm8k_main(["augment", str(source), "--out", str(out), "--per", "3"]) == 0
    variants = read_jsonl(out)
    assert variants  # the training part was varied
    origin = {int(v["id"].split("-aug")[0].rsplit("-", 1)[1]) for v in variants}
    assert origin <= set(range(len(dev_ks), len(dev_ks) + len(train_ks)))  # rows 0-1 are dev, row 6 a dev twin
    assert all("Sam" not in v["question"] for v in variants)
