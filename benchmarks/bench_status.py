"""Benchmark: `dep status` on golang/dep v0.5.4's own project (15 locked projects).

    GIT_CONFIG_GLOBAL=/tmp/dep-mirrors/gitconfig HTTP_PROXY=http://127.0.0.1:PORT \\
    HTTPS_PROXY=http://127.0.0.1:PORT \\
      python benchmarks/bench_status.py DEP_SOURCE_TREE [--go-dep PATH] [--runs 9]

DEP_SOURCE_TREE is a checkout of golang/dep at v0.5.4; it is copied into a scratch GOPATH per
tool. Sources come from local mirrors (see ../shared/conformance/README.md). Each tool gets its
own cache dir, warmed by one untimed run of every command, so the timed runs measure a warm
`dep status`: read the project, list every locked project's versions, read their Gopkg.toml
at the locked revision. Also timed: `status -dot` (lists each project's packages) and
`status -old` (a full solve). With --go-dep the same commands run with that binary, the two
tools taking turns run by run, and their outputs are compared. Prints medians in seconds.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from common import compile_sources, copy_into_gopath, tree_benchmark_args  # noqa: E402

COMMANDS = [["status"], ["status", "-dot"], ["status", "-old"]]


def main() -> None:
    a, tools = tree_benchmark_args(default_runs=9)
    compile_sources()
    tmp = tempfile.mkdtemp(prefix="dep-bench-status-")
    try:
        where = {}
        for name in tools:
            project, gopath = copy_into_gopath(a.tree, os.path.join(tmp, name))
            os.makedirs(os.path.join(tmp, name, "cache"))
            where[name] = (project, dict(os.environ, GOPATH=gopath, PWD=project,
                                         DEPCACHEDIR=os.path.join(tmp, name, "cache")))
        print(f"golang/dep v0.5.4, 15 locked projects, warm cache, {a.runs} runs, medians in seconds")
        for args in COMMANDS:
            outputs = {}
            for name, argv in tools.items():  # warm-up, and the outputs to compare
                project, env = where[name]
                r = subprocess.run(argv + args, cwd=project, env=env, capture_output=True, text=True)
                if r.returncode != 0:
                    raise SystemExit(f"{name} {' '.join(args)} failed:\n{r.stderr}")
                outputs[name] = r.stdout
            same = "" if len(set(outputs.values())) == 1 else "  (outputs differ!)"
            medians = _turns(tools, where, args, a.runs)
            row = "  ".join(f"{name} {m:.3f}" for name, m in zip(tools, medians))
            ratio = f"  ratio {medians[0] / medians[1]:.2f}" if len(medians) == 2 else ""
            print(f"{' '.join(args):14} {row}{ratio}{same}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _turns(tools: dict, where: dict, args: list[str], runs: int) -> list[float]:
    """Median seconds per tool, the tools taking turns run by run (each in its own project and
    cache), so load from other processes falls on both alike."""
    times: dict[str, list[float]] = {name: [] for name in tools}
    for _ in range(runs):
        for name, argv in tools.items():
            project, env = where[name]
            t0 = time.perf_counter()
            subprocess.run(argv + args, cwd=project, env=env, capture_output=True)
            times[name].append(time.perf_counter() - t0)
    return [statistics.median(times[name]) for name in tools]


if __name__ == "__main__":
    main()
