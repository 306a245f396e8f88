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
