"""verl integration: the parquet export (`python -m generators export --format verl`) and the custom
reward function `trace_env.verl.compute_score`, loaded and called through verl 0.9's own code.

Expected values come from other routes: the problems are generated again with `generators.generate`
(split "train" for train.parquet, "heldout" for test.parquet), the prompt is written out by hand
from the shared system prompt, and the gold answers are shifted or the question edited to make
the wrong-answer and ungrounded cases.
"""

from __future__ import annotations

import json
import sys
from fractions import Fraction
from pathlib import Path

import pytest

import generators
from generators.__main__ import main as generators_cli
from solver import GraderError
from trace_env.prompts import SYSTEM_PROMPT, user_content
from trace_env.verl import compute_score

N_TRAIN, N_TEST, SEED = 24, 8, 3
EXTRA_KEYS = {"split", "index", "id", "question", "expert", "pattern", "numbered", "trace"}


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("verl")
    argv = ["export", "--format", "verl", "-n", str(N_TRAIN), "--n-test", str(N_TEST), "--seed", str(SEED),
            "--out", str(out)]
    assert generators_cli(argv) == 0
    return out


@pytest.fixture(scope="module")
def expected() -> dict[str, list[generators.Problem]]:
    """The same problems by the generator's API: train split items 0.., heldout split items 0.. minus
    any whose question is a train question."""
    train = generators.generate(N_TRAIN, SEED, namespace="train")
    seen = {p.question for p in train}
    heldout = [p for p in generators.generate(3 * N_TEST, SEED, namespace="heldout") if p.question not in seen]
    return {"train": train, "test": heldout[:N_TEST]}


def _rows(path: Path) -> list[dict]:
    import pyarrow.parquet as pq

    return pq.read_table(path).to_pylist()


def test_layout_read_back_with_pyarrow_and_datasets(exported: Path, expected, tmp_path: Path) -> None:
    import datasets
    import pyarrow as pa
    import pyarrow.parquet as pq

    assert sorted(p.name for p in exported.iterdir()) == ["test.parquet", "train.parquet"]
    for name, split in (("train", "train"), ("test", "test")):
        table = pq.read_table(exported / f"{name}.parquet")
        schema = table.schema
        assert schema.names == ["data_source", "prompt", "ability", "reward_model", "extra_info"]
        assert schema.field("prompt").type == pa.list_(pa.struct([("role", pa.string()), ("content", pa.string())]))
        assert schema.field("reward_model").type == pa.struct([("style", pa.string()), ("ground_truth", pa.string())])
        # verl reads parquet through `datasets` (RLHFDataset._read_files_and_tokenize)
        ds = datasets.load_dataset("parquet", data_files=str(exported / f"{name}.parquet"),
                                   cache_dir=str(tmp_path / "cache"))["train"]
        rows = list(ds)
        problems = expected[name]
        assert len(rows) == len(problems) == table.num_rows
        for index, (row, prob) in enumerate(zip(rows, problems, strict=True)):
            assert row["data_source"] == "gsmtrace/synthetic"
            assert row["ability"] == "math"
            # numbered by default: the prompt form the project's models are trained on (DEFAULT_NUMBERED)
            assert row["prompt"] == [{"role": "system", "content": SYSTEM_PROMPT},
                                     {"role": "user", "content": user_content(prob.question, numbered=True)}]
            assert row["reward_model"] == {"style": "rule", "ground_truth": prob.answer}
            info = row["extra_info"]
            assert set(info) == EXTRA_KEYS
            assert (info["split"], info["index"], info["id"]) == (split, index, prob.id)
            assert (info["question"], info["expert"], info["pattern"]) == (prob.question, prob.expert, prob.pattern)
            assert info["numbered"] is True


def test_train_and_test_are_disjoint(exported: Path) -> None:
    train, test = _rows(exported / "train.parquet"), _rows(exported / "test.parquet")
    assert all(r["extra_info"]["id"].startswith(f"synthetic-{SEED}-") for r in train)
    assert all(r["extra_info"]["id"].startswith(f"synthetic-heldout-{SEED}-") for r in test)
    train_questions = {r["extra_info"]["question"] for r in train}
    assert not train_questions & {r["extra_info"]["question"] for r in test}


def _without_check(result: dict) -> dict:
    """The result less `program_checked` (1.0 where the row's gold trace gave variants), checked apart."""
    assert result["program_checked"] in (0.0, 1.0)
    return {k: v for k, v in result.items() if k != "program_checked"}


def test_gold_traces_score_one_through_compute_score(exported: Path, expected) -> None:
    checked = []
    for name in ("train", "test"):
        gold = {p.id: p.trace for p in expected[name]}
        for row in _rows(exported / f"{name}.parquet"):
            assert row["extra_info"]["trace"] == gold[row["extra_info"]["id"]]
            result = compute_score(row["data_source"], gold[row["extra_info"]["id"]],
                                   row["reward_model"]["ground_truth"], row["extra_info"])
            checked.append(result["program_checked"])
            assert _without_check(result) == {"score": 1.0, "acc": 1.0, "parsed": 1.0, "valid": 1.0,
                                              "category": "correct"}
    assert sum(checked) >= 0.8 * len(checked)  # the gold trace rides in extra_info: most rows are checked


def test_wrong_answer_wrong_expert_and_garbage(exported: Path, expected) -> None:
    rows = _rows(exported / "train.parquet")
    gold = {p.id: p.trace for p in expected["train"]}
    for row in rows:
        trace, info = gold[row["extra_info"]["id"]], row["extra_info"]
        shifted = str(Fraction(row["reward_model"]["ground_truth"]) + 1)
        result = compute_score(row["data_source"], trace, shifted, info)
        assert _without_check(result) == {"score": 0.7, "acc": 0.0, "parsed": 1.0, "valid": 1.0,
                                          "category": "wrong_answer"}
        other = "percentage" if info["expert"] != "percentage" else "arithmetic"
        result = compute_score(row["data_source"], trace, row["reward_model"]["ground_truth"],
                               {**info, "expert": other})
        assert (result["score"], result["category"], result["parsed"]) == (0.3, "wrong_expert", 1.0)
    row = rows[0]
    for garbage in ("", "The answer is 42.", "```yaml\n: : [\n```", "- - - -", None, 42, b"expert: x"):
        result = compute_score(row["data_source"], garbage, row["reward_model"]["ground_truth"], row["extra_info"])
        assert result == {"score": 0.0, "acc": 0.0, "parsed": 0.0, "valid": 0.0, "category": "unparseable",
                          "program_checked": 0.0}


def test_grounding_reads_the_question_from_extra_info(exported: Path) -> None:
    row = next(r for r in _rows(exported / "train.parquet") if r["extra_info"]["expert"] != "composition")
    info, truth = row["extra_info"], row["reward_model"]["ground_truth"]
    smuggled = (f"expert: {info['expert']}\ntrace:\n- {{op: init, var: a, value: 987654}}\n"
                "- {op: init, var: b, ref: 1}\n- {op: compute, compute_op: add, args: [a, b], var: c}\n"
                "- {op: query, var: c}\n")
    assert "987654" not in info["question"]
    result = compute_score(row["data_source"], smuggled, truth, info)
    assert (result["score"], result["category"], result["parsed"], result["valid"]) == (0.5, "invalid", 1.0, 0.0)
    # The same trace is valid (if wrong) once the question states the number: grounding, nothing else.
    stated = {**info, "question": info["question"] + " A sign shows 987654."}
    assert compute_score(row["data_source"], smuggled, truth, stated)["category"] == "wrong_answer"


def test_bad_rows_raise_clearly(exported: Path) -> None:
    row = _rows(exported / "train.parquet")[0]
    info, truth = row["extra_info"], row["reward_model"]["ground_truth"]
    with pytest.raises(TypeError, match="extra_info must be the row's dict"):
        compute_score("gsmtrace/synthetic", "x", truth, None)
    with pytest.raises(ValueError, match="grounding"):
        compute_score("gsmtrace/synthetic", "x", truth, {k: v for k, v in info.items() if k != "question"})
    with pytest.raises(ValueError, match="grounding"):
        compute_score("gsmtrace/synthetic", "x", truth, {**info, "question": 17})
    with pytest.raises(ValueError, match="not a gold answer"):
        compute_score("gsmtrace/synthetic", "x", "seventeen-ish", info)
    with pytest.raises(ValueError, match="not a gold answer"):
        compute_score("gsmtrace/synthetic", "x", None, info)
    with pytest.raises(TypeError, match="expert"):
        compute_score("gsmtrace/synthetic", "x", truth, {**info, "expert": 5})
    # No label is no expert check (verl's own GSM8K rows carry a question but no expert).
    unlabeled = {"question": info["question"]}
    assert compute_score("openai/gsm8k", "no trace", truth, unlabeled)["category"] == "unparseable"


def test_grader_fault_is_raised_not_scored(exported: Path, expected, monkeypatch: pytest.MonkeyPatch) -> None:
    row = _rows(exported / "train.parquet")[0]

    def boom(*args, **kwargs):
        raise ZeroDivisionError("a bug in the grader")

    monkeypatch.setattr(sys.modules["solver.grade"], "_assess", boom)
    with pytest.raises(GraderError, match="not the policy's"):
        compute_score(row["data_source"], expected["train"][0].trace, row["reward_model"]["ground_truth"],
                      row["extra_info"])


def test_numbered_prompt_and_cli_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "numbered"
    assert generators_cli(["export", "--format", "verl", "-n", "3", "--n-test", "2", "--numbered",
                           "--out", str(out)]) == 0
    row = _rows(out / "train.parquet")[0]
    question = row["extra_info"]["question"]
    user = row["prompt"][1]["content"]
    assert user.startswith(question + "\n\nQuantities:\n[1] ") and row["extra_info"]["numbered"] is True
    assert len(_rows(out / "test.parquet")) == 2
    # --no-numbered: the plain question, for a model whose gsmtrace.json says "numbered": false
    plain = tmp_path / "plain"
    assert generators_cli(["export", "--format", "verl", "-n", "3", "--n-test", "1", "--no-numbered",
                           "--out", str(plain)]) == 0
    row = _rows(plain / "train.parquet")[0]
    assert row["prompt"][1]["content"] == row["extra_info"]["question"] and row["extra_info"]["numbered"] is False
    capsys.readouterr()
    # JSONL export unchanged; verl-only flags refused there; the splits are not the user's to merge
    assert generators_cli(["export", "-n", "2", "--out", str(tmp_path / "p.jsonl")]) == 0
    lines = (tmp_path / "p.jsonl").read_text().splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["synthetic-0-0", "synthetic-0-1"]
    assert generators_cli(["export", "-n", "2", "--numbered", "--out", str(tmp_path / "q.jsonl")]) == 1
    assert "--format verl only" in capsys.readouterr().err
    assert generators_cli(["export", "--format", "verl", "-n", "2", "--set", "namespace=heldout",
                           "--out", str(tmp_path / "s")]) == 1
    assert "namespace" in capsys.readouterr().err
    assert generators_cli(["export", "--format", "verl", "-n", "2", "--n-test", "0", "--out", str(tmp_path / "z")]) == 1
    assert "n_test must be a positive int" in capsys.readouterr().err
    assert not (tmp_path / "s").exists() and not (tmp_path / "z").exists()


def test_loaded_by_verls_own_reward_loader(exported: Path, expected) -> None:
    """verl's `get_custom_reward_fn` (the code its trainer runs) loads the function from a config, by
    package path and by file path, and merges `reward_kwargs` into the call."""
    pytest.importorskip("verl", reason="the verl extra is not installed")
    from omegaconf import OmegaConf
    from verl.trainer.ppo.reward import get_custom_reward_fn

    import trace_env.verl

    row = _rows(exported / "test.parquet")[0]
    trace = {p.id: p.trace for p in expected["test"]}[row["extra_info"]["id"]]
    for path in ("pkg://trace_env.verl", trace_env.verl.__file__):
        cfg = OmegaConf.create({"reward": {"custom_reward_function": {
            "path": path, "name": "compute_score", "reward_kwargs": {"some_option": 1}}}})
        fn = get_custom_reward_fn(cfg)
        result = fn(data_source=row["data_source"], solution_str=trace,
                    ground_truth=row["reward_model"]["ground_truth"], extra_info=row["extra_info"])
        assert result["score"] == 1.0 and result["category"] == "correct"


def _byte_tokenizer():
    """A real byte-level tokenizer (no merges, so decode(encode(text)) == text) with a chat template."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    alphabet = sorted(pre_tokenizers.ByteLevel.alphabet())
    tok = Tokenizer(models.BPE(vocab={c: i for i, c in enumerate(alphabet)}, merges=[]))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)
    tok.decoder = decoders.ByteLevel()
    hf = PreTrainedTokenizerFast(tokenizer_object=tok)
    hf.chat_template = ("{% for m in messages %}<{{ m['role'] }}>{{ m['content'] }}\n{% endfor %}"
                        "{% if add_generation_prompt %}<assistant>{% endif %}")
    return hf


def test_verl_dataset_and_reward_manager_end_to_end(exported: Path, expected, tmp_path: Path) -> None:
    """verl's RLHFDataset reads test.parquet (prompt length filter through the chat template), its
    collate_fn batches the rows, and the reward manager its trainer builds from the config (naive)
    decodes right-padded responses and calls compute_score: gold traces 1.0, garbage 0.0."""
    import asyncio

    pytest.importorskip("verl", reason="the verl extra is not installed")
    import torch
    from omegaconf import OmegaConf
    from verl import DataProto
    from verl.trainer.ppo.reward import load_reward_manager
    from verl.utils.dataset.rl_dataset import RLHFDataset, collate_fn

    tokenizer = _byte_tokenizer()
    data_cfg = OmegaConf.create({"prompt_key": "prompt", "max_prompt_length": 4096, "filter_overlong_prompts": True,
                                 "filter_overlong_prompts_workers": 1, "cache_dir": str(tmp_path / "cache")})
    dataset = RLHFDataset(str(exported / "test.parquet"), tokenizer, data_cfg)
    assert len(dataset) == N_TEST
    items = [dataset[i] for i in range(len(dataset))]
    assert [it["raw_prompt"] for it in items] == [
        [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": user_content(p.question, numbered=True)}]
        for p in expected["test"]]
    batch = collate_fn(items)

    gold = {p.id: p.trace for p in expected["test"]}
    texts = [gold[it["extra_info"]["id"]] if i % 2 == 0 else "I think it is 12." for i, it in enumerate(items)]
    encoded = [tokenizer(t, add_special_tokens=False)["input_ids"] for t in texts]
    width, prompt_len = max(map(len, encoded)), 7
    responses = torch.zeros(len(texts), width, dtype=torch.long)
    mask = torch.zeros(len(texts), prompt_len + width, dtype=torch.long)
    mask[:, :prompt_len] = 1
    for i, ids in enumerate(encoded):
        responses[i, :len(ids)] = torch.tensor(ids)
        mask[i, prompt_len:prompt_len + len(ids)] = 1

    reward_cfg = OmegaConf.create({"reward": {
        "custom_reward_function": {"path": "pkg://trace_env.verl", "name": "compute_score"},
        "reward_manager": {"source": "register", "name": "naive"}}})
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)  # the manager runs compute_score on the current event loop's executor
    try:
        manager = load_reward_manager(reward_cfg, tokenizer)
        scores = []
        for i in range(len(items)):
            data = DataProto.from_dict(
                tensors={"responses": responses[i:i + 1], "attention_mask": mask[i:i + 1]},
                non_tensors={k: batch[k][i:i + 1] for k in ("data_source", "reward_model", "extra_info")})
            out = loop.run_until_complete(manager.run_single(data))
            assert out["reward_extra_info"]["score"] == out["reward_score"]
            scores.append((out["reward_score"], out["reward_extra_info"]["category"]))
    finally:
        loop.close()
        asyncio.set_event_loop(None)
    assert scores == [(1.0, "correct") if i % 2 == 0 else (0.0, "unparseable") for i in range(len(items))]
