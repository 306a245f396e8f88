"""Benchmark: peak memory and time to export a repository holding one large blob.

    python benchmarks/bench_blob_export.py [--mb 150] [--runs 3]

Makes a git repository with one incompressible file of --mb MiB (packed, as a fetch leaves
it) and exports it three ways, each in a fresh process: our GitSource.export (blobs streamed),
dulwich's whole-object read (what the export did before: ``get_raw`` and one write), and
``git checkout-index``, the command dep v0.5.4 runs for an export. Prints the median wall
time and the peak RSS of each.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

OURS = """
import sys
from dep.sources.git import GitSource
GitSource("file://" + sys.argv[1], sys.argv[2]).export(sys.argv[3], sys.argv[4])
"""

WHOLE = """
import sys
from dulwich.repo import Repo
repo = Repo(sys.argv[1])
tree = repo[repo[sys.argv[3].encode()].tree]
for entry in tree.iteritems():
    _, data = repo.object_store.get_raw(entry.sha)
    with open(sys.argv[4] + "/" + entry.path.decode(), "wb") as f:
        f.write(data)
repo.close()
"""


def peak_rss_mb(argv: list[str], env: dict) -> tuple[float, float]:
    """(seconds, peak RSS in MiB) of one child process, from its own rusage."""
    t0 = time.perf_counter()
    pid = subprocess.Popen(argv, env=env).pid
    _, status, usage = os.wait4(pid, 0)
    if status:
        raise SystemExit(f"{argv[:3]} failed")
    return time.perf_counter() - t0, usage.ru_maxrss / 1024


def git(*args: str, cwd: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=int, default=150)
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    base = tempfile.mkdtemp(prefix="dep-bench-blob-")
    repo = os.path.join(base, "repo")
    os.mkdir(repo)
    git("init", "-q", cwd=repo)
    with open(os.path.join(repo, "big.bin"), "wb") as f:
        for _ in range(a.mb):
            f.write(os.urandom(1 << 20))
    git("add", ".", cwd=repo)
    git("-c", "user.name=b", "-c", "user.email=b@b", "commit", "-qm", "big", cwd=repo)
    git("gc", "-q", cwd=repo)
    rev = git("rev-parse", "HEAD", cwd=repo)
    env = dict(os.environ, GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1")
    results: dict[str, list[tuple[float, float]]] = {"ours (streamed)": [], "whole object": [],
                                                     "git checkout-index (dep)": []}
    for i in range(a.runs):
        for name in results:
            out = os.path.join(base, f"out-{name[:4]}-{i}")
            os.mkdir(out)
            if name.startswith("ours"):
                argv = [sys.executable, "-c", OURS, repo, os.path.join(base, f"cache-{i}"), rev, out]
            elif name.startswith("whole"):
                argv = [sys.executable, "-c", WHOLE, repo, "", rev, out]
            else:
                argv = ["git", "-C", repo, "checkout-index", "-a", "-f", "--prefix=" + out + "/"]
            results[name].append(peak_rss_mb(argv, env))
            subprocess.run(["rm", "-rf", out])
    print(f"export of one {a.mb} MiB blob, median of {a.runs} runs (ours includes the local clone into the cache)")
    for name, rows in results.items():
        print(f"  {name:26} {statistics.median(t for t, _ in rows):6.2f} s  "
              f"{statistics.median(m for _, m in rows):7.1f} MiB peak RSS")
    subprocess.run(["rm", "-rf", base])


if __name__ == "__main__":
    main()
