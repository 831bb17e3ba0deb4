"""generate(): items as pure functions of (seed, index, config), each verified by the solver."""

from __future__ import annotations

import hashlib
import random
from fractions import Fraction
from typing import Any

from solver import format_number, format_trace, grade
from solver.numbers import is_terminating

from .builder import Composition, Reject
from .config import GeneratorConfig
from .configure import make_config
from .context import Ctx, Draft
from .numbers import canonical_answer, decimal_places, digits_of
from .patterns._phrasings import GRAMMAR, NOOP_CHOICE
from .problem import Problem
from .refs import ReadingOrderError, match_inits, rewrite
from .registry import PATTERNS, PatternSpec
from .render import add_distractors, fill
from .select import allowed_phrasings, candidate_patterns, choose, held_family
from .wording import SEEN_ONLY_MODES, Wording, WordingError

MAX_ATTEMPTS = 60


class GenerationError(RuntimeError):
    """A gold trace failed verification, or a pattern could not produce a valid item."""


def _rng(*parts: object) -> random.Random:
    digest = hashlib.blake2b(":".join(map(str, parts)).encode(), digest_size=8).digest()
    return random.Random(int.from_bytes(digest, "big"))


def generate(n: int, seed: int = 0, *, start: int = 0, preset: str | None = None,
             config: GeneratorConfig | None = None, **overrides: Any) -> list[Problem]:
    """Items start..start+n-1 for `seed`. Each is a pure function of (seed, index, config).

    Config comes from `preset=` (see PRESETS) or `config=`, plus keyword overrides of any
    GeneratorConfig field. Every gold trace is graded by the solver against its question
    and must score 1.0, otherwise GenerationError is raised.
    """
    if not isinstance(n, int) or n < 0:
        raise ValueError(f"n must be a non-negative int, got {n!r}")
    if not isinstance(seed, int) or not isinstance(start, int) or start < 0:
        raise ValueError("seed must be an int and start a non-negative int")
    cfg = make_config(preset=preset, config=config, **overrides)
    return [generate_one(seed, i, cfg) for i in range(start, start + n)]


def generate_one(seed: int, index: int, cfg: GeneratorConfig | None = None) -> Problem:
    """The item at `index` for `seed` under `cfg` (validated by the caller or here).

    Numbers are drawn again (attempt 1, 2, ...) while a draw is degenerate: an answer that breaks
    the config's rules, or a gold trace the solver does not grade 1.0 with its question (gives 9,
    then loses 9: the answer is a given number). A builder bug fails every attempt and raises
    GenerationError with the last reason."""
    if cfg is None:
        cfg = make_config()
    diff, level = cfg.difficulty_at(index)
    key = (cfg.namespace, seed, index)
    spec = choose(_rng(*key, "pattern"), candidate_patterns(cfg, diff))
    last: Exception | None = None
    for attempt in range(MAX_ATTEMPTS):
        # the wording is drawn again with the numbers: an order of clauses that the solver cannot
        # ground (a pronoun before its name) is rejected like a degenerate draw
        try:
            return _attempt(spec, key, cfg, diff, level, _wording(spec, key, cfg, attempt), attempt)
        except Reject as err:
            last = err
    raise GenerationError(f"pattern {spec.name} found no valid numbers in {MAX_ATTEMPTS} tries for {key}: {last}")


def wording_of(seed: int, index: int, cfg: GeneratorConfig | None = None) -> Wording:
    """The wording (template text before its slots are filled) that item `index` of `seed` under
    `cfg` was written from: the draws of `generate_one` replayed up to the attempt that succeeded."""
    cfg = cfg or make_config()
    problem = generate_one(seed, index, cfg)
    key = (cfg.namespace, seed, index)
    for attempt in range(MAX_ATTEMPTS):
        wording = _wording(PATTERNS[problem.pattern], key, cfg, attempt)
        if wording.key == problem.difficulty["wording"]:
            return wording
    raise GenerationError(f"no attempt of {key} drew the wording {problem.difficulty['wording']}")


def _wording(spec: PatternSpec, key: tuple, cfg: GeneratorConfig, attempt: int) -> Wording:
    """The wording attempt `attempt` of item `key` draws (a pure function of them and the config)."""
    try:
        return GRAMMAR.draw(spec.name, cfg.wording, _rng(*key, "wording", attempt), held_family(spec.name),
                            allowed_phrasings(spec, cfg))
    except WordingError as err:
        raise GenerationError(str(err)) from None


def _attempt(spec: PatternSpec, key: tuple, cfg: GeneratorConfig, diff, level: int | None, wording: Wording,
             attempt: int) -> Problem:
    ctx = Ctx(_rng(*key, "numbers", attempt), _rng(*key, "render", attempt), cfg, diff, wording.template)
    draft = spec.build(ctx)
    _check_answer(draft, cfg)
    question = fill(wording.text, draft.slots)
    answer_value = draft.trace.answer
    extra = _distractor_count(cfg, _rng(*key, "distractor"))
    if extra:
        used = _trace_numbers(draft)
        names = [n for n in ctx.names if n in question]
        text_rng = _rng(*key, "distractor-text", attempt)
        seen_only = cfg.wording in SEEN_ONLY_MODES
        question = add_distractors(question, extra, lambda: GRAMMAR.realise(NOOP_CHOICE, text_rng, seen_only),
                                   text_rng, names, used, draft.slots)
    data = draft.trace.data()
    try:  # a wording whose free order put the numbers out of the trace's reading order: draw again
        match_inits(data, question)
    except ReadingOrderError as err:
        raise Reject(str(err)) from None
    namespace, seed, index = key
    problem_id = f"synthetic-{seed}-{index}" if namespace == "train" else f"synthetic-{namespace}-{seed}-{index}"
    try:  # the value form decides whether the draw stands, so `refs` changes only the trace
        trace_text = verify(data, answer_value, spec, question, problem_id)
    except GenerationError as err:
        raise Reject(str(err)) from None
    pointed = rewrite(data, question, answer_value) if cfg.refs else None
    if pointed:  # the pointer form: `rewrite` returns it (formatted) only where it grades correct as the same program
        data, trace_text = pointed
    difficulty = {
        "steps": _count_steps(data),
        "experts": spec.n_experts,
        "magnitude": max((digits_of(v) for v in _trace_numbers(draft, raw=True, inits_only=True)), default=1),
        "level": level if level is not None else 0,
        "phrasing": wording.template,
        "wording": wording.key,
        "held_parts": wording.held_parts,
        "distractors": extra,
    }
    return Problem(
        id=problem_id, question=question, answer=canonical_answer(answer_value), expert=spec.expert,
        pattern=spec.name, trace=trace_text, trace_data=data, difficulty=difficulty, source="synthetic",
    )


def _check_answer(draft: Draft, cfg: GeneratorConfig) -> None:
    ans = draft.trace.answer
    if ans is None:
        raise GenerationError("pattern returned a trace without a query")
    if ans <= 0:
        raise Reject("answer must be positive")
    if cfg.integer_answers and ans.denominator != 1:
        raise Reject("answer is not whole")
    if not is_terminating(ans) or decimal_places(ans) > 2:
        raise Reject("answer needs more than two decimal places")


def _distractor_count(cfg: GeneratorConfig, rng: random.Random) -> int:
    count = 0
    while count < cfg.max_distractors and rng.random() < cfg.distractors:
        count += 1
    return count


def _is_number(x: Any) -> bool:
    return not (isinstance(x, str) and (x[:1].isalpha() or x[:1] == "_"))


def _trace_numbers(draft: Draft, raw: bool = False, inits_only: bool = False) -> set:
    """Literal numbers of the trace (canonical text, or values with raw=True); with inits_only
    just the question's numbers (init values), not constants used in computes."""
    parts = draft.trace.parts if isinstance(draft.trace, Composition) else [draft.trace]
    vals: list[Any] = []
    for part in parts:
        for step in part.steps:
            keys = ("value",) if inits_only else ("value", "base", "rate", "amount")
            vals.extend(step[k] for k in keys if k in step and _is_number(step[k]))
            if not inits_only:
                vals.extend(a for a in step.get("args", []) if _is_number(a))
    if raw:
        return {Fraction(v) for v in vals}
    return {format_number(Fraction(v)) for v in vals}


def _count_steps(data: dict | list) -> int:
    parts = data if isinstance(data, list) else [data]
    return sum(len(p["trace"]) for p in parts)


def verify(data: dict | list, answer: Fraction, spec: PatternSpec, question: str, item: str) -> str:
    """Format the gold trace with the solver and grade it; anything but 1.0 raises."""
    text = format_trace(data)
    outcome = grade(text, answer, expert=spec.expert, question=question)
    if outcome.reward != 1.0:
        raise GenerationError(
            f"gold trace for {item} (pattern {spec.name}) graded {outcome.reward} "
            f"({outcome.category}: {outcome.error}; step {outcome.step}, sub-trace {outcome.subtrace}; "
            f"solver answer {outcome.answer}, expected {format_number(answer)})\nquestion: {question}\ntrace:\n{text}"
        )
    if outcome.answer is not None and outcome.answer != answer:
        raise GenerationError(f"solver answer {outcome.answer} != builder answer {answer} for {item}")
    return text
