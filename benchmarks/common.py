"""Timing helpers shared by the benchmarks: wall-clock medians of whole commands."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time

# The installed console script, as users run it (python -m dep also pays for runpy).
DEP = [os.path.join(os.path.dirname(sys.executable), "dep")]


def interleaved_medians(commands: list[list[str]], cwd: str, env: dict, runs: int = 15,
                        warmup: int = 2) -> list[float]:
    """Median wall-clock seconds of each command, run in turn round after round, so that load
    from other processes or the disk falls on all of them alike."""
    times: list[list[float]] = [[] for _ in commands]
    for round_ in range(warmup + runs):
        for argv, acc in zip(commands, times):
            t0 = time.perf_counter()
            subprocess.run(argv, cwd=cwd, env=env, capture_output=True)
            if round_ >= warmup:
                acc.append(time.perf_counter() - t0)
    return [statistics.median(t) for t in times]


def compile_sources() -> None:
    """Make sure .pyc files exist, so a PYTHONDONTWRITEBYTECODE environment is not timed compiling."""
    import compileall

    compileall.compile_dir(os.path.join(os.path.dirname(__file__), "..", "src", "dep"), quiet=1)


def tree_benchmark_args(default_runs: int):
    """Arguments of the benchmarks run on a golang/dep v0.5.4 tree, and the tools to time:
    ``{"ours": argv}``, plus ``"dep"`` with --go-dep."""
    import argparse

    ap = argparse.ArgumentParser()
    ap.add_argument("tree", help="golang/dep v0.5.4 source tree")
    ap.add_argument("--go-dep", help="dep v0.5.4 binary to time alongside")
    ap.add_argument("--runs", type=int, default=default_runs)
    a = ap.parse_args()
    tools = {"ours": DEP}
    if a.go_dep:
        tools["dep"] = [a.go_dep]
    return a, tools


def copy_into_gopath(tree: str, base: str) -> tuple[str, str]:
    """Copy the dep source tree to ``<base>/gopath/src/github.com/golang/dep``; (project, GOPATH)."""
    import shutil

    gopath = os.path.join(base, "gopath")
    project = os.path.join(gopath, "src", "github.com", "golang", "dep")
    shutil.copytree(tree, project, symlinks=True, ignore=shutil.ignore_patterns(".git"))
    return project, gopath


def run_timed(argv: list[str], cwd: str, env: dict) -> tuple[float, subprocess.CompletedProcess]:
    """Wall-clock seconds of one whole command and its result, for benchmarks that report a
    failing scenario instead of stopping."""
    t0 = time.perf_counter()
    r = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True)
    return time.perf_counter() - t0, r


def timed(argv: list[str], cwd: str, env: dict) -> float:
    """Wall-clock seconds of one whole command; its failure ends the benchmark with its stderr."""
    elapsed, r = run_timed(argv, cwd, env)
    if r.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed in {cwd}:\n{r.stderr}")
    return elapsed
