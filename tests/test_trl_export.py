"""`python -m generators export --format trl` and the README's `trl grpo` line, run as written.

The end-to-end test runs the README's Integrations/TRL block (the export, then the TRL CLI) with
small sizes, a tiny local model and CPU flags appended, and checks that TRL named the reward in its
logs (`rewards/trace_reward/mean`) and that `trace_env.rewards.trace_reward` was called with every
column it grades with, the gold `trace` included: a probe (a `sitecustomize` on PYTHONPATH) wraps the
function TRL imports and records what each call received.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generators import generate
from generators.__main__ import main
from generators.export import TRL_COLUMNS, TRL_FILES, export_trl, export_verl, trl_rows
from generators.prompts import DEFAULT_NUMBERED, build_messages

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_trl_rows_carry_the_prompt_and_every_column_the_reward_reads():
    problems = generate(3, 5)
    rows = trl_rows(problems)
    for row, prob in zip(rows, problems, strict=True):
        assert tuple(row) == TRL_COLUMNS
        assert row["prompt"] == build_messages(prob.question, numbered=DEFAULT_NUMBERED)
        assert [m["role"] for m in row["prompt"]] == ["system", "user"]
        assert (row["question"], row["answer"], row["expert"], row["trace"], row["id"], row["pattern"]) == (
            prob.question, prob.answer, prob.expert, prob.trace, prob.id, prob.pattern)
    assert trl_rows(problems, numbered=False)[0]["prompt"] == build_messages(problems[0].question)


def test_export_trl_matches_the_verl_split_and_the_cli(tmp_path: Path):
    counts = export_trl(tmp_path / "api", 6, 2, 4)
    assert counts == {"train.jsonl": 6, "test.jsonl": 2}
    export_verl(tmp_path / "verl", 6, 2, 4)
    import pyarrow.parquet as pq

    for name, verl_name in zip(TRL_FILES, ("train.parquet", "test.parquet"), strict=True):
        rows = _rows(tmp_path / "api" / name)
        verl = pq.read_table(tmp_path / "verl" / verl_name).to_pylist()
        assert [r["id"] for r in rows] == [v["extra_info"]["id"] for v in verl]  # the same problems
        assert [r["prompt"] for r in rows] == [v["prompt"] for v in verl]        # the same prompt
        assert [r["trace"] for r in rows] == [v["extra_info"]["trace"] for v in verl]
    assert main(["export", "--format", "trl", "-n", "6", "--n-test", "2", "--seed", "4",
                 "--out", str(tmp_path / "cli")]) == 0
    for name in TRL_FILES:
        assert (tmp_path / "cli" / name).read_bytes() == (tmp_path / "api" / name).read_bytes()
    assert main(["export", "--format", "trl", "-n", "2", "--no-numbered", "--out", str(tmp_path / "plain")]) == 0
    row = _rows(tmp_path / "plain" / "train.jsonl")[0]
    assert row["prompt"] == build_messages(row["question"], numbered=False)


def test_export_trl_loads_as_a_conversational_dataset(tmp_path: Path):
    import datasets
    from trl.data_utils import is_conversational

    export_trl(tmp_path, 4, 2, 0)
    data = datasets.load_dataset(str(tmp_path))  # what `trl grpo --dataset_name DIR` does
    assert sorted(data) == ["test", "train"] and data["train"].num_rows == 4 and data["test"].num_rows == 2
    assert set(TRL_COLUMNS) == set(data["train"].column_names)
    assert is_conversational(data["train"][0])


def _readme_trl_block() -> str:
    blocks = re.findall(r"```bash\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    found = [b for b in blocks if "export --format trl" in b and "trl grpo" in b]
    assert len(found) == 1, "README: one bash block with the TRL export and the `trl grpo` line"
    return found[0]


def _commands(block: str) -> list[list[str]]:
    return [shlex.split(cmd) for cmd in block.replace("\\\n", " ").splitlines() if cmd.strip()]


def _set(argv: list[str], flag: str, value: str) -> list[str]:
    assert flag in argv, (flag, argv)
    i = argv.index(flag)
    return argv[:i + 1] + [value] + argv[i + 2:]


def test_every_readme_trl_grpo_line_names_the_export_and_the_reward():
    text = README.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.lstrip().startswith("trl grpo")]
    assert lines
    for line in lines:
        assert "--reward_funcs trace_env.rewards.trace_reward" in line and "--dataset_name data/trl" in line, line
    export, grpo = _commands(_readme_trl_block())
    assert export[:5] == ["python", "-m", "generators", "export", "--format"] and export[5] == "trl"
    assert grpo[:2] == ["trl", "grpo"]
    assert grpo[grpo.index("--dataset_name") + 1] == export[export.index("--out") + 1]


PROBE = '''
import functools, json, os
if os.environ.get("GSMTRACE_REWARD_PROBE"):
    import trace_env.rewards as _rewards
    _real = _rewards.trace_reward

    @functools.wraps(_real)
    def trace_reward(prompts=None, completions=None, **kwargs):
        rewards = _real(prompts, completions, **kwargs)
        cols = {k: list(kwargs[k]) for k in ("question", "answer", "expert", "trace", "id") if k in kwargs}
        with open(os.environ["GSMTRACE_REWARD_PROBE"], "a") as fh:
            fh.write(json.dumps({"keys": sorted(kwargs), "columns": cols, "prompts": prompts,
                                 "rewards": rewards}) + "\\n")
        return rewards

    _rewards.trace_reward = trace_reward
'''


@pytest.mark.skipif(shutil.which("trl") is None, reason="the trl CLI is not installed")
def test_readme_trl_grpo_line_runs_against_the_export(tiny_model: str, tmp_path: Path):
    export, grpo = _commands(_readme_trl_block())
    data = tmp_path / "data"
    export = _set(_set(_set(export, "--out", str(data)), "-n", "8"), "--n-test", "2")
    grpo = _set(_set(grpo, "--dataset_name", str(data)), "--output_dir", str(tmp_path / "run"))
    grpo = _set(grpo, "--model_name_or_path", tiny_model)
    grpo += ["--max_steps", "2", "--per_device_train_batch_size", "2", "--num_generations", "2",
             "--max_completion_length", "16", "--logging_steps", "1", "--save_strategy", "steps",
             "--save_steps", "2", "--report_to", "none", "--use_cpu", "true", "--disable_tqdm", "true"]
    (tmp_path / "probe").mkdir()
    (tmp_path / "probe" / "sitecustomize.py").write_text(PROBE)
    probe = tmp_path / "calls.jsonl"
    env = {**os.environ, "GSMTRACE_REWARD_PROBE": str(probe), "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1",
           "PYTHONPATH": os.pathsep.join(p for p in (str(tmp_path / "probe"), os.environ.get("PYTHONPATH")) if p)}
    subprocess.run([sys.executable, *export[1:]], check=True, cwd=tmp_path, env=env, capture_output=True)
    run = subprocess.run(grpo, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]

    # TRL logged the reward under its function's name, and the project's rates with it.
    history = json.loads((tmp_path / "run" / "checkpoint-2" / "trainer_state.json").read_text())["log_history"]
    steps = [h for h in history if "rewards/trace_reward/mean" in h]
    assert len(steps) == 2
    assert all("trace/parse_rate" in h and "trace/program_checked_rate" in h for h in steps)

    # Each call received the export's columns: the gold trace and the question with the prompt built from it.
    calls = [json.loads(line) for line in probe.read_text().splitlines()]
    assert len(calls) == 2
    exported = {r["id"]: r for r in _rows(data / "train.jsonl")}
    from trace_env.prompts import prompt_numbered
    from trace_env.rewards import grade_completions

    for call, step in zip(calls, steps, strict=True):
        assert {"question", "answer", "expert", "trace"} <= set(call["keys"])
        cols = call["columns"]
        assert len(cols["trace"]) == len(call["rewards"]) == 2
        for i, row_id in enumerate(cols["id"]):
            row = exported[row_id]
            assert [cols[k][i] for k in ("question", "answer", "expert", "trace")] == [
                row["question"], row["answer"], row["expert"], row["trace"]]
            assert call["prompts"][i] == build_messages(row["question"], numbered=prompt_numbered())
        assert step["rewards/trace_reward/mean"] == pytest.approx(sum(call["rewards"]) / 2)
        # The columns suffice for the program check: the gold traces, graded with them, are checked as programs.
        cols = {k: v for k, v in cols.items() if k != "id"}
        outcomes = grade_completions(cols["trace"], **cols)
        assert all(o.reward == 1.0 and o.program_checked for o in outcomes), outcomes
