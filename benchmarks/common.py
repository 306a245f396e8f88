"""Timing helpers shared by the benchmarks: wall-clock medians of whole commands."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time

DEP = [sys.executable, "-m", "dep"]


def median_seconds(argv: list[str], cwd: str, env: dict, runs: int = 15, warmup: int = 2) -> float:
    for _ in range(warmup):
        subprocess.run(argv, cwd=cwd, env=env, capture_output=True)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(argv, cwd=cwd, env=env, capture_output=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def compile_sources() -> None:
    """Make sure .pyc files exist, so a PYTHONDONTWRITEBYTECODE environment is not timed compiling."""
    import compileall

    compileall.compile_dir(os.path.join(os.path.dirname(__file__), "..", "src", "dep"), quiet=1)
