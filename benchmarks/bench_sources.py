"""Benchmark: list + export the 15 projects of golang/dep v0.5.4's Gopkg.lock, cold and warm.

    GIT_CONFIG_GLOBAL=/tmp/dep-mirrors/gitconfig HTTP_PROXY=http://127.0.0.1:PORT \\
      python benchmarks/bench_sources.py LOCKFILE [--runs 5] [--workers 8]

Sources are reached through local mirrors (see ../shared/conformance/README.md: mkmirror.sh
makes the mirrors and the git config; goget_proxy.py answers golang.org/x discovery).
"cold" starts from an empty cache dir; "warm" reuses the cache of a previous run in a new
process-equivalent manager (nothing memoised in memory). Prints medians in seconds.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time

from dep.bridge import ProjectIdentifier
from dep.lock import read_lock
from dep.sources.manager import SourceManager


def run_once(lock, cachedir: str, workers: int) -> float:
    out = tempfile.mkdtemp(prefix="dep-bench-vendor-")
    try:
        t0 = time.perf_counter()
        sm = SourceManager(cachedir, workers=workers)
        items = [(ProjectIdentifier(p.name, p.source), p.revision) for p in lock.projects]
        sm.run_parallel([pid for pid, _ in items], sm.list_versions)
        sm.export_all(items, out)
        return time.perf_counter() - t0
    finally:
        shutil.rmtree(out, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("lockfile")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--workers", type=int, default=8)
    a = ap.parse_args()
    lock = read_lock(a.lockfile)
    cold, warm = [], []
    for _ in range(a.runs):
        cachedir = tempfile.mkdtemp(prefix="dep-bench-cache-")
        os.makedirs(os.path.join(cachedir, "sources"))
        try:
            cold.append(run_once(lock, cachedir, a.workers))
            warm.append(run_once(lock, cachedir, a.workers))
        finally:
            shutil.rmtree(cachedir, ignore_errors=True)
    print(f"{len(lock.projects)} projects, {a.runs} runs, {a.workers} workers")
    print(f"cold list+export: median {statistics.median(cold):.3f} s")
    print(f"warm list+export: median {statistics.median(warm):.3f} s")


if __name__ == "__main__":
    sys.exit(main())
