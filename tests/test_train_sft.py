"""train_sft.py: masking, truncation detection, a tiny end-to-end run, resume, layer freezing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import train_sft
from training import checks, data
from training.args import parse_mix


def tiny_args(model: str, out: Path, *extra: str) -> list[str]:
    return [
        "--model", model, "--output_dir", str(out), "--n_train", "16", "--n_eval", "3",
        "--heldout_n_during", "2", "--eval_splits", "synthetic,hard", "--per_device_train_batch_size", "8",
        "--num_train_epochs", "1", "--logging_steps", "1", "--save_steps", "1",
        *extra,
    ]


def test_loss_is_masked_to_the_assistant_trace(tiny_model: str, tmp_path: Path) -> None:
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from trl import SFTTrainer

    from training.args import GSMTraceSFTConfig

    tok = AutoTokenizer.from_pretrained(tiny_model)
    examples = data.synthetic(4, {"default": 1}, "sft", "ref")
    rows = [{k: v for k, v in data.sft_row(e, True).items() if k != "id"} for e in examples]
    cfg = GSMTraceSFTConfig(output_dir=str(tmp_path / "unused-sft-mask"), per_device_train_batch_size=4,
                            max_length=None, train_sampling_strategy="sequential")
    trainer = SFTTrainer(model=AutoModelForCausalLM.from_pretrained(tiny_model), args=cfg,
                         train_dataset=data.to_dataset(rows), processing_class=tok)
    for example, row in zip(examples, trainer.train_dataset, strict=True):
        prompt_len = len(checks.prompt_ids(tok, example, True))
        ids, labels = row["input_ids"], row["labels"]
        assert ids == checks.full_ids(tok, example, True)
        assert all(label == -100 for label in labels[:prompt_len])  # no loss on system/user turns
        assert labels[prompt_len:] == ids[prompt_len:]               # full loss on the trace
        assert tok.decode(ids[prompt_len:]) == example.target + tok.eos_token
    batch = next(iter(trainer.get_train_dataloader()))
    kept = batch["labels"] != -100
    assert kept.any()
    # every supervised token is a trace token: the count matches the completion lengths exactly
    assert int(kept.sum()) == sum(checks.completion_length(tok, e, True) for e in examples)


def test_truncation_fails_fast_and_names_the_examples(tiny_model: str, tmp_path: Path) -> None:
    with pytest.raises(checks.TruncationError) as err:
        train_sft.main(tiny_args(tiny_model, tmp_path / "run", "--max_length", "40"))
    message = str(err.value)
    assert "would be truncated" in message and "synthetic-" in message and "--max_length" in message
    assert not (tmp_path / "run" / "final").exists()


def test_completion_limit_check(tiny_model: str) -> None:
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(tiny_model)
    examples = data.synthetic(6, {"hard": 1}, "rl", "value")
    longest = max(checks.completion_length(tok, e, False) for e in examples)
    assert checks.check_completion_lengths(tok, examples, False, longest, flag="--x") == longest
    with pytest.raises(checks.TruncationError, match="--x"):
        checks.check_completion_lengths(tok, examples, False, longest - 1, flag="--x")
    assert checks.check_completion_lengths(tok, examples, False, None, flag="--x") > longest


def test_end_to_end_writes_final_model_summary_and_curve(
    tiny_model: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from agents import evaluate

    out = tmp_path / "run"
    report = train_sft.main(tiny_args(tiny_model, out, "--heldout_every", "1"))
    shown = capsys.readouterr()
    assert "2/2 [" in shown.err  # the training progress bar, finished
    assert "[held-out] step 2: synthetic" in shown.out and "[held-out] after SFT: synthetic" in shown.out
    # the held-out metrics reached the trainer's on_log callbacks (here the progress bar's printer,
    # as they would TensorBoard or W&B), not only its log history
    assert "'heldout/hard/accuracy'" in shown.out
    summary = json.loads((out / "summary.json").read_text())
    assert summary["splits"] == ["synthetic", "hard"] and summary["n_eval"] == 3
    for key in ("accuracy_before_rl", "accuracy_after_sft"):
        assert set(summary[key]) == {"synthetic", "hard"}
        assert all(0.0 <= v <= 1.0 for v in summary[key].values())
    assert summary["accuracy_after_rl"] is None and report["global_step"] == 2
    assert (out / "learning_curve.png").stat().st_size > 1000
    during = [json.loads(line) for line in (out / "heldout.jsonl").read_text().splitlines()]
    assert [e["step"] for e in during] == [1, 2] and "heldout/hard/accuracy" in during[0]
    history = json.loads((out / "checkpoint-2" / "trainer_state.json").read_text())["log_history"]
    assert [e["step"] for e in history if "heldout/synthetic/accuracy" in e] == [1, 2]
    assert [e["step"] for e in history if "loss" in e] == [1, 2]  # the trainer's own log is not displaced
    final = out / "final"
    AutoModelForCausalLM.from_pretrained(final, use_safetensors=True)
    assert AutoTokenizer.from_pretrained(final).chat_template
    assert json.loads((final / "gsmtrace.json").read_text()) == {"numbered": True}
    evaluate.main(["--agent", "hf", "--model", str(final), "--n", "2", "--out", str(tmp_path / "eval")])
    assert json.loads((tmp_path / "eval" / "report.json").read_text())["n"] == 2


def test_resume_continues_from_the_last_checkpoint(tiny_model: str, tmp_path: Path) -> None:
    out = tmp_path / "run"
    train_sft.main(tiny_args(tiny_model, out, "--max_steps", "2"))
    first = json.loads((out / "checkpoint-2" / "trainer_state.json").read_text())["log_history"]
    train_sft.main(tiny_args(tiny_model, out, "--max_steps", "3"))
    state = json.loads((out / "checkpoint-3" / "trainer_state.json").read_text())
    assert state["global_step"] == 3
    losses = [e for e in state["log_history"] if "loss" in e]
    # steps 1-2 come from the first run's state (restored), step 3 is new
    assert [e["step"] for e in losses] == [1, 2, 3]
    assert losses[:2] == [e for e in first if "loss" in e]
    before = json.loads((out / "heldout_before.json").read_text())
    assert set(before) == {"synthetic", "hard"}  # measured once, reused on resume


def test_train_last_n_layers_freezes_the_rest(tiny_model: str) -> None:
    from transformers import AutoModelForCausalLM

    from training.model import train_last_layers

    model = AutoModelForCausalLM.from_pretrained(tiny_model)
    counts = train_last_layers(model, 1)
    trainable = {n for n, p in model.named_parameters() if p.requires_grad}
    assert any(n.startswith("model.layers.1.") for n in trainable)
    assert not any(n.startswith("model.layers.0.") for n in trainable)
    assert "model.norm.weight" in trainable and any("embed_tokens" in n or "lm_head" in n for n in trainable)
    assert 0 < counts["trainable"] < counts["total"]
    with pytest.raises(ValueError):
        train_last_layers(model, 5)


def test_lora_option_trains_adapters_and_saves_a_merged_model(tiny_model: str, tmp_path: Path) -> None:
    from transformers import AutoModelForCausalLM

    out = tmp_path / "lora"
    summary = train_sft.main(tiny_args(tiny_model, out, "--use_peft", "--lora_r", "4", "--lora_alpha", "8",
                                       "--max_steps", "1"))
    assert summary["parameters"]["trainable"] < summary["parameters"]["total"] / 2
    model = AutoModelForCausalLM.from_pretrained(out / "final", use_safetensors=True)
    assert not any("lora" in n for n, _ in model.named_parameters())


def test_heldout_splits_are_disjoint_from_training() -> None:
    train = data.synthetic(60, {"default": 1, "hard": 1}, "sft", "value")
    splits = data.heldout(["synthetic", "hard"], 40, "value")
    train_ids = {e.id for e in train}
    assert not train_ids & {e.id for s in splits.values() for e in s}
    kept, dropped = data.remove_overlap(train + [splits["hard"][0]], splits)
    assert dropped >= 1 and splits["hard"][0] not in kept


def test_mix_parsing() -> None:
    assert parse_mix("default=0.8,hard=0.2") == {"default": 0.8, "hard": 0.2}
    assert parse_mix("hard") == {"hard": 1.0}
    with pytest.raises(ValueError):
        parse_mix("a=x")
    with pytest.raises(ValueError):
        parse_mix("a=0")


def test_mix_order_draws_sources_by_weight_through_the_whole_list() -> None:
    order = data.mix_order(4000, [0.8, 0.2], seed=0)
    assert len(order) == 4000 and set(order) == {0, 1}
    assert 0.18 < order.count(1) / 4000 < 0.22  # binomial sd 0.0063: a band of 3 sd
    assert all(order[i : i + 400].count(1) > 40 for i in range(0, 4000, 400))  # no stretch without the minority
    assert data.mix_order(4000, [0.8, 0.2], seed=0) == order  # seeded
    assert data.mix_order(1000, [0.8, 0.2], seed=0) == order[:1000]  # a smaller run draws a prefix of it
    assert data.mix_order(4000, [0.8, 0.2], seed=1) != order
    assert data.mix_order(30, [1.0, 0.0], seed=0) == [0] * 30  # weight 0: never drawn
    assert data.mix_order(0, [1.0], seed=0) == []


def test_synthetic_takes_each_presets_problems_in_generator_order() -> None:
    import generators

    examples = data.synthetic(12, {"default": 1, "hard": 1}, "rl", "value")
    assert len(examples) == 12 and {e.pattern for e in examples}
    for k, preset in enumerate(("default", "hard")):
        mine = [e.question for e, source in zip(examples, data.mix_order(12, [1, 1], seed=2), strict=True)
                if source == k]
        # the rl stage draws preset k with seed 2 + 1000*k from the generator's 'rl' split, in the
        # frontier wording (known parts in combinations SFT never draws)
        expected = generators.generate(len(mine), seed=2 + 1000 * k, preset=preset, namespace="rl",
                                       wording="frontier")
        assert mine == [p.question for p in expected]


def test_unseen_wording_never_reaches_training() -> None:
    from generators import generate
    from generators.registry import PATTERNS
    from generators.select import HELDOUT_PATTERNS
    from generators.wording import BUCKETS, COMBINATION_BUCKET

    def unseen_wording(problem) -> bool:  # a held-out part, a held-out pattern or combination
        last = problem.difficulty["phrasing"] == len(PATTERNS[problem.pattern].phrasings) - 1
        combination = int(problem.difficulty["wording"], 16) % BUCKETS == COMBINATION_BUCKET
        return last or problem.difficulty["held_parts"] > 0 or problem.pattern in HELDOUT_PATTERNS or combination

    names = ["synthetic", "unseen_combinations", "unseen_parts", "unseen_patterns"]
    held = data.heldout(names, 60, "value")
    # the held-out stage draws split k with seed 3 + 1000*k, each family in its wording mode
    for k, (name, mode) in enumerate(zip(names[1:], ("combinations", "parts", "patterns"), strict=True), start=1):
        unseen = generate(60, seed=3 + 1000 * k, preset="default", namespace="heldout", wording=mode)
        assert [e.question for e in held[name]] == [p.question for p in unseen]
        assert all(unseen_wording(p) for p in unseen), name
    assert {e.pattern for e in held["unseen_patterns"]} <= HELDOUT_PATTERNS
    seen = generate(60, seed=3, preset="default", namespace="heldout", wording="train")
    assert [e.question for e in held["synthetic"]] == [p.question for p in seen]
    for stage in ("sft", "rl"):  # what data.synthetic draws
        drawn = data.synthetic(150, {"hard": 1}, stage, "value")
        assert len(drawn) == 150
        assert not any(e.difficulty["held_parts"] or e.pattern in HELDOUT_PATTERNS
                       or int(e.difficulty["wording"], 16) % BUCKETS == COMBINATION_BUCKET for e in drawn), stage


def test_interleave_keeps_every_item_once_and_each_groups_order() -> None:
    letters, numbers = [f"l{i}" for i in range(40)], [f"n{i}" for i in range(10)]
    merged = data.interleave([letters, numbers], seed=0)
    assert sorted(merged) == sorted(letters + numbers)
    assert [x for x in merged if x[0] == "l"] == letters and [x for x in merged if x[0] == "n"] == numbers
    assert any(x[0] == "n" for x in merged[:25]) and any(x[0] == "n" for x in merged[25:])  # spread, not appended
    assert data.interleave([letters, []], seed=0) == letters


def test_help_lists_every_argument_group(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        train_sft.main(["--help"])
    text = capsys.readouterr().out
    for flag in ("--model", "--use_peft", "--train_last_n_layers", "--trace_form", "--gsm8k_path", "--n_eval",
                 "--heldout_every", "--smoke", "--max_length", "--learning_rate", "--resume"):
        assert flag in text


def test_length_grouped_sampler_shuffles_batches_and_covers_every_index() -> None:
    import random

    from training.sampler import ShuffledLengthGroupedSampler

    rng = random.Random(0)
    lengths = [rng.randint(10, 300) for _ in range(1000)]
    sampler = ShuffledLengthGroupedSampler(lengths, batch_size=10, seed=1, mega_batches=5)
    order = list(sampler)
    assert sorted(order) == list(range(1000))
    batches = [order[i : i + 10] for i in range(0, 1000, 10)]
    # grouped: a batch's lengths come from one sorted mega-batch of 50, so their spread is small
    spread = sum(max(lengths[i] for i in b) - min(lengths[i] for i in b) for b in batches) / len(batches)
    assert spread < 60
    # shuffled: batch maxima do not fall in runs of 5 descending batches (HF's longest-first cycle)
    maxima = [max(lengths[i] for i in b) for b in batches]
    descending_runs = sum(all(maxima[k + j] >= maxima[k + j + 1] for j in range(4)) for k in range(0, 100, 5))
    assert descending_runs < 10
    assert list(sampler) == order  # same epoch, same order (resume-safe)
    sampler.set_epoch(1)
    assert list(sampler) != order


def test_gsm8k_trains_on_its_training_part_and_reports_its_dev_split(tiny_model: str, tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    from generators.gsm8k.dev import is_dev

    def row(k: int) -> dict:
        return {"question": f"Tom has {k} apples and buys {k + 3} more. How many apples does Tom have?",
                "answer": f"{k} + {k + 3} = <<{k}+{k + 3}={2 * k + 3}>>{2 * k + 3}\n#### {2 * k + 3}"}

    rows = [row(k) for k in range(2, 400)]
    dev = [r for r in rows if is_dev(r["question"])][:3]
    train = [r for r in rows if not is_dev(r["question"])][:10]
    path = tmp_path / "gsm8k.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in dev + train), encoding="utf-8")
    out = tmp_path / "run"
    train_sft.main(tiny_args(tiny_model, out, "--gsm8k_path", str(path), "--gsm8k_fraction", "0.5"))
    summary = json.loads((out / "summary.json").read_text())
    assert summary["splits"] == ["synthetic", "hard", "gsm8k"]  # the dev split joins by itself
    assert summary["heldout_after"]["gsm8k"]["n"] == len(dev)
    assert summary["gsm8k_file"] == str(path)


def test_the_hub_default_says_in_one_line_when_it_cannot_be_reached(tiny_model: str, tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str],
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from training import data

    monkeypatch.setattr(data, "_resolved", {})  # resolved once per process: an earlier test may have
    out = tmp_path / "run"
    train_sft.main(tiny_args(tiny_model, out, "--max_steps", "1"))  # conftest keeps the hub offline
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("[gsm8k]")]
    assert len(lines) == 1 and "unreachable" in lines[0] and "synthetic-only" in lines[0]
    assert json.loads((out / "summary.json").read_text())["splits"] == ["synthetic", "hard"]


def test_line_separators_inside_questions_survive_convert_augment_train_and_evaluate(tiny_model: str,
                                                                                     tmp_path: Path) -> None:
    # U+2028, U+2029 and U+0085 break lines for str.splitlines but not for JSONL (a question holding
    # one once crashed train_sft.py): every file the project writes and reads must keep them inside.
    from agents.evaluate import main as evaluate_main
    from generators.gsm8k.__main__ import main as gsm8k_main
    from generators.gsm8k.dev import is_dev

    def question(k: int) -> str:
        return f"Tom has {k} apples.\u2028He buys {k + 3} more.\u0085 How\u2029many apples does Tom have?"

    ks = [k for k in range(2, 400) if not is_dev(question(k))][:6] + [k for k in range(2, 400) if is_dev(question(k))][:2]
    source = tmp_path / "train.jsonl"
    source.write_text("".join(json.dumps({"question": question(k), "answer": f"{k} + {k + 3} = {2 * k + 3}\n#### {2 * k + 3}"},
                                         ensure_ascii=False) + "\n" for k in ks), encoding="utf-8")
    converted, augmented = tmp_path / "conv.jsonl", tmp_path / "aug.jsonl"
    assert gsm8k_main(["convert", str(source), "--out", str(converted)]) == 0
    # augment varies the training part only, and these questions differ from the two dev ones only in
    # numbers (near-duplicates): it gets a file without the dev questions
    train_part = tmp_path / "train_part.jsonl"
    train_part.write_text("".join(line + "\n" for line in source.read_text(encoding="utf-8").split("\n")[:6]),
                          encoding="utf-8")
    assert gsm8k_main(["augment", str(train_part), "--out", str(augmented), "--per", "2"]) == 0
    variants = [json.loads(line) for line in augmented.read_text(encoding="utf-8").split("\n") if line]
    assert len(variants) >= 6
    assert all("\u2028" in v["question"] and "\u0085" in v["question"] and "\u2029" in v["question"] for v in variants)

    out = tmp_path / "run"
    train_sft.main(tiny_args(tiny_model, out, "--gsm8k_path", str(converted), "--gsm8k_fraction", "0.5"))
    summary = json.loads((out / "summary.json").read_text())
    assert summary["heldout_after"]["gsm8k"]["n"] == 2  # the two dev questions, each read back whole

    for agent, model, src in (("oracle", None, augmented), ("hf", str(out / "final"), converted)):
        report_dir = tmp_path / f"eval_{agent}"
        flags = ["--agent", agent, "--source", str(src), "--out", str(report_dir)] + (["--model", model] if model else [])
        assert evaluate_main(flags) == 0
        samples = [json.loads(line) for line in (report_dir / "samples.jsonl").read_text(encoding="utf-8").split("\n") if line]
        expected = len(variants) if agent == "oracle" else len(ks)
        assert len(samples) == expected
        if agent == "oracle":  # the gold traces of the variants grade 1.0 against their own questions
            assert json.loads((report_dir / "report.json").read_text())["accuracy"] == 1.0
