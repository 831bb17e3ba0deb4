"""Serve a GSMTrace environment over HTTP and WebSocket with the OpenEnv protocol.

    python -m trace_env.serve --host 127.0.0.1 --port 8000
    python -m trace_env.serve --env GSMTraceRefine-v1 --max_turns 3 --preset hard
    python -m trace_env.serve --source data/gsm8k_test.jsonl --n 500

Needs the `server` extra (`pip install -e ".[server]"`: openenv, fastapi, uvicorn,
websockets). Protocol, flags, session semantics and limits: `docs/openenv.md`.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import sys
from typing import Any

from . import ENV_IDS
from .episode import OBSERVATION_MODES, REWARD_MODES
from .prompts import default_model_note, prompt_numbered

SERVER_EXTRA_HINT = 'the server needs the "server" extra: pip install -e ".[server]"'


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m trace_env.serve",
        description="Serve GSMTrace-v0, GSMTraceRefine-v1 or GSMTraceRefine-v0 with the OpenEnv protocol "
                    "(HTTP /reset /step /state /schema /health, WebSocket /ws).",
    )
    p.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000; 0 picks a free one)")
    p.add_argument("--env", dest="env_id", default="GSMTrace-v0", choices=ENV_IDS, help="environment id")
    g = p.add_argument_group("problems (the environment's own arguments)")
    g.add_argument("--source", default="synthetic",
                   help="'synthetic' (default), a GSM8K / problem-dict .jsonl path, or 'hf:openai/gsm8k'")
    g.add_argument("--n", type=int, default=None,
                   help="problems generated (synthetic, default 1000) or subset size (other sources)")
    g.add_argument("--source-seed", type=int, default=0, help="seed of generation / subset (default 0)")
    g.add_argument("--hub-split", default="test", help="split of a hub source (default test)")
    g.add_argument("--sample", default="random", choices=("random", "first"), help="subset selection")
    g.add_argument("--preset", default=None, help="generator preset (synthetic): easy, medium, hard, curriculum, ...")
    g.add_argument("--generator_config", "--generator-config", default=None, metavar="JSON",
                   help="generator keyword arguments as a JSON object (synthetic only)")
    r = p.add_argument_group("the refinement episode (GSMTraceRefine-v1/-v0; trace_env.episode.EpisodeConfig)")
    r.add_argument("--max_turns", "--max-turns", type=int, default=None, help="traces per episode (default 3)")
    r.add_argument("--reward_mode", "--reward-mode", default=None, choices=REWARD_MODES,
                   help="step reward (default delta)")
    r.add_argument("--observation", default=None, choices=OBSERVATION_MODES, help="refinement observation (default full)")
    r.add_argument("--reveal", action=argparse.BooleanOptionalAction, default=None,
                   help="feedback may say whether an answer is right and a wrong answer gets another turn; "
                        "--no-reveal: gold-free feedback, the episode ends at the first trace that runs (default: "
                        "the environment's, gold-free in v1, revealing in v0; unrelated to --reveal-labels)")
    o = p.add_argument_group("prompt")
    o.add_argument("--numbered", action=argparse.BooleanOptionalAction, default=None,
                   help="observation messages list the question's quantities (for init {ref: N}); default: "
                        "as --model's gsmtrace.json says, else numbered (trace_env.prompts.prompt_numbered)")
    o.add_argument("--model", default=None, metavar="DIR",
                   help="the trained model the clients will run (e.g. OUT/final): only its saved prompt form is "
                        "read; the server serves anyone and loads no model")
    o.add_argument("--reveal-labels", action="store_true",
                   help="observations carry the problem's expert label and pattern (off: the expert is graded)")
    s = p.add_argument_group("sessions and limits")
    s.add_argument("--session-ttl", type=float, default=600.0,
                   help="seconds an episode / session may stay idle before it expires (default 600)")
    s.add_argument("--max-sessions", type=int, default=128, help="concurrent WebSocket sessions (default 128)")
    s.add_argument("--max-episodes", type=int, default=4096,
                   help="HTTP episodes kept at once; the least recently used is evicted first (default 4096)")
    s.add_argument("--max-body-bytes", type=int, default=1 << 20,
                   help="largest HTTP body or WebSocket message in bytes (default 1048576)")
    s.add_argument("--max-connections", type=int, default=1024,
                   help="open connections before new ones get 503 (default 1024)")
    s.add_argument("--log-level", default="warning", choices=("critical", "error", "warning", "info", "debug"))
    return p


def env_kwargs_from_args(args: argparse.Namespace) -> dict[str, Any]:
    """The Gymnasium environment's keyword arguments from the parsed flags (raises ValueError)."""
    kwargs: dict[str, Any] = {"source": args.source, "source_seed": args.source_seed,
                              "hub_split": args.hub_split, "sample": args.sample}
    if args.n is not None:
        kwargs["n"] = args.n
    config: dict[str, Any] = {}
    if args.generator_config:
        try:
            config = json.loads(args.generator_config)
        except json.JSONDecodeError as err:
            raise ValueError(f"--generator_config is not JSON: {err}") from None
        if not isinstance(config, dict):
            raise ValueError("--generator_config must be a JSON object")
    if args.preset:
        config["preset"] = args.preset
    if config:
        kwargs["generator_config"] = config
    refine = {"max_turns": args.max_turns, "reward_mode": args.reward_mode, "observation": args.observation,
              "reveal": args.reveal}   # unset: the environment's default
    given = {k: v for k, v in refine.items() if v is not None}
    if given and not args.env_id.startswith("GSMTraceRefine"):
        raise ValueError(f"--{'/--'.join(given)} only apply to the refinement environments")
    kwargs.update(given)
    return kwargs


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        env_kwargs = env_kwargs_from_args(args)
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if note := default_model_note(args.model):
        print(note, file=sys.stderr)
    if os.environ.get("ENABLE_WEB_INTERFACE", "").lower() not in ("1", "true", "yes"):
        # OpenEnv imports gradio for its optional web UI; without the UI that is seconds of start-up
        # for nothing. A None entry makes `import gradio` fail fast, which OpenEnv tolerates.
        sys.modules.setdefault("gradio", None)  # type: ignore[arg-type]
    try:
        import uvicorn

        from .server.app import create_app
        from .server.environment import ServerConfig
    except ImportError as err:
        print(f"error: {err}; {SERVER_EXTRA_HINT}", file=sys.stderr)
        return 2
    try:
        config = ServerConfig(
            env_id=args.env_id, env_kwargs=env_kwargs, reveal_labels=args.reveal_labels,
            numbered=prompt_numbered(args.numbered, model=args.model),
            session_ttl_s=args.session_ttl, max_sessions=args.max_sessions,
            max_episodes=args.max_episodes, max_body_bytes=args.max_body_bytes,
        )
        app = create_app(config)
    except (ValueError, TypeError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    # IPPROTO_TCP, not 0: asyncio turns Nagle off (TCP_NODELAY) only on sockets whose proto says TCP, and
    # with Nagle on, a keep-alive HTTP answer written as headers + body stalls ~40 ms on the delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((args.host, args.port))
    except OSError as err:
        sock.close()
        print(f"error: cannot listen on {args.host}:{args.port}: {err.strerror or err}", file=sys.stderr)
        return 2
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if family == socket.AF_INET6 else host
    print(f"serving {config.env_id} (OpenEnv) on http://{shown}:{port} and ws://{shown}:{port}/ws", flush=True)
    server = uvicorn.Server(uvicorn.Config(
        app, log_level=args.log_level, ws_max_size=config.max_body_bytes,
        ws_per_message_deflate=False,   # messages are a few kB: compressing them cost more CPU (both ends) than it saves
        limit_concurrency=args.max_connections, timeout_keep_alive=30,
    ))
    server.run(sockets=[sock])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
