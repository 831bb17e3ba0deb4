"""GSM8K loader, gold answers, Problem dicts and the convert CLI (GSM8K-style rows written here)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from generators import gsm8k
from generators.gsm8k import gsm8k_problems, load_gsm8k, parse_gold_answer
from generators.gsm8k.__main__ import main
from generators.problem import Problem

ROWS = [
    {
        "question": "Omar reads 12 pages on Monday and 15 pages on Tuesday. How many pages does he read?",
        "answer": "He reads 12 + 15 = <<12+15=27>>27 pages.\n#### 27",
    },
    {
        "question": "Tom keeps 3 spiders in a tank. How many spider legs are in the tank?",
        "answer": "A spider has 8 legs, so 3 * 8 = <<3*8=24>>24 legs.\n#### 24",
    },
    {
        "question": "Gia saves $1,500 a month for 3 months. How much does she save?",
        "answer": "She saves 1,500 * 3 = $<<1500*3=4500>>4,500.\n#### 4,500",
    },
]


def write_jsonl(path: Path, rows: list) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("so 4 + 5 = 9\n#### 9", "9"),
        ("#### 1,200", "1200"),
        ("#### -3", "-3"),
        ("#### 2.50", "2.5"),
        ("#### $18", "18"),
        ("#### .75", "0.75"),
        ("a #### b #### 1,000,000", "1000000"),
        ("#### 42.", "42"),
    ],
)
def test_parse_gold_answer(text, expected):
    assert parse_gold_answer(text) == expected


@pytest.mark.parametrize("text", ["no marker here", "#### ", "#### twelve", "#### 1.2.3", "#### 4 apples"])
def test_parse_gold_answer_rejects_junk(text):
    with pytest.raises(ValueError):
        parse_gold_answer(text)


def test_load_from_file_and_official_layout(tmp_path):
    rows = load_gsm8k(write_jsonl(tmp_path / "mine.jsonl", ROWS))
    assert [r["question"] for r in rows] == [r["question"] for r in ROWS]
    assert rows[0]["id"] == "gsm8k-0"
    data = tmp_path / "gsm" / "data"
    data.mkdir(parents=True)
    write_jsonl(data / "test.jsonl", ROWS[:2])
    test_rows = load_gsm8k(tmp_path / "gsm", hub_split="test")
    assert len(test_rows) == 2 and test_rows[1]["id"] == "gsm8k-1"
    with pytest.raises(FileNotFoundError):
        load_gsm8k(tmp_path / "gsm", hub_split="train")


def test_load_reports_bad_lines(tmp_path):
    with pytest.raises(ValueError, match=":2:"):
        load_gsm8k(write_jsonl(tmp_path / "bad.jsonl", [ROWS[0], "{not json"]))
    with pytest.raises(ValueError, match="question"):
        load_gsm8k(write_jsonl(tmp_path / "bad2.jsonl", [{"q": 1}]))


def test_hub_errors_are_clear_and_never_touch_the_network():
    def unreachable(split):
        raise ConnectionError("no route to host")

    with pytest.raises(RuntimeError, match="local GSM8K JSONL"):
        load_gsm8k("hub", "test", hub_loader=unreachable)
    rows = load_gsm8k("openai/gsm8k", "test", hub_loader=lambda split: ROWS[:1])
    assert rows[0]["id"] == "gsm8k-0"


def test_hub_failure_is_one_line():
    def unreachable(hub_split):
        raise OSError("offline\nTraceback-like second line\nthird")

    with pytest.raises(RuntimeError) as err:
        load_gsm8k("hf:openai/gsm8k", hub_split="train", hub_loader=unreachable)
    assert "\n" not in str(err.value) and "offline" in str(err.value)


def test_one_loader_ids_parts_and_problems(tmp_path):
    from generators import Problem
    from generators.gsm8k import gsm8k_id, gsm8k_problem

    path = write_jsonl(tmp_path / "rows.jsonl", ROWS)
    rows = load_gsm8k(path)
    assert [r["id"] for r in rows] == [gsm8k_id(i) for i in range(len(ROWS))] == [f"gsm8k-{i}" for i in range(len(ROWS))]
    dev, train = load_gsm8k(path, part="dev"), load_gsm8k(path, part="train")
    assert {r["id"] for r in dev}.isdisjoint(r["id"] for r in train)
    problem = gsm8k_problem(rows[0])
    assert isinstance(problem, Problem) and problem.trace and problem.expert is None and problem.target is None
    assert problem.with_target("value").target == problem.trace
    assert gsm8k_problem(rows[1]).trace is None  # not convertible: answer only


def test_contract_names_convert_and_leakage():
    by_row = gsm8k.convert(ROWS[0])
    assert by_row.ok and by_row == gsm8k.convert(ROWS[0]["question"], ROWS[0]["answer"])
    assert gsm8k.convert(ROWS[1]).reason == "ungrounded_number"
    assert gsm8k.leakage([ROWS[0]], [ROWS[0]]).leaked


def test_problems_have_the_problem_shape(tmp_path):
    problems = gsm8k_problems(load_gsm8k(write_jsonl(tmp_path / "rows.jsonl", ROWS)))
    assert [p["id"] for p in problems] == ["gsm8k-0", "gsm8k-2"]  # spider legs are not groundable
    for p in problems:
        record = Problem.from_dict(p).to_dict()
        assert record == p
        assert p["pattern"] == "gsm8k" and p["source"] == "gsm8k"
        assert p["difficulty"]["steps"] == len(p["trace_data"]["trace"])
        json.dumps(p)  # JSON-safe
    assert problems[1]["answer"] == "4500" and problems[1]["difficulty"]["magnitude"] == 4


def test_convert_cli_writes_one_object_per_line_in_order(tmp_path, capsys):
    src = write_jsonl(tmp_path / "in.jsonl", [ROWS[0], "{broken", ROWS[1], ROWS[2]])
    out = tmp_path / "out.jsonl"
    assert main(["convert", str(src), "--out", str(out)]) == 0
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["status"].split(":")[0] for r in records] == ["ok", "bad_input", "ungrounded_number", "ok"]
    assert records[0]["question"] == ROWS[0]["question"] and records[0]["answer"] == "27"
    assert records[0]["trace"].startswith("expert: arithmetic") and records[2]["trace"] is None
    printed = capsys.readouterr().out
    assert "converted 2/4 = 50.00%" in printed and "ungrounded_number" in printed and "8 x1" in printed


def test_cli_runs_as_a_module(tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", ROWS[:1])
    proc = subprocess.run(
        [sys.executable, "-m", "generators.gsm8k", "convert", str(src), "--out", str(tmp_path / "o.jsonl")],
        capture_output=True, text=True, timeout=120, cwd=Path(__file__).resolve().parents[1],
    )
    assert proc.returncode == 0, proc.stderr
    assert "converted 1/1" in proc.stdout


def test_line_separator_characters_survive_convert_then_training_load(tmp_path):
    # U+2028, U+2029 and U+0085 are line breaks to str.splitlines but not to JSONL: a question
    # holding one must come back whole from the converter's output (it once crashed train_sft.py).
    from training.data import gsm8k

    odd = "Tom has 5 apples.\u2028He buys 3 more.\u0085 How\u2029many apples does he have now?"
    src = tmp_path / "train.jsonl"
    src.write_text(json.dumps({"question": odd, "answer": "5 + 3 = <<5+3=8>>8\n#### 8"}, ensure_ascii=False) + "\n",
                   encoding="utf-8")
    out = tmp_path / "conv.jsonl"
    assert main(["convert", str(src), "--out", str(out)]) == 0
    examples = gsm8k(str(out), "ref")
    assert [e.question for e in examples] == [odd]
    assert examples[0].answer == "8"
