"""The evaluation command line: build an agent by name, run it on a problem source, write the report.

    python -m agents.evaluate --agent random --source synthetic --n 200 --out runs/eval-random
    gsmtrace-evaluate --agent oracle --source synthetic --n 1000 --out runs/eval-oracle

writes `report.json`, `report.md`, `report.png` and `samples.jsonl` (one graded output per
problem); see docs/evaluation.md. The evaluation itself is `trace_env.evaluate.evaluate`; this
module sits above it because it builds agents.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

from trace_env.episode import SINGLE_TURN, EpisodeConfig
from trace_env.evaluate import evaluate, write_report
from trace_env.prompts import default_model_note, prompt_numbered
from trace_env.sources import describe, load_source

from .registry import make_agent


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m agents.evaluate", description=__doc__.split("\n\n")[0])
    p.add_argument("--agent", required=True, help="a registered agent: oracle | random | hf | openai | ...")
    p.add_argument("--model", help="hf: hub id, local path (a trained OUT/final) or 'default' (built untrained); "
                                    "openai: the served model name")
    p.add_argument("--base-url", help="openai: API root, e.g. http://127.0.0.1:8000/v1")
    p.add_argument("--api-key-env", default="OPENAI_API_KEY", help="openai: env var holding the key")
    p.add_argument("--source", default="synthetic", help="synthetic | path/to/file.jsonl | hf:openai/gsm8k")
    p.add_argument("--hub-split", default="test", help="split of a hub source (default test)")
    p.add_argument("--n", type=int, default=200, help="problems (generated, or a subset of the source)")
    p.add_argument("--sample", choices=("random", "first"), default="random", help="subset: seeded random or first n")
    p.add_argument("--seed", type=int, default=0, help="seeds generation, subset choice and the random agent")
    p.add_argument("--generator_config", "--generator-config", default=None,
                   help="synthetic: JSON object of generator options")
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--max_turns", "--max-turns", type=int, default=SINGLE_TURN,
                   help="traces per problem (default 1); >1 feeds solver feedback back (GSMTraceRefine-v1)")
    p.add_argument("--reveal", action="store_true",
                   help="with --max_turns > 1: let the feedback say whether an answer is right and give a wrong "
                        "answer another turn (default: gold-free, the test-time protocol: feedback only for "
                        "a trace that does not run, and an episode ends at its first trace that runs)")
    p.add_argument("--numbered", action=argparse.BooleanOptionalAction, default=None,
                   help="list numbered quantities in the prompt (default: as saved with the model in its "
                        "gsmtrace.json, else numbered: trace_env.prompts.prompt_numbered)")
    p.add_argument("--max-new-tokens", type=int, default=768)
    p.add_argument("--temperature", type=float, default=None,
                   help="decoding temperature (default greedy); with --samples, the sampling temperature "
                        "(default 1.0) while the headline pass stays greedy")
    p.add_argument("--samples", type=int, default=0,
                   help="K > 0: also draw K traces per problem and report pass@k, maj@K and mean@K")
    p.add_argument("--restrict-refs", action="store_true",
                   help="hf, pointer mode: never decode a `ref: N` outside the question's numbered quantities")
    p.add_argument("--device", default=None, help="hf: cuda / cpu (default: cuda when available)")
    p.add_argument("--concurrency", type=int, default=8, help="openai: parallel requests")
    p.add_argument("--out", required=True, help="output directory")
    p.add_argument("--no-progress", action="store_true")
    return p.parse_args(argv)


def _agent_options(args: argparse.Namespace) -> dict[str, Any]:
    agent = args.agent.strip().lower()
    decoding = 0.0 if args.samples or args.temperature is None else args.temperature  # greedy headline
    if agent == "hf":
        return {"numbered": args.numbered, "max_new_tokens": args.max_new_tokens, "batch_size": args.batch_size,
                "temperature": decoding, "device": args.device, "restrict_refs": args.restrict_refs}
    if agent == "openai":
        return {"numbered": prompt_numbered(args.numbered, model=args.model), "max_tokens": args.max_new_tokens, "temperature": decoding,
                "concurrency": args.concurrency, "api_key_env": args.api_key_env}
    return {}


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.agent.strip().lower() == "hf" and (note := default_model_note(args.model)):
        print(note, file=sys.stderr)
    try:
        config = json.loads(args.generator_config) if args.generator_config else None
        episode = EpisodeConfig(max_turns=args.max_turns, reveal=args.reveal)
        problems = load_source(args.source, n=args.n, seed=args.seed, hub_split=args.hub_split, sample=args.sample,
                               config=config)
        policy = make_agent(args.agent, problems=problems, model=args.model, base_url=args.base_url,
                            seed=args.seed, **_agent_options(args))
    except (ValueError, OSError) as err:  # SourceError is a ValueError; json errors too
        print(f"error: {err}", file=sys.stderr)
        return 2
    sampling_temperature = 1.0 if args.temperature is None else args.temperature
    try:
        report = evaluate(policy, problems, batch_size=args.batch_size, episode=episode,
                          progress=not args.no_progress, seed=args.seed, source=describe(args.source),
                          model=args.model, keep_samples=True, samples=args.samples,
                          temperature=sampling_temperature)
    except ValueError as err:  # e.g. --samples with a policy that cannot sample
        print(f"error: {err}", file=sys.stderr)
        return 2
    paths = write_report(report, args.out)
    lo, hi = report["ci95"]
    print(f"{report['meta']['agent']}: accuracy {report['accuracy']:.1%} (95% CI {lo:.1%}-{hi:.1%}), "
          f"n={report['n']}, parse {report['rates']['parse']:.1%}, valid {report['rates']['valid']:.1%}")
    if "sampling" in report:
        s = report["sampling"]
        print(f"sampling K={s['k']} T={s['temperature']}: pass@{s['k']} {s['pass_at'][str(s['k'])]:.1%}, "
              f"maj@{s['k']} {s['maj_at_k']:.1%}, mean@{s['k']} {s['mean_at_k']:.1%}, "
              f"distinct {s['distinct_mean']:.1f}/{s['k']}")
    print(f"wrote {', '.join(str(p) for p in paths.values())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
