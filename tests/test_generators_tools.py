"""generators: export, statistics, the CLI and the trace-length check."""

from __future__ import annotations

import json

import pytest

from generators import (
    TruncationError,
    check_trace_lengths,
    generate,
    load_jsonl,
    to_dataset,
    to_jsonl,
)
from generators.__main__ import main
from generators.lengths import count_tokens
from generators.stats import compute_stats


@pytest.fixture(scope="module")
def problems():
    return generate(120, seed=40, preset="hard")


@pytest.fixture(scope="module")
def tokenizer_file(tmp_path_factory, problems):
    """A tiny word-level tokenizer trained here (no downloads)."""
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers

    tok = Tokenizer(models.WordLevel(unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tok.train_from_iterator([p.trace for p in problems] + [p.question for p in problems],
                            trainers.WordLevelTrainer(special_tokens=["[UNK]"]))
    path = tmp_path_factory.mktemp("tok") / "tokenizer.json"
    tok.save(str(path))
    return path


def test_jsonl_round_trip(tmp_path, problems):
    path = tmp_path / "out" / "train.jsonl"
    assert to_jsonl(problems, path) == len(problems)
    lines = path.read_text().splitlines()
    assert json.loads(lines[0])["trace_data"] == problems[0].trace_data
    assert load_jsonl(path) == problems


def test_load_jsonl_rejects_junk(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x"}\n')
    with pytest.raises(ValueError, match="bad.jsonl:1"):
        load_jsonl(bad)


def test_dataset_export(problems):
    ds = to_dataset(problems)
    assert len(ds) == len(problems)
    row = ds[3]
    assert row["question"] == problems[3].question and row["answer"] == problems[3].answer
    assert json.loads(row["trace_data"]) == problems[3].trace_data
    assert row["difficulty"]["steps"] == problems[3].difficulty["steps"]
    assert len(to_dataset([])) == 0


def test_stats(problems, tokenizer_file):
    stats = compute_stats(problems, tokenizer=str(tokenizer_file))
    assert stats["count"] == len(problems)
    assert sum(stats["patterns"].values()) == len(problems)
    assert sum(stats["experts"].values()) == len(problems)
    assert stats["trace_chars"]["max"] == max(len(p.trace) for p in problems)
    # 120 hard items span one- to three-expert traces, so their token counts differ.
    assert 0 < stats["trace_tokens"]["min"] < stats["trace_tokens"]["max"]
    assert stats["answers"]["integer_share"] == 1.0
    json.dumps(stats)


@pytest.mark.slow  # importing transformers takes several seconds
def test_count_tokens_with_hf_and_tokenizers_objects(tokenizer_file, tmp_path):
    from transformers import AutoTokenizer, PreTrainedTokenizerFast

    texts = ["expert: arithmetic", "- {op: query, var: result}"]
    raw = count_tokens(str(tokenizer_file), texts)
    hf = PreTrainedTokenizerFast(tokenizer_file=str(tokenizer_file), unk_token="[UNK]")
    assert count_tokens(hf, texts) == raw
    folder = tmp_path / "hf"
    hf.save_pretrained(str(folder))
    assert count_tokens(AutoTokenizer.from_pretrained(str(folder)), texts) == raw
    assert count_tokens(str(folder), texts) == raw


def test_length_check_reports_and_fails_fast(problems, tokenizer_file):
    lengths = count_tokens(str(tokenizer_file), [p.trace for p in problems])
    longest = max(lengths) + 1  # +1 for EOS room
    ok = check_trace_lengths(problems, str(tokenizer_file), longest)
    assert ok.ok and ok.longest == longest and ok.count == len(problems)
    limit = sorted(lengths)[len(lengths) // 2]
    with pytest.raises(TruncationError) as err:
        check_trace_lengths(problems, str(tokenizer_file), limit)
    over = err.value.report.over
    assert len(over) == sum(n + 1 > limit for n in lengths)
    assert "exceed" in str(err.value)
    report = check_trace_lengths(problems, str(tokenizer_file), limit, fail=False)
    assert not report.ok and len(report.over) == len(over)
    # A text_fn measures the full training sequence instead of the trace alone.
    full = check_trace_lengths(problems, str(tokenizer_file), 10_000, text_fn=lambda p: p["question"] + "\n" + p["trace"])
    assert full.longest > ok.longest - 1
    with pytest.raises(ValueError):
        check_trace_lengths(problems, str(tokenizer_file), 0)
    with pytest.raises(FileNotFoundError):
        check_trace_lengths(problems, "/nonexistent/tokenizer", 10)


def test_cli_sample_stats_export_check(tmp_path, capsys, tokenizer_file):
    assert main(["sample", "-n", "2", "--seed", "3"]) == 0
    out = capsys.readouterr().out
    assert "# synthetic-3-0" in out and "expert:" in out
    assert main(["sample", "-n", "2", "--json", "--set", 'patterns=["pct_of"]']) == 0
    rows = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [r["pattern"] for r in rows] == ["pct_of", "pct_of"]
    assert main(["stats", "-n", "50", "--preset", "hard", "--tokenizer", str(tokenizer_file)]) == 0
    out = capsys.readouterr().out
    assert "patterns:" in out and "trace_tokens" in out
    path = tmp_path / "x.jsonl"
    assert main(["export", "-n", "7", "--out", str(path)]) == 0
    assert len(load_jsonl(path)) == 7
    capsys.readouterr()
    assert main(["check-lengths", "-n", "30", "--tokenizer", str(tokenizer_file), "--max-length", "5"]) == 2
    assert "exceed 5 tokens" in capsys.readouterr().err
    assert main(["check-lengths", "-n", "30", "--tokenizer", str(tokenizer_file), "--max-length", "5000"]) == 0
    assert main(["sample", "--set", "bogus=1"]) == 1
    assert main(["patterns"]) == 0
    assert "patterns" in capsys.readouterr().out
