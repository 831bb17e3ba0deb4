"""One prompt-form rule (trace_env.prompts.prompt_numbered) and the untrained-default-model line,
at every entry point that builds prompts or accepts the model name `default` (issue 24 items 4, 6).
The verifiers taskset and the verl export are tested with their packages in test_verifiers_env.py
and test_verl.py; nothing here builds a model."""

from __future__ import annotations

import json

import pytest

from agents import evaluate as evaluate_cli
from agents.default_model import DefaultModelSpec
from trace_env.prompts import DEFAULT_NUMBERED, default_model_note, load_prompt_options, prompt_numbered


def _model_dir(tmp_path, numbered: bool | None):
    path = tmp_path / f"final-{numbered}"
    path.mkdir()
    if numbered is not None:
        (path / "gsmtrace.json").write_text(json.dumps({"numbered": numbered}))
    return path


def test_the_rule_flag_then_saved_options_then_the_default(tmp_path):
    assert DEFAULT_NUMBERED is True and DefaultModelSpec().numbered is DEFAULT_NUMBERED   # what "default" is built with
    plain, pointer, bare = (_model_dir(tmp_path, v) for v in (False, True, None))
    assert prompt_numbered() is DEFAULT_NUMBERED                      # no model known (a server serving anyone)
    assert prompt_numbered(model=plain) is False and prompt_numbered(model=pointer) is True
    assert prompt_numbered(model=bare) is DEFAULT_NUMBERED            # a model without gsmtrace.json
    assert prompt_numbered(model="Qwen/Qwen2.5-0.5B-Instruct") is DEFAULT_NUMBERED
    assert prompt_numbered(True, model=plain) is True and prompt_numbered(False) is False   # a flag wins
    assert load_prompt_options(plain) == {"numbered": False}


def test_evaluator_prompt_form_and_the_untrained_line(tmp_path, monkeypatch, capsys):
    options = evaluate_cli._agent_options(evaluate_cli.parse_args(["--agent", "openai", "--model", "m", "--out", "x"]))
    assert options["numbered"] is DEFAULT_NUMBERED                    # was un-numbered before issue 24
    plain = str(_model_dir(tmp_path, False))
    options = evaluate_cli._agent_options(evaluate_cli.parse_args(["--agent", "openai", "--model", plain, "--out", "x"]))
    assert options["numbered"] is False
    hf = evaluate_cli._agent_options(evaluate_cli.parse_args(["--agent", "hf", "--model", plain, "--out", "x"]))
    assert hf["numbered"] is None                                     # HFAgent reads the model's gsmtrace.json

    def refuse(*args, **kwargs):                                      # stop before any model is built
        raise ValueError("stopped by the test")

    monkeypatch.setattr(evaluate_cli, "make_agent", refuse)
    argv = ["--agent", "hf", "--model", "default", "--source", "synthetic", "--n", "1", "--out", str(tmp_path / "o")]
    assert evaluate_cli.main(argv) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0] == default_model_note("default")
    assert "UNTRAINED" in err[0] and "python train_grpo.py ... --output_dir OUT" in err[0] and "--model OUT/final" in err[0]
    assert evaluate_cli.main([*argv[:3], plain, *argv[4:]]) == 2      # any other model: no such line
    assert "UNTRAINED" not in capsys.readouterr().err


def test_server_prompt_form_and_the_untrained_line(tmp_path, capsys):
    pytest.importorskip("openenv", reason="the server extra is not installed")
    from trace_env import serve
    from trace_env.server.environment import ServerConfig

    assert ServerConfig().numbered is DEFAULT_NUMBERED
    assert serve.build_parser().parse_args([]).numbered is None and serve.build_parser().parse_args(
        ["--no-numbered"]).numbered is False
    # --max-sessions 0 stops the server after the prompt form is resolved, before it listens
    assert serve.main(["--model", "default", "--max-sessions", "0"]) == 2
    err = capsys.readouterr().err
    assert default_model_note("default") in err and "max_sessions" in err
