"""Numeric augmentation of converted problems and the n-gram leakage check."""

from __future__ import annotations

import json
import re
from fractions import Fraction

import solver
from generators.gsm8k import augment, check_leakage, gsm8k_problems
from generators.gsm8k.__main__ import main

PENCILS = {
    "question": "Sam buys 4 boxes with 15 pencils in each box. He gives away 9 pencils. How many pencils does he have left?",
    "answer": "He buys 4 * 15 = <<4*15=60>>60 pencils.\nHe has 60 - 9 = <<60-9=51>>51 pencils left.\n#### 51",
}
TWINS = {
    "question": "Lena bakes 3 trays of 8 red cupcakes and 3 trays of 6 blue cupcakes. How many cupcakes does she bake?",
    "answer": "Red: 3 * 8 = <<3*8=24>>24.\nBlue: 3 * 6 = <<3*6=18>>18.\nTotal: 24 + 18 = <<24+18=42>>42.\n#### 42",
}
SQUADS = {
    "question": "A team has 36 players split equally into 4 squads. How many players are in each squad?",
    "answer": "Each squad has 36 / 4 = <<36/4=9>>9 players.\n#### 9",
}
SALE = {
    "question": "A shop sells a $40 toy at 15% off. What is the sale price?",
    "answer": "The discount is 40 * 15 / 100 = $<<40*15/100=6>>6.\nThe price is 40 - 6 = $<<40-6=34>>34.\n#### 34",
}


def problem(row: dict) -> dict:
    [p] = gsm8k_problems([row])
    return p


def numbers(text: str) -> list[Fraction]:
    return [Fraction(m.replace(",", "")) for m in re.findall(r"\d[\d,]*(?:\.\d+)?", text)]


def test_variants_are_consistent_and_graded_correct():
    variants = augment(problem(PENCILS), n=4, seed=1)
    assert len(variants) == 4
    for v in variants:
        boxes, per_box, given = numbers(v["question"])
        assert Fraction(v["answer"]) == boxes * per_box - given > 0  # recomputed here, not by the code
        assert solver.grade(v["trace"], v["answer"], expert=v["expert"], question=v["question"]).reward == 1.0
        assert v["id"].startswith("gsm8k-0-aug") and v["source"] == "gsm8k"
    assert len({v["question"] for v in variants}) == 4


def test_augmentation_is_deterministic_by_seed():
    p = problem(PENCILS)
    assert augment(p, n=3, seed=7) == augment(p, n=3, seed=7)
    assert augment(p, n=3, seed=7) != augment(p, n=3, seed=8)


def test_a_number_written_twice_never_changes():
    variants = augment(problem(TWINS), n=4, seed=0)
    assert variants
    for v in variants:
        trays_a, red, trays_b, blue = numbers(v["question"])
        assert trays_a == trays_b == 3  # "3 trays" twice: no telling which init it feeds
        assert Fraction(v["answer"]) == 3 * red + 3 * blue


def test_integer_answers_stay_integer():
    variants = augment(problem(SQUADS), n=5, seed=3)
    assert variants
    for v in variants:
        players, squads = numbers(v["question"])
        assert players % squads == 0 and Fraction(v["answer"]) == players / squads


def test_percent_variants_stay_percent_and_positive():
    for v in augment(problem(SALE), n=4, seed=2):
        price, rate = numbers(v["question"])
        assert 0 < rate < 100
        assert Fraction(v["answer"]) == price * (100 - rate) / 100 > 0


def test_written_form_is_kept():
    row = {
        "question": "A school buys 1,200 pencils at $0.35 each. How much does it pay?",
        "answer": "It pays 1,200 * 0.35 = $<<1200*0.35=420>>420.\n#### 420",
    }
    variants = augment(problem(row), n=4, seed=5)
    assert variants
    for v in variants:
        m = re.search(r"buys (\d{1,3}(?:,\d{3})*|\d+) pencils at \$(\d+\.\d\d) each", v["question"])
        assert m, v["question"]
        count, price = Fraction(m.group(1).replace(",", "")), Fraction(m.group(2))
        assert (count >= 1000) == ("," in m.group(1))
        assert Fraction(v["answer"]) == count * price


def test_nothing_to_resample_gives_no_variants():
    p = problem({"question": "Ada has 7 cats and 7 dogs. How many pets?", "answer": "7 + 7 = <<7+7=14>>14\n#### 14"})
    assert augment(p, n=3) == []
    assert augment({"question": "x", "trace_data": [], "id": "q"}) == []


TRAIN = [
    {"id": "t0", "question": "Maria has 12 apples. She gives 5 of them to her friend Jo and eats 2 more. How many apples are left?"},
    {"id": "t1", "question": "A train travels 60 miles per hour for 3 hours and then 40 miles per hour for 2 hours. How far does it go?"},
    {"id": "t2", "question": "Pat buys four notebooks for $3 each and a pen for $2. How much does Pat spend in total at the store?"},
]


def test_leakage_finds_copies_and_numeric_variants():
    evaluation = [
        {"id": "e0", "question": TRAIN[0]["question"]},
        {"id": "e1", "question": TRAIN[1]["question"].replace("60", "75").replace("3 hours", "5 hours")},
        {"id": "e2", "question": TRAIN[2]["question"].replace("four", "seven")},
        {"id": "e3", "question": "A farmer plants 8 rows of corn with 11 plants per row. How many plants are there?"},
    ]
    report = check_leakage(TRAIN, evaluation, n=6)
    kinds = {m.eval_id: (m.kind, m.train_id) for m in report.matches}
    assert kinds == {"e0": ("exact", "t0"), "e1": ("numeric_variant", "t1"), "e2": ("numeric_variant", "t2")}
    assert report.leaked and "numeric_variant 2" in report.summary()


def test_leakage_partial_overlap_threshold():
    reworded = {"id": "e", "question": TRAIN[1]["question"].replace("How far does it go?", "What distance is covered?")}
    assert check_leakage(TRAIN, [reworded], n=4, threshold=0.5).matches[0].kind == "overlap"
    assert not check_leakage(TRAIN, [reworded], n=4, threshold=1.0).leaked


def test_leakage_cli_exit_codes(tmp_path, capsys):
    train = tmp_path / "train.jsonl"
    train.write_text("".join(json.dumps(r) + "\n" for r in TRAIN))
    clean = tmp_path / "clean.jsonl"
    clean.write_text(json.dumps({"question": "Lee swims 20 laps each day for a week. How many laps in all?"}) + "\n")
    leaked = tmp_path / "leaked.jsonl"
    leaked.write_text(json.dumps({"question": TRAIN[0]["question"].replace("12", "30")}) + "\n")
    assert main(["leakage", "--train", str(train), "--eval", str(clean)]) == 0
    assert "flagged 0" in capsys.readouterr().out
    assert main(["leakage", "--train", str(train), "--eval", str(leaked)]) == 1
    assert "numeric_variant" in capsys.readouterr().out
