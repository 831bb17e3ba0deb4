"""The OpenEnv `Environment` that serves a GSMTrace Gymnasium environment, and its episode store.

One `ServerRuntime` per server process builds the Gymnasium environment once (the problems are
loaded or generated once) and hands every session a shallow copy with its own random generator,
so a session costs microseconds and a few kilobytes.

Two ways in, matching OpenEnv's two transports:

* WebSocket (`/ws`, what OpenEnv's clients use): OpenEnv creates one `GSMTraceEnvironment` per
  connection and routes every message of that connection to it; the episode lives on the
  instance.
* HTTP (`/reset`, `/step`): OpenEnv creates a fresh instance for every request, so an episode
  must outlive it. `reset` registers the episode in the runtime's `EpisodeStore` under its
  `episode_id` (returned in the observation) and `step` takes that `episode_id` back.

The store is bounded in time and count: an episode idle longer than the TTL expires, at most
`capacity` are kept (the least recently used goes first), and a finished episode is dropped at
once. A WebSocket session idle longer than the TTL refuses further messages (and OpenEnv's
reaper closes it within `max(TTL / 4, 5 s)` more).
"""

from __future__ import annotations

import asyncio
import contextvars
import math
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import gymnasium as gym
from gymnasium.error import ResetNeeded
from openenv.core.env_server.interfaces import Environment
from openenv.core.env_server.types import EnvironmentMetadata

from .. import ENV_IDS
from ..envs.base import ProblemPoolEnv
from ..prompts import DEFAULT_NUMBERED, build_messages, numbered_quantities
from .models import TraceAction, TraceObservation, TraceState

EPISODE_ID_MAX_CHARS = 255
RESET_ARGS = ("seed", "episode_id", "problem_id", "index")
# A trace up to this long is graded on the event loop itself (tens to hundreds of microseconds: a
# thread hop costs more); a longer one in a worker thread, so a slow grade (50,000 characters: up
# to ~10 ms, BENCHMARKS.md "Worst case") never holds up the other sessions' messages.
INLINE_TRACE_MAX_CHARS = 4096
# The transport of the request being served, set by the app's middleware: "websocket" (an OpenEnv
# session: its episode goes with it), "http" (one request: its episode outlives it) or None (in-process).
TRANSPORT: contextvars.ContextVar[str | None] = contextvars.ContextVar("gsmtrace_transport", default=None)


# ---------------------------------------------------------------------------------- errors

class RequestError(ValueError):
    """A client mistake. The HTTP app answers it with `status_code`; the WebSocket route sends
    OpenEnv's error message with the text."""

    status_code = 400
    code = "bad_request"


class UnknownEpisode(RequestError):
    status_code = 404
    code = "unknown_episode"


class EpisodeConflict(RequestError):
    status_code = 409
    code = "episode_conflict"


class SessionExpired(RequestError):
    status_code = 410
    code = "session_expired"


# ---------------------------------------------------------------------------------- config

@dataclass(frozen=True)
class ServerConfig:
    """Everything `python -m trace_env.serve` configures (see `docs/openenv.md`)."""

    env_id: str = "GSMTrace-v0"
    env_kwargs: Mapping[str, Any] = field(default_factory=dict)   # passed to the Gymnasium env
    numbered: bool = DEFAULT_NUMBERED  # `messages` list the question's quantities for `init {ref: N}`
    reveal_labels: bool = False        # observations carry the problem's expert label and pattern
    session_ttl_s: float = 600.0       # idle time after which an episode / session expires
    max_sessions: int = 128            # concurrent WebSocket sessions
    max_episodes: int = 4096           # HTTP episodes kept (least recently used evicted first)
    max_body_bytes: int = 1 << 20      # largest HTTP body / WebSocket message

    def __post_init__(self) -> None:
        if self.env_id not in ENV_IDS:
            raise ValueError(f"env_id must be one of {ENV_IDS}, got {self.env_id!r}")
        if not (self.session_ttl_s > 0 and math.isfinite(self.session_ttl_s)):
            raise ValueError(f"session_ttl_s must be a positive number, got {self.session_ttl_s!r}")
        for name in ("max_sessions", "max_episodes", "max_body_bytes"):
            if int(getattr(self, name)) < 1:
                raise ValueError(f"{name} must be >= 1, got {getattr(self, name)!r}")


# ---------------------------------------------------------------------------------- episodes

@dataclass(eq=False)
class Episode:
    id: str
    env: ProblemPoolEnv
    last_used: float
    lock: threading.Lock = field(default_factory=threading.Lock)
    done: bool = False
    retired: bool = False       # dropped from the store (finished, replaced, expired or evicted)
    withheld: float = 0.0       # step rewards held back mid-episode while labels are hidden


class EpisodeStore:
    """Thread-safe map episode_id -> Episode, ordered by last use, bounded by a TTL and a count."""

    def __init__(self, ttl_s: float, capacity: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl_s = float(ttl_s)
        self.capacity = int(capacity)
        self._clock = clock
        self._items: OrderedDict[str, Episode] = OrderedDict()
        self._lock = threading.Lock()
        self.expired = 0
        self.evicted = 0

    def __len__(self) -> int:
        return len(self._items)

    def _purge(self, now: float) -> None:
        while self._items:
            key, episode = next(iter(self._items.items()))
            if now - episode.last_used <= self.ttl_s:
                break
            del self._items[key]
            episode.retired = True
            self.expired += 1

    def put(self, episode: Episode) -> None:
        with self._lock:
            now = self._clock()
            self._purge(now)
            episode.last_used = now
            old = self._items.pop(episode.id, None)
            if old is not None and old is not episode:
                old.retired = True
            self._items[episode.id] = episode
            while len(self._items) > self.capacity:
                _, dropped = self._items.popitem(last=False)
                dropped.retired = True
                self.evicted += 1

    def get(self, episode_id: str) -> Episode:
        with self._lock:
            now = self._clock()
            self._purge(now)
            episode = self._items.get(episode_id)
            if episode is None:
                raise UnknownEpisode(
                    f"unknown episode_id {episode_id[:80]!r}: it never existed, finished, expired after "
                    f"{self.ttl_s:g} s idle, or was evicted (at most {self.capacity} are kept); call /reset"
                )
            episode.last_used = now
            self._items.move_to_end(episode_id)
            return episode

    def touch(self, episode: Episode) -> None:
        with self._lock:
            if self._items.get(episode.id) is episode:
                episode.last_used = self._clock()
                self._items.move_to_end(episode.id)

    def discard(self, episode: Episode) -> None:
        with self._lock:
            if self._items.get(episode.id) is episode:
                del self._items[episode.id]
            episode.retired = True


# ---------------------------------------------------------------------------------- runtime

class ServerRuntime:
    """Per-process state shared by every session: the template env, the store, the counters."""

    def __init__(self, config: ServerConfig, clock: Callable[[], float] = time.monotonic) -> None:
        self.config = config
        self.clock = clock
        spec = gym.spec(config.env_id)
        self.template: ProblemPoolEnv = spec.make(**dict(config.env_kwargs)).unwrapped
        self.max_turns = int(getattr(self.template, "max_turns", 1))
        self.store = EpisodeStore(config.session_ttl_s, config.max_episodes, clock)
        self._lock = threading.Lock()
        self.open_sessions = 0
        self.episodes_started = 0
        self.steps = 0

    def new_env(self, rng_from: ProblemPoolEnv | None = None) -> ProblemPoolEnv:
        """A copy of the template: problems and spaces shared, episode state and RNG its own."""
        return self.template.spawn(rng_from)

    def count(self, *, sessions: int = 0, episodes: int = 0, steps: int = 0) -> None:
        with self._lock:
            self.open_sessions += sessions
            self.episodes_started += episodes
            self.steps += steps

    def stats(self) -> dict[str, Any]:
        return {
            "env_id": self.config.env_id,
            "open_sessions": self.open_sessions,
            "stored_episodes": len(self.store),
            "episodes_started": self.episodes_started,
            "steps": self.steps,
            "expired_episodes": self.store.expired,
            "evicted_episodes": self.store.evicted,
            "session_ttl_s": self.config.session_ttl_s,
            "max_sessions": self.config.max_sessions,
            "max_episodes": self.config.max_episodes,
        }


# ---------------------------------------------------------------------------------- environment

def _check_int(name: str, value: Any, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise RequestError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return value


class GSMTraceEnvironment(Environment[TraceAction, TraceObservation, TraceState]):
    """A GSMTrace Gymnasium environment behind OpenEnv's `Environment` interface.

    `reset(seed=None, episode_id=None, problem_id=None, index=None)`: `seed` reseeds the
    session's generator (a seeded reset always serves the same problem); `problem_id` or `index`
    name the problem; `episode_id` names the episode (default: a fresh random id; reusing a live
    id restarts that episode). `step(action, episode_id=None)`: the WebSocket session's own
    episode, or over HTTP the episode named by `episode_id`.
    """

    SUPPORTS_CONCURRENT_SESSIONS = True

    def __init__(self, runtime: ServerRuntime) -> None:
        super().__init__()
        self._runtime = runtime
        self._episode: Episode | None = None
        self._owns_episode = False      # a WebSocket session (reset over /ws, or stepped its own episode)
        self._closed = False
        self._last_active = runtime.clock()
        runtime.count(sessions=1)

    # ---------------------------------------------------------------- helpers

    def _check_alive(self) -> None:
        now = self._runtime.clock()
        if self._closed:
            raise SessionExpired("this session has expired (idle too long) or was shut down: open a new one")
        if now - self._last_active > self._runtime.config.session_ttl_s:
            self.close()
            raise SessionExpired(
                f"this session expired after {self._runtime.config.session_ttl_s:g} s idle: open a new one"
            )
        self._last_active = now

    def _observation(
        self, episode: Episode, text: str, info: Mapping[str, Any], *,
        reward: float | None = None, terminated: bool = False, truncated: bool = False,
    ) -> TraceObservation:
        outcome = info.get("outcome")
        config = self._runtime.config
        messages = build_messages(text)
        if config.numbered:   # the question's quantities (not those of an echoed trace), as the prompts number them
            listing = numbered_quantities(episode.env.problem.question)
            if listing:
                messages[-1]["content"] += f"\n\nQuantities:\n{listing}"
        labels = config.reveal_labels
        return TraceObservation(
            text=text,
            messages=messages,
            episode_id=episode.id,
            env_id=self._runtime.config.env_id,
            problem_id=info.get("problem_id"),
            expert=info.get("expert") if labels else None,
            pattern=info.get("pattern") if labels else None,
            source=info.get("source"),
            chain_length=info.get("chain_length"),
            turn=int(info.get("turn", 0)),
            max_turns=self._runtime.max_turns,
            terminated=terminated,
            truncated=truncated,
            category=info.get("category"),
            correct=info.get("correct"),
            trace_reward=info.get("trace_reward"),
            best_reward=info.get("best_reward", info.get("trace_reward")),
            outcome=dict(outcome) if outcome is not None else None,
            reward=reward,
            done=terminated or truncated,
        )

    # ---------------------------------------------------------------- OpenEnv interface

    def reset(
        self,
        seed: int | None = None,
        episode_id: str | None = None,
        problem_id: str | None = None,
        index: int | None = None,
        **kwargs: Any,
    ) -> TraceObservation:
        self._check_alive()
        if kwargs:
            raise RequestError(f"unknown reset argument(s) {sorted(kwargs)}; accepted: {', '.join(RESET_ARGS)}")
        if seed is not None:
            seed = _check_int("seed", seed)
        if index is not None:
            index = _check_int("index", index)
        if problem_id is not None and not isinstance(problem_id, str):
            raise RequestError(f"problem_id must be a string, got {problem_id!r}")
        if episode_id is None:
            episode_id = uuid.uuid4().hex
        elif not isinstance(episode_id, str) or not 0 < len(episode_id) <= EPISODE_ID_MAX_CHARS:
            raise RequestError(f"episode_id must be a string of 1-{EPISODE_ID_MAX_CHARS} characters")
        runtime = self._runtime
        previous = self._episode
        env = runtime.new_env(rng_from=previous.env if previous is not None else None)
        options = {"problem_id": problem_id, "index": index}
        try:
            text, info = env.reset(seed=seed, options={k: v for k, v in options.items() if v is not None})
        except ValueError as err:   # unknown problem_id, index out of range
            raise RequestError(str(err)) from None
        if previous is not None:
            runtime.store.discard(previous)
        episode = Episode(id=episode_id, env=env, last_used=runtime.clock())
        runtime.store.put(episode)
        self._episode = episode
        if TRANSPORT.get() == "websocket":
            self._owns_episode = True
        runtime.count(episodes=1)
        return self._observation(episode, text, info)

    def step(
        self,
        action: TraceAction,
        timeout_s: float | None = None,
        episode_id: str | None = None,
        request_id: str | None = None,
        **kwargs: Any,
    ) -> TraceObservation:
        self._check_alive()
        if kwargs:
            raise RequestError(f"unknown step argument(s) {sorted(kwargs)}; accepted: action, episode_id")
        runtime = self._runtime
        if episode_id is not None:
            if not isinstance(episode_id, str):
                raise RequestError(f"episode_id must be a string, got {episode_id!r}")
            episode = runtime.store.get(episode_id)
        elif self._episode is not None:
            episode = self._episode
            self._owns_episode = True
        else:
            raise EpisodeConflict(
                "no episode to step: call reset first (over HTTP, send the episode_id that /reset returned)"
            )
        with episode.lock:
            if episode.done:
                raise EpisodeConflict("this episode is over: call reset for a new one")
            if episode.retired and episode is not self._episode:
                raise UnknownEpisode(f"episode {episode.id[:80]!r} was replaced, expired or evicted: call reset")
            try:
                text, reward, terminated, truncated, info = episode.env.step(action.trace)
            except ResetNeeded as err:
                raise EpisodeConflict(str(err)) from None
            if terminated or truncated:
                episode.done = True
                runtime.store.discard(episode)
            else:
                runtime.store.touch(episode)
        runtime.count(steps=1)
        if not runtime.config.reveal_labels and not (terminated or truncated):
            # Mid-episode, with labels hidden: only what a solver tells without gold or label (does
            # the trace run?). The grade, its category and the step reward would say whether the
            # expert label or the answer was right (0.3 against 0.5); the reward is paid with the
            # last step instead, so the episode's return is unchanged.
            episode.withheld += float(reward)
            seen = info["checked"]
            info = {**info, "outcome": seen, "category": seen["category"], "correct": None,
                    "trace_reward": None, "best_reward": None}
            return self._observation(episode, text, info, reward=None)
        reward, episode.withheld = float(reward) + episode.withheld, 0.0
        return self._observation(
            episode, text, info, reward=reward, terminated=bool(terminated), truncated=bool(truncated)
        )

    # OpenEnv awaits these when an environment overrides them, instead of running `reset` / `step` in
    # a worker thread per message (WebSocket: the session's own thread; HTTP: a shared pool). The
    # hop, not the work, was the larger part of a message's cost (docs/openenv.md, "Throughput").
    # OpenEnv passes them every argument their signature admits (all: **kwargs); `reset` and `step`
    # check them. A long trace goes to a thread, so its grading cannot hold up the other sessions.
    async def reset_async(self, **kwargs: Any) -> TraceObservation:
        return self.reset(**kwargs)

    async def step_async(self, action: TraceAction, **kwargs: Any) -> TraceObservation:
        if len(action.trace) <= INLINE_TRACE_MAX_CHARS:
            return self.step(action, **kwargs)
        return await asyncio.to_thread(self.step, action, **kwargs)

    @property
    def state(self) -> TraceState:
        episode = self._episode
        if episode is None:
            return TraceState(env_id=self._runtime.config.env_id)
        problem = episode.env.problem
        return TraceState(
            episode_id=episode.id,
            step_count=episode.env.turn,
            env_id=self._runtime.config.env_id,
            problem_id=problem.id if problem is not None else None,
            done=episode.done,
        )

    def get_metadata(self) -> EnvironmentMetadata:
        env_id = self._runtime.config.env_id
        return EnvironmentMetadata(
            name=env_id,
            description=(
                "GSMTrace: write a YAML trace (an expert and steps) for a grade-school math word problem; "
                "a deterministic solver executes it and grades it 1.0 correct / 0.7 wrong answer / "
                "0.5 invalid / 0.3 wrong expert / 0.0 no trace."
                + (f" {env_id} returns the solver's feedback and allows revisions." if "Refine" in env_id else "")
            ),
            version="0.1.0",
            documentation_url="docs/openenv.md",
        )

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._runtime.count(sessions=-1)
        # A WebSocket session's unfinished episode goes with it, stepped or not. (An HTTP /reset
        # instance is closed right after the request, but its episode must stay reachable by episode_id.)
        if self._owns_episode and self._episode is not None:
            self._runtime.store.discard(self._episode)
