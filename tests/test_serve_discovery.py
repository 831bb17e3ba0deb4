"""OpenEnv finds the GSMTrace environment: `AutoEnv.from_env("gsmtrace", base_url=...)`.

OpenEnv 0.4's discovery (`openenv.auto._discovery`) walks the installed distributions whose name
starts with "openenv-", imports the module named by the rest ("-" -> "_"), reads `openenv.yaml`
from it and takes the client, action and observation classes from `<module>.client`. The project
ships that distribution in `integrations/openenv-gsmtrace-env` (module `gsmtrace_env`). These
tests run OpenEnv's own discovery code against it: first from the source tree (always), then
through the installed distribution and a live server (when it is installed:
`pip install -e integrations/openenv-gsmtrace-env --no-deps`).
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
from pathlib import Path

import pytest
from serving import import_openenv_without_gradio  # tests/serving.py

try:
    import tomllib
except ModuleNotFoundError:   # Python 3.10 (OpenEnv depends on tomli there)
    import tomli as tomllib

pytest.importorskip("openenv", reason="the server extra is not installed")


import_openenv_without_gradio()
from openenv.auto import _discovery  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SHIM = ROOT / "integrations" / "openenv-gsmtrace-env"
DIST = "openenv-gsmtrace-env"


def _module_name(dist: str) -> str:
    # OpenEnv's rule, as in EnvironmentDiscovery._discover_installed_packages
    return dist.replace("openenv-", "").replace("-", "_")


def _installed() -> bool:
    try:
        importlib.metadata.distribution(DIST)
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


@pytest.fixture
def private_discovery(tmp_path, monkeypatch):
    """OpenEnv's global discovery, with its file cache (normally shared, in the temp dir) made private."""
    discovery = _discovery.EnvironmentDiscovery()
    discovery._cache_file = tmp_path / "openenv_discovery_cache.json"
    monkeypatch.setattr(_discovery, "_global_discovery", discovery)
    return discovery


def test_the_shim_is_named_and_packaged_as_openenv_expects():
    project = tomllib.loads((SHIM / "pyproject.toml").read_text())
    name = project["project"]["name"]
    assert name == DIST and name.startswith("openenv-") and name != "openenv-core"
    module = _module_name(name)
    assert module == "gsmtrace_env" and (SHIM / module / "__init__.py").is_file()
    assert project["tool"]["setuptools"]["packages"] == [module]
    assert "openenv.yaml" in project["tool"]["setuptools"]["package-data"][module]
    assert (SHIM / module / "openenv.yaml").is_file()


def test_openenv_reads_the_manifest_and_finds_the_classes(monkeypatch):
    from trace_env.server.client import GSMTraceClient
    from trace_env.server.models import TraceAction, TraceObservation

    monkeypatch.syspath_prepend(str(SHIM))   # the source tree, installed or not
    info = _discovery._create_env_info_from_package(DIST, _module_name(DIST), "0.1.0")
    assert info is not None and info.manifest is not None, "openenv.yaml was not read"
    assert info.env_key == "gsmtrace" and info.name == "gsmtrace_env" and info.spec_version == 1
    assert info.get_client_class() is GSMTraceClient
    assert info.get_action_class() is TraceAction
    assert info.get_observation_class() is TraceObservation
    # the manifest's app entry point resolves (a default GSMTrace-v0 server, built on first use)
    module_name, _, attribute = info.manifest["app"].partition(":")
    from fastapi import FastAPI

    assert isinstance(getattr(importlib.import_module(module_name), attribute), FastAPI)


@pytest.mark.skipif(not _installed(), reason=f"{DIST} is not installed: pip install -e {SHIM.relative_to(ROOT)} --no-deps")
def test_autoenv_from_env_connects_to_a_running_server(private_discovery, tmp_path):
    from openenv import AutoAction, AutoEnv

    from trace_env.server.client import GSMTraceClient
    from trace_env.server.models import TraceAction

    found = private_discovery.discover(use_cache=False)
    assert "gsmtrace" in found and found["gsmtrace"].package_name == DIST
    for alias in ("gsmtrace", "gsmtrace-env", "gsmtrace_env"):
        assert private_discovery.get_environment_by_name(alias) is found["gsmtrace"]
    assert AutoAction.from_env("gsmtrace") is TraceAction

    spec = importlib.util.spec_from_file_location("serve_load", ROOT / "bench" / "serve_load.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    port = bench.free_port()
    proc = bench.start_server(["--n", "20"], port, tmp_path / "server.log")
    url = f"http://127.0.0.1:{port}"
    try:
        bench.wait_healthy(url, proc, timeout=120)
        client = AutoEnv.from_env("gsmtrace", base_url=url)
        assert isinstance(client, GSMTraceClient)
        with client.sync() as env:
            first = env.reset(index=3)
            assert first.observation.problem_id and not first.done
            result = env.step(TraceAction(trace="no trace at all"))
            assert result.done and result.reward == 0.0
    finally:
        bench.stop_server(proc)
