"""Load test of the GSMTrace OpenEnv server (`python -m trace_env.serve`), on loopback only.

Starts one server process on 127.0.0.1 (a free port), then runs `--clients` concurrent clients
in this process (asyncio), each playing `--episodes` episodes: reset, then step(s) with oracle
traces (correct, 1.0), random well-formed traces (`agents.RandomAgent`), or a mix, until the
episode is done. Over WebSocket (OpenEnv's own client, one session per client, the default) or
plain HTTP (`/reset`, then `/step` with the episode_id).

Reports episodes per second, reset and step latency (p50/p99, milliseconds, as the client sees
it), errors (goal: none), oracle steps that did not score 1.0 (goal: none), and the server's
resident memory (RSS) before the load, after the first tenth of it, at its peak and at the end
(goal: flat), with the server's own counters.

Each figure is also given as a ratio to a bare in-process loop measured in the same run, before
the server starts: the same policy stepping the same Gymnasium environment (`gym.make(--env,
n=--n)`) in this process, one episode after another (`in_process`, `--baseline-seconds`). On a
shared machine the absolute figures move with the load; the ratio is what compares runs.

Bounded: at most 256 clients and 10,000 episodes per client, and `--max-seconds` (default 900)
after which no new episode starts; the server is stopped at the end whatever happens.

    python bench/serve_load.py                                   # 32 clients x 1,000 episodes
    python bench/serve_load.py --env GSMTraceRefine-v1 --policy mixed
    python bench/serve_load.py --clients 4 --episodes 50 --transport http
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ipaddress
import json
import os
import platform
import random
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MAX_CLIENTS = 256
MAX_EPISODES = 10_000
POLICIES = ("oracle", "random", "mixed")


# ---------------------------------------------------------------------------------- server

def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def check_loopback(url: str) -> str:
    host = urlsplit(url).hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise SystemExit(f"refusing {url!r}: the load test only targets a server on this machine (loopback)")
    return url.rstrip("/")


def rss_bytes(pid: int) -> int | None:
    """Resident set size of a process (Linux /proc), or None where unavailable."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process so far (Linux /proc), or None where unavailable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def get_json(url: str, timeout: float = 5.0) -> Any:
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (loopback only)
        return json.loads(response.read())


def wait_healthy(url: str, proc: subprocess.Popen | None, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"the server exited with code {proc.returncode} before it was healthy")
        with contextlib.suppress(OSError, ValueError):
            if get_json(f"{url}/health", timeout=2.0).get("status") == "healthy":
                return
        time.sleep(0.2)
    raise TimeoutError(f"no healthy server at {url} after {timeout:.0f} s")


def start_server(args: list[str], port: int, log_path: Path | None = None) -> subprocess.Popen:
    """`python -m trace_env.serve` on 127.0.0.1:port with extra flags; output to a log file or /dev/null."""
    out = open(log_path, "wb") if log_path else subprocess.DEVNULL  # noqa: SIM115 (closed with the process)
    return subprocess.Popen(
        [sys.executable, "-m", "trace_env.serve", "--host", "127.0.0.1", "--port", str(port), *args],
        cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
    )


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


# ---------------------------------------------------------------------------------- clients

class Traces:
    """Picks the trace for an observation: the oracle's, a random one, or either (mixed)."""

    def __init__(self, policy: str, problems: list[Any], seed: int) -> None:
        from agents import OracleAgent, RandomAgent

        self.policy = policy
        self.oracle = OracleAgent(problems)
        self.random = RandomAgent(seed=seed)
        self.rng = random.Random(seed)

    def pick(self, text: str) -> tuple[str, bool]:
        """(trace, is_oracle)."""
        use_oracle = self.policy == "oracle" or (self.policy == "mixed" and self.rng.random() < 0.5)
        if use_oracle:
            return self.oracle.trace_for(text), True
        return self.random.act([text])[0], False


class Tally:
    def __init__(self, keep: int = 5) -> None:
        self.episodes = 0
        self.steps = 0
        self.reset_ms: list[float] = []
        self.step_ms: list[float] = []
        self.errors = 0
        self.error_samples: list[str] = []
        self.oracle_steps = 0
        self.oracle_not_correct = 0
        self.reward_sum = 0.0
        self.keep = keep

    def error(self, err: BaseException) -> None:
        self.errors += 1
        if len(self.error_samples) < self.keep:
            self.error_samples.append(f"{type(err).__name__}: {str(err)[:200]}")


class WSDriver:
    """One OpenEnv WebSocket session (the project's typed `GSMTraceClient`)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.client: Any = None

    async def open(self) -> None:
        from trace_env.server.client import GSMTraceClient

        self.client = GSMTraceClient(base_url=self.url, message_timeout_s=60.0)
        await self.client.connect()

    async def reset(self) -> tuple[str, str | None]:
        result = await self.client.reset()
        return result.observation.text, result.observation.episode_id

    async def step(self, trace: str, episode_id: str | None) -> tuple[str, float, bool, float | None]:
        result = await self.client.step(trace)
        obs = result.observation
        return obs.text, float(result.reward or 0.0), bool(result.done), obs.trace_reward

    async def close(self) -> None:
        if self.client is not None:
            with contextlib.suppress(Exception):
                await self.client.close()


class HTTPDriver:
    """Plain HTTP: POST /reset, then POST /step with the episode_id (httpx, keep-alive)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.http: Any = None

    async def open(self) -> None:
        import httpx

        self.http = httpx.AsyncClient(base_url=self.url, timeout=60.0, trust_env=False)

    async def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = await self.http.post(path, json=body)
        if response.status_code != 200:
            raise RuntimeError(f"{path} -> HTTP {response.status_code}: {response.text[:200]}")
        return response.json()

    async def reset(self) -> tuple[str, str | None]:
        data = await self._post("/reset", {})
        return data["observation"]["text"], data["observation"]["episode_id"]

    async def step(self, trace: str, episode_id: str | None) -> tuple[str, float, bool, float | None]:
        data = await self._post("/step", {"action": {"trace": trace}, "episode_id": episode_id})
        obs = data["observation"]
        return obs["text"], float(data.get("reward") or 0.0), bool(data.get("done")), obs.get("trace_reward")

    async def close(self) -> None:
        if self.http is not None:
            await self.http.aclose()


async def client_loop(driver: Any, traces: Traces, episodes: int, deadline: float, tally: Tally,
                      max_steps: int = 16) -> None:
    try:
        await driver.open()
    except Exception as err:  # noqa: BLE001 (every failure is a counted error)
        tally.error(err)
        return
    try:
        for _ in range(episodes):
            if time.monotonic() > deadline:
                break
            try:
                t0 = time.perf_counter()
                text, episode_id = await driver.reset()
                tally.reset_ms.append((time.perf_counter() - t0) * 1000)
                done = False
                for _ in range(max_steps):
                    trace, is_oracle = traces.pick(text)
                    t0 = time.perf_counter()
                    text, reward, done, grade = await driver.step(trace, episode_id)
                    tally.step_ms.append((time.perf_counter() - t0) * 1000)
                    tally.steps += 1
                    tally.reward_sum += reward
                    if is_oracle:
                        tally.oracle_steps += 1
                        tally.oracle_not_correct += grade != 1.0
                    if done:
                        break
                if not done:
                    raise RuntimeError(f"episode not done after {max_steps} steps")
                tally.episodes += 1
            except Exception as err:  # noqa: BLE001
                tally.error(err)
                if isinstance(driver, WSDriver):   # a broken connection: start a fresh session
                    await driver.close()
                    with contextlib.suppress(Exception):
                        await driver.open()
    finally:
        await driver.close()


def in_process_loop(env_id: str, n: int, policy: str, problems: list[Any], *, seconds: float = 10.0,
                    seed: int = 0, max_steps: int = 16) -> dict[str, Any]:
    """The baseline: the same policy stepping the same Gymnasium env in this process, no server."""
    import gymnasium as gym

    import trace_env  # noqa: F401  (registers the ids)

    env = gym.make(env_id, n=n)
    traces = Traces(policy, problems, seed)
    steps = episodes = 0
    step_s: list[float] = []
    start = time.perf_counter()
    deadline = start + seconds
    while time.perf_counter() < deadline:
        text, _ = env.reset()
        for _ in range(max_steps):
            trace, _ = traces.pick(text)
            t0 = time.perf_counter()
            text, _, terminated, truncated, _ = env.step(trace)
            step_s.append((time.perf_counter() - t0) * 1000)
            steps += 1
            if terminated or truncated:
                break
        episodes += 1
    elapsed = time.perf_counter() - start
    env.close()
    return {"seconds": round(elapsed, 1), "episodes": episodes, "steps": steps,
            "episodes_per_s": round(episodes / elapsed, 1), "steps_per_s": round(steps / elapsed, 1),
            "step_ms_p50": percentile(step_s, 0.50), "step_ms_p99": percentile(step_s, 0.99)}


def add_ratios(result: dict[str, Any], base: dict[str, Any]) -> dict[str, Any]:
    """Server figures over the in-process loop's: throughput (higher is better, 1.0 = no overhead), and
    the server's CPU per step over the loop's wall time per step (a cost: 1.0 = the env's own work)."""
    def ratio(a: float | None, b: float | None) -> float | None:
        return round(a / b, 3) if a and b else None

    loop_ms_per_step = 1000 / base["steps_per_s"] if base["steps_per_s"] else None
    return {"steps_per_s": ratio(result["steps_per_s"], base["steps_per_s"]),
            "episodes_per_s": ratio(result["episodes_per_s"], base["episodes_per_s"]),
            "server_cpu_per_step": ratio(result.get("server_cpu_ms_per_step"), loop_ms_per_step)}


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2)


async def run_load(url: str, *, clients: int, episodes: int, policy: str, problems: list[Any],
                   transport: str = "ws", max_seconds: float = 900.0, seed: int = 0,
                   server_pid: int | None = None, sample_every_s: float = 0.5) -> dict[str, Any]:
    """Run the load against a healthy server at `url` and return the figures."""
    if not 1 <= clients <= MAX_CLIENTS or not 1 <= episodes <= MAX_EPISODES:
        raise ValueError(f"clients must be 1-{MAX_CLIENTS} and episodes 1-{MAX_EPISODES}")
    if policy not in POLICIES:
        raise ValueError(f"policy must be one of {POLICIES}")
    url = check_loopback(url)
    driver_cls = {"ws": WSDriver, "http": HTTPDriver}[transport]
    tallies = [Tally() for _ in range(clients)]
    total = clients * episodes
    rss = {"start": rss_bytes(server_pid) if server_pid else None, "after_first_tenth": None, "peak": None}

    async def sample_rss() -> None:
        while True:
            await asyncio.sleep(sample_every_s)
            value = rss_bytes(server_pid) if server_pid else None
            if value is None:
                continue
            rss["peak"] = max(rss["peak"] or 0, value)
            if rss["after_first_tenth"] is None and sum(t.episodes for t in tallies) >= total / 10:
                rss["after_first_tenth"] = value

    if transport == "ws":
        import trace_env.server.client  # noqa: F401  (OpenEnv's import is not part of the load)
    else:
        import httpx  # noqa: F401
    traces = [Traces(policy, problems, seed + i) for i in range(clients)]
    cpu_start = cpu_seconds(server_pid) if server_pid else None
    start = time.monotonic()
    deadline = start + max_seconds
    sampler = asyncio.create_task(sample_rss())
    try:
        await asyncio.gather(*(
            client_loop(driver_cls(url), traces[i], episodes, deadline, tally)
            for i, tally in enumerate(tallies)
        ))
    finally:
        sampler.cancel()
    elapsed = time.monotonic() - start
    cpu_end = cpu_seconds(server_pid) if server_pid else None
    rss["end"] = rss_bytes(server_pid) if server_pid else None
    done = sum(t.episodes for t in tallies)
    steps = sum(t.steps for t in tallies)
    errors = sum(t.errors for t in tallies)
    mib = {k: (round(v / 2**20, 1) if v else None) for k, v in rss.items()}
    return {
        "transport": transport, "policy": policy, "clients": clients, "episodes_per_client": episodes,
        "episodes_done": done, "episodes_planned": total, "stopped_by_time_limit": done + errors < total,
        "seconds": round(elapsed, 1),
        "episodes_per_s": round(done / elapsed, 1) if elapsed else None,
        "steps": steps, "steps_per_s": round(steps / elapsed, 1) if elapsed else None,
        "step_ms_p50": percentile([x for t in tallies for x in t.step_ms], 0.50),
        "step_ms_p99": percentile([x for t in tallies for x in t.step_ms], 0.99),
        "reset_ms_p50": percentile([x for t in tallies for x in t.reset_ms], 0.50),
        "reset_ms_p99": percentile([x for t in tallies for x in t.reset_ms], 0.99),
        "errors": errors,
        "error_samples": [s for t in tallies for s in t.error_samples][:10],
        "oracle_steps": sum(t.oracle_steps for t in tallies),
        "oracle_steps_not_1.0": sum(t.oracle_not_correct for t in tallies),
        "mean_step_reward": round(sum(t.reward_sum for t in tallies) / steps, 4) if steps else None,
        "server_rss_mib": mib,
        # the server's own CPU per step (its reset included): less sensitive to the machine's load
        "server_cpu_ms_per_step": (round(1000 * (cpu_end - cpu_start) / steps, 3)
                                   if steps and cpu_start is not None and cpu_end is not None else None),
    }


# ---------------------------------------------------------------------------------- main

def _version(dist: str) -> str | None:
    from importlib import metadata

    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--clients", type=int, default=32)
    p.add_argument("--episodes", type=int, default=1000, help="episodes per client")
    p.add_argument("--env", default="GSMTrace-v0", choices=("GSMTrace-v0", "GSMTraceRefine-v1", "GSMTraceRefine-v0"),
                   help="environment id served (GSMTraceRefine-v1: the current refinement env; -v0: its older, "
                        "revealing version)")
    p.add_argument("--policy", default="oracle", choices=POLICIES)
    p.add_argument("--transport", default="ws", choices=("ws", "http"))
    p.add_argument("--n", type=int, default=1000, help="synthetic problems the server serves (seed 0)")
    p.add_argument("--seed", type=int, default=0, help="seed of the random traces")
    p.add_argument("--max-seconds", type=float, default=900.0, help="no new episode starts after this")
    p.add_argument("--url", default=None,
                   help="use a running loopback server (same --env and --n) instead of starting one; "
                        "no RSS figures unless --server-pid")
    p.add_argument("--server-pid", type=int, default=None)
    p.add_argument("--baseline-seconds", type=float, default=10.0,
                   help="length of the in-process baseline loop (0: skip it, no ratios)")
    p.add_argument("--out", default=None, help="also write the JSON result here")
    return p


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = build_parser().parse_args(argv)
    sys.modules.setdefault("gradio", None)  # type: ignore[arg-type]  # OpenEnv's optional web UI: not needed
    load_before = [round(x, 2) for x in os.getloadavg()]
    from trace_env.sources import load_source

    problems = load_source("synthetic", n=args.n, seed=0)
    baseline = None
    if args.baseline_seconds > 0:   # before the server starts: nothing else of this run competes with it
        baseline = in_process_loop(args.env, args.n, args.policy, problems, seconds=args.baseline_seconds,
                                   seed=args.seed)
    proc = None
    url, pid = args.url, args.server_pid
    try:
        if url is None:
            port = free_port()
            proc = start_server(["--env", args.env, "--n", str(args.n),
                                 "--max-sessions", str(max(args.clients, 1) + 8)], port)
            url, pid = f"http://127.0.0.1:{port}", proc.pid
        url = check_loopback(url)
        t0 = time.monotonic()
        wait_healthy(url, proc)
        startup_s = time.monotonic() - t0
        result = asyncio.run(run_load(
            url, clients=args.clients, episodes=args.episodes, policy=args.policy, problems=problems,
            transport=args.transport, max_seconds=args.max_seconds, seed=args.seed, server_pid=pid,
        ))
        result["server_stats_at_end"] = get_json(f"{url}/stats")
        result["server_startup_s"] = round(startup_s, 1) if proc is not None else None
    finally:
        if proc is not None:
            stop_server(proc)
    if baseline is not None:
        result["in_process"] = baseline
        result["ratio_to_in_process"] = add_ratios(result, baseline)
    result.update(
        env=args.env, openenv=_version("openenv"), machine=f"{platform.machine()}, {os.cpu_count()} CPUs (shared)",
        load_average_before=load_before,
        load_average_after=[round(x, 2) for x in os.getloadavg()], python=platform.python_version(),
        date=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    )
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n")
    return result


if __name__ == "__main__":
    outcome = main()
    raise SystemExit(1 if outcome["errors"] else 0)
