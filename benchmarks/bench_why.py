"""Benchmark: `dep why` on golang/dep v0.5.4's own project (15 locked projects), warm.

    GIT_CONFIG_GLOBAL=/tmp/conf/mirrors/gitconfig HTTP_PROXY=http://127.0.0.1:18081 \\
      python benchmarks/bench_why.py /tmp/conf/dep054 [--runs 15]

The tree is copied into a scratch GOPATH; one `dep ensure -vendor-only` fills the source
cache (and vendor/); one untimed `dep why` per command fills the per-revision package
analysis kept in the metadata cache. Then whole `dep why` processes are timed, taking turns
round by round: -m for several projects from the cache, the same with -vendor, and single
packages (one near the root, one deep, one nothing needs: the whole graph walked three times).
Prints medians in seconds.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from common import (DEP, compile_sources, copy_into_gopath, interleaved_medians, timed,  # noqa: E402
                    tree_benchmark_args)

PROJECTS = ["github.com/sdboyer/constext", "golang.org/x/sys", "github.com/golang/protobuf", "gopkg.in/yaml.v2",
            "github.com/boltdb/bolt", "golang.org/x/net"]
COMMANDS = [
    ["why", "-m", *PROJECTS],
    ["why", "-vendor", "-m", *PROJECTS],
    ["why", "github.com/pkg/errors"],
    ["why", "golang.org/x/net/context"],
    ["why", "golang.org/x/sys/windows"],
]


def main() -> None:
    a, _ = tree_benchmark_args(default_runs=15)
    compile_sources()
    tmp = tempfile.mkdtemp(prefix="dep-bench-why-")
    try:
        project, gopath = copy_into_gopath(a.tree, os.path.join(tmp, "ours"))
        env = dict(os.environ, GOPATH=gopath, PWD=project, DEPCACHEDIR=os.path.join(tmp, "cache"))
        shutil.rmtree(os.path.join(project, "vendor"), ignore_errors=True)
        timed(DEP + ["ensure", "-vendor-only"], project, env)
        commands = [DEP + args for args in COMMANDS]
        outputs = [subprocess.run(c, cwd=project, env=env, capture_output=True, text=True) for c in commands]
        for args, r in zip(COMMANDS, outputs):
            if r.returncode != 0:
                raise SystemExit(f"dep {' '.join(args)} failed:\n{r.stderr}")
        medians = interleaved_medians(commands, project, env, runs=a.runs)
        print(f"golang/dep v0.5.4, 15 locked projects, warm, {a.runs} runs, medians in seconds")
        for args, m in zip(COMMANDS, medians):
            shown = " ".join(args) if len(args) < 5 else " ".join(args[:args.index("-m") + 1]) + f" ({len(PROJECTS)} projects)"
            print(f"  {m:.3f}  dep {shown}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
